// Package demo fills a new database with realistic, entirely fictional data
// for trying the service out. Every name is invented, every phone number is in
// Ofcom's drama range (07700 900xxx) and every address is at example.org.
package demo

import (
	"context"
	"fmt"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Login is a demo sign-in to print.
type Login struct {
	Username, Password string
	Role               scheme.Role
	TOTPURI            string
}

// Seed adds the demo data and returns the logins.
func Seed(ctx context.Context, db *store.DB) ([]Login, error) {
	logins := []Login{
		{Username: "demo-admin", Password: "demo admin password", Role: scheme.RoleAdmin},
		{Username: "demo-coordinator", Password: "demo coordinator password", Role: scheme.RoleCoordinator},
	}
	for i, l := range logins {
		uri, err := account.CreateStaff(ctx, db, "demo", l.Username, l.Password, l.Role)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Username, err)
		}
		logins[i].TOTPURI = uri
	}
	return logins, nil
}
