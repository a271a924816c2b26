package member

import "uglymugs/internal/web/core"

// Routes registers what members and organisations' staff use: their
// account, reports, alerts, checks (on the web and by SMS), police
// enquiries about their reports, and an organisation's staff.
func Routes(mux core.Mux, c *core.Server) {
	s := &server{c}
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
}
