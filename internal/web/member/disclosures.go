package member

import (
	"net/http"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// myDisclosure is a disclosure as the member reads it on their account.
type myDisclosure struct {
	Basis, When, What, Recipient string
}

func (s *server) myDisclosures(r *http.Request, u scheme.User) ([]myDisclosure, error) {
	if u.Role.Staff() {
		return nil, nil
	}
	list, err := s.Police.MemberDisclosures(r.Context(), u)
	var out []myDisclosure
	for _, d := range list {
		out = append(out, myDisclosure{Basis: police.LegalBasisNames[d.LegalBasis], When: s.Date(core.Loc(r), d.DecidedAt, core.DateLong),
			What: d.What, Recipient: d.Recipient})
	}
	return out, err
}
