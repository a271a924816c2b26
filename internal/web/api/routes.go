package api

import (
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// server is the shared core, which the handlers of this package are
// methods on.
type server struct{ *core.Server }

// Routes registers the JSON API (docs/openapi.yaml).
func Routes(mux core.Mux, c *core.Server) {
	s := &server{c}
	// JSON API (docs/openapi.yaml).
	mux.Handle("POST /api/v1/session", s.Throttled(s.signIn()))
	mux.Handle("DELETE /api/v1/session", s.tokenAuth(s.signOut))
	mux.Handle("GET /api/v1/terms", s.getTerms())
	mux.Handle("GET /api/v1/regions", s.listRegions())
	mux.Handle("POST /api/v1/applications", s.Throttled(s.apply()))
	mux.Handle("GET /api/v1/applications", s.tokenAuth(s.listApplications, scheme.RoleCoordinator))
	mux.Handle("POST /api/v1/applications/{id}/approve", s.decide(scheme.Approve))
	mux.Handle("POST /api/v1/applications/{id}/reject", s.decide(scheme.Reject))
	mux.Handle("POST /api/v1/applications/{id}/request-info", s.decide(scheme.RequestInfo))
	mux.Handle("GET /api/v1/me", s.tokenAuth(s.getMe))
	mux.Handle("GET /api/v1/me/export", s.tokenAuth(s.exportMine))
	mux.Handle("DELETE /api/v1/me", s.tokenAuth(s.leave))
	mux.Handle("PATCH /api/v1/me", s.patchMe())
	mux.Handle("POST /api/v1/me/password", s.changePassword())
	mux.Handle("POST /api/v1/me/second-factor", s.tokenAuth(s.newSecondFactor))
	mux.Handle("POST /api/v1/me/second-factor/confirm", s.confirmSecondFactor())
	mux.Handle("POST /api/v1/me/terms", s.acceptTerms())
	mux.Handle("POST /api/v1/me/answer", s.answerQuestion())
	mux.Handle("POST /api/v1/members/{id}/revoke", s.tokenAuth(s.revokeMember, scheme.RoleCoordinator))
	mux.Handle("POST /api/v1/reports", s.Admitted(core.ReportAdmitWait, s.tokenAuth(s.submitReport)))
	mux.Handle("GET /api/v1/reports", s.tokenAuth(s.listReports))
	mux.Handle("GET /api/v1/reports/{id}", s.tokenAuth(s.getReport))
	mux.Handle("PATCH /api/v1/reports/{id}/consents", s.tokenAuth(s.patchConsents))
	mux.Handle("GET /api/v1/reports/{id}/messages", s.tokenAuth(s.listMessages, reporterRoles...))
	mux.Handle("POST /api/v1/reports/{id}/messages", s.sendMessage())
	mux.Handle("PATCH /api/v1/reports/{id}/impact", s.setImpact())
	mux.Handle("POST /api/v1/reports/{id}/police-help", s.askPoliceHelp())
	// Support services and referrals (services.go).
	mux.Handle("GET /api/v1/services", s.tokenAuth(s.listServices, memberRoles...))
	mux.Handle("GET /api/v1/reports/{id}/referrals", s.tokenAuth(s.listReferrals, memberRoles...))
	mux.Handle("POST /api/v1/reports/{id}/referrals", s.suggestReferral())
	mux.Handle("POST /api/v1/reports/{id}/referrals/{referral}/answer", s.answerReferral())
	mux.Handle("POST /api/v1/reports/{id}/referrals/{referral}/status", s.moveReferral())
	// Reports being written (drafts.go).
	mux.Handle("GET /api/v1/drafts", s.tokenAuth(s.listDrafts, reporterRoles...))
	mux.Handle("POST /api/v1/drafts", s.tokenAuth(s.newDraft, reporterRoles...))
	mux.Handle("GET /api/v1/drafts/{id}", s.tokenAuth(s.getDraft, reporterRoles...))
	mux.Handle("PATCH /api/v1/drafts/{id}", s.changeDraft())
	mux.Handle("DELETE /api/v1/drafts/{id}", s.tokenAuth(s.discardDraft, reporterRoles...))
	mux.Handle("POST /api/v1/drafts/{id}/submit", s.Admitted(core.ReportAdmitWait, s.tokenAuth(s.submitDraft, reporterRoles...)))
	// Police enquiries about her reports (member.go).
	mux.Handle("GET /api/v1/enquiries", s.tokenAuth(s.listEnquiries, reporterRoles...))
	mux.Handle("GET /api/v1/enquiries/{id}", s.tokenAuth(s.writeEnquiry, reporterRoles...))
	mux.Handle("POST /api/v1/enquiries/{id}/decision", s.decideEnquiry())
	// A key contact's staff logins (member.go).
	mux.Handle("GET /api/v1/organisation/staff", s.tokenAuth(s.listStaff, scheme.RoleOrgContact))
	mux.Handle("POST /api/v1/organisation/staff", s.addStaff())
	mux.Handle("POST /api/v1/organisation/staff/{id}/disable", s.setStaff(false))
	mux.Handle("POST /api/v1/organisation/staff/{id}/enable", s.setStaff(true))
	// The scheme's training, for a key contact (training.go).
	mux.Handle("GET /api/v1/organisation/training", s.tokenAuth(s.orgTraining, scheme.RoleOrgContact))
	mux.Handle("POST /api/v1/organisation/training/events/{id}/bookings", s.bookTraining())
	mux.Handle("POST /api/v1/organisation/training/bookings/{id}/cancel", s.tokenAuth(s.cancelTrainingBooking, scheme.RoleOrgContact))
	mux.Handle("GET /api/v1/offenders/{id}", s.tokenAuth(s.getOffender, scheme.RoleCoordinator))
	mux.Handle("POST /api/v1/alerts", s.createAlert())
	mux.Handle("GET /api/v1/alerts", s.tokenAuth(s.listAlerts, readerRoles...))
	mux.Handle("GET /api/v1/alerts/{id}", s.tokenAuth(s.getAlert, readerRoles...))
	mux.Handle("PATCH /api/v1/alerts/{id}", s.updateAlert())
	mux.Handle("POST /api/v1/alerts/{id}/approve", s.tokenAuth(s.approveAlert, scheme.RoleCoordinator))
	mux.Handle("POST /api/v1/alerts/{id}/publish", s.tokenAuth(s.publishAlert, scheme.RoleCoordinator))
	mux.Handle("POST /api/v1/alerts/{id}/confirm", s.tokenAuth(s.confirmAlert, scheme.RoleCoordinator))
	mux.Handle("POST /api/v1/alerts/{id}/withdraw", s.withdrawAlert())
	mux.Handle("GET /api/v1/alerts/{id}/deliveries", s.tokenAuth(s.listDeliveries, scheme.RoleCoordinator))
	mux.Handle("POST /api/v1/alerts/{id}/deliveries/retry", s.retryDeliveries())
	mux.Handle("POST /api/v1/alerts/{id}/additions", s.addAddition())
	mux.Handle("GET /api/v1/stats", s.tokenAuth(s.getStats, scheme.RoleCoordinator))
	mux.Handle("POST /api/v1/checks", s.Admitted(core.CheckAdmitWait, s.postCheck()))
	mux.Handle("GET /api/v1/push/key", s.tokenAuth(s.pushKey, memberRoles...))
	mux.Handle("GET /api/v1/push/subscriptions", s.tokenAuth(s.listPushDevices, memberRoles...))
	mux.Handle("POST /api/v1/push/subscriptions", s.subscribePush())
	mux.Handle("DELETE /api/v1/push/subscriptions/{id}", s.tokenAuth(s.unsubscribePush, memberRoles...))
	mux.Handle("POST /api/v1/exports", s.tokenAuth(s.createExport, scheme.RoleCoordinator))
	mux.Handle("/api/", s.notFound())
}
