package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// correctionEntries are the audit log's entries about languages.
func correctionEntries(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
	for e, err := range db.AuditEntries(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if e.SubjectType == "language" {
			out = append(out, e.Action+" "+e.SubjectID+" "+e.Detail+" by "+e.Actor)
		}
	}
	return out
}

// TestTranslations_AdminsCorrectionShowsOnTheNextPageAndIsAudited: an
// admin corrects a Romanian string on the form; the next page in Romanian
// shows it, the audit log names the language and the message; a text
// that drops a placeholder, or holds a script tag, is refused beside its
// field with what was typed kept (escaped); putting the catalogue's text
// back shows it again.
func TestTranslations_AdminsCorrectionShowsOnTheNextPageAndIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		if _, home := d.in("ro", "", "GET", "/", nil); !strings.Contains(home, "Intră în cont") {
			t.Fatal("the Romanian home page lacks the catalogue's “Intră în cont”")
		}
		if page := d.get("admin", "/admin/languages"); !strings.Contains(page, `href="/admin/languages/ro"`) || !strings.Contains(page, "draft") {
			t.Error("the languages page does not list Romanian with its review state")
		}
		list := d.get("admin", "/admin/languages/ro?q=sign+in")
		edit := "/admin/languages/ro/message?id=Sign+in"
		if !strings.Contains(list, `href="`+strings.ReplaceAll(edit, "+", "&#43;")+`"`) && !strings.Contains(list, `href="`+edit+`"`) {
			t.Errorf("the search for “sign in” does not lead to its form")
		}
		if page2 := d.get("admin", "/admin/languages/ro?page=2"); !regexp.MustCompile(`26–50 of \d{3}`).MatchString(page2) || !strings.Contains(page2, `rel="next"`) {
			t.Error("page 2 of the Romanian messages does not say where it is in the list")
		}
		if form := d.get("admin", edit); !strings.Contains(form, "Intră în cont") || !strings.Contains(form, `name="text-other"`) {
			t.Error("the form lacks the catalogue's text or its field")
		}

		to := d.post("admin", "/admin/languages/ro/message", url.Values{"id": {"Sign in"}, "text-other": {" Intră acum în cont\r\n"}, "action": {"save"}})
		if to != "/admin/languages/ro/message?done=saved&id=Sign+in" {
			t.Errorf("saved: to %s", to)
		}
		if _, home := d.in("ro", "", "GET", "/", nil); !strings.Contains(home, "Intră acum în cont") {
			t.Error("the next Romanian page does not show the correction")
		}
		if _, home := d.in("pl", "", "GET", "/", nil); strings.Contains(home, "Intră acum") {
			t.Error("the Polish page shows the Romanian correction")
		}
		if got, want := correctionEntries(t, db), []string{`translation.correct ro {"message":"Sign in","version":1} by ` + d.users["admin"].ID}; !slices.Equal(got, want) {
			t.Errorf("audit: %q, want %q", got, want)
		}
		if form := d.get("admin", edit); !strings.Contains(form, "Version 1") || !strings.Contains(form, "staff.admin") || !strings.Contains(form, "(shown now)") {
			t.Error("the form's history lacks the version, who saved it, or that it is shown now")
		}

		refused := []struct {
			name, id string
			form     url.Values
			want     string
		}{
			{"a script tag", "Sign in", url.Values{"text-other": {"<script>alert(1)</script>"}}, "Take out the HTML"},
			{"a dropped placeholder", "Print: {{.Title}}", url.Values{"text-other": {"Tipărește"}}, "Keep the placeholders {{.Title}} as they are"},
			{"another action", "Print: {{.Title}}", url.Values{"text-other": {`Tipărește: {{.Title}} {{printf "%s" .Title}}`}}, "Keep the placeholders"},
			{"a plural form missing", "checks-left", url.Values{"text-other": {"Mai ai {{.Count}} de verificări azi."}}, "Write the text"},
		}
		for _, c := range refused {
			c.form.Set("id", c.id)
			c.form.Set("action", "save")
			status, _, body := d.do("admin", "POST", "/admin/languages/ro/message", c.form)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, strings.ReplaceAll(c.want, `"`, "&#34;")) || !strings.Contains(body, `aria-invalid="true"`) {
				t.Errorf("%s: %d, problems %q", c.name, status, problemsOn(body))
			}
			if strings.Contains(body, "<script>alert") || c.name == "a script tag" && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>") {
				t.Errorf("%s: what was typed is not given back escaped", c.name)
			}
		}
		if got := correctionEntries(t, db); len(got) != 1 {
			t.Errorf("a refused correction was audited: %q", got)
		}

		if to := d.post("admin", "/admin/languages/ro/message", url.Values{"id": {"Sign in"}, "action": {"revert"}}); to != "/admin/languages/ro/message?done=reverted&id=Sign+in" {
			t.Errorf("reverted: to %s", to)
		}
		if _, home := d.in("ro", "", "GET", "/", nil); !strings.Contains(home, "Intră în cont") || strings.Contains(home, "Intră acum") {
			t.Error("the catalogue's text does not show again after the revert")
		}
		if got := correctionEntries(t, db); len(got) != 2 || !strings.HasPrefix(got[1], `translation.revert ro {"message":"Sign in","version":2}`) {
			t.Errorf("the revert's audit: %q", got)
		}
		for _, path := range []string{"/admin/languages/xx", "/admin/languages/en-XA", "/admin/languages/ro/message?id=No+such+message"} {
			if status, _, _ := d.do("admin", "GET", path, nil); status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, status)
			}
		}
		if status, _, _ := d.do("coordA", "POST", "/admin/languages/ro/message", url.Values{"id": {"Sign in"}, "text-other": {"x"}}); status != http.StatusForbidden {
			t.Errorf("a coordinator's correction: %d, want 403", status)
		}
	})
}

// TestTranslations_AScriptInACorrectionIsInertInTheBrowser: a correction
// holding a script tag, put straight into the database (past the checks
// that refuse it), shows in Chromium as the text typed: no element made
// of it, nothing blocked by the CSP (nothing tried to run), the tag
// visible. The admins' pages fit 360 px and pass axe, the form too when
// it refuses a text beside its field.
func TestTranslations_AScriptInACorrectionIsInertInTheBrowser(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	payload := `<script>document.title="pwned"</script><img src=x onerror="document.title='pwned'">`
	if _, err := db.Translations.SaveCorrection(context.Background(), "admin-1", scheme.Correction{Lang: "ro", MessageID: "Sign in", Forms: map[string]string{"other": payload}}); err != nil {
		t.Fatal(err)
	}
	d := newAlertDesk(t, db) // its server reads the corrections at start
	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	if err := browserSteps(bctx, chromedp.EmulateViewport(360, 900), cookie("lang", "ro"), chromedp.Navigate(d.ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil || !strings.Contains(text, payload) {
		t.Errorf("the page does not show the correction as typed (%v)", err)
	}
	if n, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`[...document.querySelectorAll('script, img')].filter(e => (e.textContent + (e.getAttribute('onerror') || '')).includes('pwned')).length`)); err != nil || n != 0 {
		t.Errorf("%d elements made from the correction (%v)", n, err)
	}
	if title, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.title`)); err != nil || title == "pwned" {
		t.Errorf("the script ran: title %q (%v)", title, err)
	}
	if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
		t.Errorf("something in the correction tried to run: %v", v)
	}

	// The admins' pages, in English.
	pages := []struct {
		name, path string
		steps      []chromedp.Action[chromedp.Void]
		shows      string
	}{
		{"languages", "/admin/languages", nil, "Romanian"},
		{"about-in-english", "/about", []chromedp.Action[chromedp.Void]{cookie("lang", "pl"), chromedp.Navigate(d.ts.URL + "/about")}, "Ten tekst nie jest jeszcze w Twoim języku"},
		{"messages", "/admin/languages/ro?q=sign", nil, "Sign in"},
		{"plural-editor", "/admin/languages/pl/message?id=checks-left", nil, "form “many”: for 0, 5, 6, 7…"},
		{"refused", "/admin/languages/hu/message?id=Sign+in", []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.CSS(`#text-other`), " <b>most</b>"),
			chromedp.Click(chromedp.CSS(`button[value="save"]`), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.CSS(`#error-summary`))}, "Take out the HTML"},
	}
	for _, width := range []int64{360, 1280} {
		for _, p := range pages {
			steps := append([]chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(width, 900), cookie("lang", ""), cookie("um", d.toks["admin"]), chromedp.Navigate(d.ts.URL + p.path)}, p.steps...)
			if err := browserSteps(bctx, steps...); err != nil {
				t.Fatal(err)
			}
			if text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`)); err != nil || !strings.Contains(text, p.shows) {
				t.Errorf("%s: the page does not show %q (%v)", p.name, p.shows, err)
			}
			if overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || overflow > 0 {
				t.Errorf("%s at %d px scrolls sideways by %d px (%v)", p.name, width, overflow, err)
			}
			if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
				t.Errorf("%s: the Content-Security-Policy blocked %v", p.name, v)
			}
			accessible(t, bctx, fmt.Sprintf("%s at %d px", p.name, width))
			browsertest.Screenshot(t, bctx, fmt.Sprintf("translations-%s-%d", p.name, width))
		}
	}
}
