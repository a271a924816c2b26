package police_test

import (
	"context"
	"testing"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func validDisclosure(username string) police.DisclosureInput {
	return police.DisclosureInput{LegalBasis: "risk_to_life", Username: username, What: "Her mobile number and the town she works in.",
		Recipient: "Duty inspector, an example police force", Justification: "Credible threat to kill made by the offender on 3 March.", Notify: "yes"}
}

func queued(t *testing.T, db *store.DB, userID, template string) int {
	t.Helper()
	var n int
	if err := db.Writer().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND template = $2`,
		userID, template).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDisclosure_NeedsALegalBasisAndAnotherAdminsApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		member := d.people["reporter"]

		for field, in := range map[string]police.DisclosureInput{
			"legal_basis":      func() police.DisclosureInput { in := validDisclosure("fern.example"); in.LegalBasis = ""; return in }(),
			"username":         func() police.DisclosureInput { in := validDisclosure(""); return in }(),
			"what":             func() police.DisclosureInput { in := validDisclosure("fern.example"); in.What = " "; return in }(),
			"recipient":        func() police.DisclosureInput { in := validDisclosure("fern.example"); in.Recipient = ""; return in }(),
			"justification":    func() police.DisclosureInput { in := validDisclosure("fern.example"); in.Justification = ""; return in }(),
			"notify":           func() police.DisclosureInput { in := validDisclosure("fern.example"); in.Notify = ""; return in }(),
			"no_notify_reason": func() police.DisclosureInput { in := validDisclosure("fern.example"); in.Notify = "no"; return in }(),
			"report_id":        func() police.DisclosureInput { in := validDisclosure(""); in.ReportID = "NOSUCHREPORT"; return in }(),
		} {
			_, err := d.svc.RecordDisclosure(ctx, d.people["coord"], in)
			if se, ok := err.(*scheme.Error); !ok || se.Code != scheme.CodeInvalid || se.Fields[field] == "" {
				t.Errorf("without %s: %v", field, err)
			}
		}
		if list, err := db.Police.Disclosures(ctx, scheme.PageOf(1)); err != nil || list.Total != 0 {
			t.Fatalf("refused disclosures were stored: %v %v", list, err)
		}
		if _, err := d.svc.RecordDisclosure(ctx, member, validDisclosure("fern.example")); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member recording a disclosure: %v", err)
		}

		rec, err := d.svc.RecordDisclosure(ctx, d.people["admin"], validDisclosure("fern.example"))
		if err != nil || rec.Status != "pending" {
			t.Fatalf("record: %+v %v", rec, err)
		}
		// Pending: not on the member's page, and nobody told.
		if mine, _ := db.Police.MemberDisclosures(ctx, member.ID); len(mine) != 0 || queued(t, db, member.ID, "disclosure_made") != 0 {
			t.Error("a pending disclosure reached the member")
		}
		if _, err := d.svc.DecideDisclosure(ctx, d.people["coord"], rec.ID, "approve", "", "http://x/account"); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a coordinator approving: %v", err)
		}
		if _, err := d.svc.DecideDisclosure(ctx, d.people["admin"], rec.ID, "approve", "", "http://x/account"); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("the recorder approving their own: %v", err)
		}
		if _, err := d.svc.DecideDisclosure(ctx, d.people["admin2"], rec.ID, "refuse", " ", "http://x/account"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("refusing without a note: %v", err)
		}
		got, err := d.svc.DecideDisclosure(ctx, d.people["admin2"], rec.ID, "approve", "Threat is credible; approved.", "http://x/account")
		if err != nil || got.Status != "approved" || got.NotifiedAt.IsZero() || got.DecidedBy != d.people["admin2"].ID {
			t.Fatalf("approve: %+v %v", got, err)
		}
		if n := queued(t, db, member.ID, "disclosure_made"); n != 1 {
			t.Errorf("%d notifications queued for the member, want 1", n)
		}
		mine, err := db.Police.MemberDisclosures(ctx, member.ID)
		if err != nil || len(mine) != 1 || mine[0].What != "Her mobile number and the town she works in." {
			t.Errorf("the member's disclosures: %+v %v", mine, err)
		}
		if other, _ := db.Police.MemberDisclosures(ctx, d.people["org"].ID); len(other) != 0 {
			t.Error("another member sees the disclosure")
		}
		if _, err := d.svc.DecideDisclosure(ctx, d.people["admin"], rec.ID, "refuse", "late", "http://x/account"); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("deciding twice: %v", err)
		}
		for _, action := range []string{"disclosure.record", "disclosure.approve"} {
			if n := auditCount(t, db, action, rec.ID); n != 1 {
				t.Errorf("%d %s audit entries, want 1", n, action)
			}
		}
	})
}

func TestDisclosure_WithoutNotificationKeepsTheReasonAndTellsNobody(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		r := d.file(t, "reporter", false, 2)
		in := validDisclosure("")
		in.ReportID, in.Notify, in.NoNotifyReason, in.LegalBasis = r.ID, "no", "Telling her would prejudice a live investigation (court order).", "court_order"
		rec, err := d.svc.RecordDisclosure(ctx, d.people["coord"], in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.svc.DecideDisclosure(ctx, d.people["admin"], rec.ID, "approve", "", "http://x/account")
		if err != nil || got.Status != "approved" || !got.NotifiedAt.IsZero() || got.NoNotify != in.NoNotifyReason {
			t.Fatalf("approve: %+v %v", got, err)
		}
		if n := queued(t, db, d.people["reporter"].ID, "disclosure_made"); n != 0 || func() bool { m, _ := db.Police.MemberDisclosures(ctx, d.people["reporter"].ID); return len(m) != 0 }() {
			t.Error("the reporter was told of a disclosure the law forbids telling")
		}
		if n := auditCount(t, db, "disclosure.approve", rec.ID); n != 1 {
			t.Errorf("%d approvals audited", n)
		}
	})
}
