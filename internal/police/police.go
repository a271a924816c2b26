// Package police holds the rules for what leaves the scheme for the police:
// intelligence exports (only reports whose police consent is in force,
// anonymised, each with a purpose, a recipient and a reference), police
// enquiries forwarded to reporters, who decide, and the log of disclosures
// of personal data made without consent (legal basis, an admin's approval,
// and the person told unless the law forbids it).
package police

import (
	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
)

// Service applies those rules over the store.
type Service struct {
	DB    *store.DB
	Hours settings.Hours // for dates and deadlines
}

// New returns the service.
func New(db *store.DB, hours scheme.WorkingHours) *Service {
	return &Service{DB: db, Hours: settings.Hours{Fixed: hours}}
}
