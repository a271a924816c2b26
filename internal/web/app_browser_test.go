package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/alert"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// workerReady waits until a service worker controls the page, and gives
// its registration's scope and state. The worker claims the pages open
// when it activates; should a loaded machine leave the page uncontrolled
// a while after that, the page is loaded again, as a member's next page
// would be, which an active worker always controls.
func workerReady(t *testing.T, ctx context.Context) (scope, state string) {
	t.Helper()
	var last []string
	var lastErr error
	for i := range 200 {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`navigator.serviceWorker.ready.then(function (r) {
			return [r.scope, r.active ? r.active.state : '', navigator.serviceWorker.controller ? 'controlled' : ''];
		})`, chromedp.EvalAwaitPromise))
		if err == nil && len(v) == 3 && v[1] == "activated" && v[2] == "controlled" {
			return v[0], v[1]
		}
		if i == 60 && err == nil && len(v) == 3 && v[1] == "activated" {
			if err := browserSteps(ctx, chromedp.Reload()); err != nil {
				t.Fatal(err)
			}
		}
		last, lastErr = v, err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no service worker came to control the page: %v %v", last, lastErr)
	return "", ""
}

type pwaInstall struct {
	ManifestID string `json:"manifestId"`
	URL        string `json:"installUrlOrBundleUrl,omitempty"`
}
type pwaLaunch struct {
	ManifestID string `json:"manifestId"`
	URL        string `json:"url,omitempty"`
}
type pwaLaunched struct {
	TargetID target.ID `json:"targetId"`
}

// installed installs the app whose manifest id is id (from the page in
// ctx), opens url in it as its own window, and gives that window's context.
func installed(t *testing.T, ctx context.Context, id, url string) context.Context {
	t.Helper()
	b := chromedp.FromContext(ctx).Target // install from the page the tab shows
	if _, err := cdp.Call(ctx, b, cdp.Command[pwaInstall, cdp.Empty]{Method: "PWA.install"}, pwaInstall{ManifestID: id}); err != nil {
		t.Fatalf("installing the app: %v", err)
	}
	type settings struct {
		ManifestID  string `json:"manifestId"`
		DisplayMode string `json:"displayMode"`
	}
	// Headless Chromium opens an app in a tab unless told otherwise.
	if _, err := cdp.Call(ctx, b, cdp.Command[settings, cdp.Empty]{Method: "PWA.changeAppUserSettings"}, settings{id, "standalone"}); err != nil {
		t.Fatalf("opening the app in its own window: %v", err)
	}
	res, err := cdp.Call(ctx, b, cdp.Command[pwaLaunch, pwaLaunched]{Method: "PWA.launch"}, pwaLaunch{ManifestID: id, URL: url})
	if err != nil {
		t.Fatalf("opening the app: %v", err)
	}
	// Launching gives the window's tab target; the page is the one in it.
	page := func() target.ID {
		tab := chromedp.FromContext(ctx).Target.TargetID
		for range 100 {
			targets, err := chromedp.Targets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, tg := range targets {
				if tg.Type == "page" && tg.TargetID != tab && tg.URL == url {
					return tg.TargetID
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("the app's window (%s) never showed %s", res.TargetID, url)
		return ""
	}()
	actx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(page))
	t.Cleanup(cancel)
	if err := browserSteps(actx, chromedp.WaitVisible("a.quick-exit")); err != nil {
		t.Fatal(err)
	}
	return actx
}

// workerTarget is a context on the page's service worker.
func workerTarget(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	targets, err := chromedp.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		if tg.Type == "service_worker" {
			wctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(tg.TargetID))
			t.Cleanup(cancel)
			return wctx
		}
	}
	t.Fatal("no service worker target")
	return nil
}

// cached is every request and body in the page's CacheStorage.
type cached struct{ Cache, URL, Body string }

func cacheContents(t *testing.T, ctx context.Context) []cached {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]cached](`(async function () {
		var out = [];
		for (var k of await caches.keys()) {
			var c = await caches.open(k);
			for (var req of await c.keys()) {
				var res = await c.match(req);
				out.push({Cache: k, URL: req.url, Body: await res.text()});
			}
		}
		return out;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// byRule are Network.emulateNetworkConditionsByRule's parameters as the
// Chromium the tests run has them (it refuses cdproto's spelling).
type byRule struct {
	Offline    bool `json:"offline"`
	Conditions []struct {
		URLPattern         string  `json:"urlPattern"`
		Latency            float64 `json:"latency"`
		DownloadThroughput float64 `json:"downloadThroughput"`
		UploadThroughput   float64 `json:"uploadThroughput"`
	} `json:"matchedNetworkConditions"`
}

// offline cuts the tab off the network (off) or puts it back.
func offline(off bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		p := byRule{Offline: off}
		p.Conditions = append(p.Conditions, struct {
			URLPattern         string  `json:"urlPattern"`
			Latency            float64 `json:"latency"`
			DownloadThroughput float64 `json:"downloadThroughput"`
			UploadThroughput   float64 `json:"uploadThroughput"`
		}{DownloadThroughput: -1, UploadThroughput: -1})
		_, err := cdp.Call(ctx, tgt, cdp.Command[byRule, cdp.Empty]{Method: "Network.emulateNetworkConditionsByRule"}, p)
		return err
	})
}

// TestInstallableApp_OfflineShowsTheNeutralPageAndNoAlertIsKept: Chromium
// finds the manifest valid and the app installable, and the service worker
// active at scope "/". A member reads an alert; offline, reloading it shows
// the neutral offline page (accessible, nothing blocked by the CSP), and
// the caches hold only static files and the offline page, no alert text.
func TestInstallableApp_OfflineShowsTheNeutralPageAndNoAlertIsKept(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	const title, detail = "Robbery — Hackney, London", "a scar on his left hand"
	a := d.publish(alert.Input{Title: ptr(title), IncidentTypes: ptr([]string{"robbery"}),
		Body: ptr("What happened: a robbery on Tuesday in Hackney. Description: man, aged about 40s, " + detail + ".")})
	ctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	setCookie := chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: d.toks["member"], URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
		return err
	})
	alertURL := d.ts.URL + "/alerts/" + a.ID
	if err := browserSteps(ctx, setCookie, chromedp.Navigate(d.ts.URL+"/alerts"), chromedp.Navigate(alertURL)); err != nil {
		t.Fatal(err)
	}
	if scope, state := workerReady(t, ctx); scope != d.ts.URL+"/" || state != "activated" {
		t.Errorf("service worker at scope %q, %s; want %q, activated", scope, state, d.ts.URL+"/")
	}
	// Installable: the manifest parses without error and Chromium names
	// nothing that stops installing it.
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		m, err := cdp.Call(ctx, tgt, page.GetAppManifest, page.GetAppManifestParams{})
		if err != nil {
			return err
		}
		if m.URL != d.ts.URL+"/manifest.webmanifest" || len(m.Errors) > 0 || m.Manifest == nil {
			t.Errorf("manifest %s: errors %v", m.URL, m.Errors)
		} else if !strings.EqualFold(strings.TrimPrefix(m.Manifest.Display, "k"), "standalone") || m.Manifest.StartURL != d.ts.URL+"/alerts" || m.Manifest.Scope != d.ts.URL+"/" || m.Manifest.Name != "Test Mugs" {
			t.Errorf("manifest as Chromium reads it: display %q, start %q, scope %q, name %q", m.Manifest.Display, m.Manifest.StartURL, m.Manifest.Scope, m.Manifest.Name)
		}
		inst, err := cdp.Call(ctx, tgt, page.GetInstallabilityErrors, cdp.Empty{})
		if err != nil {
			return err
		}
		for _, e := range inst.InstallabilityErrors {
			t.Errorf("not installable: %s", e.ErrorID)
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	// Read again, now through the worker (it controls the tab), as a
	// member of the installed app reads it.
	if err := browserSteps(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	workerReady(t, ctx)
	if body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`)); err != nil || !strings.Contains(body, detail) {
		t.Fatalf("the alert page does not show the alert (%v)", err)
	}
	// A script's request through the worker (not a navigation) is not kept either.
	if status, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`fetch(location.href).then(function (r) { return r.status; })`, chromedp.EvalAwaitPromise)); err != nil || status != 200 {
		t.Fatalf("fetching the alert from the page: %d %v", status, err)
	}

	// Offline, the same address shows the neutral page. The tab and its
	// service worker are each cut off (the worker is a target of its own).
	worker := workerTarget(t, ctx)
	if err := browserSteps(worker, offline(true)); err != nil {
		t.Fatal(err)
	}
	if err := browserSteps(ctx, offline(true), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	var body string
	for range 100 {
		if body, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`)); err == nil && strings.Contains(body, "You are offline") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(body, "You are offline. Check your connection and try again.") || strings.Contains(body, detail) || strings.Contains(body, "Test Mugs") {
		t.Fatalf("offline, the alert's address shows:\n%s", body)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != alertURL {
		t.Errorf("offline page at %s (%v), want the address asked for", loc, err)
	}
	if v := browsertest.CSPViolations(t, ctx); len(v) > 0 {
		t.Errorf("offline: the Content-Security-Policy blocked %v", v)
	}
	accessible(t, ctx, "the offline page")
	browsertest.Screenshot(t, ctx, "app-offline")

	// Nothing but static files and the offline page in any cache, and no
	// word of the alert.
	staticFile := regexp.MustCompile(`^` + regexp.QuoteMeta(d.ts.URL) + `/static/[a-z0-9-]+\.[0-9a-f]{8}\.(css|js|svg|png)$`)
	entries := cacheContents(t, ctx)
	var sawOffline, sawCSS bool
	for _, e := range entries {
		switch {
		case e.URL == d.ts.URL+"/offline":
			sawOffline = true
		case staticFile.MatchString(e.URL):
			sawCSS = sawCSS || strings.Contains(e.URL, "/static/site.")
		default:
			t.Errorf("cache %s holds %s", e.Cache, e.URL)
		}
		for _, secret := range []string{title, detail, "Hackney", a.ID, "m.iris", "Iris", "iris@example.org"} {
			if strings.Contains(e.Body, secret) || strings.Contains(e.URL, secret) {
				t.Errorf("cache %s: %s holds %q", e.Cache, e.URL, secret)
			}
		}
	}
	if !sawOffline || !sawCSS {
		t.Errorf("the caches lack the offline page (%v) or the style sheet (%v): %d entries", sawOffline, sawCSS, len(entries))
	}
	// Back online, the page is the alert again.
	if err := browserSteps(worker, offline(false)); err != nil {
		t.Fatal(err)
	}
	if err := browserSteps(ctx, offline(false), chromedp.Navigate(alertURL)); err != nil {
		t.Fatal(err)
	}
	if body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`)); err != nil || !strings.Contains(body, detail) {
		t.Errorf("back online, the alert does not show (%v)", err)
	}
}

// TestQuickExit_ClearsTheAppsCachesAndWorker: in the installed app
// (installed through DevTools, opened in its own window: display-mode
// standalone, pages under its service worker), the quick exit leaves for
// the neutral site as in a tab, the page left is not in the back history,
// and afterwards the site has no cache and no service worker left.
func TestQuickExit_ClearsTheAppsCachesAndWorker(t *testing.T) {
	n := neutral(t)
	ts := newServerSettings(t, storetest.Open(t, store.SQLite), func(s *scheme.Settings) { s.QuickExitURL = n.URL + "/weather" })
	ctx := browsertest.New(t)
	if err := browserSteps(ctx, chromedp.Navigate(ts.URL+"/about")); err != nil {
		t.Fatal(err)
	}
	workerReady(t, ctx)
	ctx = installed(t, ctx, ts.URL+"/", ts.URL+"/about")
	mode, err := chromedp.Run(ctx, chromedp.Evaluate[string](`['standalone', 'minimal-ui', 'fullscreen', 'browser'].filter(function (m) {
		return matchMedia('(display-mode: ' + m + ')').matches;
	}).join()`))
	if err != nil || mode != "standalone" {
		t.Fatalf("the app shows in display mode %q, not standalone (%v)", mode, err)
	}
	workerReady(t, ctx)
	if len(cacheContents(t, ctx)) == 0 {
		t.Fatal("the worker kept nothing: the test would prove nothing")
	}
	if err := browserSteps(ctx, chromedp.Navigate(ts.URL+"/privacy"), chromedp.Click("a.quick-exit", chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, ctx, n.URL+"/weather")
	for _, u := range history(t, ctx) {
		if strings.HasSuffix(u, "/privacy") {
			t.Errorf("the page left is still in the app's back history: %s", u)
		}
	}
	// A page of the site that runs no script (and so registers nothing).
	if err := browserSteps(ctx, chromedp.Navigate(ts.URL+"/healthz")); err != nil {
		t.Fatal(err)
	}
	left := []int64{-1, -1}
	for range 100 {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]int64](`Promise.all([caches.keys(), navigator.serviceWorker.getRegistrations()]).then(function (r) {
			return [r[0].length, r[1].length];
		})`, chromedp.EvalAwaitPromise))
		if err == nil && len(v) == 2 {
			if left = v; v[0] == 0 && v[1] == 0 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("after the quick exit the site still has %d caches and %d service workers", left[0], left[1])
}
