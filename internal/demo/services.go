package demo

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/support"
)

// Services are the demo's support services: plausible and plainly
// fictional (example.org sites, Ofcom's drama numbers: 07700 900xxx
// mobiles, 0808 157 0xxx freephone, 0113 496 0xxx Leeds, 020 7946 0xxx
// London), one of them Romanian-speaking in Leeds's region.
var Services = []support.Input{
	{Name: "Aire Valley Health Bus", Kinds: []string{"sexual-health", "general-health"}, Regions: []string{"yorkshire-humber"}, Towns: []string{"leeds", "bradford"},
		Phone: "0113 496 0123", Website: "https://airevalley.example.org", Hours: "Tuesday and Thursday, 7pm to 11pm, by the arches",
		Languages: []string{"en", "ro", "bg"}, Description: "Sexual health checks, contraception and a nurse to talk to, for women who sell sex. Romanian and Bulgarian spoken.", ConfirmedOn: "2026-09-14"},
	{Name: "Leeds Women's Housing Advice", Kinds: []string{"housing"}, Regions: []string{"yorkshire-humber"}, Towns: []string{"leeds"},
		Phone: "0113 496 0456", Email: "advice@leedshousing.example.org", Hours: "Monday to Friday, 10am to 4pm",
		Languages: []string{"en"}, Description: "Emergency housing and help to keep a tenancy. No questions about your work.", ConfirmedOn: "2025-06-02"},
	{Name: "Camden Clinic Nights", Kinds: []string{"sexual-health"}, Regions: []string{"london"}, Towns: []string{"camden"},
		Phone: "020 7946 0321", Website: "https://camdennights.example.org", Hours: "Wednesdays 6pm to 9pm, walk in",
		Languages: []string{"en", "pt-BR", "es"}, Description: "A sex-worker-only evening clinic. Portuguese and Spanish spoken.", ConfirmedOn: "2026-10-01"},
	{Name: "Northside Independent Advocates", Kinds: []string{"isva-idva"}, Regions: []string{"north-east", "north-west", "yorkshire-humber"},
		Phone: "07700 900870", Email: "referrals@northside.example.org", Hours: "Monday to Friday, 9am to 5pm",
		Languages: []string{"en", "pl"}, Description: "Independent sexual violence advisers: support through police and court, whether or not you report."},
	{Name: "Open Door Migrant Advice", Kinds: []string{"legal-immigration", "migrant-support"}, Regions: []string{"london", "south-east"},
		Email: "hello@opendoor.example.org", Website: "https://opendoor.example.org", Hours: "Online form any time; calls back within two working days",
		Languages: []string{"en", "ro", "hu", "th", "zh-Hans"}, Description: "Free, confidential immigration advice for migrant sex workers.", ConfirmedOn: "2026-03-20"},
	{Name: "Quiet Line (national helpline)", Kinds: []string{"isva-idva", "mental-health"}, National: true, Helpline: true,
		Phone: "0808 157 0999", Hours: "Every day, 24 hours", Languages: []string{"en"},
		Description: "A free, confidential helpline for anyone who has been assaulted or abused, including sex workers.", ConfirmedOn: "2026-08-30"},
}

// seedServices adds the directory as a coordinator would, and suggests a
// service from the first report whose reporter agreed to support.
func seedServices(ctx context.Context, db *store.DB, coordinator scheme.User, signInURL string, f filed) error {
	svc := support.New(db)
	ids := map[string]string{}
	for _, in := range Services {
		s, err := svc.Add(ctx, coordinator, in)
		if err != nil {
			return fmt.Errorf("demo service %s: %w", in.Name, err)
		}
		ids[in.Name] = s.ID
	}
	purposes := slices.Sorted(maps.Keys(f))
	for _, p := range purposes {
		for _, r := range f[p] {
			if !r.Consents.Support || r.ReporterID == "" {
				continue
			}
			_, err := svc.Suggest(ctx, coordinator, r.ID, ids["Quiet Line (national helpline)"], "They are there day and night if you want to talk it through.", signInURL)
			return err
		}
	}
	return nil
}
