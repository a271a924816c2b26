package staff

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// A reporter's requests for help making a full police report
// (impact.Service), on the case page: what she asked and when, her note,
// and, while one is open, the form for its outcome.

// casePoliceHelp is one request as the case page shows it.
type casePoliceHelp struct {
	ID, Asked, Note string
	Open            bool
	Outcome         string // in words, once recorded
	CrimeRef, Ended string
}

// policeHelpOutcomeNames say each outcome on the staff's pages.
var policeHelpOutcomeNames = map[scheme.PoliceHelpOutcome]string{
	scheme.PoliceHelpReported:    "She reported it to the police",
	scheme.PoliceHelpDeclined:    "She decided not to",
	scheme.PoliceHelpUnreachable: "We could not reach her",
}

// casePoliceHelps reads the report's requests for the case page.
func (s *server) casePoliceHelps(r *http.Request, u scheme.User, reportID string) ([]casePoliceHelp, error) {
	hs, err := s.Impact.Requests(r.Context(), u, reportID)
	if err != nil {
		return nil, err
	}
	out := make([]casePoliceHelp, len(hs))
	for i, h := range hs {
		out[i] = casePoliceHelp{ID: h.ID, Asked: s.caseDayTime(h.RequestedAt), Note: h.Note, Open: h.Open(),
			Outcome: policeHelpOutcomeNames[h.Outcome], CrimeRef: h.CrimeRef}
		if !h.Open() {
			out[i].Ended = s.caseDayTime(h.OutcomeAt)
		}
	}
	return out, nil
}

// recordPoliceHelp records how a request ended; a problem comes back on
// the case page with what was chosen.
func (s *server) recordPoliceHelp(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	outcome, ref := r.PostFormValue("outcome"), r.PostFormValue("crime_reference")
	err := s.Impact.RecordOutcome(r.Context(), u, r.PathValue("id"), r.PathValue("help"), scheme.PoliceHelpOutcome(outcome), ref)
	if scheme.ErrorCode(err) == scheme.CodeInvalid {
		s.caseFailed(w, r, u, err, caseForm{form: "police-help", values: map[string]string{"outcome": outcome, "crime_reference": ref}})
		return nil
	}
	if err != nil {
		return err
	}
	core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "police-help", "case-police-help"))
	return nil
}
