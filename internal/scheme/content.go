package scheme

import (
	"embed"
	"slices"
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
