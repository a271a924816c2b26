package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// neutral stands in for the neutral site: the test machine has no internet.
func neutral(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<!doctype html><title>Weather</title><p>Sunny spells.")
	}))
	t.Cleanup(ts.Close)
	return ts
}

func history(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var urls []string
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		res, err := cdp.Call(ctx, tgt, page.GetNavigationHistory, cdp.Empty{})
		for _, e := range res.Entries {
			urls = append(urls, e.URL)
		}
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	return urls
}

func waitLocation(t *testing.T, ctx context.Context, prefix string) {
	t.Helper()
	var loc string
	for range 200 {
		// Errors are expected while the page is being replaced.
		if l, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
			if loc = l; strings.HasPrefix(loc, prefix) {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("never reached %s; at %s", prefix, loc)
}

func TestQuickExit_LeavesForNeutralSiteAndDropsThePageFromHistory(t *testing.T) {
	n := neutral(t)
	ts := newServerSettings(t, storetest.Open(t, store.SQLite), func(s *scheme.Settings) { s.QuickExitURL = n.URL + "/weather" })
	ctx := browsertest.New(t)

	for _, how := range []string{"click", "shift three times"} {
		t.Run(how, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/about"),
				chromedp.Navigate(ts.URL+"/privacy"),
				chromedp.WaitVisible("a.quick-exit"),
			)
			if err != nil {
				t.Fatal(err)
			}
			if how == "click" {
				err = chromedp.Do(ctx, chromedp.Click("a.quick-exit", chromedp.NodeVisible))
			} else {
				err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
					for range 3 {
						for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
							p := input.DispatchKeyEventParams{Type: typ, Key: "Shift", Code: "ShiftLeft", WindowsVirtualKeyCode: 16, Modifiers: 8}
							if _, err := cdp.Call(ctx, tgt, input.DispatchKeyEvent, p); err != nil {
								return err
							}
						}
					}
					return nil
				}))
			}
			if err != nil {
				t.Fatal(err)
			}
			waitLocation(t, ctx, n.URL+"/weather")
			h := history(t, ctx)
			for _, u := range h {
				if strings.HasSuffix(u, "/privacy") {
					t.Errorf("the page left is still in the back history: %v", h)
				}
			}
			if h[len(h)-1] != n.URL+"/weather" {
				t.Errorf("history ends at %s, want the neutral site", h[len(h)-1])
			}
		})
	}
}

func TestPublicPages_FitA320PixelScreenAndBreakNoCSPRule(t *testing.T) {
	ts := newServer(t, web.Config{Demo: true})
	ctx := browsertest.New(t)
	for _, width := range []int64{320, 360, 1280} {
		for _, theme := range []string{"light", "dark"} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/", "/about", "/join", "/terms", "/privacy", "/contact", "/missing"} {
				if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+path)); err != nil {
					t.Fatal(err)
				}
				if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.documentElement.setAttribute('data-theme', %q), true`, theme))); err != nil {
					t.Fatal(err)
				}
				overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if overflow > 0 {
					t.Errorf("%s at %d px scrolls sideways by %d px", path, width, overflow)
				}
				if v := browsertest.CSPViolations(t, ctx); len(v) > 0 {
					t.Errorf("%s: the Content-Security-Policy blocked %v", path, v)
				}
				name := strings.Trim(strings.ReplaceAll(path, "/", "-"), "-")
				if name == "" {
					name = "home"
				}
				accessible(t, ctx, fmt.Sprintf("%s at %d px, %s", name, width, theme))
				browsertest.Screenshot(t, ctx, fmt.Sprintf("%s-%d-%s", name, width, theme))
			}
		}
	}
}
