package web_test

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"uglymugs/internal/check"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// twin is what a web route has in the JSON API: the API route that does
// the same through the same use case, or why it has none.
type twin struct {
	api    string // "METHOD /api/v1/…", a registered API route
	reason string // why there is no twin
}

// webTwins maps every web route a visitor, applicant, member or
// organisation uses (everything but the API and the coordinators' and
// admins' desks) to its API twin or to the reason it has none. A web
// action added without either fails TestAPI_EveryMemberWebActionHasItsTwin.
var webTwins = map[string]twin{
	// Operations and the installable app: not member actions.
	"GET /healthz":              {reason: "the load balancer's health check"},
	"GET /metrics":              {reason: "the operator's metrics"},
	"GET /static/{file}":        {reason: "the pages' style sheets, scripts and images"},
	"GET /manifest.webmanifest": {reason: "the installable web app's manifest"},
	"GET /sw.js":                {reason: "the installable web app's service worker"},
	"GET /offline":              {reason: "the web app's page for no connection"},
	"POST /exit":                {reason: "quick exit ends the browser's session and clears the site's data; an app deletes its token itself (DELETE /api/v1/session)"},
	"/":                         {reason: "the web's page for an unknown address (the API's own is /api/)"},

	// The public site: reading the scheme's pages is for browsers.
	"GET /{$}":                             {reason: "the home page"},
	"GET /about":                           {reason: "a content page of the public site"},
	"GET /join":                            {reason: "a content page of the public site (the membership types)"},
	"GET /privacy":                         {reason: "a content page of the public site"},
	"GET /contact":                         {reason: "a content page of the public site, with the contact form"},
	"POST /contact":                        {reason: "the public contact form for visitors, not a member's action"},
	"GET /case-studies":                    {reason: "a content page of the public site"},
	"GET /supporters":                      {reason: "a content page of the public site"},
	"GET /images/{id}":                     {reason: "images in the content pages"},
	"GET /newsletter":                      {reason: "the public newsletter sign-up, for visitors"},
	"POST /newsletter":                     {reason: "the public newsletter sign-up, for visitors"},
	"GET /newsletter/confirm/{token}":      {reason: "a link in the newsletter's email"},
	"POST /newsletter/confirm/{token}":     {reason: "a link in the newsletter's email"},
	"GET /newsletter/unsubscribe/{token}":  {reason: "a link in the newsletter's email"},
	"POST /newsletter/unsubscribe/{token}": {reason: "a link in the newsletter's email (RFC 8058 one-click)"},
	"GET /terms":                           {api: "GET /api/v1/terms"},
	"GET /statistics":                      {reason: "the public statistics page (coordinators have GET /api/v1/stats)"},
	"POST /theme":                          {reason: "the browser's light or dark theme, kept in a cookie"},
	"GET /language":                        {reason: "the language chooser's page (the choices are Language in docs/openapi.yaml)"},
	"POST /language":                       {api: "PATCH /api/v1/me"},

	// Joining and signing in.
	"GET /join/{type}":  {reason: "the join form (the regions it offers are GET /api/v1/regions)"},
	"POST /join/{type}": {api: "POST /api/v1/applications"},
	"GET /signin":       {reason: "the sign-in form"},
	"POST /signin":      {api: "POST /api/v1/session"},
	"GET /signin/code":  {reason: "the web's second step of signing in; the API takes the code with the password"},
	"POST /signin/code": {api: "POST /api/v1/session"},
	"POST /signout":     {api: "DELETE /api/v1/session"},
	"GET /reset":        {reason: "the reset form"},
	"POST /reset":       {reason: "resetting a forgotten password is for someone who cannot sign in: the app opens the web's form, one door to guard against probing usernames"},
	"POST /reset/code":  {reason: "finishing a reset, as POST /reset"},

	// Her account.
	"GET /account":                   {api: "GET /api/v1/me"},
	"POST /account/answer":           {api: "POST /api/v1/me/answer"},
	"GET /account/profile":           {api: "GET /api/v1/me"},
	"POST /account/profile":          {api: "PATCH /api/v1/me"},
	"GET /account/password":          {reason: "the password form"},
	"POST /account/password":         {api: "POST /api/v1/me/password"},
	"GET /account/second-factor":     {api: "POST /api/v1/me/second-factor"},
	"POST /account/second-factor":    {api: "POST /api/v1/me/second-factor/confirm"},
	"GET /account/data":              {api: "GET /api/v1/me/export"},
	"GET /account/data.json":         {api: "GET /api/v1/me/export"},
	"GET /account/terms":             {api: "GET /api/v1/terms"},
	"POST /account/terms":            {api: "POST /api/v1/me/terms"},
	"GET /account/leave":             {reason: "the page that asks her to confirm leaving"},
	"GET /account/push":              {api: "GET /api/v1/push/subscriptions"},
	"POST /account/push":             {api: "POST /api/v1/push/subscriptions"},
	"POST /account/push/{id}/remove": {api: "DELETE /api/v1/push/subscriptions/{id}"},
	"POST /account/push/discreet":    {api: "PATCH /api/v1/me"},
	"POST /account/leave":            {api: "DELETE /api/v1/me"},

	// Her reports.
	"GET /reports":                                   {api: "GET /api/v1/reports"},
	"POST /reports/new":                              {api: "POST /api/v1/drafts"},
	"GET /reports/draft/{id}/{step}":                 {api: "GET /api/v1/drafts/{id}"},
	"POST /reports/draft/{id}/{step}":                {api: "PATCH /api/v1/drafts/{id}"},
	"POST /reports/draft/{id}/discard":               {api: "DELETE /api/v1/drafts/{id}"},
	"GET /reports/{id}":                              {api: "GET /api/v1/reports/{id}"},
	"POST /reports/{id}/messages":                    {api: "POST /api/v1/reports/{id}/messages"},
	"POST /reports/{id}/referrals/{referral}/answer": {api: "POST /api/v1/reports/{id}/referrals/{referral}/answer"},
	"GET /services":                                  {api: "GET /api/v1/services"},
	"POST /reports/{id}/consents":                    {api: "PATCH /api/v1/reports/{id}/consents"},
	"POST /reports/{id}/impact-notices":              {api: "PATCH /api/v1/reports/{id}/impact"},
	"POST /reports/{id}/police-help":                 {api: "POST /api/v1/reports/{id}/police-help"},

	// Alerts.
	"GET /alerts":                 {api: "GET /api/v1/alerts"},
	"GET /alerts/bulletin":        {reason: "a printable bulletin of GET /api/v1/alerts with each alert's approved additions (GET /api/v1/alerts/{id})"},
	"GET /alerts/{id}":            {api: "GET /api/v1/alerts/{id}"},
	"GET /alerts/{id}/print":      {reason: "a printable view of GET /api/v1/alerts/{id}"},
	"POST /alerts/{id}/additions": {api: "POST /api/v1/alerts/{id}/additions"},

	// Checks.
	"GET /check":        {reason: "the check form"},
	"POST /check":       {api: "POST /api/v1/checks"},
	"POST /sms/inbound": {reason: "the SMS provider's webhook"},

	// Police enquiries about her reports.
	"GET /enquiries":                {api: "GET /api/v1/enquiries"},
	"GET /enquiries/{id}":           {api: "GET /api/v1/enquiries/{id}"},
	"POST /enquiries/{id}/decision": {api: "POST /api/v1/enquiries/{id}/decision"},

	// A key contact's staff logins.
	"GET /organisation/staff":               {api: "GET /api/v1/organisation/staff"},
	"POST /organisation/staff":              {api: "POST /api/v1/organisation/staff"},
	"POST /organisation/staff/{id}/disable": {api: "POST /api/v1/organisation/staff/{id}/disable"},
	"POST /organisation/staff/{id}/enable":  {api: "POST /api/v1/organisation/staff/{id}/enable"},
	// A key contact's training: her organisation's standing and places.
	"GET /organisation/training":                       {api: "GET /api/v1/organisation/training"},
	"POST /organisation/training/{id}/book":            {api: "POST /api/v1/organisation/training/events/{id}/bookings"},
	"POST /organisation/training/bookings/{id}/cancel": {api: "POST /api/v1/organisation/training/bookings/{id}/cancel"},
}

// staffDesk says whether a route is the coordinators' or admins' (their
// API is another issue) or the API itself.
func staffDesk(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	if path == "" {
		path = pattern
	}
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/coordinator/") || strings.HasPrefix(path, "/admin/")
}

// Every action a member has on the web is in the API (issue 19): each web
// route outside the staff desks either names its registered API twin or
// says why it has none, and a new one without either fails here.
func TestAPI_EveryMemberWebActionHasItsTwin(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	srv, err := web.New(web.Config{}, services(t, db, testAccounts(t, db), check.Limits{}), slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	srv.Handler()
	routes := srv.Routes()
	checked := 0
	for _, p := range routes {
		if staffDesk(p) {
			continue
		}
		tw, ok := webTwins[p]
		switch {
		case !ok:
			t.Errorf("web route %q has no API twin: add one (and a row in webTwins), or say in webTwins why it has none", p)
		case tw.api == "" && strings.TrimSpace(tw.reason) == "":
			t.Errorf("web route %q: neither a twin nor a reason", p)
		case tw.api != "" && tw.reason != "":
			t.Errorf("web route %q: a twin and a reason; give one", p)
		case tw.api != "" && !slices.Contains(routes, tw.api):
			t.Errorf("web route %q names %q, which is no API route", p, tw.api)
		case tw.api != "" && !strings.Contains(tw.api, " /api/v1/"):
			t.Errorf("web route %q names %q, which is not under /api/v1/", p, tw.api)
		}
		checked++
	}
	for p := range webTwins {
		if !slices.Contains(routes, p) {
			t.Errorf("webTwins has %q, which is no route", p)
		}
	}
	if checked < 50 {
		t.Errorf("only %d web routes checked: is the router recording its patterns?", checked)
	}
}
