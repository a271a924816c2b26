package web

import (
	"net/http"

	"uglymugs/internal/store"
)

// Handler returns the whole route surface, wrapped in the middleware every
// request passes through (outermost last).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Operations.
	mux.Handle("GET /healthz", s.handleHealth())
	mux.Handle("GET /metrics", s.handleMetrics())
	mux.Handle("GET /static/{file}", s.assets.handler())

	// Public site.
	mux.Handle("GET /{$}", s.handlePage("home"))
	mux.Handle("GET /about", s.handlePage("about"))
	mux.Handle("GET /join", s.handlePage("join"))
	mux.Handle("GET /privacy", s.handlePage("privacy"))
	mux.Handle("GET /contact", s.handlePage("contact"))
	mux.Handle("GET /terms", s.handleTerms())
	mux.Handle("POST /theme", s.handleTheme())

	// Joining and signing in.
	mux.Handle("GET /join/{type}", s.applyPage())
	mux.Handle("POST /join/{type}", s.throttled(s.apply()))
	mux.Handle("GET /signin", s.signInPage())
	mux.Handle("POST /signin", s.throttled(s.signIn()))
	mux.Handle("GET /signin/code", s.codePage())
	mux.Handle("POST /signin/code", s.throttled(s.code()))
	mux.Handle("POST /signout", s.signOut())
	mux.Handle("GET /reset", s.resetPage())
	mux.Handle("POST /reset", s.throttled(s.startReset()))
	mux.Handle("POST /reset/code", s.throttled(s.finishReset()))

	// My account.
	mux.Handle("GET /account", s.accountPage())
	mux.Handle("POST /account/answer", s.answer())
	mux.Handle("GET /account/profile", s.profilePage())
	mux.Handle("POST /account/profile", s.saveProfile())
	mux.Handle("GET /account/password", s.passwordPage())
	mux.Handle("POST /account/password", s.changePassword())
	mux.Handle("GET /account/second-factor", s.secondFactorPage())
	mux.Handle("POST /account/second-factor", s.confirmSecondFactor())
	mux.Handle("GET /account/data", s.myData())
	mux.Handle("GET /account/leave", s.leavePage())
	mux.Handle("POST /account/leave", s.leave())

	// Reports, as their reporter sees them (reports_member.go).
	mux.Handle("GET /reports", s.myReports())
	mux.Handle("POST /reports/new", s.newDraft())
	mux.Handle("GET /reports/draft/{id}/{step}", s.draftStep())
	mux.Handle("POST /reports/draft/{id}/{step}", s.saveDraftStep())
	mux.Handle("POST /reports/draft/{id}/discard", s.discardDraft())
	mux.Handle("GET /reports/{id}", s.myReport())
	mux.Handle("POST /reports/{id}/messages", s.reporterMessage())
	mux.Handle("POST /reports/{id}/consents", s.myConsents())

	// Organisations' key contacts.
	mux.Handle("GET /organisation/staff", s.staffPage())
	mux.Handle("POST /organisation/staff", s.addStaff())
	mux.Handle("POST /organisation/staff/{id}/disable", s.setStaff(false))
	mux.Handle("POST /organisation/staff/{id}/enable", s.setStaff(true))

	// Coordinators and admins.
	mux.Handle("GET /coordinator/applications", s.queuePage())
	mux.Handle("GET /coordinator/applications/{id}", s.applicationPage())
	mux.Handle("POST /coordinator/applications/{id}/approve", s.decide(store.Approve))
	mux.Handle("POST /coordinator/applications/{id}/reject", s.decide(store.Reject))
	mux.Handle("POST /coordinator/applications/{id}/request-info", s.decide(store.RequestInfo))
	mux.Handle("GET /coordinator/reports", s.reportQueue())
	mux.Handle("GET /coordinator/search", s.search())
	mux.Handle("POST /coordinator/search", s.search())
	mux.Handle("GET /coordinator/reports/{id}", s.reportCase())
	mux.Handle("POST /coordinator/reports/{id}/working-copy", s.editWorkingCopy())
	mux.Handle("POST /coordinator/reports/{id}/status", s.setReportStatus())
	mux.Handle("POST /coordinator/reports/{id}/notes", s.addCaseNote())
	mux.Handle("POST /coordinator/reports/{id}/tasks", s.addTask())
	mux.Handle("POST /coordinator/reports/{id}/tasks/{task}/done", s.completeTask())
	mux.Handle("POST /coordinator/reports/{id}/messages", s.schemeMessage())
	mux.Handle("GET /coordinator/offenders/{id}", s.offenderPage())
	mux.Handle("POST /coordinator/offenders/move", s.moveOffender())
	mux.Handle("GET /coordinator/members", s.membersPage())
	mux.Handle("POST /coordinator/members/{id}/revoke", s.revokeMember())
	mux.Handle("POST /coordinator/members/{id}/password", s.resetMember())
	mux.Handle("POST /coordinator/members/{id}/export", s.exportRevoked())
	mux.Handle("POST /admin/users/{id}/role", s.setRole())
	mux.Handle("GET /admin/outbox", s.outboxPage())

	// JSON API (docs/openapi.yaml).
	mux.Handle("POST /api/v1/session", s.throttled(s.apiSignIn()))
	mux.Handle("DELETE /api/v1/session", s.apiSignOut())
	mux.Handle("GET /api/v1/terms", s.apiTerms())
	mux.Handle("GET /api/v1/regions", s.apiRegions())
	mux.Handle("POST /api/v1/applications", s.throttled(s.apiApply()))
	mux.Handle("GET /api/v1/applications", s.apiApplications())
	mux.Handle("POST /api/v1/applications/{id}/approve", s.apiDecide(store.Approve))
	mux.Handle("POST /api/v1/applications/{id}/reject", s.apiDecide(store.Reject))
	mux.Handle("POST /api/v1/applications/{id}/request-info", s.apiDecide(store.RequestInfo))
	mux.Handle("GET /api/v1/me", s.apiMe())
	mux.Handle("GET /api/v1/me/export", s.apiExport())
	mux.Handle("DELETE /api/v1/me", s.apiLeave())
	mux.Handle("POST /api/v1/members/{id}/revoke", s.apiRevoke())
	mux.Handle("POST /api/v1/reports", s.apiSubmitReport())
	mux.Handle("GET /api/v1/reports", s.apiReports())
	mux.Handle("GET /api/v1/reports/{id}", s.apiReport())
	mux.Handle("PATCH /api/v1/reports/{id}/consents", s.apiConsents())
	mux.Handle("GET /api/v1/offenders/{id}", s.apiOffender())
	mux.Handle("/api/", s.apiNotFound())

	// Anything else is a friendly 404.
	mux.Handle("/", s.handleNotFound())

	var h http.Handler = mux
	h = s.withUser(h)
	h = s.csrf(h)
	h = limitBody(h, 1<<20)
	h = s.securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = s.countRequests(h)
	h = withRequestID(h)
	return h
}
