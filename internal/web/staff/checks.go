package staff

import (
	"net/http"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// CheckFlagsView is the coordinators' page of unusual checking.
type CheckFlagsView struct {
	Flags                                   []checkFlagRow
	Pager                                   core.Pager
	WindowDays, Distinct, Repeats, Reported int
}

type checkFlagRow struct {
	scheme.CheckingFlag
	Last string
}

// checkFlags lists members whose checking looks unusual. Showing who they
// are is a view of personal data, so it is audited.
func (s *server) checkFlags(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	flags, pager, err := core.ListPage(r, u, "/coordinator/checks", s.Checks.Unusual)
	if err != nil {
		return err
	}
	v := CheckFlagsView{Pager: pager, WindowDays: int(scheme.UnusualWindow / (24 * time.Hour)), Distinct: scheme.UnusualDistinct,
		Repeats: scheme.UnusualRepeats, Reported: scheme.UnusualReportedCheck}
	for _, f := range flags {
		v.Flags = append(v.Flags, checkFlagRow{CheckingFlag: f, Last: s.Time(f.LastCheck, core.DateTimeShort)})
	}
	s.Render(w, r, http.StatusOK, viewCheckFlags, v)
	return nil
}
