package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
	"uglymugs/internal/notify"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestPushNotification_TheWorkerShowsTheNeutralWords: a push message, as
// the browser's push service hands it to the installed app's service
// worker, becomes a notification with the message's neutral words and the
// scheme's icon, or in discreet mode the notepad's; nothing else of the
// payload shows, and opening it goes to the alert on this site only.
func TestPushNotification_TheWorkerShowsTheNeutralWords(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	ctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	origin := d.ts.URL
	setCookie := chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: d.toks["member"], URL: origin, Domain: u.Hostname(), Path: "/"})
		return err
	})
	registrations := make(chan serviceworker.RegistrationID, 8)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*serviceworker.EventWorkerRegistrationUpdated); ok {
			for _, r := range e.Registrations {
				if r.ScopeURL == origin+"/" && !r.IsDeleted {
					registrations <- r.RegistrationID
				}
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := browserSteps(ctx, setCookie, chromedp.Navigate(origin+"/alerts")); err != nil {
		t.Fatal(err)
	}
	workerReady(t, ctx)
	var reg serviceworker.RegistrationID
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tgt, serviceworker.Enable, cdp.Empty{}); err != nil {
			return err
		}
		select {
		case reg = <-registrations:
		case <-time.After(20 * time.Second):
			t.Fatal("Chromium named no service worker registration")
		}
		_, err := cdp.Call(ctx, chromedp.FromContext(ctx).Browser, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: browser.PermissionSettingGranted, Origin: origin,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name     string
		payload  notify.PushPayload
		wantIcon string
	}{
		{"plain", notify.PushPayload{Title: "New safety alert", Body: "There is a new safety alert for your area. Open it to read it.",
			URL: origin + "/alerts/ABC", Tag: "t1"}, "/static/icon-192."},
		{"discreet", notify.PushPayload{Title: "Notes", Body: "You have a new note.", URL: origin + "/alerts/DEF", Tag: "t2", Discreet: true}, "/static/icon-notes-192."},
	} {
		data, _ := json.Marshal(c.payload)
		deliver := func() {
			err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
				_, err := cdp.Call(ctx, tgt, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{Origin: origin, RegistrationID: reg, Data: string(data)})
				return err
			}))
			if err != nil {
				t.Fatalf("%s: delivering the push message: %v", c.name, err)
			}
		}
		deliver()
		// On a loaded machine the worker may take a while to wake, and a
		// message handed to it while it starts can be lost: hand it again
		// every few seconds (its tag replaces any earlier one) until it
		// shows, for at most half a minute.
		var shown []string
		var err error
		for start, last := time.Now(), time.Now(); time.Since(start) < 30*time.Second; time.Sleep(50 * time.Millisecond) {
			shown, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`navigator.serviceWorker.ready.then(function (r) {
				return r.getNotifications({tag: `+mustJSON(t, c.payload.Tag)+`});
			}).then(function (ns) { return ns.length ? [ns[0].title, ns[0].body, ns[0].icon, ns[0].data.url] : []; })`, chromedp.EvalAwaitPromise))
			if err == nil && len(shown) == 4 {
				break
			}
			if time.Since(last) > 5*time.Second {
				deliver()
				last = time.Now()
			}
		}
		if len(shown) != 4 || shown[0] != c.payload.Title || shown[1] != c.payload.Body || !strings.Contains(shown[2], c.wantIcon) || shown[3] != c.payload.URL {
			t.Errorf("%s: the notification shown: %q (%v), want %q / %q with %s", c.name, shown, err, c.payload.Title, c.payload.Body, c.wantIcon)
		}
	}
}

// TestPushPage_OnAPhone: the page a member turns notifications on from,
// at 360 px: the button is offered (Chromium has push), the page passes
// axe, and when the browser cannot subscribe she is told so in words, and
// can try again.
func TestPushPage_OnAPhone(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	ctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	setCookie := chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: d.toks["member"], URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
		return err
	})
	grant := chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: browser.PermissionSettingGranted, Origin: d.ts.URL,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
		return err
	})
	if err := browserSteps(ctx, chromedp.EmulateViewport(360, 800), setCookie, grant, chromedp.Navigate(d.ts.URL+"/account/push"),
		chromedp.WaitVisible("#push-on button")); err != nil {
		t.Fatal(err)
	}
	if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('push-unsupported').hidden`)); err != nil || !hidden {
		t.Errorf("a browser with push is told it has none (%v)", err)
	}
	accessible(t, ctx, "alerts on your phone")
	browsertest.Screenshot(t, ctx, "push-page-360")
	// The browser's push service refuses (as when it cannot be reached):
	// the browser's own failure, made at once rather than waited for.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`PushManager.prototype.subscribe = function () {
		return Promise.reject(new DOMException('push service not available', 'AbortError'));
	}; true`)); err != nil {
		t.Fatal(err)
	}
	if err := browserSteps(ctx, chromedp.Click("#push-on button"), chromedp.WaitVisible("#push-status")); err != nil {
		t.Fatal(err)
	}
	said, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`[document.getElementById('push-status').textContent, document.querySelector('#push-on button').disabled]`))
	if err != nil || len(said) != 2 || said[0] != "This browser could not turn notifications on. Try again, or use another browser." || said[1] != false {
		t.Errorf("after a failed subscription: %v (%v); want words, and the button offered again", said, err)
	}
}
