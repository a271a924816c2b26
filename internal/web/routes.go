package web

import (
	"net/http"
	"slices"

	"uglymugs/internal/imaging"
	"uglymugs/internal/scheme"
)

// Handler returns the whole route surface, wrapped in the middleware every
// request passes through (outermost last).
func (s *Server) Handler() http.Handler {
	mux := &recordingMux{ServeMux: http.NewServeMux()}

	// Operations.
	mux.Handle("GET /healthz", s.handleHealth())
	mux.Handle("GET /metrics", s.handleMetrics())
	mux.Handle("GET /static/{file}", s.assets.handler())

	// Public site.
	mux.Handle("GET /{$}", s.handlePage("home"))
	mux.Handle("GET /about", s.contentPage("about", "content"))
	mux.Handle("GET /join", s.contentPage("join", "join"))
	mux.Handle("GET /privacy", s.contentPage("privacy", "content"))
	mux.Handle("GET /contact", s.contentPage("contact", "contact"))
	mux.Handle("POST /contact", s.Throttled(s.contactSend()))
	mux.Handle("GET /case-studies", s.contentPage("case-studies", "content"))
	mux.Handle("GET /supporters", s.contentPage("supporters", "content"))
	mux.Handle("GET /images/{id}", s.image())
	mux.Handle("GET /newsletter", s.newsletterPage())
	mux.Handle("POST /newsletter", s.Throttled(s.newsletterSignup()))
	mux.Handle("GET /newsletter/confirm/{token}", s.newsletterConfirmPage())
	mux.Handle("POST /newsletter/confirm/{token}", s.newsletterConfirm())
	mux.Handle("GET /newsletter/unsubscribe/{token}", s.newsletterUnsubscribePage())
	mux.Handle("POST /newsletter/unsubscribe/{token}", s.newsletterUnsubscribe())
	mux.Handle("GET /terms", s.handleTerms())
	mux.Handle("GET /statistics", s.publicStatistics())
	mux.Handle("POST /theme", s.handleTheme())

	// Joining and signing in.
	mux.Handle("GET /join/{type}", s.applyPage())
	mux.Handle("POST /join/{type}", s.Throttled(s.apply()))
	mux.Handle("GET /signin", s.signInPage())
	mux.Handle("POST /signin", s.Throttled(s.signIn()))
	mux.Handle("GET /signin/code", s.codePage())
	mux.Handle("POST /signin/code", s.Throttled(s.code()))
	mux.Handle("POST /signout", s.signOut())
	mux.Handle("GET /reset", s.resetPage())
	mux.Handle("POST /reset", s.Throttled(s.startReset()))
	mux.Handle("POST /reset/code", s.Throttled(s.finishReset()))

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
	mux.Handle("GET /account/terms", s.acceptTermsPage())
	mux.Handle("POST /account/terms", s.acceptTerms())
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

	// Alerts, as members see them (alerts_member.go).
	mux.Handle("GET /alerts", s.alertFeed())
	mux.Handle("GET /alerts/bulletin", s.alertBulletin())
	mux.Handle("GET /alerts/{id}", s.alertPage())
	mux.Handle("GET /alerts/{id}/print", s.alertPrint())
	mux.Handle("POST /alerts/{id}/additions", s.addAddition())

	// Checking a number, email, registration or username (checks.go), and
	// the same by SMS from a member's registered mobile (sms_inbound.go).
	mux.Handle("GET /check", s.checkPage())
	mux.Handle("POST /check", s.check())
	mux.Handle("POST /sms/inbound", s.smsInbound())

	// Police enquiries, as the reporter (or their organisation) sees them (enquiries.go).
	mux.Handle("GET /enquiries", s.myEnquiries())
	mux.Handle("GET /enquiries/{id}", s.myEnquiry())
	mux.Handle("POST /enquiries/{id}/decision", s.enquiryDecision())

	// Organisations' key contacts.
	mux.Handle("GET /organisation/staff", s.staffPage())
	mux.Handle("POST /organisation/staff", s.addStaff())
	mux.Handle("POST /organisation/staff/{id}/disable", s.setStaff(false))
	mux.Handle("POST /organisation/staff/{id}/enable", s.setStaff(true))

	// Coordinators and admins.
	mux.Handle("GET /coordinator/applications", s.queuePage())
	mux.Handle("GET /coordinator/applications/{id}", s.applicationPage())
	mux.Handle("POST /coordinator/applications/{id}/approve", s.decide(scheme.Approve))
	mux.Handle("POST /coordinator/applications/{id}/reject", s.decide(scheme.Reject))
	mux.Handle("POST /coordinator/applications/{id}/request-info", s.decide(scheme.RequestInfo))
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
	mux.Handle("GET /coordinator/alerts", s.alertList())
	mux.Handle("POST /coordinator/alerts", s.newAlert())
	mux.Handle("GET /coordinator/alerts/{id}", s.alertEditor())
	mux.Handle("POST /coordinator/alerts/{id}", s.saveAlert())
	mux.Handle("POST /coordinator/alerts/{id}/approve", s.approveAlert())
	mux.Handle("POST /coordinator/alerts/{id}/publish", s.publishAlert())
	mux.Handle("POST /coordinator/alerts/{id}/withdraw", s.withdrawAlert())
	mux.Handle("POST /coordinator/alerts/{id}/discard", s.discardAlert())
	mux.Handle("GET /coordinator/alerts/{id}/deliveries", s.deliveriesPage())
	mux.Handle("POST /coordinator/alerts/{id}/deliveries/retry", s.retryDeliveries())
	mux.Handle("POST /coordinator/deliveries/{channel}/resume", s.resumeChannel())
	mux.Handle("GET /coordinator/additions", s.additionsQueue())
	mux.Handle("POST /coordinator/additions/{id}/approve", s.moderateAddition(true))
	mux.Handle("POST /coordinator/additions/{id}/reject", s.moderateAddition(false))
	mux.Handle("GET /coordinator/checks", s.checkFlags())
	mux.Handle("GET /coordinator/intelligence", s.intelligencePage())
	mux.Handle("POST /coordinator/intelligence/search", s.intelligenceSearch())
	mux.Handle("GET /coordinator/exports", s.exportsPage())
	mux.Handle("POST /coordinator/exports", s.createExport())
	mux.Handle("GET /coordinator/exports/{id}", s.exportPage())
	mux.Handle("POST /coordinator/exports/{id}/download", s.exportDownload())
	mux.Handle("GET /coordinator/enquiries", s.enquiriesPage())
	mux.Handle("POST /coordinator/enquiries", s.createEnquiry())
	mux.Handle("GET /coordinator/enquiries/{id}", s.enquiryPage())
	mux.Handle("POST /coordinator/enquiries/{id}/forward", s.forwardEnquiry())
	mux.Handle("POST /coordinator/enquiries/{id}/outcome", s.enquiryOutcome())
	mux.Handle("GET /coordinator/disclosures", s.disclosuresPage())
	mux.Handle("POST /coordinator/disclosures", s.createDisclosure())
	mux.Handle("GET /coordinator/disclosures/{id}", s.disclosurePage())
	mux.Handle("POST /coordinator/disclosures/{id}/decide", s.decideDisclosure())
	mux.Handle("GET /coordinator/statistics", s.statisticsPage())
	mux.Handle("GET /coordinator/statistics/download/{table}", s.statisticsDownload())
	mux.Handle("GET /coordinator/members", s.membersPage())
	mux.Handle("POST /coordinator/members/{id}/revoke", s.revokeMember())
	mux.Handle("POST /coordinator/members/{id}/password", s.resetMember())
	mux.Handle("POST /coordinator/members/{id}/export", s.exportRevoked())
	mux.Handle("POST /coordinator/member-exports/{id}/decide", s.decideMemberExport())
	mux.Handle("POST /coordinator/member-exports/{id}/download", s.downloadMemberExport())
	mux.Handle("POST /admin/users/{id}/role", s.setRole())
	mux.Handle("GET /admin/outbox", s.outboxPage())
	mux.Handle("GET /admin/settings", s.settingsPage())
	mux.Handle("POST /admin/settings", s.saveSettings())
	mux.Handle("GET /admin/pages", s.pagesAdmin())
	mux.Handle("GET /admin/pages/{slug}", s.pageEditor())
	mux.Handle("POST /admin/pages/{slug}", s.savePage())
	mux.Handle("POST /admin/images", s.uploadImage())
	mux.Handle("GET /admin/newsletter", s.newsletterAdmin())
	mux.Handle("POST /admin/newsletter", s.sendIssue())
	mux.Handle("GET /admin/terms", s.termsAdmin())
	mux.Handle("POST /admin/terms", s.publishTerms())
	mux.Handle("GET /admin/api-keys", s.apiKeysPage())
	mux.Handle("POST /admin/api-keys", s.createAPIKey())
	mux.Handle("POST /admin/api-keys/{id}/revoke", s.revokeAPIKey())

	// JSON API (docs/openapi.yaml).
	mux.Handle("POST /api/v1/session", s.Throttled(s.apiSignIn()))
	mux.Handle("DELETE /api/v1/session", s.apiSignOut())
	mux.Handle("GET /api/v1/terms", s.apiTerms())
	mux.Handle("GET /api/v1/regions", s.apiRegions())
	mux.Handle("POST /api/v1/applications", s.Throttled(s.apiApply()))
	mux.Handle("GET /api/v1/applications", s.apiApplications())
	mux.Handle("POST /api/v1/applications/{id}/approve", s.apiDecide(scheme.Approve))
	mux.Handle("POST /api/v1/applications/{id}/reject", s.apiDecide(scheme.Reject))
	mux.Handle("POST /api/v1/applications/{id}/request-info", s.apiDecide(scheme.RequestInfo))
	mux.Handle("GET /api/v1/me", s.apiMe())
	mux.Handle("GET /api/v1/me/export", s.apiExport())
	mux.Handle("DELETE /api/v1/me", s.apiLeave())
	mux.Handle("POST /api/v1/members/{id}/revoke", s.apiRevoke())
	mux.Handle("POST /api/v1/reports", s.Admitted(reportAdmitWait, s.apiSubmitReport()))
	mux.Handle("GET /api/v1/reports", s.apiReports())
	mux.Handle("GET /api/v1/reports/{id}", s.apiReport())
	mux.Handle("PATCH /api/v1/reports/{id}/consents", s.apiConsents())
	mux.Handle("GET /api/v1/offenders/{id}", s.apiOffender())
	mux.Handle("POST /api/v1/alerts", s.apiCreateAlert())
	mux.Handle("GET /api/v1/alerts", s.apiAlerts())
	mux.Handle("GET /api/v1/alerts/{id}", s.apiAlert())
	mux.Handle("PATCH /api/v1/alerts/{id}", s.apiUpdateAlert())
	mux.Handle("POST /api/v1/alerts/{id}/approve", s.apiApproveAlert())
	mux.Handle("POST /api/v1/alerts/{id}/publish", s.apiPublishAlert())
	mux.Handle("POST /api/v1/alerts/{id}/withdraw", s.apiWithdrawAlert())
	mux.Handle("GET /api/v1/alerts/{id}/deliveries", s.apiDeliveries())
	mux.Handle("POST /api/v1/alerts/{id}/deliveries/retry", s.apiRetryDeliveries())
	mux.Handle("POST /api/v1/alerts/{id}/additions", s.apiAddAddition())
	mux.Handle("GET /api/v1/stats", s.apiStats())
	mux.Handle("POST /api/v1/checks", s.Admitted(checkAdmitWait, s.apiCheck()))
	mux.Handle("POST /api/v1/exports", s.apiCreateExport())
	mux.Handle("/api/", s.apiNotFound())

	// Anything else is a friendly 404.
	mux.Handle("/", s.NotFound())

	s.patterns = mux.patterns
	h := recordRoute(mux)
	h = normaliseForms(h)
	h = s.withUser(h)
	h = s.csrf(h)
	h = limitBody(h, 1<<20, map[string]int64{"/admin/images": imaging.MaxBytes + 64<<10})
	h = s.securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = s.countRequests(h)
	h = withRequestID(h)
	return h
}

// recordingMux is a ServeMux that remembers its patterns, so that tests
// can check every route against the authorisation matrix.
type recordingMux struct {
	*http.ServeMux
	patterns []string
}

func (m *recordingMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// Routes returns every route pattern the handler serves ("GET /alerts/{id}"),
// once Handler has been called.
func (s *Server) Routes() []string { return slices.Clone(s.patterns) }
