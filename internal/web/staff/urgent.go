package staff

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Urgent alerts on the coordinators' desk: the editor offers "Publish now
// as urgent" to the coordinator on call out of office hours (and says why
// not to anyone else), shows an urgent alert's review, and lets a second
// coordinator confirm it; the alerts list shows the review queue.

// urgentView is the editor's urgent part.
type urgentView struct {
	// A draft: whether she may publish it alone now, else why not.
	Offer     bool
	Why       string
	ReviewDue string // when it would be reviewed, if published now
	// A published urgent alert: its review.
	Published               bool
	State, Due              string
	ReviewedBy, ReviewedAt  string
	Pending, DueNow, CanAct bool
}

// urgentOf is a's urgent part for u.
func (s *server) urgentOf(r *http.Request, u scheme.User, a scheme.Alert) (urgentView, error) {
	var v urgentView
	ctx := r.Context()
	switch {
	case a.Status == scheme.AlertDraft:
		now, err := s.Alerts.Urgent.Urgency(ctx, u)
		if err != nil {
			return v, err
		}
		switch {
		case now.OfficeOpen:
			v.Why = "It is office hours: publish the usual way, with a second coordinator’s approval."
		case !now.OnCall:
			v.Why = "You are not on call now, so you cannot publish alone. Ask the coordinator on call, or have a second coordinator approve it."
		case len(a.Flags) > 0:
			v.Why = "The anonymisation check flagged something: change the text and save. An urgent alert cannot go out over a flag, even with a reason."
		default:
			v.Offer = true
		}
		if !now.ReviewDue.IsZero() {
			v.ReviewDue = s.caseDayTime(now.ReviewDue)
		}
	case a.Urgent && a.Review != nil:
		names := s.nameCache(ctx)
		v.Published, v.State, v.Due = true, a.Review.State, s.caseDayTime(a.Review.DueAt)
		v.Pending = a.Review.State == scheme.ReviewPending
		v.DueNow = v.Pending && !s.Alerts.Rota.Time().Before(a.Review.DueAt)
		v.CanAct = v.Pending && a.PublishedBy != u.ID && a.Status == scheme.AlertPublished
		if !a.Review.ReviewedAt.IsZero() {
			v.ReviewedBy, v.ReviewedAt = names.of(a.Review.ReviewedBy), s.caseDayTime(a.Review.ReviewedAt)
		}
	}
	return v, nil
}

func (s *server) confirmAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	if err := s.Alerts.Urgent.Confirm(r.Context(), u, id); err != nil {
		s.editorFailed(w, r, u, err, editorState{in: "review"})
		return nil
	}
	core.SeeOther(w, r, editorURL(id, "confirmed", "review"))
	return nil
}

// reviewRow is one urgent alert in the review queue.
type reviewRow struct {
	ID, Title, Publisher, Published, Due string
	DueNow                               bool
}

// reviewQueue is the first reviewShown urgent alerts waiting for review,
// due first first, for the alerts list, and how many wait in all.
func (s *server) reviewQueue(r *http.Request, u scheme.User) ([]reviewRow, int, error) {
	ctx := r.Context()
	q, err := s.Alerts.Urgent.ReviewQueue(ctx, u, scheme.Page{Number: 1, Size: reviewShown})
	if err != nil {
		return nil, 0, err
	}
	names := s.nameCache(ctx)
	now := s.Alerts.Rota.Time()
	var out []reviewRow
	for _, a := range q.Items {
		out = append(out, reviewRow{ID: a.ID, Title: a.Title, Publisher: names.of(a.PublishedBy), Published: s.caseDayTime(a.PublishedAt),
			Due: s.caseDayTime(a.Review.DueAt), DueNow: !now.Before(a.Review.DueAt)})
	}
	return out, q.Total, nil
}

// reviewShown is how many of the review queue the alerts list shows; the
// queue is short (a night's urgent alerts), and says how many more wait.
const reviewShown = 25
