package markdown_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"uglymugs/internal/markdown"
)

// FuzzHTML: whatever Markdown an admin writes, the HTML has no script or
// other active element, no event handler and no script link. The oracle
// parses the output as a browser would (golang.org/x/net/html follows the
// HTML5 parsing algorithm) and judges elements and attribute values: text
// that merely reads "href=javascript:" is a paragraph, not a link, and a
// regular expression over the markup cannot tell the two apart.
//
//	go test -run='^$' -fuzz='^FuzzHTML$' -fuzztime=30s ./internal/markdown/
func FuzzHTML(f *testing.F) {
	for _, s := range []string{"# Hi\n\n<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>",
		"![a](data:text/html,<script>)", "<a href=\"&#106;avascript:alert(1)\">x</a>", "`<script>`", "| a |\n|---|\n| <b onclick=x>b</b> |",
		"<svg><script>alert(1)</script></svg>", "<<script>script>", "[x]( JAVASCRIPT:alert(1) )", "<math><mi xlink:href=\"javascript:x\">",
		"[x](java\tscript:alert(1))", "[x](&#x6A;avascript:alert(1))", "<form action=javascript:x><button>go</button></form>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := markdown.HTML(src, "Test Mugs", "Testland")
		if err != nil {
			return
		}
		if problem := activeContent(string(out)); problem != "" {
			t.Fatalf("%q gave %s in %s", src, problem, out)
		}
	})
}

// activeElements can run script, load other documents, submit or restyle
// the page; none belongs in an admin's text.
var activeElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true, "applet": true,
	"style": true, "link": true, "meta": true, "base": true, "form": true, "input": true, "button": true,
	"textarea": true, "select": true, "svg": true, "math": true, "template": true, "noscript": true,
}

// urlAttributes hold an address a browser follows or loads.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "srcset": true, "action": true, "formaction": true, "poster": true,
	"background": true, "data": true, "cite": true, "longdesc": true, "xlink:href": true,
}

// activeContent parses h as the body of a page and names the first active
// element, event handler or script address it finds, or returns "".
func activeContent(h string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(h), body)
	if err != nil {
		return "markup that does not parse (" + err.Error() + ")"
	}
	var walk func(n *html.Node) string
	walk = func(n *html.Node) string {
		if n.Type == html.ElementNode {
			if activeElements[strings.ToLower(n.Data)] || n.Namespace != "" {
				return fmt.Sprintf("an active element <%s>", n.Data)
			}
			for _, a := range n.Attr {
				name := strings.ToLower(a.Key)
				if a.Namespace != "" {
					name = a.Namespace + ":" + name
				}
				if strings.HasPrefix(name, "on") {
					return fmt.Sprintf("an event handler %s on <%s>", name, n.Data)
				}
				if urlAttributes[name] && scriptScheme(a.Val) {
					return fmt.Sprintf("a script address %s=%q on <%s>", name, a.Val, n.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if p := walk(c); p != "" {
				return p
			}
		}
		return ""
	}
	for _, n := range nodes {
		if p := walk(n); p != "" {
			return p
		}
	}
	return ""
}

// scriptScheme reports whether a browser would read the (already
// entity-decoded) address as javascript:, vbscript: or data:. A URL parser
// drops leading C0 controls and spaces, and tabs and line breaks anywhere.
func scriptScheme(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(v)
	for _, s := range []string{"javascript:", "vbscript:", "data:"} {
		if strings.HasPrefix(v, s) {
			return true
		}
	}
	return false
}

// The oracle itself must tell a link from text that reads like one, or the
// fuzzer's verdicts mean nothing (a landing once failed on such text).
func TestActiveContent_JudgesElementsNotText(t *testing.T) {
	for _, c := range []struct {
		html   string
		active bool
	}{
		{`<p>href=jAvAsCript:</p>`, false},
		{`<p>href=&#106;AvAsCript:</p>`, false},
		{`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`, false},
		{`<p><code>&lt;img onerror=x&gt;</code></p>`, false},
		{`<p><a href="https://example.org/">x</a></p>`, false},
		{`<p><a href="/javascript:x">x</a></p>`, false},
		{`<a href="javascript:alert(1)">x</a>`, true},
		{`<a href="&#106;avascript:alert(1)">x</a>`, true},
		{`<a href="&#x6A;avascript:alert(1)">x</a>`, true},
		{`<a href=" java	script:alert(1)">x</a>`, true},
		{`<a href="JAVASCRIPT:alert(1)">x</a>`, true},
		{`<img src="data:image/svg+xml,x">`, true},
		{`<img src=x onerror=alert(1)>`, true},
		{`<p><b ONCLICK="x">b</b></p>`, true},
		{`<script>alert(1)</script>`, true},
		{`<svg><a xlink:href="https://example.org/">x</a></svg>`, true},
		{`<math><mi xlink:href="javascript:x">`, true},
		{`<form><input></form>`, true},
	} {
		got := activeContent(c.html)
		if (got != "") != c.active {
			t.Errorf("activeContent(%q) = %q, want active %v", c.html, got, c.active)
		}
	}
}
