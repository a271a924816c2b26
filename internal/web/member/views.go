package member

import "uglymugs/internal/web/core"

// The views this package renders; each is checked at start-up.
var (
	viewAcceptTerms     = core.NewView("accept-terms")
	viewAccount         = core.NewView("account")
	viewAlertFeed       = core.NewView("alert-feed")
	viewAlertPrint      = core.NewView("alert-print")
	viewAlertView       = core.NewView("alert-view")
	viewCheck           = core.NewView("check")
	viewLeave           = core.NewView("leave")
	viewLeft            = core.NewView("left")
	viewMyEnquiries     = core.NewView("my-enquiries")
	viewMyEnquiry       = core.NewView("my-enquiry")
	viewPassword        = core.NewView("password")
	viewProfile         = core.NewView("profile")
	viewReportDraft     = core.NewView("report-draft")
	viewReportList      = core.NewView("report-list")
	viewReportSent      = core.NewView("report-sent")
	viewReportSignedOut = core.NewView("report-signed-out")
	viewReportView      = core.NewView("report-view")
	viewSecondFactor    = core.NewView("second-factor")
	viewStaff           = core.NewView("staff")
)
