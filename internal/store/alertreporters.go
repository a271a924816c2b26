package store

import (
	"context"
	"database/sql"

	"uglymugs/internal/scheme"
)

// AlertReporters returns what the anonymisation check must look for in an
// alert written from these reports: the reporters' names, usernames and
// contact details and their organisations' names. It is read by the check
// only, never shown.
func (area Alerts) AlertReporters(ctx context.Context, reportIDs []string) ([]scheme.ReporterDetails, error) {
	db := area.db

	var out []scheme.ReporterDetails
	seen := map[string]bool{}
	for _, rid := range reportIDs {
		var reporter sql.NullString
		if err := db.read.QueryRowContext(ctx, `SELECT reporter_id FROM reports WHERE id = $1`, rid).Scan(&reporter); err != nil {
			return nil, mapErr(err)
		}
		if !reporter.Valid || seen[reporter.String] {
			continue
		}
		seen[reporter.String] = true
		var d scheme.ReporterDetails
		var usernameCT []byte
		if err := db.read.QueryRowContext(ctx, `SELECT username_ct FROM users WHERE id = $1`, reporter.String).Scan(&usernameCT); err != nil {
			return nil, mapErr(err)
		}
		var err error
		if d.Username, err = db.open("users", "username", reporter.String, usernameCT); err != nil {
			return nil, err
		}
		p, err := db.profile(ctx, db.read, reporter.String)
		if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
			return nil, err
		}
		d.WorkName, d.RealName, d.Email, d.Mobile = p.WorkName, p.RealName, p.Email, p.Mobile
		org, err := db.organisationOfUser(ctx, db.read, reporter.String)
		if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
			return nil, err
		}
		d.Organisation, d.OrganisationEmail = org.Name, org.Email
		out = append(out, d)
	}
	return out, nil
}
