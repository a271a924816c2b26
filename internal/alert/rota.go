package alert

import (
	"context"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Rota is the on-call rota: admins put coordinators on call, shift by
// shift; a coordinator on a shift covering now may publish an urgent alert
// alone out of office hours (Service.PublishWith).
type Rota struct {
	DB  *store.DB
	Loc *time.Location   // the scheme's time zone: shifts are typed on its clock
	Now func() time.Time // nil: the store's clock
}

// ShiftInput is a shift as an admin types it: the coordinator's id, the
// start and end on the scheme's clock ("2026-12-11T17:00", as a browser's
// date-and-time field sends it, or with a space), and how many weeks in
// a row it repeats ("" or "1": once).
type ShiftInput struct {
	UserID string `json:"user_id"`
	Starts string `json:"starts"`
	Ends   string `json:"ends"`
	Weeks  string `json:"weeks"`
}

// adminOnly refuses anyone but an active admin.
func adminOnly(u scheme.User) error {
	if u.Role != scheme.RoleAdmin || u.Status != scheme.StatusActive {
		return scheme.Errorf(scheme.CodeForbidden, "Only admins can change who is on call.")
	}
	return nil
}

// Add puts in's shift on the rota, repeated weekly as asked, all or none
// (each shift audited): admins only; every field checked at once, each
// problem named beside it.
func (r *Rota) Add(ctx context.Context, u scheme.User, in ShiftInput) ([]scheme.OnCallShift, error) {
	if err := adminOnly(u); err != nil {
		return nil, err
	}
	p := map[string]string{}
	first := scheme.OnCallShift{UserID: strings.TrimSpace(in.UserID)}
	var ok bool
	if first.StartsAt, ok = r.parse(in.Starts); !ok {
		p["starts"] = "Give the day and time the shift starts, for example 2026-12-11 17:00."
	}
	if first.EndsAt, ok = r.parse(in.Ends); !ok {
		p["ends"] = "Give the day and time the shift ends, for example 2026-12-14 09:00."
	}
	weeks := 1
	if w := strings.TrimSpace(in.Weeks); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > scheme.MaxShiftWeeks {
			p["weeks"] = "Give a number of weeks from 1 to 12."
		} else {
			weeks = n
		}
	}
	for field, problem := range scheme.CheckShift(first, r.now()) {
		if p[field] == "" { // what did not read says more
			p[field] = problem
		}
	}
	if len(p) > 0 {
		return nil, scheme.Invalid(p)
	}
	shifts := make([]scheme.OnCallShift, weeks)
	for i := range shifts {
		// A week later on the local clock: the same hours across a change
		// of the clocks.
		shifts[i] = scheme.OnCallShift{UserID: first.UserID, StartsAt: first.StartsAt.AddDate(0, 0, 7*i), EndsAt: first.EndsAt.AddDate(0, 0, 7*i)}
	}
	return r.DB.Alerts.AddShifts(ctx, u.ID, shifts)
}

// Remove takes a shift off the rota (one under way ends now): admins only.
func (r *Rota) Remove(ctx context.Context, u scheme.User, id string) error {
	if err := adminOnly(u); err != nil {
		return err
	}
	return r.DB.Alerts.RemoveShift(ctx, u.ID, id)
}

// Shifts lists page p of the shifts under way and to come, in order;
// any coordinator may read it (who to call out of hours).
func (r *Rota) Shifts(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.OnCallShift], error) {
	if err := staffOnly(u); err != nil {
		return scheme.Listed[scheme.OnCallShift]{}, err
	}
	return r.DB.Alerts.Shifts(ctx, r.now(), p)
}

// Candidates are who may be put on call: the active coordinators and
// admins.
func (r *Rota) Candidates(ctx context.Context, u scheme.User) ([]scheme.User, error) {
	if err := adminOnly(u); err != nil {
		return nil, err
	}
	return r.DB.Alerts.OnCallCandidates(ctx)
}

// parse reads a date and time on the scheme's clock.
func (r *Rota) parse(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, r.loc()); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (r *Rota) loc() *time.Location {
	if r.Loc == nil {
		return time.UTC
	}
	return r.Loc
}

func (r *Rota) now() time.Time {
	if r.Now == nil {
		return r.DB.Now()
	}
	return r.Now()
}

// Time is the rota's clock now: what "under way" is measured against.
func (r *Rota) Time() time.Time { return r.now() }
