package web_test

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/apitest"
	"uglymugs/internal/check"
	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// The roles of the matrix. "member" owns the objects (a report, a draft,
// an alert she received, an enquiry forwarded to her); "other" is another
// individual member, who must get 404 for them (no IDOR). "revoked" and
// "left" are members whose membership ended.
var matrixRoles = []string{"visitor", "applicant", "member", "other", "orgcontact", "orgstaff", "coord", "admin", "revoked", "left"}

// cell is one route's expected outcome: who may use it, and who gets a
// plain 404 (objects that are not theirs) rather than a 403.
type cell struct {
	path     string
	allowed  []string
	notFound []string
	public   bool // everyone, signed in or not
	// destructive routes (signing out, leaving) are checked for the roles
	// that must be refused only; their own tests cover the rest.
	destructive bool
	// signedRefusal: a public route that refuses anything not signed by
	// the SMS provider (403), whoever sends it; its own tests sign.
	signedRefusal bool
	json          string // the API body, when {} would stop at validation before the object is looked up
}

var (
	members    = []string{"member", "other", "orgcontact", "orgstaff"}
	reporters  = []string{"member", "other", "orgcontact", "orgstaff", "coord", "admin"}
	staff      = []string{"coord", "admin"}
	admins     = []string{"admin"}
	signedIn   = []string{"applicant", "member", "other", "orgcontact", "orgstaff", "coord", "admin"}
	withMember = []string{"member", "other", "orgcontact", "orgstaff"}
)

func TestAuthorisationMatrix_EveryRouteForEveryRole(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	ctx := context.Background()
	hours := scheme.DefaultWorkingHours(time.UTC)

	// The server whose routes are checked.
	accounts, err := account.New(db, hours, "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Region: "Testland"}, services(t, db, accounts, check.Limits{}), slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	// Every refusal and answer of the API is held to docs/openapi.yaml too.
	ts.Client().Transport = apitest.Transport(t, ts.Client().Transport)

	// People. "member" is the desk's reporter; "other" its member in Wales.
	users := map[string]scheme.User{"member": d.users["reporter"], "other": d.users["outsider"], "orgcontact": d.users["org"],
		"orgstaff": d.users["orgstaff"], "coord": d.users["coordA"], "admin": d.users["admin"]}
	pending, err := d.acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "waiting.one", Password: "a long test passphrase",
		WorkName: "Fern", Mobile: "07700 900333", Regions: []string{"wales"}, TermsVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"revoked", "left"} {
		a, err := d.acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: who + ".one", Password: "a long test passphrase",
			WorkName: "Test " + who, Email: who + "@example.org", Regions: []string{"london"}, TermsVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.acc.Decide(ctx, "test", a.ID, scheme.Approve, ""); err != nil {
			t.Fatal(err)
		}
		l, _ := db.Sessions.LoginByID(ctx, a.UserID)
		users[who] = l.User
	}
	users["applicant"] = scheme.User{ID: pending.UserID}
	// Sessions made before the membership ended: they must be dead.
	deadWeb := map[string]string{"revoked": sessionFor(t, db, users["revoked"].ID), "left": sessionFor(t, db, users["left"].ID)}
	deadAPI := map[string]string{}
	for _, who := range []string{"revoked", "left"} {
		tok, _, err := db.Sessions.CreateSession(ctx, users[who].ID, scheme.SessionAPI, account.DefaultAPITTL)
		if err != nil {
			t.Fatal(err)
		}
		deadAPI[who] = tok
	}
	if err := db.Accounts.Revoke(ctx, users["coord"].ID, users["revoked"].ID, "Probing for offenders' details.", "http://test.example.org/signin"); err != nil {
		t.Fatal(err)
	}
	if err := db.Accounts.Leave(ctx, users["left"].ID); err != nil {
		t.Fatal(err)
	}

	// Objects.
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
	rep := a.ReportIDs[0]
	draft, err := db.Reports.SaveDraft(ctx, users["member"].ID, "", 1, "{}")
	if err != nil {
		t.Fatal(err)
	}
	full, err := db.Reports.Report(ctx, rep)
	if err != nil {
		t.Fatal(err)
	}
	profile := full.Working.Offenders[0].ProfileID
	task, err := db.Reports.AddTask(ctx, users["coord"].ID, rep, "Call back", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	addition, err := db.Alerts.AddAddition(ctx, users["member"].ID, a.ID, "The same man called me.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reports.SetConsents(ctx, users["member"].ID, rep, scheme.Consents{Alert: true, Police: true}); err != nil {
		t.Fatal(err)
	}
	town, err := db.Towns.AddTown(ctx, users["admin"].ID, "london", "Camden", "camden")
	if err != nil {
		t.Fatal(err)
	}
	ps := police.New(db, hours)
	export, err := ps.CreateExport(ctx, users["coord"], police.ExportInput{ReportIDs: []string{rep}, Purpose: "p", Recipient: "r", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	enq, err := ps.CreateEnquiry(ctx, users["coord"], police.EnquiryInput{Force: "Example Police", Request: "Talk?", ReportID: rep})
	if err != nil {
		t.Fatal(err)
	}
	fwd, err := ps.ForwardEnquiry(ctx, users["coord"], enq.ID, rep, "reporter", "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	memberExport, err := ps.RequestMemberExport(ctx, users["coord"], users["revoked"].ID, "Police intelligence hub")
	if err != nil {
		t.Fatal(err)
	}
	disc, err := ps.RecordDisclosure(ctx, users["coord"], police.DisclosureInput{LegalBasis: "risk_to_life", Username: "m.iris", What: "w", Recipient: "r", Justification: "j", Notify: "yes"})
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := db.Sessions.CreateAPIKey(ctx, users["admin"].ID, "Example Adverts", 10, 100)
	if err != nil {
		t.Fatal(err)
	}
	service, err := db.Support.SaveService(ctx, users["coord"].ID, scheme.SupportService{Name: "Test Clinic", Kinds: []string{"sexual-health"}, National: true, Phone: "+448081570123"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reports.SetConsents(ctx, users["member"].ID, rep, scheme.Consents{Alert: true, Police: true, Support: true}); err != nil {
		t.Fatal(err)
	}
	referral, err := db.Support.SuggestReferral(ctx, users["coord"].ID, rep, service.ID, "", "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	staffLogin := users["orgstaff"].ID
	member2 := d.users["member"].ID
	event, err := db.Training.PublishTrainingEvent(ctx, users["coord"].ID, scheme.TrainingEvent{Title: "Safety", StartsAt: db.Now().Add(72 * time.Hour), Online: true, Places: 10})
	if err != nil {
		t.Fatal(err)
	}
	bookings, err := db.Training.BookTraining(ctx, users["orgcontact"], event.ID, []string{staffLogin})
	if err != nil {
		t.Fatal(err)
	}

	matrix := map[string]cell{
		"GET /healthz":                         {path: "/healthz", public: true},
		"GET /metrics":                         {path: "/metrics", public: true},
		"GET /static/{file}":                   {path: "/static/nothing.css", public: true},
		"GET /manifest.webmanifest":            {path: "/manifest.webmanifest", public: true},
		"GET /sw.js":                           {path: "/sw.js", public: true},
		"GET /offline":                         {path: "/offline", public: true},
		"POST /exit":                           {path: "/exit", public: true},
		"GET /{$}":                             {path: "/", public: true},
		"GET /about":                           {path: "/about", public: true},
		"GET /join":                            {path: "/join", public: true},
		"GET /privacy":                         {path: "/privacy", public: true},
		"GET /contact":                         {path: "/contact", public: true},
		"POST /contact":                        {path: "/contact", public: true},
		"GET /case-studies":                    {path: "/case-studies", public: true},
		"GET /supporters":                      {path: "/supporters", public: true},
		"GET /images/{id}":                     {path: "/images/NOIMAGE", public: true},
		"GET /newsletter":                      {path: "/newsletter", public: true},
		"POST /newsletter":                     {path: "/newsletter", public: true},
		"GET /newsletter/confirm/{token}":      {path: "/newsletter/confirm/NOTOKEN", public: true},
		"POST /newsletter/confirm/{token}":     {path: "/newsletter/confirm/NOTOKEN", public: true},
		"GET /newsletter/unsubscribe/{token}":  {path: "/newsletter/unsubscribe/NOTOKEN", public: true},
		"POST /newsletter/unsubscribe/{token}": {path: "/newsletter/unsubscribe/NOTOKEN", public: true},
		"GET /terms":                           {path: "/terms", public: true},
		"GET /statistics":                      {path: "/statistics", public: true},
		"POST /theme":                          {path: "/theme", public: true},
		"GET /language":                        {path: "/language", public: true},
		"POST /language":                       {path: "/language", public: true},
		"GET /join/{type}":                     {path: "/join/individual", public: true},
		"POST /join/{type}":                    {path: "/join/individual", public: true},
		"GET /signin":                          {path: "/signin", public: true},
		"POST /signin":                         {path: "/signin", public: true},
		"GET /signin/code":                     {path: "/signin/code", public: true},
		"POST /signin/code":                    {path: "/signin/code", public: true},
		"POST /signout":                        {path: "/signout", public: true, destructive: true},
		"GET /reset":                           {path: "/reset", public: true},
		"POST /reset":                          {path: "/reset", public: true},
		"POST /reset/code":                     {path: "/reset/code", public: true},
		"POST /sms/inbound":                    {path: "/sms/inbound", public: true, signedRefusal: true},

		"GET /account":                   {path: "/account", allowed: signedIn},
		"POST /account/answer":           {path: "/account/answer", allowed: signedIn},
		"GET /account/profile":           {path: "/account/profile", allowed: withMember},
		"POST /account/profile":          {path: "/account/profile", allowed: withMember},
		"GET /account/password":          {path: "/account/password", allowed: signedIn},
		"POST /account/password":         {path: "/account/password", allowed: signedIn},
		"GET /account/second-factor":     {path: "/account/second-factor", allowed: signedIn},
		"POST /account/second-factor":    {path: "/account/second-factor", allowed: signedIn},
		"GET /account/data":              {path: "/account/data", allowed: signedIn},
		"GET /account/data.json":         {path: "/account/data.json", allowed: signedIn},
		"GET /account/terms":             {path: "/account/terms", allowed: signedIn},
		"POST /account/terms":            {path: "/account/terms", allowed: signedIn},
		"GET /account/leave":             {path: "/account/leave", allowed: signedIn},
		"POST /account/leave":            {path: "/account/leave", allowed: signedIn, destructive: true},
		"GET /account/push":              {path: "/account/push", allowed: members},
		"POST /account/push":             {path: "/account/push", allowed: members},
		"POST /account/push/{id}/remove": {path: "/account/push/NOSUCHDEVICE/remove", allowed: members},
		"POST /account/push/discreet":    {path: "/account/push/discreet", allowed: members},

		"GET /reports":                                     {path: "/reports", allowed: reporters},
		"POST /reports/new":                                {path: "/reports/new", allowed: reporters},
		"GET /reports/draft/{id}/{step}":                   {path: "/reports/draft/" + draft + "/1", allowed: []string{"member"}, notFound: notMember(reporters)},
		"POST /reports/draft/{id}/{step}":                  {path: "/reports/draft/" + draft + "/1", allowed: []string{"member"}, notFound: notMember(reporters)},
		"POST /reports/draft/{id}/discard":                 {path: "/reports/draft/" + draft + "/discard", allowed: []string{"member"}, notFound: notMember(reporters), destructive: true},
		"GET /reports/{id}":                                {path: "/reports/" + rep, allowed: []string{"member"}, notFound: notMember(reporters)},
		"POST /reports/{id}/messages":                      {path: "/reports/" + rep + "/messages", allowed: []string{"member"}, notFound: notMember(reporters)},
		"POST /reports/{id}/referrals/{referral}/answer":   {path: "/reports/" + rep + "/referrals/" + referral.ID + "/answer", allowed: []string{"member"}, notFound: notMember(reporters)},
		"GET /services":                                    {path: "/services", allowed: members},
		"POST /reports/{id}/consents":                      {path: "/reports/" + rep + "/consents", allowed: []string{"member"}, notFound: notMember(reporters), destructive: true},
		"POST /reports/{id}/impact-notices":                {path: "/reports/" + rep + "/impact-notices", allowed: []string{"member"}, notFound: notMember(reporters)},
		"POST /reports/{id}/police-help":                   {path: "/reports/" + rep + "/police-help", allowed: []string{"member"}, notFound: notMember(reporters)},
		"GET /alerts":                                      {path: "/alerts", allowed: members},
		"GET /alerts/bulletin":                             {path: "/alerts/bulletin", allowed: []string{"orgcontact", "orgstaff"}},
		"GET /alerts/{id}":                                 {path: "/alerts/" + a.ID, allowed: []string{"member", "orgcontact", "orgstaff"}, notFound: []string{"other"}},
		"GET /alerts/{id}/print":                           {path: "/alerts/" + a.ID + "/print", allowed: []string{"orgcontact", "orgstaff"}},
		"POST /alerts/{id}/additions":                      {path: "/alerts/" + a.ID + "/additions", allowed: []string{"member", "orgcontact", "orgstaff"}, notFound: []string{"other"}},
		"GET /check":                                       {path: "/check", allowed: members},
		"POST /check":                                      {path: "/check", allowed: members},
		"GET /enquiries":                                   {path: "/enquiries", allowed: reporters},
		"GET /enquiries/{id}":                              {path: "/enquiries/" + fwd.ID, allowed: []string{"member"}, notFound: notMember(reporters)},
		"POST /enquiries/{id}/decision":                    {path: "/enquiries/" + fwd.ID + "/decision", allowed: []string{"member"}, notFound: notMember(reporters)},
		"GET /organisation/staff":                          {path: "/organisation/staff", allowed: []string{"orgcontact"}},
		"POST /organisation/staff":                         {path: "/organisation/staff", allowed: []string{"orgcontact"}},
		"POST /organisation/staff/{id}/disable":            {path: "/organisation/staff/" + staffLogin + "/disable", allowed: []string{"orgcontact"}, destructive: true},
		"POST /organisation/staff/{id}/enable":             {path: "/organisation/staff/" + staffLogin + "/enable", allowed: []string{"orgcontact"}},
		"GET /organisation/training":                       {path: "/organisation/training", allowed: []string{"orgcontact"}},
		"POST /organisation/training/{id}/book":            {path: "/organisation/training/" + event.ID + "/book", allowed: []string{"orgcontact"}},
		"POST /organisation/training/bookings/{id}/cancel": {path: "/organisation/training/bookings/" + bookings[0] + "/cancel", allowed: []string{"orgcontact"}, destructive: true},

		"GET /coordinator/applications":                              {path: "/coordinator/applications", allowed: staff},
		"GET /coordinator/applications/{id}":                         {path: "/coordinator/applications/" + pending.ID, allowed: staff},
		"POST /coordinator/applications/{id}/approve":                {path: "/coordinator/applications/" + pending.ID + "/approve", allowed: staff, destructive: true},
		"POST /coordinator/applications/{id}/reject":                 {path: "/coordinator/applications/" + pending.ID + "/reject", allowed: staff},
		"POST /coordinator/applications/{id}/request-info":           {path: "/coordinator/applications/" + pending.ID + "/request-info", allowed: staff},
		"GET /coordinator/reports":                                   {path: "/coordinator/reports", allowed: staff},
		"GET /coordinator/search":                                    {path: "/coordinator/search", allowed: staff},
		"POST /coordinator/search":                                   {path: "/coordinator/search", allowed: staff},
		"GET /coordinator/reports/{id}":                              {path: "/coordinator/reports/" + rep, allowed: staff},
		"POST /coordinator/reports/{id}/working-copy":                {path: "/coordinator/reports/" + rep + "/working-copy", allowed: staff},
		"POST /coordinator/reports/{id}/status":                      {path: "/coordinator/reports/" + rep + "/status", allowed: staff},
		"POST /coordinator/reports/{id}/notes":                       {path: "/coordinator/reports/" + rep + "/notes", allowed: staff},
		"POST /coordinator/reports/{id}/tasks":                       {path: "/coordinator/reports/" + rep + "/tasks", allowed: staff},
		"POST /coordinator/reports/{id}/tasks/{task}/done":           {path: "/coordinator/reports/" + rep + "/tasks/" + task.ID + "/done", allowed: staff},
		"POST /coordinator/reports/{id}/messages":                    {path: "/coordinator/reports/" + rep + "/messages", allowed: staff},
		"POST /coordinator/reports/{id}/referrals":                   {path: "/coordinator/reports/" + rep + "/referrals", allowed: staff},
		"POST /coordinator/reports/{id}/referrals/{referral}/status": {path: "/coordinator/reports/" + rep + "/referrals/" + referral.ID + "/status", allowed: staff},
		"GET /coordinator/services":                                  {path: "/coordinator/services", allowed: staff},
		"GET /coordinator/services/new":                              {path: "/coordinator/services/new", allowed: staff},
		"POST /coordinator/services":                                 {path: "/coordinator/services", allowed: staff},
		"GET /coordinator/services/{id}":                             {path: "/coordinator/services/" + service.ID, allowed: staff},
		"POST /coordinator/services/{id}":                            {path: "/coordinator/services/" + service.ID, allowed: staff},
		"POST /coordinator/services/{id}/retire":                     {path: "/coordinator/services/" + service.ID + "/retire", allowed: staff},
		"GET /coordinator/offenders/{id}":                            {path: "/coordinator/offenders/" + profile, allowed: staff},
		"POST /coordinator/offenders/move":                           {path: "/coordinator/offenders/move", allowed: staff},
		"GET /coordinator/alerts":                                    {path: "/coordinator/alerts", allowed: staff},
		"POST /coordinator/alerts":                                   {path: "/coordinator/alerts", allowed: staff},
		"GET /coordinator/alerts/{id}":                               {path: "/coordinator/alerts/" + a.ID, allowed: staff},
		"POST /coordinator/alerts/{id}":                              {path: "/coordinator/alerts/" + a.ID, allowed: staff},
		"POST /coordinator/alerts/{id}/approve":                      {path: "/coordinator/alerts/" + a.ID + "/approve", allowed: staff},
		"POST /coordinator/alerts/{id}/publish":                      {path: "/coordinator/alerts/" + a.ID + "/publish", allowed: staff},
		"POST /coordinator/alerts/{id}/confirm":                      {path: "/coordinator/alerts/" + a.ID + "/confirm", allowed: staff},
		"POST /coordinator/alerts/{id}/withdraw":                     {path: "/coordinator/alerts/" + a.ID + "/withdraw", allowed: staff},
		"POST /coordinator/alerts/{id}/discard":                      {path: "/coordinator/alerts/" + a.ID + "/discard", allowed: staff},
		"GET /coordinator/alerts/{id}/deliveries":                    {path: "/coordinator/alerts/" + a.ID + "/deliveries", allowed: staff},
		"POST /coordinator/alerts/{id}/deliveries/retry":             {path: "/coordinator/alerts/" + a.ID + "/deliveries/retry", allowed: staff},
		"POST /coordinator/deliveries/{channel}/resume":              {path: "/coordinator/deliveries/email/resume", allowed: staff},
		"GET /coordinator/additions":                                 {path: "/coordinator/additions", allowed: staff},
		"POST /coordinator/additions/{id}/approve":                   {path: "/coordinator/additions/" + addition.ID + "/approve", allowed: staff, destructive: true},
		"POST /coordinator/additions/{id}/reject":                    {path: "/coordinator/additions/" + addition.ID + "/reject", allowed: staff, destructive: true},
		"GET /coordinator/checks":                                    {path: "/coordinator/checks", allowed: staff},
		"GET /coordinator/intelligence":                              {path: "/coordinator/intelligence", allowed: staff},
		"POST /coordinator/intelligence/search":                      {path: "/coordinator/intelligence/search", allowed: staff},
		"GET /coordinator/exports":                                   {path: "/coordinator/exports", allowed: staff},
		"POST /coordinator/exports":                                  {path: "/coordinator/exports", allowed: staff},
		"GET /coordinator/exports/{id}":                              {path: "/coordinator/exports/" + export.ID, allowed: staff},
		"POST /coordinator/exports/{id}/download":                    {path: "/coordinator/exports/" + export.ID + "/download", allowed: staff},
		"GET /coordinator/enquiries":                                 {path: "/coordinator/enquiries", allowed: staff},
		"POST /coordinator/enquiries":                                {path: "/coordinator/enquiries", allowed: staff},
		"GET /coordinator/enquiries/{id}":                            {path: "/coordinator/enquiries/" + enq.ID, allowed: staff},
		"POST /coordinator/enquiries/{id}/forward":                   {path: "/coordinator/enquiries/" + enq.ID + "/forward", allowed: staff},
		"POST /coordinator/enquiries/{id}/outcome":                   {path: "/coordinator/enquiries/" + enq.ID + "/outcome", allowed: staff},
		"GET /coordinator/disclosures":                               {path: "/coordinator/disclosures", allowed: staff},
		"POST /coordinator/disclosures":                              {path: "/coordinator/disclosures", allowed: staff},
		"GET /coordinator/disclosures/{id}":                          {path: "/coordinator/disclosures/" + disc.ID, allowed: staff},
		"POST /coordinator/disclosures/{id}/decide":                  {path: "/coordinator/disclosures/" + disc.ID + "/decide", allowed: admins},
		"GET /coordinator/statistics":                                {path: "/coordinator/statistics", allowed: staff},
		"GET /coordinator/statistics/download/{table}":               {path: "/coordinator/statistics/download/reports-region", allowed: staff},
		"GET /coordinator/members":                                   {path: "/coordinator/members", allowed: staff},
		"POST /coordinator/members/{id}/revoke":                      {path: "/coordinator/members/" + member2 + "/revoke", allowed: staff},
		"POST /coordinator/members/{id}/password":                    {path: "/coordinator/members/" + member2 + "/password", allowed: staff},
		"POST /coordinator/members/{id}/export":                      {path: "/coordinator/members/" + member2 + "/export", allowed: staff},
		"POST /coordinator/member-exports/{id}/decide":               {path: "/coordinator/member-exports/" + memberExport.ID + "/decide", allowed: staff},
		"POST /coordinator/member-exports/{id}/download":             {path: "/coordinator/member-exports/" + memberExport.ID + "/download", allowed: []string{"coord"}, notFound: []string{"admin"}}, // only the one who asked, once approved
		"POST /admin/users/{id}/role":                                {path: "/admin/users/" + member2 + "/role", allowed: admins},
		"GET /admin/outbox":                                          {path: "/admin/outbox", allowed: admins},
		"GET /admin/settings":                                        {path: "/admin/settings", allowed: admins},
		"POST /admin/settings":                                       {path: "/admin/settings", allowed: admins},
		"GET /admin/on-call":                                         {path: "/admin/on-call", allowed: admins},
		"POST /admin/on-call":                                        {path: "/admin/on-call", allowed: admins},
		"POST /admin/on-call/{id}/remove":                            {path: "/admin/on-call/no-such-shift/remove", allowed: admins},
		"GET /admin/pages":                                           {path: "/admin/pages", allowed: admins},
		"GET /admin/pages/{slug}":                                    {path: "/admin/pages/about", allowed: admins},
		"POST /admin/pages/{slug}":                                   {path: "/admin/pages/about", allowed: admins},
		"POST /admin/images":                                         {path: "/admin/images", allowed: admins},
		"GET /admin/newsletter":                                      {path: "/admin/newsletter", allowed: admins},
		"POST /admin/newsletter":                                     {path: "/admin/newsletter", allowed: admins},
		"GET /admin/terms":                                           {path: "/admin/terms", allowed: admins},
		"GET /admin/languages":                                       {path: "/admin/languages", allowed: admins},
		"GET /admin/languages/{lang}":                                {path: "/admin/languages/ro", allowed: admins},
		"GET /admin/languages/{lang}/message":                        {path: "/admin/languages/ro/message?id=Sign+in", allowed: admins},
		"POST /admin/languages/{lang}/message":                       {path: "/admin/languages/ro/message", allowed: admins},
		"POST /admin/terms":                                          {path: "/admin/terms", allowed: admins},
		"GET /admin/towns":                                           {path: "/admin/towns", allowed: admins},
		"GET /coordinator/training":                                  {path: "/coordinator/training", allowed: staff},
		"POST /coordinator/training":                                 {path: "/coordinator/training", allowed: staff},
		"GET /coordinator/training/overdue":                          {path: "/coordinator/training/overdue", allowed: staff},
		"GET /coordinator/training/{id}":                             {path: "/coordinator/training/" + event.ID, allowed: staff},
		"POST /coordinator/training/{id}/attendance":                 {path: "/coordinator/training/" + event.ID + "/attendance", allowed: staff},
		"POST /coordinator/training/{id}/cancel":                     {path: "/coordinator/training/" + event.ID + "/cancel", allowed: staff, destructive: true},
		"POST /admin/towns":                                          {path: "/admin/towns", allowed: admins},
		"POST /admin/towns/{slug}/rename":                            {path: "/admin/towns/" + town.Slug + "/rename", allowed: admins},
		"POST /admin/towns/{slug}/move":                              {path: "/admin/towns/" + town.Slug + "/move", allowed: admins},
		"POST /admin/towns/{slug}/retire":                            {path: "/admin/towns/" + town.Slug + "/retire", allowed: admins},
		"GET /admin/lists":                                           {path: "/admin/lists", allowed: admins},
		"POST /admin/lists/{kind}":                                   {path: "/admin/lists/sectors", allowed: admins},
		"POST /admin/lists/{kind}/{slug}":                            {path: "/admin/lists/sectors/street", allowed: admins},
		"POST /admin/lists/{kind}/{slug}/move":                       {path: "/admin/lists/sectors/street/move", allowed: admins},
		"POST /admin/lists/{kind}/{slug}/retire":                     {path: "/admin/lists/sectors/street/retire", allowed: admins},
		"GET /admin/api-keys":                                        {path: "/admin/api-keys", allowed: admins},
		"POST /admin/api-keys":                                       {path: "/admin/api-keys", allowed: admins},
		"POST /admin/api-keys/{id}/revoke":                           {path: "/admin/api-keys/" + key.ID + "/revoke", allowed: admins, destructive: true},
		"POST /coordinator/reports/{id}/police-help/{help}/outcome":  {path: "/coordinator/reports/" + rep + "/police-help/NOSUCHHELP/outcome", allowed: staff},

		// The JSON API: bearer tokens; a visitor gets 401.
		"POST /api/v1/session":                        {path: "/api/v1/session", public: true},
		"DELETE /api/v1/session":                      {path: "/api/v1/session", allowed: signedIn, destructive: true},
		"GET /api/v1/terms":                           {path: "/api/v1/terms", public: true},
		"GET /api/v1/regions":                         {path: "/api/v1/regions", public: true},
		"POST /api/v1/applications":                   {path: "/api/v1/applications", public: true},
		"GET /api/v1/applications":                    {path: "/api/v1/applications", allowed: staff},
		"POST /api/v1/applications/{id}/approve":      {path: "/api/v1/applications/" + pending.ID + "/approve", allowed: staff, destructive: true},
		"POST /api/v1/applications/{id}/reject":       {path: "/api/v1/applications/" + pending.ID + "/reject", allowed: staff},
		"POST /api/v1/applications/{id}/request-info": {path: "/api/v1/applications/" + pending.ID + "/request-info", allowed: staff},
		"GET /api/v1/me":                              {path: "/api/v1/me", allowed: signedIn},
		"GET /api/v1/me/export":                       {path: "/api/v1/me/export", allowed: signedIn},
		"DELETE /api/v1/me":                           {path: "/api/v1/me", allowed: signedIn, destructive: true},
		"GET /api/v1/push/key":                        {path: "/api/v1/push/key", allowed: members},
		"GET /api/v1/push/subscriptions":              {path: "/api/v1/push/subscriptions", allowed: members},
		"POST /api/v1/push/subscriptions":             {path: "/api/v1/push/subscriptions", allowed: members, json: `{"endpoint":"http://127.0.0.1:1/x","keys":{"p256dh":"","auth":""}}`},
		"DELETE /api/v1/push/subscriptions/{id}":      {path: "/api/v1/push/subscriptions/NOSUCHDEVICE", allowed: members, destructive: true},
		"PATCH /api/v1/me":                            {path: "/api/v1/me", allowed: signedIn, json: `{"language":"pt-BR"}`},
		// Her own account: what each refuses is in its answer (a wrong
		// current password, a wrong code, no question waiting), never a 403.
		"POST /api/v1/me/password":                                {path: "/api/v1/me/password", allowed: signedIn},
		"POST /api/v1/me/second-factor":                           {path: "/api/v1/me/second-factor", allowed: signedIn},
		"POST /api/v1/me/second-factor/confirm":                   {path: "/api/v1/me/second-factor/confirm", allowed: signedIn},
		"POST /api/v1/me/terms":                                   {path: "/api/v1/me/terms", allowed: signedIn},
		"POST /api/v1/me/answer":                                  {path: "/api/v1/me/answer", allowed: signedIn},
		"GET /api/v1/reports/{id}/messages":                       {path: "/api/v1/reports/" + rep + "/messages", allowed: []string{"member"}, notFound: notMember(reporters)},
		"POST /api/v1/reports/{id}/messages":                      {path: "/api/v1/reports/" + rep + "/messages", allowed: []string{"member"}, notFound: notMember(reporters), json: `{"message":"Thank you."}`},
		"GET /api/v1/services":                                    {path: "/api/v1/services", allowed: members},
		"GET /api/v1/reports/{id}/referrals":                      {path: "/api/v1/reports/" + rep + "/referrals", allowed: []string{"member"}, notFound: []string{"other", "orgcontact", "orgstaff"}},
		"POST /api/v1/reports/{id}/referrals":                     {path: "/api/v1/reports/" + rep + "/referrals", allowed: staff, json: `{"service_id":"` + service.ID + `"}`},
		"POST /api/v1/reports/{id}/referrals/{referral}/answer":   {path: "/api/v1/reports/" + rep + "/referrals/" + referral.ID + "/answer", allowed: []string{"member"}, notFound: []string{"other", "orgcontact", "orgstaff"}, json: `{"answer":"yes"}`},
		"POST /api/v1/reports/{id}/referrals/{referral}/status":   {path: "/api/v1/reports/" + rep + "/referrals/" + referral.ID + "/status", allowed: staff, json: `{"status":"made"}`},
		"PATCH /api/v1/reports/{id}/impact":                       {path: "/api/v1/reports/" + rep + "/impact", allowed: []string{"member"}, notFound: notMember(reporters), json: `{"notify":true}`},
		"POST /api/v1/reports/{id}/police-help":                   {path: "/api/v1/reports/" + rep + "/police-help", allowed: []string{"member"}, notFound: notMember(reporters), json: `{"note":""}`},
		"GET /api/v1/drafts":                                      {path: "/api/v1/drafts", allowed: reporters},
		"POST /api/v1/drafts":                                     {path: "/api/v1/drafts", allowed: reporters},
		"GET /api/v1/drafts/{id}":                                 {path: "/api/v1/drafts/" + draft, allowed: []string{"member"}, notFound: notMember(reporters)},
		"PATCH /api/v1/drafts/{id}":                               {path: "/api/v1/drafts/" + draft, allowed: []string{"member"}, notFound: notMember(reporters)},
		"DELETE /api/v1/drafts/{id}":                              {path: "/api/v1/drafts/" + draft, allowed: []string{"member"}, notFound: notMember(reporters), destructive: true},
		"POST /api/v1/drafts/{id}/submit":                         {path: "/api/v1/drafts/" + draft + "/submit", allowed: []string{"member"}, notFound: notMember(reporters)},
		"GET /api/v1/enquiries":                                   {path: "/api/v1/enquiries", allowed: reporters},
		"GET /api/v1/enquiries/{id}":                              {path: "/api/v1/enquiries/" + fwd.ID, allowed: []string{"member"}, notFound: notMember(reporters)},
		"POST /api/v1/enquiries/{id}/decision":                    {path: "/api/v1/enquiries/" + fwd.ID + "/decision", allowed: []string{"member"}, notFound: notMember(reporters), json: `{"decision":"caseworker"}`},
		"GET /api/v1/organisation/staff":                          {path: "/api/v1/organisation/staff", allowed: []string{"orgcontact"}},
		"POST /api/v1/organisation/staff":                         {path: "/api/v1/organisation/staff", allowed: []string{"orgcontact"}},
		"POST /api/v1/organisation/staff/{id}/disable":            {path: "/api/v1/organisation/staff/" + staffLogin + "/disable", allowed: []string{"orgcontact"}, destructive: true},
		"POST /api/v1/organisation/staff/{id}/enable":             {path: "/api/v1/organisation/staff/" + staffLogin + "/enable", allowed: []string{"orgcontact"}},
		"GET /api/v1/organisation/training":                       {path: "/api/v1/organisation/training", allowed: []string{"orgcontact"}},
		"POST /api/v1/organisation/training/events/{id}/bookings": {path: "/api/v1/organisation/training/events/" + event.ID + "/bookings", allowed: []string{"orgcontact"}},
		"POST /api/v1/organisation/training/bookings/{id}/cancel": {path: "/api/v1/organisation/training/bookings/" + bookings[0] + "/cancel", allowed: []string{"orgcontact"}, destructive: true},
		"POST /api/v1/members/{id}/revoke":                        {path: "/api/v1/members/" + member2 + "/revoke", allowed: staff},
		"POST /api/v1/reports":                                    {path: "/api/v1/reports", allowed: reporters},
		// The API lists a signed-in person's own reports: an applicant's are none.
		"GET /api/v1/reports":                       {path: "/api/v1/reports", allowed: append([]string{"applicant"}, reporters...)},
		"GET /api/v1/reports/{id}":                  {path: "/api/v1/reports/" + rep, allowed: []string{"member", "coord", "admin"}, notFound: []string{"applicant", "other", "orgcontact", "orgstaff"}},
		"PATCH /api/v1/reports/{id}/consents":       {path: "/api/v1/reports/" + rep + "/consents", allowed: []string{"member"}, notFound: []string{"applicant", "other", "orgcontact", "orgstaff", "coord", "admin"}, json: `{"alert":true,"police":true,"support":false,"police_contact":false}`},
		"GET /api/v1/offenders/{id}":                {path: "/api/v1/offenders/" + profile, allowed: staff},
		"POST /api/v1/alerts":                       {path: "/api/v1/alerts", allowed: staff},
		"GET /api/v1/alerts":                        {path: "/api/v1/alerts", allowed: append(slices.Clone(members), staff...)},
		"GET /api/v1/alerts/{id}":                   {path: "/api/v1/alerts/" + a.ID, allowed: []string{"member", "orgcontact", "orgstaff", "coord", "admin"}, notFound: []string{"other"}},
		"PATCH /api/v1/alerts/{id}":                 {path: "/api/v1/alerts/" + a.ID, allowed: staff},
		"POST /api/v1/alerts/{id}/approve":          {path: "/api/v1/alerts/" + a.ID + "/approve", allowed: staff},
		"POST /api/v1/alerts/{id}/publish":          {path: "/api/v1/alerts/" + a.ID + "/publish", allowed: staff},
		"POST /api/v1/alerts/{id}/confirm":          {path: "/api/v1/alerts/" + a.ID + "/confirm", allowed: staff},
		"POST /api/v1/alerts/{id}/withdraw":         {path: "/api/v1/alerts/" + a.ID + "/withdraw", allowed: staff},
		"GET /api/v1/alerts/{id}/deliveries":        {path: "/api/v1/alerts/" + a.ID + "/deliveries", allowed: staff},
		"POST /api/v1/alerts/{id}/deliveries/retry": {path: "/api/v1/alerts/" + a.ID + "/deliveries/retry", allowed: staff},
		"POST /api/v1/alerts/{id}/additions":        {path: "/api/v1/alerts/" + a.ID + "/additions", allowed: []string{"member", "orgcontact", "orgstaff"}, notFound: []string{"other"}, json: `{"body":"The same man called me."}`},
		"GET /api/v1/stats":                         {path: "/api/v1/stats", allowed: staff},
		"POST /api/v1/checks":                       {path: "/api/v1/checks", allowed: members},
		"POST /api/v1/exports":                      {path: "/api/v1/exports", allowed: staff},
		"/api/":                                     {path: "/api/v1/nothing", public: true},
		"/":                                         {path: "/nothing-here", public: true},
	}

	// Every route is in the matrix, and every row of the matrix is a route.
	routes := srv.Routes()
	for _, p := range routes {
		if _, ok := matrix[p]; !ok {
			t.Errorf("route %q is not in the authorisation matrix: add it with who may use it", p)
		}
	}
	for p := range matrix {
		if !slices.Contains(routes, p) {
			t.Errorf("the matrix has %q, which is no route", p)
		}
	}

	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cells := 0
	for _, pattern := range routes {
		c := matrix[pattern]
		method, _, _ := strings.Cut(pattern, " ")
		if !strings.Contains(pattern, " ") {
			method = "GET"
		}
		api := strings.Contains(pattern, "/api/")
		for _, who := range matrixRoles {
			ok := c.public || slices.Contains(c.allowed, who)
			if c.destructive && ok {
				continue
			}
			// A fresh session for each request, so that nothing one
			// request does (signing out) spoils the next.
			var tok string
			switch {
			case who == "revoked" || who == "left":
				tok = deadWeb[who]
				if api {
					tok = deadAPI[who]
				}
			case who != "visitor":
				kind := scheme.SessionWeb
				if api {
					kind = scheme.SessionAPI
				}
				tok, _, err = db.Sessions.CreateSession(ctx, users[who].ID, kind, account.DefaultAPITTL)
				if err != nil {
					t.Fatal(err)
				}
			}
			var body io.Reader = strings.NewReader(url.Values{"role": {"purple"}}.Encode())
			if api {
				body = strings.NewReader(cmp.Or(c.json, `{}`))
			}
			req, _ := http.NewRequest(method, ts.URL+c.path, body)
			if api {
				req.Header.Set("Content-Type", "application/json")
				if tok != "" {
					req.Header.Set("Authorization", "Bearer "+tok)
				}
			} else {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if tok != "" {
					req.AddCookie(&http.Cookie{Name: "um", Value: tok})
				}
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			cells++
			status, toSignIn := resp.StatusCode, resp.StatusCode == http.StatusSeeOther && toSignIn(resp.Header.Get("Location"))
			refused := status == http.StatusUnauthorized || status == http.StatusForbidden || toSignIn
			switch {
			case c.signedRefusal:
				if status != http.StatusForbidden {
					t.Errorf("%s as %s without the provider's signature: %d, want 403", pattern, who, status)
				}
			case c.path == "/signin/code":
				// The second step of signing in: without the first, back to it.
				if status != http.StatusOK && status != http.StatusTooManyRequests && !toSignIn {
					t.Errorf("%s as %s: %d", pattern, who, status)
				}
			case c.public:
				// Open to all; signing in with the empty body the matrix
				// sends is rightly answered 401, which refuses nobody.
				if status == http.StatusForbidden || toSignIn {
					t.Errorf("%s as %s: %d %s, want it open to everyone", pattern, who, status, resp.Header.Get("Location"))
				}
			case ok:
				if refused || (len(c.notFound) > 0 && status == http.StatusNotFound) {
					t.Errorf("%s as %s: %d %s, want it allowed", pattern, who, status, resp.Header.Get("Location"))
				}
			case who == "visitor" || who == "revoked" || who == "left":
				// The web sends them to sign in (a form's autosave answers
				// 401, keeping what was typed); the API answers 401.
				want := toSignIn || status == http.StatusUnauthorized
				if api {
					want = status == http.StatusUnauthorized
				}
				if !want {
					t.Errorf("%s as %s: %d %s, want %s", pattern, who, status, resp.Header.Get("Location"), map[bool]string{true: "401", false: "a redirect to sign in"}[api])
				}
			case slices.Contains(c.notFound, who):
				if status != http.StatusNotFound {
					t.Errorf("%s as %s: %d, want 404 (not theirs)", pattern, who, status)
				}
			default:
				if status != http.StatusForbidden {
					t.Errorf("%s as %s: %d %s, want 403", pattern, who, status, resp.Header.Get("Location"))
				}
			}
		}
	}
	t.Logf("%d routes × %d roles: %d cells checked", len(routes), len(matrixRoles), cells)
}

// notMember is every role in roles but the owner.
func notMember(roles []string) []string {
	return slices.DeleteFunc(slices.Clone(roles), func(r string) bool { return r == "member" })
}
