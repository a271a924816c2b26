package member

import (
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// server is the shared core, which the handlers of this package are
// methods on.
type server struct{ *core.Server }

// The views this package renders; each is checked at start-up.
var (
	viewAcceptTerms     = core.NewView("accept-terms")
	viewAccount         = core.NewView("account")
	viewAlertFeed       = core.NewView("alert-feed")
	viewAlertPrint      = core.NewView("alert-print")
	viewAlertView       = core.NewView("alert-view")
	viewCheck           = core.NewView("check")
	viewLeave           = core.NewView("leave")
	viewMyData          = core.NewView("my-data")
	viewLeft            = core.NewView("left")
	viewMyEnquiries     = core.NewView("my-enquiries")
	viewMyEnquiry       = core.NewView("my-enquiry")
	viewPassword        = core.NewView("password")
	viewProfile         = core.NewView("profile")
	viewPush            = core.NewView("push")
	viewReportDraft     = core.NewView("report-draft")
	viewReportList      = core.NewView("report-list")
	viewReportSent      = core.NewView("report-sent")
	viewReportSignedOut = core.NewView("report-signed-out")
	viewReportView      = core.NewView("report-view")
	viewSecondFactor    = core.NewView("second-factor")
	viewStaff           = core.NewView("staff")
	viewServices        = core.NewView("services")
	viewTraining        = core.NewView("org-training")
)

// Routes registers what members and organisations' staff use: their
// account, reports, alerts, checks (on the web and by SMS), police
// enquiries about their reports, and an organisation's staff.
func Routes(mux core.Mux, c *core.Server) {
	s := &server{c}
	// My account.
	mux.Handle("GET /account", s.SignedIn(s.accountPage))
	mux.Handle("POST /account/answer", s.SignedIn(s.answer))
	mux.Handle("GET /account/profile", s.SignedIn(s.profilePage, scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff))
	mux.Handle("POST /account/profile", s.SignedIn(s.saveProfile, scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff))
	mux.Handle("GET /account/password", s.SignedIn(s.passwordPage))
	mux.Handle("POST /account/password", s.SignedIn(s.changePassword))
	mux.Handle("GET /account/second-factor", s.SignedIn(s.secondFactorPage))
	mux.Handle("POST /account/second-factor", s.SignedIn(s.confirmSecondFactor))
	mux.Handle("GET /account/data", s.SignedIn(s.myDataPage))
	mux.Handle("GET /account/data.json", s.SignedIn(s.myData))
	mux.Handle("GET /account/terms", s.SignedIn(s.acceptTermsPage))
	mux.Handle("POST /account/terms", s.SignedIn(s.acceptTerms))
	mux.Handle("GET /account/leave", s.SignedIn(s.leavePage))
	mux.Handle("POST /account/leave", s.SignedIn(s.leave))
	mux.Handle("GET /account/push", s.membersOnly(s.pushPage))
	mux.Handle("POST /account/push", s.membersOnly(s.subscribePush))
	mux.Handle("POST /account/push/{id}/remove", s.membersOnly(s.removePushDevice))
	mux.Handle("POST /account/push/discreet", s.membersOnly(s.setDiscreet))

	// Reports, as their reporter sees them (reports.go, draft.go).
	mux.Handle("GET /reports", s.reportersOnly(s.myReports))
	mux.Handle("POST /reports/new", s.reportersOnly(s.newDraft))
	mux.Handle("GET /reports/draft/{id}/{step}", s.reportersOnly(s.draftStep))
	mux.Handle("POST /reports/draft/{id}/{step}", s.saveDraftStep())
	mux.Handle("POST /reports/draft/{id}/discard", s.reportersOnly(s.discardDraft))
	mux.Handle("GET /reports/{id}", s.reportersOnly(s.myReport))
	mux.Handle("POST /reports/{id}/messages", s.reportersOnly(s.reporterMessage))
	mux.Handle("POST /reports/{id}/consents", s.reportersOnly(s.myConsents))
	// What it led to: her choice to be told, her request for help with a police report (impact.go).
	mux.Handle("POST /reports/{id}/impact-notices", s.reportersOnly(s.setImpactNotify))
	mux.Handle("POST /reports/{id}/police-help", s.reportersOnly(s.askPoliceHelp))

	// Alerts, as members see them (alerts.go).
	mux.Handle("GET /alerts", s.membersOnly(s.alertFeed))
	mux.Handle("GET /alerts/bulletin", s.membersOnly(s.alertBulletin, orgRoles...))
	mux.Handle("GET /alerts/{id}", s.membersOnly(s.alertPage))
	mux.Handle("GET /alerts/{id}/print", s.membersOnly(s.alertPrint, orgRoles...))
	mux.Handle("POST /alerts/{id}/additions", s.membersOnly(s.addAddition))

	// Checking a number, email, registration or username (checks.go), and
	// the same by SMS from a member's registered mobile (sms_inbound.go).
	mux.Handle("GET /check", s.membersOnly(s.checkPage))
	mux.Handle("POST /check", s.membersOnly(s.check))
	mux.Handle("POST /sms/inbound", s.smsInbound())

	// Support services near her, and her answers to the services a
	// caseworker suggests from her report (services.go).
	mux.Handle("GET /services", s.membersOnly(s.servicesPage))
	mux.Handle("POST /reports/{id}/referrals/{referral}/answer", s.reportersOnly(s.answerReferral))

	// Police enquiries, as the reporter (or their organisation) sees them (enquiries.go).
	mux.Handle("GET /enquiries", s.reportersOnly(s.myEnquiries))
	mux.Handle("GET /enquiries/{id}", s.reportersOnly(s.myEnquiry))
	mux.Handle("POST /enquiries/{id}/decision", s.reportersOnly(s.enquiryDecision))

	// Organisations' key contacts.
	mux.Handle("GET /organisation/staff", s.SignedIn(s.staffPage, scheme.RoleOrgContact))
	mux.Handle("POST /organisation/staff", s.SignedIn(s.addStaff, scheme.RoleOrgContact))
	mux.Handle("POST /organisation/staff/{id}/disable", s.setStaff(false))
	mux.Handle("POST /organisation/staff/{id}/enable", s.setStaff(true))
	// The scheme's training: her organisation's standing, booking places (training.go).
	mux.Handle("GET /organisation/training", s.SignedIn(s.trainingPage, scheme.RoleOrgContact))
	mux.Handle("POST /organisation/training/{id}/book", s.SignedIn(s.bookTraining, scheme.RoleOrgContact))
	mux.Handle("POST /organisation/training/bookings/{id}/cancel", s.SignedIn(s.cancelTrainingBooking, scheme.RoleOrgContact))
}
