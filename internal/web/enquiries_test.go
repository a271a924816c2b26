package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestEnquiryPages_ForwardedTheReporterDecidesOthersSeeNothing(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	ctx := context.Background()
	rep := d.report()

	status, _, body := d.do("coordA", "POST", "/coordinator/enquiries", url.Values{"force": {"Example Police"}, "report_id": {rep.ID}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="request-error"`) {
		t.Fatalf("no request: %d %q", status, problemsOn(body))
	}
	if v, _ := inputValue(body, "force"); v != "Example Police" {
		t.Errorf("the form lost the force: %q", v)
	}
	loc := d.post("coordA", "/coordinator/enquiries", url.Values{"force": {"Example Police"}, "unit": {"CID"}, "reference": {"OP-EXAMPLE-1"},
		"report_id": {rep.ID}, "request": {"DC Example would like to talk to the reporter."}})
	path := strings.TrimSuffix(loc, "?done=created")
	if !strings.Contains(d.get("coordA", loc), "Forward to the reporter") {
		t.Fatal("no way to forward")
	}
	id := strings.TrimPrefix(path, "/coordinator/enquiries/")
	if n := d.viewsAudited("enquiry.view", id); n != 1 {
		t.Errorf("opening the enquiry wrote %d enquiry.view entries, want 1", n)
	}
	d.post("coordA", path+"/forward", url.Values{"report_id": {rep.ID}, "to": {"reporter"}})

	if !strings.Contains(d.get("reporter", "/reports"), "The police have asked to talk to you") {
		t.Error("the reporter's reports page does not say an enquiry waits")
	}
	list := d.get("reporter", "/enquiries")
	i := strings.Index(list, `href="/enquiries/`)
	if i < 0 {
		t.Fatal("the reporter's enquiries list no enquiry")
	}
	fid := list[i+len(`href="/enquiries/`):]
	fid = fid[:strings.IndexByte(fid, '"')]
	page := d.get("reporter", "/enquiries/"+fid)
	if !strings.Contains(page, "Example Police") || strings.Contains(page, "OP-EXAMPLE-1") {
		t.Error("the reporter's page: force missing, or the officer's reference shown")
	}
	if n := d.viewsAudited("enquiry.view", id); n != 1 {
		t.Errorf("%d enquiry.view entries after the reporter read hers, want still 1: hers is not a coordinator's view", n)
	}
	for _, who := range []string{"member", "org", "outsider"} {
		if status, _, _ := d.do(who, "GET", "/enquiries/"+fid, nil); status != http.StatusNotFound {
			t.Errorf("%s opening the reporter's enquiry: %d, want 404", who, status)
		}
		if status, _, _ := d.do(who, "POST", "/enquiries/"+fid+"/decision", url.Values{"decision": {"yes"}}); status != http.StatusNotFound {
			t.Errorf("%s answering: %d, want 404", who, status)
		}
	}
	status, _, body = d.do("reporter", "POST", "/enquiries/"+fid+"/decision", url.Values{})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose one of the three answers") {
		t.Errorf("no answer: %d", status)
	}
	d.post("reporter", "/enquiries/"+fid+"/decision", url.Values{"decision": {"no"}})
	if page := d.get("coordA", path); !strings.Contains(page, "Answer: <strong>No</strong>") {
		t.Error("the coordinator does not see the reporter's answer")
	}
	// Past its date, it stands out as overdue.
	if _, err := db.Writer().ExecContext(ctx, `UPDATE police_enquiries SET respond_by = $1`, time.Now().Add(-time.Hour).UTC()); err != nil {
		t.Fatal(err)
	}
	if list := d.get("coordA", "/coordinator/enquiries"); !strings.Contains(list, `class="is-overdue"`) || !strings.Contains(list, "Overdue") {
		t.Error("an overdue enquiry does not stand out")
	}
	d.post("coordA", path+"/outcome", url.Values{"status": {"closed"}, "outcome": {"The reporter said no; the police were told."}})
	if list := d.get("coordA", "/coordinator/enquiries"); strings.Contains(list, `class="is-overdue"`) {
		t.Error("a closed enquiry is still overdue")
	}
	if status, _, _ := d.do("member", "GET", "/coordinator/enquiries", nil); status != http.StatusForbidden {
		t.Errorf("a member opening the coordinators' list: %d", status)
	}
}
