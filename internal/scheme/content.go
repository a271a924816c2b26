package scheme

import (
	"embed"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ContentPages are the public pages admins can edit, in the order they
// are offered, with their titles.
var ContentPages = []struct{ Slug, Title string }{
	{"about", "About us"}, {"join", "How to join"}, {"privacy", "Privacy notice"}, {"contact", "Contact us"},
	{"case-studies", "Case studies"}, {"supporters", "Champions and supporters"},
}

// IsContentPage reports whether slug names an editable page.
func IsContentPage(slug string) bool {
	return slices.ContainsFunc(ContentPages, func(p struct{ Slug, Title string }) bool { return p.Slug == slug })
}

//go:embed content/*.md
var defaultContent embed.FS

// DefaultContent is the built-in Markdown of a page, shown until an admin
// saves a version of their own. "{scheme}" and "{region}" stand for the
// scheme's name and the area it serves.
func DefaultContent(slug string) string {
	b, err := defaultContent.ReadFile("content/" + slug + ".md")
	if err != nil {
		return ""
	}
	return string(b)
}

// ContentVersion is one saved version of a public page, in Markdown.
type ContentVersion struct {
	Slug     string
	Lang     string // the language's code: "en-GB", "ro"…
	Version  int
	Body     string
	EditedBy string
	EditedAt time.Time
}

// MaxContent is the longest page body, in characters.
const MaxContent = 50000

// KeptText is a page's or the terms' text as it is kept: trimmed, with
// Windows line breaks made "\n".
func KeptText(body string) string { return strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n")) }

// PageProblem refuses a page's text (as kept) that is empty or too long.
func PageProblem(body string) error {
	return textProblem(body, "Write the page: it cannot be empty.", "page")
}

// TermsProblem refuses terms (as kept) that are empty or too long.
func TermsProblem(body string) error {
	return textProblem(body, "Write the terms: they cannot be empty.", "terms")
}

// textProblem refuses body if it is empty (with the words given) or
// longer than MaxContent.
func textProblem(body, empty, what string) error {
	switch {
	case body == "":
		return Invalid(map[string]string{"body": empty})
	case utf8.RuneCountInString(body) > MaxContent:
		return Invalid(map[string]string{"body": fmt.Sprintf("Keep the %s under %d characters.", what, MaxContent)})
	}
	return nil
}

// CanPublishTerms says whether body (as kept) may be published over the
// terms in force, current: not unchanged, or every member would be asked
// to accept what they already accepted. The store asks it inside the
// transaction that publishes.
func CanPublishTerms(current, body string) error {
	if KeptText(current) == body {
		return Invalid(map[string]string{"body": "These are the terms already in force: change something, or leave them as they are."})
	}
	return nil
}

// StoredImage is an image for the public pages, already cleaned.
type StoredImage struct {
	ID            string
	ContentType   string
	Data          []byte
	Width, Height int
	UploadedAt    time.Time
}

// NewsletterLinks build the links in newsletter emails from a token.
type NewsletterLinks struct {
	Confirm, Unsubscribe func(token string) string
}

// Issue is one newsletter issue.
type Issue struct {
	ID, Subject, Body, Status string
	CreatedBy, SentBy         string
	CreatedAt, SentAt         time.Time
	Recipients                int
	Deliveries                map[string]int // by notification status
}
