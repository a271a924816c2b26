package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestDisclosurePages_RecordedThenApprovedByAnotherAdminThenShownToTheMember(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	form := url.Values{"username": {"m.iris"}, "what": {"Her mobile number."}, "recipient": {"Duty inspector, an example force"},
		"justification": {"A credible threat to her life."}, "notify": {"yes"}}

	status, _, body := d.do("coordA", "POST", "/coordinator/disclosures", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="legal_basis-error"`) {
		t.Fatalf("no legal basis: %d, problems %q", status, problemsOn(body))
	}
	if v, _ := inputValue(body, "recipient"); v != "Duty inspector, an example force" {
		t.Errorf("the form lost the recipient: %q", v)
	}
	form.Set("legal_basis", "risk_to_life")
	loc := d.post("coordA", "/coordinator/disclosures", form)
	path := strings.TrimSuffix(loc, "?done=recorded")
	page := d.get("coordA", loc)
	id := strings.TrimPrefix(path, "/coordinator/disclosures/")
	if n := d.viewsAudited("disclosure.view", id); n != 1 {
		t.Errorf("opening the disclosure wrote %d disclosure.view entries, want 1", n)
	}
	if !strings.Contains(page, "Waiting for an admin") || strings.Contains(page, `value="approve"`) {
		t.Error("the recorder's page offers a decision, or does not say it waits")
	}
	if status, _, _ := d.do("coordA", "POST", path+"/decide", url.Values{"decision": {"approve"}}); status != http.StatusForbidden {
		t.Errorf("a coordinator approving: %d, want 403", status)
	}
	if strings.Contains(d.get("member", "/account"), "Information we had to share") {
		t.Error("a pending disclosure shows on the member's account")
	}
	adminPage := d.get("admin", path)
	if !strings.Contains(adminPage, `value="approve"`) {
		t.Fatal("another admin is not offered the decision")
	}
	status, _, body = d.do("admin", "POST", path+"/decide", url.Values{"decision": {"refuse"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="note-error"`) {
		t.Errorf("refusing without a note: %d", status)
	}
	d.post("admin", path+"/decide", url.Values{"decision": {"approve"}})
	if page := d.get("admin", path); !strings.Contains(page, "Approved") || !strings.Contains(page, "Told on") {
		t.Error("the approved disclosure does not say the person was told")
	}
	account := d.get("member", "/account")
	if !strings.Contains(account, "Information we had to share") || !strings.Contains(account, "Her mobile number.") ||
		strings.Contains(account, "A credible threat") {
		t.Error("the member's account does not show what was shared (or shows the internal reasoning)")
	}
	if strings.Contains(d.get("outsider", "/account"), "Information we had to share") {
		t.Error("another member sees the disclosure")
	}
	if status, _, _ := d.do("member", "GET", "/coordinator/disclosures", nil); status != http.StatusForbidden {
		t.Errorf("a member opening the log: %d", status)
	}
	before := d.viewsAudited("disclosure.view", id)
	if status, _, _ := d.do("member", "GET", path, nil); status != http.StatusForbidden || d.viewsAudited("disclosure.view", id) != before {
		t.Errorf("a member opening the disclosure: %d, or it was audited as a view", status)
	}
}

// viewsAudited counts the audit entries of action about subject.
func (d *alertDesk) viewsAudited(action, subject string) int {
	d.t.Helper()
	n := 0
	for e, err := range d.db.AuditEntries(context.Background()) {
		if err != nil {
			d.t.Fatal(err)
		}
		if e.Action == action && e.SubjectID == subject {
			n++
		}
	}
	return n
}
