package core

// The views this package renders; each is checked at start-up.
var (
	viewError = NewView("error")
)
