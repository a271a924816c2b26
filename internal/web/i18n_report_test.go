package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"uglymugs/internal/i18n"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// sendIn is d.send with the browser asking for a language.
func (d *reporterDesk) sendIn(lang, method, path string, form url.Values) (int, string, string) {
	d.t.Helper()
	cookies := []*http.Cookie{{Name: "um", Value: d.memberTok}}
	if lang == i18n.Pseudo.Code { // never matched from a browser's languages
		cookies = append(cookies, &http.Cookie{Name: "lang", Value: lang})
	}
	resp, body := sendWith(d.t, d.ts, method, path, form, http.Header{"Accept-Language": {lang}}, cookies...)
	return resp.StatusCode, resp.Header.Get("Location"), body
}

// nestedPseudo is a pseudo-language message inside another.
var nestedPseudo = regexp.MustCompile(`⟦[^⟦⟧]*⟧`)

// untranslatedText is s, if it has a word outside ⟦ ⟧ (and outside allowed).
func untranslatedText(s string, allowed []string) []string {
	for nestedPseudo.MatchString(s) {
		s = nestedPseudo.ReplaceAllString(s, " ")
	}
	for _, a := range allowed {
		s = strings.ReplaceAll(s, a, " ")
	}
	if aWord.MatchString(s) {
		return []string{s}
	}
	return nil
}

var h1RE = regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`)

// reportWalk is what a member posts on each step of a whole report.
func reportWalk() [6]url.Values {
	when := time.Now().UTC().AddDate(0, 0, -3)
	return [6]url.Values{
		1: {"incident_types": {"robbery"}, "action": {"next"}},
		2: {"day": {fmt.Sprint(when.Day())}, "month": {fmt.Sprint(int(when.Month()))}, "year": {fmt.Sprint(when.Year())}, "hour": {"22"},
			"region": {"london"}, "action": {"next"}},
		3: {"offenders.0.identifiers.0.kind": {"phone"}, "offenders.0.identifiers.0.value": {"07700 900123"}, "action": {"next"}},
		4: {"contact_method": {"phone"}, "action": {"next"}},
		5: {"consents.alert": {"yes"}, "consents.police": {"no"}, "consents.support": {"no"}, "consents.police_contact": {"no"}, "action": {"next"}},
	}
}

// A member whose browser asks for Romanian, or Thai, makes a whole report
// through the web form in it: each step's heading, a problem, the answers
// read back, and the pages after sending are in her language.
func TestReportForm_WalkedInRomanianAndThai(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newReporterDesk(t, db)
	langs := []struct {
		code, lang string
		list       string    // a phrase of the list of reports
		headings   [7]string // each step's <h1>
		problem    string    // step 1 with nothing ticked
		unanswered string    // step 5 with one question left
		summary    []string  // on step 6: Go-made words
		sent, view string
	}{
		{code: "ro", lang: "ro", list: "Fă un raport",
			headings: [7]string{1: "Ce s-a întâmplat?", 2: "Când și unde s-a întâmplat?", 3: "Cine a făcut-o?",
				4: "Cum te-a contactat, și poliția", 5: "Ce putem face cu raportul tău?", 6: "Verifică raportul și trimite-l"},
			problem:    "Alege cel puțin un lucru care s-a întâmplat",
			unanswered: "Răspunde da sau nu: Putem să-l dăm poliției, anonim?",
			summary:    []string{"Tâlhărie sau furt", "Londra", "în jur de ora 22", "Apel telefonic", "Număr de telefon", "Putem avertiza alți membri?"},
			sent:       "Raportul tău a fost trimis", view: "Ce ai trimis"},
		{code: "th", lang: "th-TH,th;q=0.9", list: "ทำรายงาน",
			headings: [7]string{1: "เกิดอะไรขึ้น", 2: "เกิดขึ้นเมื่อไหร่และที่ไหน", 3: "ใครเป็นคนทำ",
				4: "เขาติดต่อมาอย่างไร และเรื่องตำรวจ", 5: "เราทำอะไรกับรายงานของคุณได้บ้าง", 6: "ตรวจทานรายงานของคุณแล้วส่ง"},
			problem:    "เลือกอย่างน้อยหนึ่งข้อที่เกิดขึ้น",
			unanswered: "ตอบ ใช่ หรือ ไม่: เราส่งรายงานให้ตำรวจแบบไม่ระบุตัวตนได้ไหม",
			summary:    []string{"ประมาณ 22:00 น.", "หมายเลขโทรศัพท์", "ลอนดอน", "เราเตือนสมาชิกคนอื่นได้ไหม"},
			sent:       "ส่งรายงานของคุณแล้ว", view: "สิ่งที่คุณส่ง"},
	}
	walk := reportWalk()
	for _, l := range langs {
		t.Run(l.code, func(t *testing.T) {
			get := func(path string) string {
				t.Helper()
				status, _, body := d.sendIn(l.lang, "GET", path, nil)
				if status != http.StatusOK {
					t.Fatalf("GET %s: %d", path, status)
				}
				if !strings.Contains(body, `<html lang="`+l.code+`"`) {
					t.Errorf("GET %s: not <html lang=%q>", path, l.code)
				}
				return body
			}
			if list := get("/reports"); !strings.Contains(list, l.list) {
				t.Errorf("the list of reports has no %q", l.list)
			}
			draft := d.newDraft(d.memberTok)
			for step := 1; step <= 6; step++ {
				page := get(fmt.Sprintf("%s%d", draft, step))
				h1 := h1RE.FindStringSubmatch(page)
				if h1 == nil || h1[1] != l.headings[step] {
					t.Errorf("step %d's heading: %q, want %q", step, h1, l.headings[step])
				}
				switch step {
				case 1:
					status, _, body := d.sendIn(l.lang, "POST", draft+"1", url.Values{"action": {"next"}})
					if status != http.StatusUnprocessableEntity || !strings.Contains(body, l.problem) {
						t.Errorf("step 1 with nothing ticked: %d, no %q", status, l.problem)
					}
				case 5:
					half := url.Values{"consents.alert": {"yes"}, "action": {"next"}}
					status, _, body := d.sendIn(l.lang, "POST", draft+"5", half)
					if status != http.StatusUnprocessableEntity || !strings.Contains(body, l.unanswered) {
						t.Errorf("step 5 half answered: %d, no %q", status, l.unanswered)
					}
				case 6:
					for _, w := range l.summary {
						if !strings.Contains(page, w) {
							t.Errorf("step 6 has no %q", w)
						}
					}
					status, loc, _ := d.sendIn(l.lang, "POST", draft+"6", url.Values{"action": {"submit"}})
					if status != http.StatusSeeOther || !strings.HasSuffix(loc, "?sent=1") {
						t.Fatalf("sending: %d to %q", status, loc)
					}
					if sent := get(loc); !strings.Contains(sent, l.sent) {
						t.Errorf("the page after sending has no %q", l.sent)
					}
					if view := get(strings.TrimSuffix(loc, "?sent=1")); !strings.Contains(view, l.view) {
						t.Errorf("the report's page has no %q", l.view)
					}
					continue
				}
				status, loc, body := d.sendIn(l.lang, "POST", fmt.Sprintf("%s%d", draft, step), walk[step])
				if want := fmt.Sprintf("%s%d", draft, step+1); status != http.StatusSeeOther || loc != want {
					t.Fatalf("step %d: %d to %q, want %q; problems %q", step, status, loc, want, problemsOn(body))
				}
			}
		})
	}
	reps, err := db.Reports.Reports(context.Background(), scheme.ReportFilter{ReporterID: d.member.ID})
	if err != nil || len(reps) != len(langs) {
		t.Fatalf("%d reports sent (%v), want %d", len(reps), err, len(langs))
	}
}

// Every word of the report pages goes through a catalogue: shown in the
// pseudo-language, each step, the list, the page after sending and the
// report's page have no word outside ⟦ ⟧ but what the member typed and
// the dates (written in English by the core, for every language, as yet).
func TestReportPages_NoUntranslatedTextInPseudoLocale(t *testing.T) {
	i18n.AllowPseudo()
	db := storetest.Open(t, store.SQLite)
	d := newReporterDesk(t, db)
	svc := report.New(db, scheme.DefaultWorkingHours(time.UTC))
	sent, err := svc.Submit(context.Background(), d.member, fullDraft(time.Now().UTC().AddDate(0, 0, -6), "07700 900123"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reports.AddMessage(context.Background(), "coordinator", sent.ID, true, "Are you safe now?", ""); err != nil {
		t.Fatal(err)
	}
	full, err := db.Reports.SaveDraft(context.Background(), d.member.ID, "", 5, mustJSON(t, fullDraft(time.Now().UTC().AddDate(0, 0, -1), "07700 900abc")))
	if err != nil {
		t.Fatal(err)
	}
	in := fullDraft(time.Now().UTC().AddDate(0, 0, -1), "07700 900abc")
	allowed := []string{"Test Mugs", "XA", "Are you safe now?", in.Account, in.Town, in.PoliceReference, "AB12 CDE", "Ford Focus", "Dark blue", "Gaz",
		"07700 900abc", "07700 900123", "Man", "40s", "20s", "Tall", "Heavy", "Shaved", "Scar through left eyebrow", "Local", "Waited in the car",
		// The core's dates, and the scheme's hours (a setting).
		"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
		"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
		"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "am", "pm", "to",
		// The shared partials' words, which the "site" helper translates.
		"(optional)", "Pages", "of"}
	for _, l := range i18n.Languages {
		allowed = append(allowed, l.Name, l.Short)
	}
	pages := []string{"/reports", "/reports/" + sent.ID + "?sent=1", "/reports/" + sent.ID}
	for step := 1; step <= 6; step++ {
		pages = append(pages, fmt.Sprintf("/reports/draft/%s/%d", full, step))
	}
	for _, path := range pages {
		req, _ := http.NewRequest("GET", d.ts.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: "lang", Value: "en-XA"})
		req.AddCookie(&http.Cookie{Name: "um", Value: d.memberTok})
		resp, err := d.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
		}
		for _, s := range untranslated(doc, allowed) {
			// A message with a translated name in it is ⟦…⟦name⟧…⟧, which
			// untranslated's pattern does not see through.
			if len(untranslatedText(s, allowed)) == 0 {
				continue
			}
			t.Errorf("%s: untranslated %q", path, s)
		}
	}
	// The steps' problems too: step 3 with the phone that has letters.
	status, _, body := d.sendIn("en-XA", "POST", "/reports/draft/"+full+"/3", url.Values{"offenders.0.identifiers.0.kind": {"phone"},
		"offenders.0.identifiers.0.value": {"07700 900abc"}, "action": {"next"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "⟦Á phóñé ñúmbér") {
		t.Errorf("step 3's problem is not in the pseudo-language: %d %q", status, problemsOn(body))
	}
}
