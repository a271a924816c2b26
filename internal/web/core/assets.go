package core

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under names that carry a hash of
// their content ("site.3f9a1c2b.css"), so they can be cached for ever and a
// new build is fetched at once.
type assets struct {
	byName   map[string]string // "site.css" → "site.3f9a1c2b.css"
	byHashed map[string]asset  // "site.3f9a1c2b.css" → content
}

// asset is a file's content, and its gzip form when that is smaller: on a
// weak connection every kilobyte counts.
type asset struct {
	plain, gzipped []byte
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byHashed: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(b) // writes to memory
		if err := zw.Close(); err != nil {
			return err
		}
		as := asset{plain: b}
		if gz.Len() < len(b)*9/10 {
			as.gzipped = gz.Bytes()
		}
		a.byName[name], a.byHashed[hashed] = hashed, as
		return nil
	})
	return a, err
}

// url is the template function "asset".
func (a *assets) url(name string) (string, error) {
	h, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return "/static/" + h, nil
}

// AssetURL is the address pages link static file name ("site.css") by.
func AssetURL(s *Server, name string) (string, error) { return s.assets.url(name) }

// AssetURLs are the addresses of every static file, sorted: the installed
// app's service worker keeps those the pages use.
func AssetURLs(s *Server) []string {
	var urls []string
	for _, h := range s.assets.byName {
		urls = append(urls, "/static/"+h)
	}
	slices.Sort(urls)
	return urls
}

func (a *assets) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		as, ok := a.byHashed[r.PathValue("file")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		ct := mime.TypeByExtension(path.Ext(r.PathValue("file")))
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("Vary", "Accept-Encoding")
		body := as.plain
		if as.gzipped != nil && acceptsGzip(r) {
			w.Header().Set("Content-Encoding", "gzip")
			body = as.gzipped
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body) // the client went away
	})
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
