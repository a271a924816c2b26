package staff

import "uglymugs/internal/web/core"

// The views this package renders; each is checked at start-up.
var (
	viewAlertAdditions  = core.NewView("alert-additions")
	viewAlertDeliveries = core.NewView("alert-deliveries")
	viewAlertEditor     = core.NewView("alert-editor")
	viewAlertList       = core.NewView("alert-list")
	viewAlertSettings   = core.NewView("alert-settings")
	viewApiKeys         = core.NewView("api-keys")
	viewApplication     = core.NewView("application")
	viewCaseQueue       = core.NewView("case-queue")
	viewCaseReport      = core.NewView("case-report")
	viewCaseSearch      = core.NewView("case-search")
	viewCheckFlags      = core.NewView("check-flags")
	viewDisclosure      = core.NewView("disclosure")
	viewDisclosures     = core.NewView("disclosures")
	viewEnquiries       = core.NewView("enquiries")
	viewEnquiry         = core.NewView("enquiry")
	viewExport          = core.NewView("export")
	viewExportPrint     = core.NewView("export-print")
	viewExports         = core.NewView("exports")
	viewIntelligence    = core.NewView("intelligence")
	viewMembers         = core.NewView("members")
	viewNewsletterAdmin = core.NewView("newsletter-admin")
	viewOffender        = core.NewView("offender")
	viewOutbox          = core.NewView("outbox")
	viewPageEditor      = core.NewView("page-editor")
	viewPagesAdmin      = core.NewView("pages-admin")
	viewQueue           = core.NewView("queue")
	viewStats           = core.NewView("stats")
)
