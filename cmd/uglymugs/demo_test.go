package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode/qr"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"uglymugs/internal/demo"
	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// TestDemo_ServesFictionalDataAndPrintsLogins: the demo prints each login
// on a line of its own with the password quoted, and each staff login's
// key; "demo code" gives the code of that key, and it signs the printed
// login in.
func TestDemo_ServesFictionalDataAndPrintsLogins(t *testing.T) {
	base, stdout, _ := start(t, "demo")
	out := stdout.String()
	for _, l := range demo.Staff() {
		line := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(l.Username) + ` +"` + regexp.QuoteMeta(l.Password) + `" +` + string(l.Role))
		if !line.MatchString(out) {
			t.Errorf("no line for %s with its password quoted:\n%s", l.Username, out)
		}
	}
	if !regexp.MustCompile(`(?m)^  demo-member +"demo member password" +member: `).MatchString(out) {
		t.Errorf("no line for demo-member:\n%s", out)
	}
	if body := get(t, base+"/").body; !strings.Contains(body, "made-up data") {
		t.Errorf("demo pages do not say the data is fictional")
	}

	// Sign a coordinator in through the API with what was printed.
	key := demoTOTPSecret(t, out, "demo-coordinator-2")
	var code, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "code", "demo-coordinator-2"}, testEnv(), nil, &code, &errOut); err != nil {
		t.Fatal(err)
	}
	if ok, err := totp.ValidateCustom(strings.TrimSpace(code.String()), key, time.Now(),
		totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}); !ok || err != nil {
		t.Fatalf("demo code printed %q, not a code of the printed key %s (%v)", code.String(), key, err)
	}
	st, body := api(t, "POST", base+"/api/v1/session", "", map[string]string{"username": "demo-coordinator-2",
		"password": "demo second coordinator password", "otp": strings.TrimSpace(code.String())})
	if st != http.StatusCreated {
		t.Errorf("demo-coordinator-2 with the code from demo code: %d %v", st, body)
	}
}

// TestDemoCode_OnlyForTheDemosStaff: "demo code" prints six digits for a
// demo staff login, and refuses any other name as a mistake in the call
// (exit status 2), printing nothing.
func TestDemoCode_OnlyForTheDemosStaff(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code bool
		err  string
	}{
		{[]string{"demo-admin"}, true, ""},
		{[]string{"demo-coordinator"}, true, ""},
		{[]string{"demo-member"}, false, `"demo-member" is not a demo staff login`},
		{[]string{"admin.one"}, false, `"admin.one" is not a demo staff login`},
		{nil, false, "give one demo staff login"},
		{[]string{"demo-admin", "demo-coordinator"}, false, "give one demo staff login"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"demo", "code"}, tc.args...), testEnv(), nil, &out, &errOut)
			if tc.code {
				if err != nil || !regexp.MustCompile(`^[0-9]{6}\n$`).MatchString(out.String()) {
					t.Errorf("printed %q, %v; want six digits", out.String(), err)
				}
				return
			}
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.err) || out.Len() > 0 {
				t.Errorf("got %q, error %v; want nothing printed and a usage error saying %q", out.String(), err, tc.err)
			}
		})
	}
}

// TestDemo_SaysThePortIsInUseBeforeAnythingElse: with the port taken,
// the demo says so and which port to try instead, and stops before it
// makes a database or prints a login.
func TestDemo_SaysThePortIsInUseBeforeAnythingElse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, port, _ := net.SplitHostPort(busy.Addr().String())
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the demo would make its database
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err = run(ctx, []string{"demo", "--addr", busy.Addr().String()}, testEnv(), nil, &out, &errOut)
	m := regexp.MustCompile(`^port ` + port + ` is in use: try --addr (127\.0\.0\.1:\d+)$`).FindStringSubmatch(fmt.Sprint(err))
	if m == nil {
		t.Fatalf("the demo on a busy port returned %v", err)
	}
	if l, err := net.Listen("tcp", m[1]); err != nil {
		t.Errorf("the port suggested is not free: %v", err)
	} else {
		l.Close()
	}
	if out.Len() > 0 {
		t.Errorf("the demo printed before checking its address:\n%s", out.String())
	}
	if made, _ := os.ReadDir(tmp); len(made) > 0 {
		t.Errorf("the demo made %v before checking its address", made)
	}
}

// TestServe_RefusesADatabaseWithTheDemosKeys: serve refuses a database in
// which a login has one of the demo's published second-factor keys; the
// same username with a key of its own serves.
func TestServe_RefusesADatabaseWithTheDemosKeys(t *testing.T) {
	for _, tc := range []struct {
		name    string
		demoKey bool
	}{{"demo key", true}, {"own key", false}} {
		t.Run(tc.name, func(t *testing.T) {
			dbPath, keys := filepath.Join(t.TempDir(), "um.db"), keyFile(t)
			var out, errOut bytes.Buffer
			if err := run(context.Background(), []string{"migrate", "--db", dbPath, "--keys", keys}, testEnv(), nil, &out, &errOut); err != nil {
				t.Fatal(err)
			}
			if err := run(context.Background(), []string{"user", "add", "--db", dbPath, "--keys", keys, "--username", "demo-coordinator", "--role", "coordinator"},
				testEnv(), strings.NewReader("coordinator passphrase\n"), &out, &errOut); err != nil {
				t.Fatal(err)
			}
			if !tc.demoKey {
				start(t, "serve", "--db", dbPath, "--keys", keys)
				return
			}
			setDemoKey(t, dbPath, keys, "demo-coordinator")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, []string{"serve", "--db", dbPath, "--keys", keys, "--addr", "127.0.0.1:0"}, testEnv(), nil, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), "demo-coordinator") || !strings.Contains(err.Error(), "must not be served for real") {
				t.Errorf("serve on a database with a demo key: %v", err)
			}
		})
	}
}

// setDemoKey gives a login the demo's published key, as a database the
// demo filled would have.
func setDemoKey(t *testing.T, dbPath, keys, username string) {
	t.Helper()
	ctx := context.Background()
	v, err := vault.Load(keys)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, store.Source{Dialect: store.SQLite, Path: dbPath}, v)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.Accounts.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range demo.Staff() {
		if l.Username == username {
			if err := db.Accounts.SetTOTP(ctx, u.ID, l.TOTPSecret, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestQRLines_DrawEveryModule reads the drawn QR code back, half block by
// half block, and compares it with the code's modules; with colour, the
// same drawing is wrapped in a colour that makes it dark on light.
func TestQRLines_DrawEveryModule(t *testing.T) {
	for _, l := range demo.Staff() {
		uri := l.OTPAuthURI()
		code, err := qr.Encode(uri, qr.L, qr.Auto)
		if err != nil {
			t.Fatal(err)
		}
		n := code.Bounds().Dx()
		lines := qrLines(uri, false)
		if len(lines) != (n+4+1)/2 {
			t.Fatalf("%d lines for a code of %d modules", len(lines), n)
		}
		for y := range n {
			row := []rune(lines[(y+2)/2])
			for x := range n {
				half := row[x+2]
				top := (y+2)%2 == 0
				var light bool
				switch half {
				case '█':
					light = true
				case '▀':
					light = top
				case '▄':
					light = !top
				}
				r, _, _, _ := code.At(x, y).RGBA()
				if light != (r != 0) {
					t.Fatalf("%s: module (%d, %d) drawn light=%v", l.Username, x, y, light)
				}
			}
		}
		if strings.Trim(lines[0], "█") != "" {
			t.Errorf("the quiet zone above the code is not light: %q", lines[0])
		}
		coloured := qrLines(uri, true)
		if coloured[3] != "\x1b[97;40m"+lines[3]+"\x1b[0m" {
			t.Errorf("a coloured line is %q", coloured[3])
		}
	}
}
