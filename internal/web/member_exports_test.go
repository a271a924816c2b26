package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestMemberExportPages_ASecondPersonApprovesThenTheOneWhoAskedDownloads:
// asking for a revoked member's details for the police gives nothing at
// once; the coordinator who asked is not offered (and is refused) the
// approval; a second coordinator approves; only then, and only to the one
// who asked, are the details downloadable.
func TestMemberExportPages_ASecondPersonApprovesThenTheOneWhoAskedDownloads(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	wren := d.users["outsider"].ID
	if err := d.db.Accounts.Revoke(ctx, d.users["coordA"].ID, wren, "Probing for offenders' details.", "http://test.example.org/signin"); err != nil {
		t.Fatal(err)
	}
	status, h, body := d.do("coordA", "POST", "/coordinator/members/"+wren+"/export", url.Values{"purpose": {"Intelligence hub, an example force"}})
	if status != http.StatusSeeOther || h.Get("Location") != "/coordinator/members?done=export-requested" {
		t.Fatalf("asking for the export: %d %s; problems %q", status, h.Get("Location"), problemsOn(body))
	}
	if strings.Contains(body, "+447700900555") || strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatal("asking for the export gave the details at once")
	}
	m := regexp.MustCompile(`/coordinator/member-exports/(\w+)/decide`).FindStringSubmatch(d.get("coordB", "/coordinator/members"))
	if m == nil {
		t.Fatal("a second coordinator is not offered the approval")
	}
	decide, download := m[0], "/coordinator/member-exports/"+m[1]+"/download"

	page := d.get("coordA", "/coordinator/members")
	if !strings.Contains(page, "Waiting for a second coordinator or admin") || !strings.Contains(page, "Intelligence hub, an example force") ||
		strings.Contains(page, decide) || strings.Contains(page, download) {
		t.Error("the requester's page does not say the export waits, or offers her the approval or the download")
	}
	status, _, body = d.do("coordA", "POST", download, url.Values{})
	if status != http.StatusConflict || !strings.Contains(body, "waiting for another coordinator or admin") {
		t.Errorf("downloading before approval: %d, problems %q", status, problemsOn(body))
	}
	status, _, body = d.do("coordA", "POST", decide, url.Values{"decision": {"approve"}})
	if status != http.StatusForbidden || !strings.Contains(body, "nobody approves an export they asked for") {
		t.Errorf("the requester approving her own export: %d, problems %q", status, problemsOn(body))
	}
	if status, _, _ := d.do("member", "POST", decide, url.Values{"decision": {"approve"}}); status != http.StatusForbidden {
		t.Errorf("a member approving: %d, want 403", status)
	}

	if page := d.get("coordB", "/coordinator/members"); !strings.Contains(page, decide) || strings.Contains(page, download) {
		t.Fatal("a second coordinator is not offered the approval (or is offered the download)")
	}
	if loc := d.post("coordB", decide, url.Values{"decision": {"approve"}}); loc != "/coordinator/members?done=export-approved" {
		t.Errorf("approving went to %s", loc)
	}
	if status, _, _ := d.do("coordB", "POST", download, url.Values{}); status != http.StatusNotFound {
		t.Errorf("the approver downloading: %d, want 404 (only the one who asked)", status)
	}
	if page := d.get("coordA", "/coordinator/members"); !strings.Contains(page, download) {
		t.Error("once approved, the requester is not offered the download")
	}
	status, h, body = d.do("coordA", "POST", download, url.Values{})
	if status != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(body, "+447700900555") || !strings.Contains(body, "Probing for offenders") {
		t.Errorf("the approved download: %d %q\n%s", status, h.Get("Content-Disposition"), body)
	}
}
