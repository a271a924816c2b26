package markdown_test

import (
	"regexp"
	"strings"
	"testing"

	"uglymugs/internal/markdown"
)

var (
	dangerousTag  = regexp.MustCompile(`(?i)<\s*(script|iframe|object|embed|style|form|input|svg|math|base|meta|link)\b`)
	eventHandler  = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
	dangerousLink = regexp.MustCompile(`(?i)(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):`)
)

// FuzzHTML: whatever Markdown an admin writes, the HTML has no script or
// other active element, no event handler and no script link.
//
//	go test -run='^$' -fuzz='^FuzzHTML$' -fuzztime=30s ./internal/markdown/
func FuzzHTML(f *testing.F) {
	for _, s := range []string{"# Hi\n\n<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>",
		"![a](data:text/html,<script>)", "<a href=\"&#106;avascript:alert(1)\">x</a>", "`<script>`", "| a |\n|---|\n| <b onclick=x>b</b> |",
		"<svg><script>alert(1)</script></svg>", "<<script>script>", "[x]( JAVASCRIPT:alert(1) )", "<math><mi xlink:href=\"javascript:x\">"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := markdown.HTML(src, "Test Mugs", "Testland")
		if err != nil {
			return
		}
		h := string(out)
		// Text that merely reads "<script" is escaped as &lt;script.
		if m := dangerousTag.FindString(h); m != "" {
			t.Fatalf("%q gave an active element %q in %s", src, m, h)
		}
		if eventHandler.MatchString(h) || dangerousLink.MatchString(strings.ReplaceAll(h, "&#x", "&#")) {
			t.Fatalf("%q gave a handler or a script link: %s", src, h)
		}
	})
}
