package staff

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// AlertDeliveriesView is how an alert's delivery is going.
type AlertDeliveriesView struct {
	ID, Title string
	Channels  []channelView
	Failures  []failure
	Pager     core.Pager // of the failures
	Pauses    []pause
	Notice    string
	Error     string
}

type channelView struct {
	Key, Name    string
	Total        int
	States       []stateCount
	Failed       int
	Retryable    bool
	NotDelivered bool // email and SMS: no member chose it, or none yet
}

type stateCount struct {
	Key, Name string
	N         int
}

type failure struct {
	Channel, State, Reason, When string
	Attempts                     int
}

func (s *server) deliveriesPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	q := r.URL.Query()
	notice := ""
	switch q.Get("done") {
	case "retried":
		notice = fmt.Sprintf("%s: %s failed message(s) queued again.", channelName(q.Get("channel")), cmp.Or(q.Get("n"), "0"))
	case "resumed":
		notice = "Sending has resumed on that channel."
	}
	return s.renderDeliveries(w, r, u, http.StatusOK, AlertDeliveriesView{Notice: notice})
}

func (s *server) renderDeliveries(w http.ResponseWriter, r *http.Request, u scheme.User, status int, v AlertDeliveriesView) error {
	page := core.PageFrom(r)
	d, err := s.Alerts.Deliveries(r.Context(), u, r.PathValue("id"), page)
	if err != nil {
		return err
	}
	v.Pager = core.NewPager(r.URL.Query(), "/coordinator/alerts/"+url.PathEscape(d.Alert.ID)+"/deliveries", page, d.Failures.Total)
	v.ID, v.Title = d.Alert.ID, d.Alert.Title
	counts := d.Counts
	for _, c := range channelNames {
		ch := channelView{Key: c.Key, Name: c.Name}
		byState := counts[c.Key]
		for _, st := range stateNames {
			if n := byState[st.Key]; n > 0 {
				ch.States = append(ch.States, stateCount{Key: st.Key, Name: st.Name, N: n})
			}
		}
		// States this page has no words for yet still count.
		var other []string
		for k := range byState {
			if !slices.ContainsFunc(stateNames, func(x struct{ Key, Name string }) bool { return x.Key == k }) {
				other = append(other, k)
			}
		}
		slices.Sort(other)
		for _, k := range other {
			ch.States = append(ch.States, stateCount{Key: k, Name: k, N: byState[k]})
		}
		for _, n := range byState {
			ch.Total += n
		}
		ch.Failed = byState[scheme.DeliveryFailed]
		ch.Retryable = c.Key != "in_app" && ch.Failed > 0
		v.Channels = append(v.Channels, ch)
	}
	for _, f := range d.Failures.Items {
		state := "Failed"
		if f.State == scheme.DeliveryRetrying {
			state = "Waiting to retry"
		}
		v.Failures = append(v.Failures, failure{Channel: channelName(f.Channel), State: state, Reason: f.Error, When: s.caseDayTime(f.UpdatedAt), Attempts: f.Attempts})
	}
	v.Pauses = s.pausesOf(d.Paused)
	s.Render(w, r, status, viewAlertDeliveries, v)
	return nil
}

func (s *server) retryDeliveries(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id, channel := r.PathValue("id"), r.PostFormValue("channel")
	if channel != "email" && channel != "sms" && channel != "push" {
		return s.renderDeliveries(w, r, u, http.StatusUnprocessableEntity, AlertDeliveriesView{Error: "Choose email, SMS or push to retry."})
	}
	n, err := s.Alerts.RetryDeliveries(r.Context(), u, id, channel)
	if err != nil {
		if c := scheme.ErrorCode(err); c == scheme.CodeInvalid || c == scheme.CodeConflict {
			return s.renderDeliveries(w, r, u, core.StatusFor(c), AlertDeliveriesView{Error: scheme.ErrorMessage(err)})
		}
		return err
	}
	core.SeeOther(w, r, fmt.Sprintf("/coordinator/alerts/%s/deliveries?done=retried&channel=%s&n=%d", url.PathEscape(id), channel, n))
	return nil
}

// resumeChannel restarts a paused channel and goes back to the page the
// button was on (an alert's deliveries, or the list).
func (s *server) resumeChannel(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	channel := r.PathValue("channel")
	if scheme.CheckChannel(channel) != nil {
		return scheme.Errorf(scheme.CodeNotFound, "There is no such channel.")
	}
	if err := s.Alerts.ResumeChannel(r.Context(), u, channel); err != nil {
		return err
	}
	back := "/coordinator/alerts?done=resumed"
	if id := r.PostFormValue("alert"); id != "" {
		back = "/coordinator/alerts/" + url.PathEscape(id) + "/deliveries?done=resumed"
	}
	core.SeeOther(w, r, back)
	return nil
}
