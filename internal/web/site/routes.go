package site

import "uglymugs/internal/web/core"

// server is the shared core, which the handlers of this package are
// methods on.
type server struct{ *core.Server }

// The views this package renders; each is checked at start-up.
var (
	viewApplied     = core.NewView("applied")
	viewApply       = core.NewView("apply")
	viewContact     = core.NewView("contact")
	viewContent     = core.NewView("content")
	viewHome        = core.NewView("home")
	viewJoin        = core.NewView("join")
	viewLanguage    = core.NewView("language")
	viewNewsletter  = core.NewView("newsletter")
	viewReset       = core.NewView("reset")
	viewResetCode   = core.NewView("reset-code")
	viewSignin      = core.NewView("signin")
	viewSigninCode  = core.NewView("signin-code")
	viewStatsPublic = core.NewView("stats-public")
	viewTerms       = core.NewView("terms")
)

// Routes registers the public site: its pages, the contact form and the
// newsletter, joining, and signing in and out.
func Routes(mux core.Mux, c *core.Server) {
	s := &server{c}
	// Public site.
	mux.Handle("GET /{$}", s.home())
	mux.Handle("GET /about", s.contentPage("about", viewContent))
	mux.Handle("GET /join", s.contentPage("join", viewJoin))
	mux.Handle("GET /privacy", s.contentPage("privacy", viewContent))
	mux.Handle("GET /contact", s.contentPage("contact", viewContact))
	mux.Handle("POST /contact", s.Throttled(s.contactSend()))
	mux.Handle("GET /case-studies", s.contentPage("case-studies", viewContent))
	mux.Handle("GET /supporters", s.contentPage("supporters", viewContent))
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
	mux.Handle("GET /language", s.languagePage())
	mux.Handle("POST /language", s.chooseLanguage())

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
}
