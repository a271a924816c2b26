package alert

import (
	"context"
	"strings"

	"uglymugs/internal/scheme"
)

// What coordinators do with alerts besides writing them: the lists,
// withdrawing and discarding, the members' additions waiting for a
// coordinator, how delivery is going, and the approval setting.

// List lists alerts matching f for coordinators: drafts first, then
// newest.
func (s *Service) List(ctx context.Context, u scheme.User, f scheme.AlertFilter) ([]scheme.Alert, error) {
	if err := staffOnly(u); err != nil {
		return nil, err
	}
	return s.DB.Alerts.Alerts(ctx, f)
}

// ListPage is page p of the alerts matching f, for coordinators' page:
// drafts, then the published, then the withdrawn, each newest first.
func (s *Service) ListPage(ctx context.Context, u scheme.User, f scheme.AlertFilter, p scheme.Page) (scheme.Listed[scheme.Alert], error) {
	if err := staffOnly(u); err != nil {
		return scheme.Listed[scheme.Alert]{}, err
	}
	return s.DB.Alerts.AlertPage(ctx, f, p)
}

// Alert returns one alert in full, for coordinators' pages.
func (s *Service) Alert(ctx context.Context, id string) (scheme.Alert, error) {
	return s.DB.Alerts.Alert(ctx, id)
}

// Versions lists a published alert's versions, newest first.
func (s *Service) Versions(ctx context.Context, id string) ([]scheme.AlertVersion, error) {
	return s.DB.Alerts.AlertVersions(ctx, id)
}

// Audience counts the members alert id would reach (or reached), by
// channel.
func (s *Service) Audience(ctx context.Context, id string) (scheme.Audience, error) {
	return s.DB.Alerts.Audience(ctx, id)
}

// Withdraw takes a published alert out of members' feeds with a notice
// they see instead; email and SMS not yet sent are cancelled.
func (s *Service) Withdraw(ctx context.Context, u scheme.User, id, notice string) error {
	if err := staffOnly(u); err != nil {
		return err
	}
	if strings.TrimSpace(notice) == "" {
		return scheme.Invalid(map[string]string{"notice": "Write a short note for members, e.g. \"This alert was sent in error.\""})
	}
	return s.DB.Alerts.WithdrawAlert(ctx, u.ID, id, notice)
}

// Discard deletes a draft that will not be published.
func (s *Service) Discard(ctx context.Context, u scheme.User, id string) error {
	if err := staffOnly(u); err != nil {
		return err
	}
	return s.DB.Alerts.DiscardAlert(ctx, u.ID, id)
}

// AllAdditions lists everything members added to an alert, whatever a
// coordinator decided about it, for coordinators.
func (s *Service) AllAdditions(ctx context.Context, u scheme.User, alertID string) ([]scheme.Addition, error) {
	if err := staffOnly(u); err != nil {
		return nil, err
	}
	return s.DB.Alerts.Additions(ctx, alertID, u.ID, true)
}

// PendingAdditions lists page p of the additions waiting for a
// coordinator, oldest first.
func (s *Service) PendingAdditions(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Addition], error) {
	return s.DB.Alerts.PendingAdditions(ctx, p)
}

// ModerateAddition approves a pending addition (members who received the
// alert can read it) or rejects it (only its writer sees it); only
// coordinators decide.
func (s *Service) ModerateAddition(ctx context.Context, u scheme.User, id string, approve bool) error {
	if err := staffOnly(u); err != nil {
		return err
	}
	return s.DB.Alerts.ModerateAddition(ctx, u.ID, id, approve)
}

// MaxFailuresShown bounds the failures the API lists with an alert's
// deliveries (the page lists them all, in pages).
const MaxFailuresShown = 50

// Deliveries is how an alert's delivery is going.
type Deliveries struct {
	Alert scheme.Alert
	// Counts counts deliveries by channel ("in_app", "email", "sms", "push") and
	// state; every channel is present, with the states that have a count.
	Counts   map[string]map[string]int
	Failures scheme.Listed[scheme.DeliveryFailure] // a page of them, most recent first
	Paused   []scheme.DeliveryPause                // channels that stopped themselves
}

// Deliveries returns how alert id's delivery is going, for coordinators,
// with page p of its failures; the zero Page gives the latest
// MaxFailuresShown.
func (s *Service) Deliveries(ctx context.Context, u scheme.User, id string, p scheme.Page) (Deliveries, error) {
	var d Deliveries
	if err := staffOnly(u); err != nil {
		return d, err
	}
	var err error
	if d.Alert, err = s.DB.Alerts.Alert(ctx, id); err != nil {
		return d, err
	}
	if d.Counts, err = s.DB.Deliveries.DeliveryCounts(ctx, d.Alert.ID); err != nil {
		return d, err
	}
	if p.Whole() {
		p = scheme.Page{Number: 1, Size: MaxFailuresShown}
	}
	if d.Failures, err = s.DB.Deliveries.DeliveryFailures(ctx, d.Alert.ID, p); err != nil {
		return d, err
	}
	d.Paused, err = s.DB.Deliveries.DeliveryPauses(ctx)
	return d, err
}

// DeliveryPauses lists the channels that stopped sending themselves after
// too many failures.
func (s *Service) DeliveryPauses(ctx context.Context) ([]scheme.DeliveryPause, error) {
	return s.DB.Deliveries.DeliveryPauses(ctx)
}

// RetryDeliveries queues an alert's failed deliveries on channel ("email",
// "sms" or "push") again and returns how many were queued. A withdrawn alert's
// messages are not sent again.
func (s *Service) RetryDeliveries(ctx context.Context, u scheme.User, alertID, channel string) (int, error) {
	if err := staffOnly(u); err != nil {
		return 0, err
	}
	if err := scheme.CheckChannel(channel); err != nil {
		return 0, err
	}
	return s.DB.Deliveries.RetryDeliveries(ctx, u.ID, alertID, channel)
}

// ResumeChannel lets a paused channel send again; the deliveries that
// waited go out.
func (s *Service) ResumeChannel(ctx context.Context, u scheme.User, channel string) error {
	if err := staffOnly(u); err != nil {
		return err
	}
	if err := scheme.CheckChannel(channel); err != nil {
		return err
	}
	return s.DB.Deliveries.ResumeChannel(ctx, u.ID, channel)
}
