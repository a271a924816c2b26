package markdown_test

import (
	"strings"
	"testing"

	"uglymugs/internal/markdown"
)

func TestHTML_RemovesScriptsHandlersAndDangerousLinks(t *testing.T) {
	for _, c := range []struct{ name, in string }{
		{"script element", "Hello <script>alert(1)</script> world"},
		{"script in a block", "<script>\nalert(1)\n</script>"},
		{"event handler", `<img src="/images/X" onerror="alert(1)">`},
		{"event handler on a link", `<a href="/about" onclick="alert(1)">about</a>`},
		{"javascript link", "[click](javascript:alert(1))"},
		{"javascript link, mixed case and spaces", "[click]( JaVaScRiPt:alert(1))"},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
		{"vbscript link", "[x](vbscript:msgbox(1))"},
		{"javascript image", "![x](javascript:alert(1))"},
		{"iframe", `<iframe src="https://example.org"></iframe>`},
		{"style attribute", `<p style="background:url(javascript:alert(1))">x</p>`},
		{"autolink", "<javascript:alert(1)>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := markdown.HTML(c.in, "Test Mugs", "the UK")
			if err != nil {
				t.Fatal(err)
			}
			low := strings.ToLower(string(out))
			// As text, "javascript:" is harmless; as a link or source it is not.
			for _, bad := range []string{"<script", "onerror", "onclick", `="javascript:`, `=" javascript:`, "vbscript:", "data:text", "<iframe", "style="} {
				if strings.Contains(low, bad) {
					t.Errorf("%q survived: %s", bad, out)
				}
			}
		})
	}
}

func TestHTML_KeepsOrdinaryText(t *testing.T) {
	out, err := markdown.HTML("# About {scheme}\n\nWe work in {region}. **Bold**, a [link](https://example.org) and ![logo](/images/ABC).\n\n- one\n- two", "Test Mugs", "the UK")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1", "About Test Mugs", "We work in the UK", "<strong>Bold</strong>", `href="https://example.org"`, `src="/images/ABC"`, "<li>one</li>"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in %s", want, out)
		}
	}
}
