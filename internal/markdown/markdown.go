// Package markdown turns the Markdown that admins write (public pages, the
// terms and conditions, newsletter issues) into HTML that is safe to serve:
// goldmark renders it without raw HTML and without dangerous links, and
// bluemonday then keeps only the elements and attributes of ordinary text,
// as a second wall should either ever let something through.
package markdown

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))

	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowURLSchemes("https", "http", "mailto", "tel")
		p.RequireNoFollowOnLinks(false)
		// Images come from this site only (the CSP says so too).
		p.AllowImages()
		return p
	}()
)

// HTML renders Markdown to sanitised HTML. Tokens {scheme} and {region}
// are replaced by the scheme's name and the area it serves, so that the
// built-in texts read right for any scheme.
func HTML(src, schemeName, region string) (template.HTML, error) {
	src = strings.NewReplacer("{scheme}", schemeName, "{region}", region).Replace(src)
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), nil // #nosec G203 -- sanitised just now by the user-content policy
}

// Text is the Markdown as plain text for an email: the source itself,
// which reads well as it is, with the tokens replaced.
func Text(src, schemeName, region string) string {
	return strings.NewReplacer("{scheme}", schemeName, "{region}", region).Replace(src)
}
