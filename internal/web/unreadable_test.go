package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/vault"
)

// flipByte damages one stored ciphertext, as a bad disk or restore would:
// the last byte (in its authentication tag) is inverted.
func flipByte(t *testing.T, db *store.DB, table, column, idColumn, id string) {
	t.Helper()
	ctx := context.Background()
	var ct []byte
	// Names are the test's own constants.
	if err := db.Writer().QueryRowContext(ctx, `SELECT `+column+` FROM `+table+` WHERE `+idColumn+` = $1`, id).Scan(&ct); err != nil {
		t.Fatal(err)
	}
	ct[len(ct)-1] ^= 0xff
	if _, err := db.Writer().ExecContext(ctx, `UPDATE `+table+` SET `+column+` = $1 WHERE `+idColumn+` = $2`, ct, id); err != nil {
		t.Fatal(err)
	}
}

// TestUnreadableField_ListsShowTheRestWithAMarker: one flipped byte in one
// alert's text and one in one member's username. The member's feed, the
// coordinators' alert list, a check of the number the alert names and the
// members page still answer 200, with every other item as usual and the
// damaged one marked in plain words; each read is counted in
// uglymugs_unreadable_fields_total; and ScanUnreadable (check-data) lists
// exactly the two damaged fields.
func TestUnreadableField_ListsShowTheRestWithAMarker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		damaged := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
		intact := d.publish(alert.Input{Title: ptr("Threats — Camden")})
		wren := d.users["outsider"].ID
		flipByte(t, db, "alerts", "content_ct", "id", damaged.ID)
		flipByte(t, db, "users", "username_ct", "id", wren)

		const marker = "This alert could not be read"
		pages := []struct {
			who, method, path string
			form              url.Values
			want              []string
		}{
			{"member", "GET", "/alerts", nil, []string{marker, "Threats — Camden"}},
			{"coordA", "GET", "/coordinator/alerts", nil, []string{marker, "Threats — Camden"}},
			{"member", "POST", "/check", url.Values{"value": {"07700 900123"}}, []string{marker, "Threats — Camden", "Reported in 2 alerts"}},
			{"coordA", "GET", "/coordinator/members", nil, []string{"This username could not be read", "m.iris", "rep.coral", "staff.coordb"}},
		}
		for _, p := range pages {
			status, _, body := d.do(p.who, p.method, p.path, p.form)
			if status != http.StatusOK {
				t.Errorf("%s %s: %d, want 200 with the rest of the page", p.method, p.path, status)
				continue
			}
			for _, w := range p.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s %s does not show %q", p.method, p.path, w)
				}
			}
			if strings.Contains(body, "m.wren") {
				t.Errorf("%s %s shows the damaged username", p.method, p.path)
			}
		}
		// The API's feed, list and check answer too, within the document
		// (the client checks every exchange against docs/openapi.yaml).
		ctx := context.Background()
		for _, who := range []string{"member", "coordA"} {
			tok, _, err := db.Sessions.CreateSession(ctx, d.users[who].ID, scheme.SessionAPI, account.DefaultAPITTL)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ method, path, body, want string }{
				{"GET", "/api/v1/alerts", "", `"unreadable":true`},
				{"POST", "/api/v1/checks", `{"value":"07700 900123"}`, marker},
			} {
				if who == "coordA" && c.path == "/api/v1/checks" {
					continue // checks are for members
				}
				req, _ := http.NewRequestWithContext(ctx, c.method, d.ts.URL+c.path, strings.NewReader(c.body))
				req.Header.Set("Authorization", "Bearer "+tok)
				if c.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := d.ts.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.Status != "200 OK" || !strings.Contains(string(b), c.want) || !strings.Contains(string(b), "Threats — Camden") {
					t.Errorf("%s: %s %s: %s %.300s", who, c.method, c.path, resp.Status, b)
				}
			}
		}

		// The alert's own page still refuses it.
		if status, _, _ := d.do("member", "GET", "/alerts/"+damaged.ID, nil); status != http.StatusInternalServerError {
			t.Errorf("the damaged alert's own page: %d", status)
		}
		if status, _, body := d.do("member", "GET", "/alerts/"+intact.ID, nil); status != http.StatusOK || !strings.Contains(body, "Threats — Camden") {
			t.Errorf("the intact alert's own page: %d", status)
		}

		_, _, metrics := d.do("", "GET", "/metrics", nil)
		for _, series := range []string{`uglymugs_unreadable_fields_total{column="content",table="alerts"}`, `uglymugs_unreadable_fields_total{column="username",table="users"}`} {
			m := regexp.MustCompile(regexp.QuoteMeta(series) + ` (\d+)`).FindStringSubmatch(metrics)
			if m == nil {
				t.Errorf("/metrics has no %s", series)
				continue
			}
			if n, _ := strconv.Atoi(m[1]); n < 1 {
				t.Errorf("%s = %s", series, m[1])
			}
		}

		var found []string
		n, err := db.ScanUnreadable(context.Background(), func(u vault.Field) error {
			found = append(found, u.Table+"."+u.Column+" "+u.RowID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"alerts.content " + damaged.ID, "users.username " + wren}
		slices.Sort(found)
		if !slices.Equal(found, want) {
			t.Errorf("ScanUnreadable found %v, want exactly %v (of %d values)", found, want, n)
		}
	})
}
