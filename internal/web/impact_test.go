package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// figure is the number the report page's "What your report led to" shows
// under label, or -1.
func figure(body, label string) int {
	m := regexp.MustCompile(`<dt>` + regexp.QuoteMeta(label) + `</dt><dd>(\d+)</dd>`).FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

// impactDesk is the API desk with her report published as an alert, the
// other London members checking its number, and it shared with the
// police.
func impactDesk(t *testing.T, db *store.DB) (*apiDesk, scheme.Report) {
	t.Helper()
	d := newAPIDesk(t, db)
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney"), Body: ptr("He grabs bags and runs.")})
	rep, err := db.Reports.Report(context.Background(), a.ReportIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"member", "outsider", "reporter"} {
		if status, out := d.call(who, "POST", "/api/v1/checks", `{"value":"07700 900123"}`); status != http.StatusOK || len(out["matches"].([]any)) != 1 {
			t.Fatalf("%s checking the number: %d %v", who, status, out)
		}
	}
	if _, err := db.Police.CreatePoliceExport(context.Background(), scheme.PoliceExport{Format: "csv", Purpose: "Analysis.", Recipient: "Unit.",
		CreatedBy: d.users["coordA"].ID, Included: []string{rep.ID}}); err != nil {
		t.Fatal(err)
	}
	return d, rep
}

// Her report's page and the API show what it led to, as counts only;
// she chooses to be told; another member gets 404 for all of it.
func TestMyReport_ShowsWhatItLedTo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d, rep := impactDesk(t, db)
		cookie := sessionCookie(d.toks["reporter"])
		resp, page := send(t, d.ts, "GET", "/reports/"+rep.ID, nil, cookie...)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("her report: %d", resp.StatusCode)
		}
		// London's members: she, Iris, the project's key contact and its staff.
		for label, want := range map[string]int{"Alerts published from it": 1, "Members they were sent to": 4,
			"Times members checked and found the warning": 2, "Other reports linked to the same person": 0} {
			if got := figure(page, label); got != want {
				t.Errorf("%q: %d, want %d", label, got, want)
			}
		}
		if strings.Contains(page, "Not yet") || strings.Contains(page, "Iris") || strings.Contains(page, "Wren") {
			t.Error("the page does not show the day it was shared, or names a member who checked")
		}

		// The API says the same.
		status, out := d.call("reporter", "GET", "/api/v1/reports/"+rep.ID, "")
		im, _ := out["impact"].(map[string]any)
		alerts, _ := im["alerts"].([]any)
		shared, _ := im["shared_with_police"].([]any)
		if status != http.StatusOK || len(alerts) != 1 || im["checks_found"] != float64(2) || len(shared) != 1 || im["notify"] != false {
			t.Fatalf("the API's impact: %d %v", status, im)
		}
		if _, out := d.call("coordA", "GET", "/api/v1/reports/"+rep.ID, ""); out["impact"] != nil {
			t.Error("a coordinator's read of her report has her impact")
		}

		// She chooses to be told, on the page and by the API alike.
		resp, _ = send(t, d.ts, "POST", "/reports/"+rep.ID+"/impact-notices", url.Values{"notify": {"yes"}}, cookie...)
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=notify") {
			t.Fatalf("choosing to be told: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, page = send(t, d.ts, "GET", resp.Header.Get("Location"), nil, cookie...)
		if !checked(page, "impact-notify") || !strings.Contains(page, "Your choice is saved.") {
			t.Error("the page does not show her choice")
		}
		if status, out := d.call("reporter", "PATCH", "/api/v1/reports/"+rep.ID+"/impact", `{"notify":false}`); status != http.StatusOK || out["notify"] != false {
			t.Errorf("turning it off by the API: %d %v", status, out)
		}

		// Nobody else, coordinators included, reads or changes any of it.
		for _, who := range []string{"member", "coordA"} {
			if resp, _ := send(t, d.ts, "POST", "/reports/"+rep.ID+"/impact-notices", url.Values{"notify": {"yes"}}, sessionCookie(d.toks[who])...); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s choosing for her report: %d, want 404", who, resp.StatusCode)
			}
			if status, _ := d.call(who, "PATCH", "/api/v1/reports/"+rep.ID+"/impact", `{"notify":true}`); status != http.StatusNotFound {
				t.Errorf("%s choosing by the API: %d, want 404", who, status)
			}
		}
		if got, _ := db.Reports.Impact(context.Background(), rep.ID); got.Notify {
			t.Error("someone else's choice was stored")
		}
	})
}

// "Help me report to the police": a too-long note comes back with her
// text; a request becomes a task the case page shows; a coordinator
// records the outcome, and "reported" marks the report reported to the
// police, which her page then says, with the crime reference.
func TestMyReport_HelpToReportToThePolice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d, rep := impactDesk(t, db)
		cookie := sessionCookie(d.toks["reporter"])
		long := strings.Repeat("a", 2001)
		resp, page := send(t, d.ts, "POST", "/reports/"+rep.ID+"/police-help", url.Values{"note": {long}}, cookie...)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Keep the note under 2,000 characters.") || !strings.Contains(page, long) {
			t.Fatalf("a note too long: %d %q", resp.StatusCode, problemsOn(page))
		}
		if hs, _ := db.Reports.PoliceHelpRequests(context.Background(), rep.ID); len(hs) != 0 {
			t.Fatal("a refused request was stored")
		}
		if resp, _ := send(t, d.ts, "POST", "/reports/"+rep.ID+"/police-help", url.Values{"note": {"Not on weekdays."}}, sessionCookie(d.toks["member"])...); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another member asking about her report: %d, want 404", resp.StatusCode)
		}
		resp, _ = send(t, d.ts, "POST", "/reports/"+rep.ID+"/police-help", url.Values{"note": {"Evenings after 7 are safe."}}, cookie...)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("asking for help: %d", resp.StatusCode)
		}
		_, page = send(t, d.ts, "GET", resp.Header.Get("Location"), nil, cookie...)
		if !strings.Contains(page, "Your request is sent.") || !strings.Contains(page, "You asked for help on") || strings.Contains(page, `action="/reports/`+rep.ID+`/police-help"`) {
			t.Error("her page does not show the request as asked, or still offers to ask")
		}
		if status, out := d.call("reporter", "POST", "/api/v1/reports/"+rep.ID+"/police-help", `{}`); status != http.StatusConflict {
			t.Errorf("asking again while open: %d %v, want 409", status, out)
		}

		// The case page shows it, with her note; the outcome needs a choice.
		staff := sessionCookie(d.toks["coordA"])
		_, casePage := send(t, d.ts, "GET", "/coordinator/reports/"+rep.ID, nil, staff...)
		if !strings.Contains(casePage, "Help with a police report") || !strings.Contains(casePage, "Evenings after 7 are safe.") ||
			!strings.Contains(casePage, "Help the reporter make a full police report") {
			t.Fatal("the case page does not show her request and its task")
		}
		hs, _ := db.Reports.PoliceHelpRequests(context.Background(), rep.ID)
		outcome := "/coordinator/reports/" + rep.ID + "/police-help/" + hs[0].ID + "/outcome"
		resp, casePage = send(t, d.ts, "POST", outcome, url.Values{}, staff...)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(casePage, "Choose how the request ended.") {
			t.Errorf("no outcome chosen: %d", resp.StatusCode)
		}
		resp, _ = send(t, d.ts, "POST", outcome, url.Values{"outcome": {"reported"}, "crime_reference": {"CRI/2027/0042"}}, staff...)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recording the outcome: %d", resp.StatusCode)
		}
		if got, _ := db.Reports.Report(context.Background(), rep.ID); !got.PoliceReported {
			t.Error("the report is not marked reported to the police")
		}
		_, page = send(t, d.ts, "GET", "/reports/"+rep.ID, nil, cookie...)
		if !strings.Contains(page, "You reported it to the police with our help on") || !strings.Contains(page, "Crime reference: CRI/2027/0042") ||
			!strings.Contains(page, `action="/reports/`+rep.ID+`/police-help"`) {
			t.Error("her page does not show the outcome, or does not offer to ask again")
		}
		if status, out := d.call("reporter", "POST", "/api/v1/reports/"+rep.ID+"/police-help", `{"note":"Again, please."}`); status != http.StatusCreated || out["outcome"] != "" {
			t.Errorf("asking again by the API after it ended: %d %v", status, out)
		}
	})
}
