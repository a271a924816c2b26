package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestExportPages_FromFormToDownloadAudited(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	ctx := context.Background()
	consented := d.report()
	if _, err := db.Reports.SetConsents(ctx, d.users["reporter"].ID, consented.ID, scheme.Consents{Alert: true, Police: true}); err != nil {
		t.Fatal(err)
	}
	other := d.report() // no police consent

	// Missing purpose: said beside the field, the rest kept.
	status, _, body := d.do("coordA", "POST", "/coordinator/exports", url.Values{"report_ids": {consented.ID + "\n" + other.ID},
		"recipient": {"NCA SCAS analyst"}, "format": {"json"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="purpose-error"`) {
		t.Fatalf("no purpose: %d, problems %q\n%s", status, problemsOn(body), body)
	}
	if v, _ := inputValue(body, "recipient"); v != "NCA SCAS analyst" || !strings.Contains(body, consented.ID+"\n"+other.ID+"</textarea>") {
		t.Error("the form lost what was typed")
	}
	if list, err := db.Police.PoliceExports(ctx, scheme.PageOf(1)); err != nil || list.Total != 0 {
		t.Fatal("a refused export was recorded")
	}

	loc := d.post("coordA", "/coordinator/exports", url.Values{"report_ids": {consented.ID + ", " + other.ID},
		"purpose": {"Linking robberies"}, "recipient": {"NCA SCAS analyst"}, "format": {"csv"}})
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/coordinator/exports/"), "?done=created")
	page := d.get("coordA", loc)
	rec, err := db.Police.PoliceExport(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, rec.Reference) || !strings.Contains(page, "1 included; 1 left out") || !strings.Contains(page, "Linking robberies") {
		t.Errorf("the export's page does not say what it holds")
	}
	status, h, csvBody := d.do("coordA", "POST", "/coordinator/exports/"+id+"/download", url.Values{"format": {"csv"}})
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") ||
		h.Get("Content-Disposition") != `attachment; filename="`+rec.Reference+`.csv"` || strings.Count(csvBody, "\n") != 2 {
		t.Errorf("CSV download: %d %q %q\n%s", status, h.Get("Content-Type"), h.Get("Content-Disposition"), csvBody)
	}
	status, _, printBody := d.do("coordA", "POST", "/coordinator/exports/"+id+"/download", url.Values{"format": {"print"}})
	if status != http.StatusOK || !strings.Contains(printBody, "OFFICIAL-SENSITIVE") || !strings.Contains(printBody, "R1 ·") {
		t.Errorf("printable: %d", status)
	}
	for _, body := range []string{csvBody, printBody} {
		for _, secret := range []string{"Coral", "coral@example.org", "rep.coral", "SECRET ACCOUNT", consented.ID} {
			if strings.Contains(body, secret) {
				t.Errorf("the download holds %q", secret)
			}
		}
	}
	views, downloads := 0, 0
	for e, err := range db.AuditEntries(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if e.SubjectID == id && e.Action == "police.export.view" {
			views++
		}
		if e.SubjectID == id && e.Action == "police.export.download" {
			downloads++
		}
	}
	if views != 1 || downloads != 2 {
		t.Errorf("audited %d views and %d downloads, want 1 and 2", views, downloads)
	}
	if status, _, _ := d.do("member", "GET", "/coordinator/exports/"+id, nil); status != http.StatusForbidden {
		t.Errorf("a member opening an export: %d", status)
	}
}

func TestExportAPI_CoordinatorsOnly(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	ctx := context.Background()
	r := d.report()
	if _, err := db.Reports.SetConsents(ctx, d.users["reporter"].ID, r.ID, scheme.Consents{Police: true}); err != nil {
		t.Fatal(err)
	}
	post := func(who, body string) (int, map[string]any) {
		tok, _, err := db.Sessions.CreateSession(ctx, d.users[who].ID, scheme.SessionAPI, account.DefaultAPITTL)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", d.ts.URL+"/api/v1/exports", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var out map[string]any
		json.Unmarshal(b, &out) //nolint:errcheck // checked by the caller through out
		return resp.StatusCode, out
	}
	status, out := post("coordA", `{"report_ids":["`+r.ID+`"],"purpose":"Series","recipient":"Hub","format":"json"}`)
	doc, _ := out["document"].(map[string]any)
	reports, _ := doc["reports"].([]any)
	if status != http.StatusCreated || out["included"] != 1.0 || out["excluded"] != 0.0 || len(reports) != 1 || !strings.HasPrefix(out["reference"].(string), "UMX-") {
		t.Errorf("coordinator: %d %v", status, out)
	}
	status, out = post("coordA", `{"report_ids":["`+r.ID+`"],"recipient":"Hub","format":"csv"}`)
	if e, _ := out["error"].(map[string]any); status != http.StatusUnprocessableEntity || e == nil || e["fields"].(map[string]any)["purpose"] == nil {
		t.Errorf("no purpose: %d %v", status, out)
	}
	if status, _ := post("member", `{"report_ids":["`+r.ID+`"],"purpose":"x","recipient":"y","format":"csv"}`); status != http.StatusForbidden {
		t.Errorf("a member: %d, want 403", status)
	}
}
