package staff

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// AdditionsQueueView is what members added to alerts, waiting for a
// coordinator.
type AdditionsQueueView struct {
	Items  []queueItem
	Notice string
	Error  string
	Pager  core.Pager
}

type queueItem struct {
	ID, AlertID, AlertTitle, Body, When string
	Lang, WrittenIn                     string // the language it was written in, when not English
}

func (s *server) additionsQueue(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	notice := map[string]string{
		"approved": "Approved: members who received the alert can read it now.",
		"rejected": "Rejected: only the member who wrote it can see it.",
	}[r.URL.Query().Get("done")]
	return s.renderQueue(w, r, http.StatusOK, AdditionsQueueView{Notice: notice})
}

func (s *server) renderQueue(w http.ResponseWriter, r *http.Request, status int, v AdditionsQueueView) error {
	ctx := r.Context()
	page := core.PageFrom(r)
	ads, err := s.Alerts.PendingAdditions(ctx, page)
	if err != nil {
		return err
	}
	v.Pager = core.NewPager(r.URL.Query(), "/coordinator/additions", page, ads.Total)
	titles := map[string]string{}
	for _, ad := range ads.Items {
		title, ok := titles[ad.AlertID]
		if !ok {
			a, err := s.Alerts.Alert(ctx, ad.AlertID)
			if err != nil {
				return err
			}
			title, titles[ad.AlertID] = a.Title, a.Title
		}
		v.Items = append(v.Items, queueItem{ID: ad.ID, AlertID: ad.AlertID, AlertTitle: title, Body: ad.Body, When: s.caseDayTime(ad.CreatedAt),
			Lang: ad.Language, WrittenIn: writtenIn(ad.Language)})
	}
	s.Render(w, r, status, viewAlertAdditions, v)
	return nil
}

func (s *server) moderateAddition(approve bool) http.Handler {
	return s.coordinatorsOnly(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		if err := s.Alerts.ModerateAddition(r.Context(), u, r.PathValue("id"), approve); err != nil {
			if c := scheme.ErrorCode(err); c == scheme.CodeConflict || c == scheme.CodeInvalid {
				return s.renderQueue(w, r, core.StatusFor(c), AdditionsQueueView{Error: scheme.ErrorMessage(err)})
			}
			return err
		}
		done := "rejected"
		if approve {
			done = "approved"
		}
		core.SeeOther(w, r, "/coordinator/additions?done="+done)
		return nil
	})
}
