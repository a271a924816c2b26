// Package app makes the site an installable web app: its manifest, its
// service worker, the neutral page the worker shows offline, and the
// route the quick exit calls to clear what the browser holds.
//
// A phone can be taken by an abusive partner, a client or the police, so
// the worker keeps only the fingerprinted static files and the offline
// page: never a page, an alert, a report or an API answer.
package app

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"uglymugs/internal/i18n"
	"uglymugs/internal/web/core"
)

// Colours of the light theme (site.css's page background), which the
// manifest gives the installed app's title bar and splash screen; the
// layout's <meta name="theme-color"> gives the dark one.
const lightBackground = "#f7f6f3"

// OfflinePath is the neutral page the service worker shows when a page
// cannot be fetched.
const OfflinePath = "/offline"

// offlineSentence is all the offline page says, in every language.
const offlineSentence = "You are offline. Check your connection and try again."

type server struct{ *core.Server }

// Routes registers the manifest, the service worker, the offline page and
// the quick exit's clearing route.
func Routes(mux core.Mux, c *core.Server) {
	s := &server{c}
	mux.Handle("GET /manifest.webmanifest", s.manifest())
	mux.Handle("GET /sw.js", s.worker())
	mux.Handle("GET "+OfflinePath, s.offline())
	mux.Handle("POST /exit", s.exit())
}

// icon is one of the manifest's icons.
type icon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

// webManifest is the web app manifest (W3C Web Application Manifest).
type webManifest struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	ShortName       string `json:"short_name"`
	Lang            string `json:"lang"`
	Dir             string `json:"dir"`
	StartURL        string `json:"start_url"`
	Scope           string `json:"scope"`
	Display         string `json:"display"`
	ThemeColor      string `json:"theme_color"`
	BackgroundColor string `json:"background_color"`
	Icons           []icon `json:"icons"`
}

// manifest names the app after the scheme, in the asker's language, and
// opens it at the alert feed. In discreet mode (?discreet=1, which the
// layout asks for when a member chose it) the app is "Notes" with a plain
// notepad icon: whoever looks at her home screen sees a notes app. The
// id stays the same, so an installed app takes the new name and icon when
// the browser next updates it.
func (s *server) manifest() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sch := s.Scheme(r.Context())
		name, prefix := sch.Name, "icon-"
		if r.URL.Query().Get("discreet") == "1" {
			name, prefix = core.Loc(r).T("Notes"), "icon-notes-"
		}
		m := webManifest{ID: "/", Name: name, ShortName: name, Lang: core.Loc(r).Language.Code, Dir: "ltr",
			StartURL: "/alerts", Scope: "/", Display: "standalone", ThemeColor: lightBackground, BackgroundColor: lightBackground}
		for _, ic := range []struct{ file, size, purpose string }{
			{"192.png", "192x192", "any"}, {"512.png", "512x512", "any"},
			{"maskable-192.png", "192x192", "maskable"}, {"maskable-512.png", "512x512", "maskable"},
		} {
			src, err := core.AssetURL(s.Server, prefix+ic.file)
			if err != nil {
				s.ServerError(w, r, err)
				return
			}
			m.Icons = append(m.Icons, icon{Src: src, Sizes: ic.size, Type: "image/png", Purpose: ic.purpose})
		}
		b, err := json.Marshal(m)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/manifest+json")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(b) // the client went away
	})
}

//go:embed sw.js
var workerSource string

// worker serves the service worker, with the list of static files to keep
// (those the pages use) and a cache name that changes with them (and with
// the quick-exit site, which the offline page links), so a new build
// replaces the old cache.
func (s *server) worker() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The app's icons are for the phone's home screen, which fetches
		// them once from the manifest; pages do not use them, and keeping
		// them would cost a weak connection 23 KB more.
		keep := slices.DeleteFunc(core.AssetURLs(s.Server), func(u string) bool { return strings.HasPrefix(u, "/static/icon-") })
		assets, err := json.Marshal(keep)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		icon, err := core.AssetURL(s.Server, "icon-192.png")
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		notes, err := core.AssetURL(s.Server, "icon-notes-192.png")
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		sum := sha256.Sum256([]byte(string(assets) + "\n" + s.Scheme(r.Context()).QuickExitURL + "\n" + workerSource))
		src := strings.NewReplacer(`"{{CACHE}}"`, strconv.Quote("static-"+hex.EncodeToString(sum[:6])),
			`["{{ASSETS}}"]`, string(assets), `"{{OFFLINE}}"`, strconv.Quote(OfflinePath),
			`"{{ICON}}"`, strconv.Quote(icon), `"{{NOTES_ICON}}"`, strconv.Quote(notes)).Replace(workerSource)
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write([]byte(src)) // the client went away
	})
}

// exit answers the quick exit's beacon: her session ends and the browser
// is to forget everything the site left in it (caches, the service worker
// and what it keeps, cookies), as when she signs out. Someone who picks
// the phone up after she left in a hurry, and opens the site or the
// installed app, finds the sign-in page, not her alerts.
func (s *server) exit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, mfa := range []bool{false, true} {
			if tok := s.SessionToken(r, mfa); tok != "" {
				if err := s.Accounts.SignOut(r.Context(), tok); err != nil {
					s.Log.WarnContext(r.Context(), "ending the session at a quick exit", "err", err) // the clearing below still happens
				}
				s.ClearSessionCookie(w, mfa)
			}
		}
		core.ClearSiteData(w)
		w.WriteHeader(http.StatusNoContent)
	})
}

//go:embed offline.html
var offlineHTML string

var offlineTemplate = template.Must(template.New("offline").Parse(offlineHTML))

// offlineLine is the offline sentence in one language.
type offlineLine struct{ Lang, Text string }

// offline is the neutral page: no scheme name, no header, no member's
// data, whoever asks (the worker fetches it without cookies). It says one
// sentence in the asker's language, then in every other, each a link that
// tries the page again; the quick exit is on it as on every page.
func (s *server) offline() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loc := core.Loc(r)
		data := struct {
			Lang                     string
			Sentence                 string
			Others                   []offlineLine
			CSS, Icon, Script        string
			QuickExit, ExitURL, Exit string
			Hint                     string
		}{Lang: loc.Language.Code, Sentence: loc.T(offlineSentence), ExitURL: cmp.Or(s.Scheme(r.Context()).QuickExitURL, "https://www.bbc.co.uk/weather"),
			QuickExit: loc.T("Quick exit"), Exit: loc.T("Exit this page"), Hint: loc.T("Or press the Shift key 3 times quickly to leave this page.")}
		for _, l := range i18n.Languages {
			if l.Code != loc.Language.Code {
				data.Others = append(data.Others, offlineLine{l.Code, s.Words.Localizer(l).T(offlineSentence)})
			}
		}
		var err error
		for _, a := range []struct {
			to   *string
			file string
		}{{&data.CSS, "site.css"}, {&data.Icon, "favicon.svg"}, {&data.Script, "quickexit.js"}} {
			if *a.to, err = core.AssetURL(s.Server, a.file); err != nil {
				s.ServerError(w, r, err)
				return
			}
		}
		var buf bytes.Buffer
		if err := offlineTemplate.Execute(&buf, data); err != nil {
			s.ServerError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = buf.WriteTo(w) // the client went away
	})
}
