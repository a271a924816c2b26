package core

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// secretBodies are the paths whose answers carry a secret in the body: a
// second factor's key and recovery codes (on the web and the API), a
// partner key shown once, an API session's token (also the fresh one a
// password change gives). They are never compressed, so that the size of a
// compressed answer can never tell an attacker, byte by byte, how much of
// a secret matches text they chose (BREACH; docs/architecture.md).
var secretBodies = []string{"/account/second-factor", "/admin/api-keys", "/api/v1/session", "/api/v1/me/password", "/api/v1/me/second-factor"}

// compress answers in zstd or gzip, as the client accepts (responses of
// 1 KiB or more, of text types), with a few bytes of padding that depend
// on the content, so that even a page with no secret in it does not give
// its exact compressed size away.
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.RandomJitter(32, 0, false))
	if err != nil {
		panic(err) // the options are fixed: they are valid or the tests fail
	}
	compressed := wrap(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range secretBodies {
			if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
				next.ServeHTTP(w, r)
				return
			}
		}
		compressed.ServeHTTP(w, r)
	})
}
