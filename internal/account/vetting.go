package account

import (
	"context"
	"math"
	"strings"

	"uglymugs/internal/scheme"
)

// QueueItem is an application in the vetting queue with how long it has
// waited in working hours.
type QueueItem struct {
	scheme.Application
	WaitingHours float64
}

// Queue lists page p of the applications oldest first, each with its wait
// in working hours (to one decimal place).
func (s *Service) Queue(ctx context.Context, f scheme.ApplicationFilter, p scheme.Page) (scheme.Listed[QueueItem], error) {
	apps, err := s.DB.Accounts.Applications(ctx, f, p)
	if err != nil {
		return scheme.Listed[QueueItem]{}, err
	}
	now := s.Now()
	out := scheme.Listed[QueueItem]{Items: make([]QueueItem, len(apps.Items)), Total: apps.Total}
	for i, a := range apps.Items {
		h := 0.0
		if a.Status == scheme.ApplicationPending || a.Status == scheme.ApplicationInfoRequested {
			h = math.Round(s.Hours.Between(a.SubmittedAt, now).Hours()*10) / 10
		}
		out.Items[i] = QueueItem{Application: a, WaitingHours: h}
	}
	return out, nil
}

// Decide approves, rejects or asks about an application.
func (s *Service) Decide(ctx context.Context, actor, id string, d scheme.Decision, text string) (scheme.Application, error) {
	return s.DB.Accounts.DecideApplication(ctx, actor, id, d, strings.TrimSpace(text), s.URL)
}

// Me is what a signed-in person sees about their own account.
type Me struct {
	ID                string                   `json:"id"`
	Username          string                   `json:"username"`
	Role              scheme.Role              `json:"role"`
	Status            string                   `json:"status"`
	ApplicationStatus scheme.ApplicationStatus `json:"application_status,omitempty"`
	Question          string                   `json:"question,omitempty"`
	RejectionReason   string                   `json:"rejection_reason,omitempty"`
	Profile           *scheme.Profile          `json:"profile,omitempty"`
	Organisation      *scheme.Organisation     `json:"organisation,omitempty"`
}

// Me gathers a user's own account.
func (s *Service) Me(ctx context.Context, u scheme.User) (Me, error) {
	me := Me{ID: u.ID, Username: u.Username, Role: u.Role, Status: u.Status}
	if a, err := s.DB.Accounts.ApplicationOfUser(ctx, u.ID); err == nil {
		me.ApplicationStatus, me.Question, me.RejectionReason = a.Status, a.Question, a.Reason
		if a.Status != scheme.ApplicationInfoRequested {
			me.Question = ""
		}
		me.Profile, me.Organisation = &a.Profile, a.Org
		return me, nil
	} else if scheme.ErrorCode(err) != scheme.CodeNotFound {
		return me, err
	}
	if p, err := s.DB.Accounts.Profile(ctx, u.ID); err == nil {
		me.Profile = &p
	} else if scheme.ErrorCode(err) != scheme.CodeNotFound {
		return me, err
	}
	if u.OrganisationID != "" {
		org, err := s.DB.Accounts.Organisation(ctx, u.ID)
		if err != nil {
			return me, err
		}
		me.Organisation = &org
	}
	return me, nil
}

// Leave erases a member. Scheme staff leave by having their role removed.
func (s *Service) Leave(ctx context.Context, u scheme.User) error {
	if u.Role.Staff() {
		return scheme.Errorf(scheme.CodeForbidden, "Scheme staff cannot leave this way: ask an admin to remove your account.")
	}
	return s.DB.Accounts.Leave(ctx, u.ID)
}
