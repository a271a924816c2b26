package staff

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// SearchView is the result of a coordinator's identifier search.
type SearchView struct {
	Kind, Value string
	Searched    bool
	Results     []searchRow
	Kinds       []string
}

type searchRow struct {
	ID, Date, Region, Status string
	Types                    []string
}

// search finds reports by an identifier. It is a POST so that the number or
// name searched for never appears in an address or a log.
func (s *server) search(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	v := SearchView{Kind: r.PostFormValue("kind"), Value: r.PostFormValue("value"), Kinds: scheme.IdentifierKinds}
	if r.Method == http.MethodGet {
		s.Render(w, r, http.StatusOK, viewCaseSearch, core.FormView{Extra: v})
		return nil
	}
	rs, err := s.Reports.Search(r.Context(), u, v.Kind, v.Value)
	if err != nil {
		if code := scheme.ErrorCode(err); code == scheme.CodeInvalid {
			s.Render(w, r, core.StatusFor(code), viewCaseSearch, core.FormView{Errors: core.FormErrors(err), Extra: v})
			return nil
		}
		return err
	}
	v.Searched = true
	for _, x := range rs {
		v.Results = append(v.Results, searchRow{ID: x.ID, Date: s.Time(x.IncidentAt, core.DateShort),
			Region: x.Region, Status: string(x.Status), Types: x.IncidentTypes})
	}
	s.Render(w, r, http.StatusOK, viewCaseSearch, core.FormView{Extra: v})
	return nil
}
