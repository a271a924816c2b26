package police_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestEnquiry_RecordedForwardedAnsweredClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		r := d.file(t, "reporter", true, 3)
		coord := d.people["coord"]

		for field, in := range map[string]police.EnquiryInput{
			"force":       {Request: "x", ReportID: r.ID},
			"request":     {Force: "Example Police", ReportID: r.ID},
			"report_id":   {Force: "Example Police", Request: "x"},
			"offender_id": {Force: "Example Police", Request: "x", OffenderID: "NOSUCHPROFILE"},
			"respond_by":  {Force: "Example Police", Request: "x", ReportID: r.ID, RespondBy: "2001-01-01"},
		} {
			_, err := d.svc.CreateEnquiry(ctx, coord, in)
			if se, ok := err.(*scheme.Error); !ok || se.Fields[field] == "" {
				t.Errorf("without a good %s: %v", field, err)
			}
		}
		if list, err := db.Police.Enquiries(ctx, scheme.PageOf(1)); err != nil || list.Total != 0 {
			t.Fatal("a refused enquiry was stored")
		}
		e, err := d.svc.CreateEnquiry(ctx, coord, police.EnquiryInput{Force: "Example Police", Unit: "Serious crime unit", Reference: "OP-EXAMPLE-7",
			Request: "DC Example would like to speak to the reporter about the man in this report.", ReportID: r.ID})
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != "open" || e.RespondBy.Before(time.Now().Add(7*24*time.Hour)) || e.Overdue(time.Now()) {
			t.Errorf("new enquiry: status %s, respond by %v", e.Status, e.RespondBy)
		}
		if !e.Overdue(e.RespondBy.Add(time.Minute)) {
			t.Error("past its date, an open enquiry is not overdue")
		}
		if _, err := d.svc.ForwardEnquiry(ctx, coord, e.ID, r.ID, "organisation", "http://x/signin"); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("forwarding to an organisation that did not file it: %v", err)
		}
		f, err := d.svc.ForwardEnquiry(ctx, coord, e.ID, r.ID, "reporter", "http://x/signin")
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := db.Reports.Messages(ctx, r.ID, false)
		if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Body, "Example Police") || strings.Contains(msgs[0].Body, "DC Example") ||
			strings.Contains(msgs[0].Body, "OP-EXAMPLE-7") {
			t.Errorf("the reporter's thread: %+v %v", msgs, err)
		}
		if got, _ := db.Police.Enquiry(ctx, e.ID); got.Status != "forwarded" || len(got.Forwards) != 1 {
			t.Errorf("after forwarding: %+v", got)
		}
		if _, err := d.svc.ForwardEnquiry(ctx, coord, e.ID, r.ID, "reporter", "http://x/signin"); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("forwarding twice: %v", err)
		}

		// Only the reporter sees and answers it.
		if _, err := db.Police.MemberEnquiries(ctx, d.people["org"], f.ID); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("another member: %v", err)
		}
		if err := db.Police.DecideEnquiry(ctx, d.people["org"], f.ID, "yes"); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("another member answering: %v", err)
		}
		tasks := func() int {
			ts, err := db.Reports.Tasks(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(ts)
		}
		if err := db.Police.DecideEnquiry(ctx, d.people["reporter"], f.ID, "caseworker"); err != nil {
			t.Fatal(err)
		}
		if n := tasks(); n != 1 {
			t.Errorf("%d tasks after 'talk to a caseworker', want 1", n)
		}
		if err := db.Police.DecideEnquiry(ctx, d.people["reporter"], f.ID, "yes"); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Police.Enquiry(ctx, e.ID)
		if got.Forwards[0].Decision != "yes" || got.Forwards[0].DecidedBy != d.people["reporter"].ID || got.Forwards[0].DecidedAt.IsZero() {
			t.Errorf("decision: %+v", got.Forwards[0])
		}
		if err := d.svc.Outcome(ctx, coord, e.ID, "closed", ""); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("closing without an outcome: %v", err)
		}
		if err := d.svc.Outcome(ctx, coord, e.ID, "closed", "Put the officer in touch through the caseworker."); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Police.Enquiry(ctx, e.ID); got.Status != "closed" || got.ClosedAt.IsZero() || got.Outcome == "" {
			t.Errorf("closed: %+v", got)
		}
		if err := db.Police.DecideEnquiry(ctx, d.people["reporter"], f.ID, "no"); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("changing the answer after closing: %v", err)
		}
		for _, a := range []string{"enquiry.create", "enquiry.forward", "enquiry.outcome"} {
			if n := auditCount(t, db, a, e.ID); n != 1 {
				t.Errorf("%d %s entries", n, a)
			}
		}
		if n := auditCount(t, db, "enquiry.decide", e.ID); n != 2 {
			t.Errorf("%d decisions audited, want 2", n)
		}
	})
}

func TestEnquiry_AboutAProfileForwardedToTheOrganisation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		a := d.file(t, "reporter", true, 3)
		b := d.file(t, "org", true, 2) // the same phone: the same profile
		full, err := db.Reports.Report(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		e, err := d.svc.CreateEnquiry(ctx, d.people["coord"], police.EnquiryInput{Force: "Example Police", Request: "Anyone who met this man?",
			OffenderID: full.Working.Offenders[0].ProfileID})
		if err != nil {
			t.Fatal(err)
		}
		f, err := d.svc.ForwardEnquiry(ctx, d.people["coord"], e.ID, b.ID, "organisation", "http://x/signin")
		if err != nil {
			t.Fatal(err)
		}
		if n := queued(t, db, d.people["org"].ID, "report_message"); n != 1 {
			t.Errorf("%d notices to the organisation's key contact, want 1", n)
		}
		fs, err := db.Police.MemberEnquiries(ctx, d.people["org"], "")
		if err != nil || len(fs) != 1 || fs[0].ID != f.ID {
			t.Errorf("the key contact's enquiries: %+v %v", fs, err)
		}
		if fs, _ := db.Police.MemberEnquiries(ctx, d.people["reporter"], ""); len(fs) != 0 {
			t.Error("the other reporter sees the organisation's enquiry")
		}
		if _, err := d.svc.ForwardEnquiry(ctx, d.people["coord"], e.ID, a.ID, "reporter", "http://x/signin"); err != nil {
			t.Errorf("forwarding to the profile's other reporter: %v", err)
		}
		// A report outside the enquiry cannot be forwarded about.
		if _, err := d.svc.ForwardEnquiry(ctx, d.people["coord"], e.ID, "NOSUCHREPORT", "reporter", "http://x/signin"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("forwarding about a report outside the enquiry: %v", err)
		}
	})
}
