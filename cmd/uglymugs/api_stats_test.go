package main

import (
	"net/http"
	"net/url"
	"testing"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// statsCell finds a figure in a GET /api/v1/stats answer: the value in
// the named column of the row with the given key ("total" for the total).
func statsCell(t *testing.T, body map[string]any, slug, key, column string) any {
	t.Helper()
	for _, s := range list(body["sections"]) {
		for _, raw := range list(s.(map[string]any)["tables"]) {
			tb := raw.(map[string]any)
			if tb["slug"] != slug {
				continue
			}
			col := -1
			for i, c := range list(tb["columns"]) {
				if c.(map[string]any)["name"] == column {
					col = i
				}
			}
			if col < 0 {
				t.Fatalf("%s has no column %q", slug, column)
			}
			rows := list(tb["rows"])
			if total, ok := tb["total"].(map[string]any); ok {
				total["key"] = "total"
				rows = append(rows, total)
			}
			for _, r := range rows {
				row := r.(map[string]any)
				if row["key"] == key {
					return list(row["values"])[col]
				}
			}
			t.Fatalf("%s has no row %q", slug, key)
		}
	}
	t.Fatalf("no table %s in %v", slug, body)
	return nil
}

func TestAPI_Stats_CoordinatorsGetExactFiguresByRegionAndDate(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			dbs, keys := dbArg(storetest.Source(t, d)), keyFile(t)
			base, _, _ := start(t, "serve", "--db", dbs, "--keys", keys)
			coord := coordinatorToken(t, base, dbs, keys)
			alice, _ := member(t, base, coord, "alice.s")
			bob, _ := member(t, base, coord, "bob.s")

			// Alice reports three incidents in the North West, the last one
			// more than 72 hours after it happened; Bob one in Wales, for
			// someone else.
			for _, hours := range []int{2, 30, 90} {
				if st, body := api(t, "POST", base+"/api/v1/reports", alice, reportBody("07700 900777", hours)); st != http.StatusCreated {
					t.Fatalf("report: %d %v", st, body)
				}
			}
			wales := reportBody("07700 900778", 5)
			wales["region"], wales["third_party"] = "wales", true
			if st, body := api(t, "POST", base+"/api/v1/reports", bob, wales); st != http.StatusCreated {
				t.Fatalf("report: %d %v", st, body)
			}

			st, all := api(t, "GET", base+"/api/v1/stats", coord, nil)
			if st != http.StatusOK || all["time_zone"] != "Europe/London" || all["from"] == "" || all["to"] == "" {
				t.Fatalf("stats: %d %v", st, all)
			}
			for _, c := range []struct {
				slug, key, column string
				want              float64
			}{
				{"members-type", "individual", "Members", 2},
				{"members-region", "london", "Members", 2},
				{"applications-status", "approved", "Applications", 2},
				{"reports-region", "north-west", "Reports", 3},
				{"reports-region", "wales", "Reports", 1},
				{"reports-region", "total", "Reports", 4},
				{"reports-delay", "within-72h", "Reports", 3},
				{"reports-delay", "later", "Reports", 1},
				{"reports-third-party", "third-party", "Reports", 1},
				{"reports-type", "physical-assault", "Reports", 4},
				// All four name the car MA21 XYZ: one offender in four reports.
				{"offenders-repeat", "4", "Offender profiles", 1},
				{"offenders-repeat", "3", "Offender profiles", 0},
			} {
				if got := statsCell(t, all, c.slug, c.key, c.column); got != c.want {
					t.Errorf("%s, %s: %v, want %v", c.slug, c.key, got, c.want)
				}
			}
			if got := statsCell(t, all, "consent-month", "total", "Police intelligence (%)"); got != 100.0 {
				t.Errorf("police consent: %v", got)
			}

			_, w := api(t, "GET", base+"/api/v1/stats?region=wales", coord, nil)
			if got := statsCell(t, w, "reports-region", "total", "Reports"); got != 1.0 || w["region"] != "wales" {
				t.Errorf("reports in Wales: %v", got)
			}
			_, old := api(t, "GET", base+"/api/v1/stats?"+url.Values{"from": {"2020-01-01"}, "to": {"2020-12-31"}}.Encode(), coord, nil)
			if got := statsCell(t, old, "reports-region", "total", "Reports"); got != 0.0 {
				t.Errorf("reports in 2020: %v", got)
			}

			if st, body := api(t, "GET", base+"/api/v1/stats?from=yesterday&region=atlantis", coord, nil); st != http.StatusUnprocessableEntity ||
				errField(body, "from") == "" || errField(body, "region") == "" {
				t.Errorf("bad filter: %d %v", st, body)
			}
			if st, body := api(t, "GET", base+"/api/v1/stats", "", nil); st != http.StatusUnauthorized || errCode(body) != "unauthenticated" {
				t.Errorf("signed out: %d %v", st, body)
			}
			if st, body := api(t, "GET", base+"/api/v1/stats", alice, nil); st != http.StatusForbidden || errCode(body) != "forbidden" {
				t.Errorf("a member: %d %v", st, body)
			}
		})
	}
}
