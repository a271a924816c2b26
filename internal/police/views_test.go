package police_test

import (
	"context"
	"testing"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// Opening an enquiry, a disclosure or an export's record shows personal
// data to a coordinator: the service writes the view's audit entry itself,
// so that every door that opens the record (page or API) leaves one, and
// refuses members without writing any.
func TestViews_OpeningARecordIsAuditedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		coord, member := d.people["coord"], d.people["reporter"]
		r := d.file(t, "reporter", true, 3)

		e, err := d.svc.CreateEnquiry(ctx, coord, police.EnquiryInput{Force: "Example Police", Request: "May we speak to the reporter?", ReportID: r.ID})
		if err != nil {
			t.Fatal(err)
		}
		dis, err := d.svc.RecordDisclosure(ctx, coord, validDisclosure("fern.example"))
		if err != nil {
			t.Fatal(err)
		}
		x, err := d.svc.CreateExport(ctx, coord, police.ExportInput{ReportIDs: []string{r.ID}, Purpose: "Linked robberies",
			Recipient: "An analyst", Format: "csv"})
		if err != nil {
			t.Fatal(err)
		}

		for _, c := range []struct {
			action, id string
			open       func(u scheme.User) error
		}{
			{"enquiry.view", e.ID, func(u scheme.User) error { _, err := d.svc.Enquiry(ctx, u, e.ID); return err }},
			{"disclosure.view", dis.ID, func(u scheme.User) error { _, err := d.svc.Disclosure(ctx, u, dis.ID); return err }},
			{"police.export.view", x.ID, func(u scheme.User) error { _, err := d.svc.Record(ctx, u, x.ID); return err }},
		} {
			if n := auditCount(t, db, c.action, c.id); n != 0 {
				t.Fatalf("%d %s entries before anyone opened it", n, c.action)
			}
			if err := c.open(member); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("a member opening it (%s): %v", c.action, err)
			}
			if err := c.open(coord); err != nil {
				t.Fatalf("%s: %v", c.action, err)
			}
			if n := auditCount(t, db, c.action, c.id); n != 1 {
				t.Errorf("%d %s audit entries after one opening, want 1", n, c.action)
			}
		}

		// The reporter reading the enquiry forwarded to her sees only the
		// force and the request: that is not a coordinator's view.
		f, err := d.svc.ForwardEnquiry(ctx, coord, e.ID, r.ID, "reporter", "http://x/signin")
		if err != nil {
			t.Fatal(err)
		}
		fs, err := d.svc.MemberEnquiries(ctx, member, f.ID)
		if err != nil || len(fs) != 1 {
			t.Fatalf("the reporter's forward: %+v %v", fs, err)
		}
		if got, err := d.svc.ForwardedEnquiry(ctx, fs[0]); err != nil || got.ID != e.ID {
			t.Fatalf("the forwarded enquiry: %+v %v", got, err)
		}
		if n := auditCount(t, db, "enquiry.view", e.ID); n != 1 {
			t.Errorf("%d enquiry.view entries after the reporter read it, want still 1", n)
		}
	})
}
