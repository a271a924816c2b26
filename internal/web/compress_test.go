package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// getEncoded asks for path with the encodings given (and the session
// cookie, if any) and returns the answer with its body as sent.
func getEncoded(t *testing.T, u, acceptEncoding, session string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept-Encoding", acceptEncoding)
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "um", Value: session})
	}
	// A bare transport, so Go's client neither asks for nor undoes gzip.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// Pages go compressed to a client that takes gzip or zstd, with the same
// security headers, and never where the body holds a secret (BREACH).
func TestPages_CompressedExceptBesideASecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServerOn(t, db, web.Config{})
		plain, html := getEncoded(t, ts.URL+"/about", "", "")
		if plain.Header.Get("Content-Encoding") != "" {
			t.Fatalf("no encoding asked for, got %q", plain.Header.Get("Content-Encoding"))
		}
		for _, enc := range []string{"gzip", "zstd"} {
			resp, body := getEncoded(t, ts.URL+"/about", enc, "")
			if got := resp.Header.Get("Content-Encoding"); got != enc {
				t.Fatalf("%s asked for: Content-Encoding %q", enc, got)
			}
			var r io.Reader
			var err error
			if enc == "gzip" {
				r, err = gzip.NewReader(bytes.NewReader(body))
			} else {
				var d *zstd.Decoder
				d, err = zstd.NewReader(bytes.NewReader(body))
				r = d
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, html) || len(body) >= len(html)/2 {
				t.Errorf("%s: %d bytes sent for %d, same page: %v", enc, len(body), len(html), bytes.Equal(got, html))
			}
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
				if resp.Header.Get(h) == "" || resp.Header.Get(h) != plain.Header.Get(h) {
					t.Errorf("%s: %s %q, plain %q", enc, h, resp.Header.Get(h), plain.Header.Get(h))
				}
			}
			if cc := resp.Header.Get("Cache-Control"); cc != plain.Header.Get("Cache-Control") {
				t.Errorf("%s: Cache-Control %q, plain %q", enc, cc, plain.Header.Get("Cache-Control"))
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: Vary %q lacks Accept-Encoding", enc, resp.Header.Get("Vary"))
			}
		}

		// A member setting up a second factor sees its key: never compressed.
		acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
		if err != nil {
			t.Fatal(err)
		}
		id := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.zip", WorkName: "Zip", Email: "zip@example.org"})
		resp, body := getEncoded(t, ts.URL+"/account/second-factor", "gzip, zstd", sessionFor(t, db, id))
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`name="secret"`)) {
			t.Fatalf("second factor page: %d, key field present %v", resp.StatusCode, bytes.Contains(body, []byte(`name="secret"`)))
		}
		if got := resp.Header.Get("Content-Encoding"); got != "" || len(body) < 1024 {
			t.Errorf("the page with a second factor's key went with Content-Encoding %q (%d bytes)", got, len(body))
		}
	})
}
