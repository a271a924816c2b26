package site

import "uglymugs/internal/web/core"

// The views this package renders; each is checked at start-up.
var (
	viewApplied     = core.NewView("applied")
	viewApply       = core.NewView("apply")
	viewContact     = core.NewView("contact")
	viewContent     = core.NewView("content")
	viewHome        = core.NewView("home")
	viewJoin        = core.NewView("join")
	viewNewsletter  = core.NewView("newsletter")
	viewReset       = core.NewView("reset")
	viewResetCode   = core.NewView("reset-code")
	viewSignin      = core.NewView("signin")
	viewSigninCode  = core.NewView("signin-code")
	viewStatsPublic = core.NewView("stats-public")
	viewTerms       = core.NewView("terms")
)
