package staff

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// server is the shared core, which the handlers of this package are
// methods on.
type server struct{ *core.Server }

// The views this package renders; each is checked at start-up.
var (
	viewAlertAdditions      = core.NewView("alert-additions")
	viewAlertDeliveries     = core.NewView("alert-deliveries")
	viewAlertEditor         = core.NewView("alert-editor")
	viewAlertList           = core.NewView("alert-list")
	viewApiKeys             = core.NewView("api-keys")
	viewApplication         = core.NewView("application")
	viewCaseQueue           = core.NewView("case-queue")
	viewCaseReport          = core.NewView("case-report")
	viewCaseSearch          = core.NewView("case-search")
	viewCheckFlags          = core.NewView("check-flags")
	viewDisclosure          = core.NewView("disclosure")
	viewDisclosures         = core.NewView("disclosures")
	viewEnquiries           = core.NewView("enquiries")
	viewEnquiry             = core.NewView("enquiry")
	viewExport              = core.NewView("export")
	viewExportPrint         = core.NewView("export-print")
	viewExports             = core.NewView("exports")
	viewIntelligence        = core.NewView("intelligence")
	viewMembers             = core.NewView("members")
	viewNewsletterAdmin     = core.NewView("newsletter-admin")
	viewOffender            = core.NewView("offender")
	viewOnCall              = core.NewView("on-call")
	viewOutbox              = core.NewView("outbox")
	viewPageEditor          = core.NewView("page-editor")
	viewPagesAdmin          = core.NewView("pages-admin")
	viewQueue               = core.NewView("queue")
	viewSettings            = core.NewView("settings")
	viewStats               = core.NewView("stats")
	viewTowns               = core.NewView("towns")
	viewServicesAdmin       = core.NewView("services-admin")
	viewServiceEditor       = core.NewView("service-editor")
	viewTrainingDesk        = core.NewView("training-desk")
	viewTrainingEvent       = core.NewView("training-event")
	viewTrainingOverdue     = core.NewView("training-overdue")
	viewLists               = core.NewView("lists")
	viewTranslations        = core.NewView("translations")
	viewTranslationMessages = core.NewView("translation-messages")
	viewTranslationEditor   = core.NewView("translation-editor")
)

// Routes registers the coordinators' and admins' desk.
func Routes(mux core.Mux, c *core.Server) {
	s := &server{c}
	// Coordinators and admins.
	mux.Handle("GET /coordinator/applications", s.SignedIn(s.queuePage, scheme.RoleCoordinator))
	mux.Handle("GET /coordinator/applications/{id}", s.SignedIn(s.applicationPage, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/applications/{id}/approve", s.decide(scheme.Approve))
	mux.Handle("POST /coordinator/applications/{id}/reject", s.decide(scheme.Reject))
	mux.Handle("POST /coordinator/applications/{id}/request-info", s.decide(scheme.RequestInfo))
	mux.Handle("GET /coordinator/reports", s.SignedIn(s.reportQueue, scheme.RoleCoordinator))
	mux.Handle("GET /coordinator/search", s.SignedIn(s.search, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/search", s.SignedIn(s.search, scheme.RoleCoordinator))
	mux.Handle("GET /coordinator/reports/{id}", s.SignedIn(s.reportCase, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/reports/{id}/working-copy", s.SignedIn(s.editWorkingCopy, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/reports/{id}/status", s.SignedIn(s.setReportStatus, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/reports/{id}/notes", s.SignedIn(s.addCaseNote, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/reports/{id}/tasks", s.SignedIn(s.addTask, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/reports/{id}/tasks/{task}/done", s.SignedIn(s.completeTask, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/reports/{id}/messages", s.SignedIn(s.schemeMessage, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/reports/{id}/police-help/{help}/outcome", s.SignedIn(s.recordPoliceHelp, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/reports/{id}/referrals", s.SignedIn(s.suggestReferral, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/reports/{id}/referrals/{referral}/status", s.SignedIn(s.moveReferral, scheme.RoleCoordinator))
	// The directory of support services (services.go).
	mux.Handle("GET /coordinator/services", s.SignedIn(s.servicesAdmin, scheme.RoleCoordinator))
	mux.Handle("GET /coordinator/services/new", s.SignedIn(s.newServicePage, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/services", s.SignedIn(s.saveService, scheme.RoleCoordinator))
	mux.Handle("GET /coordinator/services/{id}", s.SignedIn(s.serviceEditor, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/services/{id}", s.SignedIn(s.saveService, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/services/{id}/retire", s.SignedIn(s.retireService, scheme.RoleCoordinator))
	mux.Handle("GET /coordinator/offenders/{id}", s.SignedIn(s.offenderPage, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/offenders/move", s.SignedIn(s.moveOffender, scheme.RoleCoordinator))
	mux.Handle("GET /coordinator/alerts", s.coordinatorsOnly(s.alertList))
	mux.Handle("POST /coordinator/alerts", s.coordinatorsOnly(s.newAlert))
	mux.Handle("GET /coordinator/alerts/{id}", s.coordinatorsOnly(s.alertEditor))
	mux.Handle("POST /coordinator/alerts/{id}", s.coordinatorsOnly(s.saveAlert))
	mux.Handle("POST /coordinator/alerts/{id}/approve", s.coordinatorsOnly(s.approveAlert))
	mux.Handle("POST /coordinator/alerts/{id}/publish", s.coordinatorsOnly(s.publishAlert))
	mux.Handle("POST /coordinator/alerts/{id}/confirm", s.coordinatorsOnly(s.confirmAlert))
	mux.Handle("POST /coordinator/alerts/{id}/withdraw", s.coordinatorsOnly(s.withdrawAlert))
	mux.Handle("POST /coordinator/alerts/{id}/discard", s.coordinatorsOnly(s.discardAlert))
	mux.Handle("GET /coordinator/alerts/{id}/deliveries", s.coordinatorsOnly(s.deliveriesPage))
	mux.Handle("POST /coordinator/alerts/{id}/deliveries/retry", s.coordinatorsOnly(s.retryDeliveries))
	mux.Handle("POST /coordinator/deliveries/{channel}/resume", s.coordinatorsOnly(s.resumeChannel))
	mux.Handle("GET /coordinator/additions", s.coordinatorsOnly(s.additionsQueue))
	mux.Handle("POST /coordinator/additions/{id}/approve", s.moderateAddition(true))
	mux.Handle("POST /coordinator/additions/{id}/reject", s.moderateAddition(false))
	mux.Handle("GET /coordinator/checks", s.SignedIn(s.checkFlags, scheme.RoleCoordinator))
	mux.Handle("GET /coordinator/intelligence", s.coordinatorsOnly(s.intelligencePage))
	mux.Handle("POST /coordinator/intelligence/search", s.coordinatorsOnly(s.intelligenceSearch))
	mux.Handle("GET /coordinator/exports", s.coordinatorsOnly(s.exportsPage))
	mux.Handle("POST /coordinator/exports", s.coordinatorsOnly(s.createExport))
	mux.Handle("GET /coordinator/exports/{id}", s.coordinatorsOnly(s.exportPage))
	mux.Handle("POST /coordinator/exports/{id}/download", s.coordinatorsOnly(s.exportDownload))
	mux.Handle("GET /coordinator/enquiries", s.coordinatorsOnly(s.enquiriesPage))
	mux.Handle("POST /coordinator/enquiries", s.coordinatorsOnly(s.createEnquiry))
	mux.Handle("GET /coordinator/enquiries/{id}", s.coordinatorsOnly(s.enquiryPage))
	mux.Handle("POST /coordinator/enquiries/{id}/forward", s.coordinatorsOnly(s.forwardEnquiry))
	mux.Handle("POST /coordinator/enquiries/{id}/outcome", s.coordinatorsOnly(s.enquiryOutcome))
	mux.Handle("GET /coordinator/disclosures", s.coordinatorsOnly(s.disclosuresPage))
	mux.Handle("POST /coordinator/disclosures", s.coordinatorsOnly(s.createDisclosure))
	mux.Handle("GET /coordinator/disclosures/{id}", s.coordinatorsOnly(s.disclosurePage))
	mux.Handle("POST /coordinator/disclosures/{id}/decide", s.coordinatorsOnly(s.decideDisclosure))
	mux.Handle("GET /coordinator/statistics", s.statisticsPage())
	mux.Handle("GET /coordinator/statistics/download/{table}", s.statisticsDownload())
	mux.Handle("GET /coordinator/members", s.SignedIn(s.membersPage, scheme.RoleCoordinator))
	// The training for member organisations (training.go).
	mux.Handle("GET /coordinator/training", s.coordinatorsOnly(s.trainingDesk))
	mux.Handle("POST /coordinator/training", s.coordinatorsOnly(s.publishTraining))
	mux.Handle("GET /coordinator/training/overdue", s.coordinatorsOnly(s.trainingOverdue))
	mux.Handle("GET /coordinator/training/{id}", s.coordinatorsOnly(s.trainingEventPage))
	mux.Handle("POST /coordinator/training/{id}/attendance", s.coordinatorsOnly(s.recordAttendance))
	mux.Handle("POST /coordinator/training/{id}/cancel", s.coordinatorsOnly(s.cancelTraining))
	mux.Handle("POST /coordinator/members/{id}/revoke", s.revokeMember())
	mux.Handle("POST /coordinator/members/{id}/password", s.resetMember())
	mux.Handle("POST /coordinator/members/{id}/export", s.exportRevoked())
	mux.Handle("POST /coordinator/member-exports/{id}/decide", s.SignedIn(s.decideMemberExport, scheme.RoleCoordinator))
	mux.Handle("POST /coordinator/member-exports/{id}/download", s.SignedIn(s.downloadMemberExport, scheme.RoleCoordinator))
	mux.Handle("POST /admin/users/{id}/role", s.setRole())
	mux.Handle("GET /admin/outbox", s.SignedIn(s.outboxPage, scheme.RoleAdmin))
	mux.Handle("GET /admin/settings", s.settingsPage())
	mux.Handle("POST /admin/settings", s.SignedIn(s.saveSettings, scheme.RoleAdmin))
	mux.Handle("GET /admin/towns", core.NoIndex(s.SignedIn(s.townsPage, scheme.RoleAdmin)))
	mux.Handle("POST /admin/towns", s.SignedIn(s.addTown, scheme.RoleAdmin))
	mux.Handle("POST /admin/towns/{slug}/rename", s.SignedIn(s.renameTown, scheme.RoleAdmin))
	mux.Handle("POST /admin/towns/{slug}/move", s.SignedIn(s.moveTown, scheme.RoleAdmin))
	mux.Handle("POST /admin/towns/{slug}/retire", s.SignedIn(s.retireTown, scheme.RoleAdmin))
	mux.Handle("GET /admin/lists", core.NoIndex(s.SignedIn(s.listsPage, scheme.RoleAdmin)))
	mux.Handle("POST /admin/lists/{kind}", s.SignedIn(s.addListValue, scheme.RoleAdmin))
	mux.Handle("POST /admin/lists/{kind}/{slug}", s.SignedIn(s.editListValue, scheme.RoleAdmin))
	mux.Handle("POST /admin/lists/{kind}/{slug}/move", s.SignedIn(s.moveListValue, scheme.RoleAdmin))
	mux.Handle("POST /admin/lists/{kind}/{slug}/retire", s.SignedIn(s.retireListValue, scheme.RoleAdmin))
	mux.Handle("GET /admin/on-call", core.NoIndex(s.SignedIn(s.onCallPage, scheme.RoleAdmin)))
	mux.Handle("POST /admin/on-call", s.SignedIn(s.addShift, scheme.RoleAdmin))
	mux.Handle("POST /admin/on-call/{id}/remove", s.SignedIn(s.removeShift, scheme.RoleAdmin))
	mux.Handle("GET /admin/pages", s.pagesAdmin())
	mux.Handle("GET /admin/pages/{slug}", s.pageEditor())
	mux.Handle("POST /admin/pages/{slug}", s.savePage())
	mux.Handle("POST /admin/images", s.uploadImage())
	mux.Handle("GET /admin/newsletter", s.newsletterAdmin())
	mux.Handle("POST /admin/newsletter", s.sendIssue())
	mux.Handle("GET /admin/terms", s.termsAdmin())
	mux.Handle("POST /admin/terms", s.publishTerms())
	tr := translationPages{s}
	mux.Handle("GET /admin/languages", core.NoIndex(s.SignedIn(tr.languagesPage, scheme.RoleAdmin)))
	mux.Handle("GET /admin/languages/{lang}", core.NoIndex(s.SignedIn(tr.messagesPage, scheme.RoleAdmin)))
	mux.Handle("GET /admin/languages/{lang}/message", core.NoIndex(s.SignedIn(tr.correctionPage, scheme.RoleAdmin)))
	mux.Handle("POST /admin/languages/{lang}/message", core.NoIndex(s.SignedIn(tr.saveCorrection, scheme.RoleAdmin)))
	mux.Handle("GET /admin/api-keys", s.keysPage())
	mux.Handle("POST /admin/api-keys", s.createAPIKey())
	mux.Handle("POST /admin/api-keys/{id}/revoke", s.revokeAPIKey())
}

// answer answers a form's post once the domain has acted on it: on to
// next when it accepted the form; when it refused it, the form again
// (again does that) with its problems and what was typed; any other
// failure is returned, for an error page.
func (s *server) answer(w http.ResponseWriter, r *http.Request, err error, vals map[string]string, again func(core.FormView) error, next string) error {
	switch {
	case err == nil:
		core.SeeOther(w, r, next)
	case scheme.ErrorCode(err) == scheme.CodeInvalid:
		return again(core.FormView{Values: vals, Errors: core.FormErrors(err)})
	default:
		return err
	}
	return nil
}
