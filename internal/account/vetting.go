package account

import (
	"context"
	"math"
	"strings"
	"time"

	"uglymugs/internal/identifier"
	"uglymugs/internal/scheme"
)

// QueueItem is an application in the vetting queue with how long it has
// waited in working hours.
type QueueItem struct {
	scheme.Application
	WaitingHours float64 // to one decimal place
	Waiting      string  // in words: "2 working days"
}

// Queue lists page p of the applications oldest first, each with its wait
// in working hours (to one decimal place) and in words.
func (s *Service) Queue(ctx context.Context, f scheme.ApplicationFilter, p scheme.Page) (scheme.Listed[QueueItem], error) {
	apps, err := s.DB.Accounts.Applications(ctx, f, p)
	if err != nil {
		return scheme.Listed[QueueItem]{}, err
	}
	hours, err := s.Hours.InForce(ctx)
	if err != nil {
		return scheme.Listed[QueueItem]{}, err
	}
	out := scheme.Listed[QueueItem]{Items: make([]QueueItem, len(apps.Items)), Total: apps.Total}
	for i, a := range apps.Items {
		d := s.waited(hours, a)
		out.Items[i] = QueueItem{Application: a, WaitingHours: math.Round(d.Hours()*10) / 10, Waiting: hours.Words(d)}
	}
	return out, nil
}

// waited is the working time an undecided application has waited; 0 once
// it is decided.
func (s *Service) waited(hours scheme.WorkingHours, a scheme.Application) time.Duration {
	if a.Status != scheme.ApplicationPending && a.Status != scheme.ApplicationInfoRequested {
		return 0
	}
	return hours.Between(a.SubmittedAt, s.Now())
}

// Vetting is what a coordinator needs beside an application to decide it:
// how long it has waited, in words, and each flag with what raised it.
type Vetting struct {
	Waiting string
	Flags   []scheme.RaisedFlag
}

// Vetting opens what raised a's flags (the members and offender profiles
// its details matched, the domains compared) for coordinators. a is an
// application the caller has opened (Application), which recorded it.
func (s *Service) Vetting(ctx context.Context, u scheme.User, a scheme.Application) (Vetting, error) {
	if err := activeStaff(u); err != nil {
		return Vetting{}, err
	}
	hours, err := s.Hours.InForce(ctx)
	if err != nil {
		return Vetting{}, err
	}
	v := Vetting{Waiting: hours.Words(s.waited(hours, a))}
	matches, now, err := s.DB.Accounts.FlagMatches(ctx, a)
	if err != nil {
		return v, err
	}
	// Two offenders in one profile, or a member found both by their own
	// email and as their organisation's key contact, show once.
	type seen struct {
		flag                   scheme.Flag
		field, member, profile string
		gone                   bool
	}
	shown := map[seen]bool{}
	for _, f := range a.Flags {
		rf := scheme.RaisedFlag{Flag: f, MatchedNow: now}
		for _, m := range matches {
			k := seen{m.Flag, m.Field, m.Member, m.ProfileID, m.Gone}
			if m.Flag == f && !shown[k] {
				shown[k] = true
				rf.Matches = append(rf.Matches, m)
			}
		}
		if f == scheme.FlagEmailDomainMismatch && a.Org != nil {
			rf.WebsiteDomain, _ = identifier.Domain(a.Org.Website)
			if at := strings.LastIndexByte(a.Org.Email, '@'); at >= 0 {
				rf.EmailDomain = a.Org.Email[at+1:]
			}
		}
		v.Flags = append(v.Flags, rf)
	}
	return v, nil
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
	Language          string                   `json:"language"` // "" until she chooses
	// TermsToAccept is the version of the terms a member must read and
	// accept (the web asks before anything else), or 0.
	TermsToAccept int `json:"terms_to_accept,omitempty"`
}

// Me gathers a user's own account.
func (s *Service) Me(ctx context.Context, u scheme.User) (Me, error) {
	me := Me{ID: u.ID, Username: u.Username, Role: u.Role, Status: u.Status, Language: u.Language}
	if scheme.AcceptsTerms(u) {
		v, err := s.DB.Content.TermsToAccept(ctx, u.ID)
		if err != nil {
			return me, err
		}
		me.TermsToAccept = v
	}
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
