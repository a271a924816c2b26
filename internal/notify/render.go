package notify

import (
	"bytes"
	"embed"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/template"
	"unicode"

	"uglymugs/internal/scheme"
)

// SMSMaxLen is the most an SMS may hold: one GSM-7 segment, so that it
// arrives whole and costs one message.
const SMSMaxLen = 160

// The templates are plain text: templates/email/KEY.txt has the subject on
// its first line, then a blank line, then the body; templates/sms/KEY.txt is
// the whole text.
//
//go:embed templates
var templateFS embed.FS

// templates parses every template once, on first use; they never change.
var templates = sync.OnceValues(func() (map[scheme.Channel]*template.Template, error) {
	set := map[scheme.Channel]*template.Template{}
	for _, ch := range []scheme.Channel{scheme.ChannelEmail, scheme.ChannelSMS} {
		// missingkey=error makes every param a template uses required.
		t, err := template.New(string(ch)).Option("missingkey=error").
			ParseFS(templateFS, path.Join("templates", string(ch), "*.txt"))
		if err != nil {
			return nil, fmt.Errorf("notify: templates: %w", err)
		}
		set[ch] = t
	}
	email, sms := keysOf(set[scheme.ChannelEmail]), keysOf(set[scheme.ChannelSMS])
	if !slices.Equal(email, sms) {
		return nil, fmt.Errorf("notify: templates: email has %v but sms has %v; each key needs both", email, sms)
	}
	return set, nil
})

func keysOf(t *template.Template) []string {
	var keys []string
	for _, n := range t.Templates() {
		if k, ok := strings.CutSuffix(n.Name(), ".txt"); ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// Keys returns every template key, sorted.
func Keys() []string {
	set, err := templates()
	if err != nil {
		return nil
	}
	return keysOf(set[scheme.ChannelEmail])
}

// multiline are the params that are text of several lines, written by a
// person (a contact message, a newsletter), and only ever go in a
// message's body: line breaks (of any convention) and tabs are their own,
// and any other control character is shown as U+FFFD rather than losing
// the message over it. Every other param may end up in the subject (a
// header) or on a labelled line ("From: …"), so it is made one line
// (lineText): it must not bend either, and a name pasted with a tab must
// not lose the message it came with.
var multiline = map[string]bool{"message": true, "body": true}

// lineText makes a param one line: each run of whitespace control
// characters (tab, line breaks) becomes one space, any other control
// character U+FFFD. Nothing it returns can start a header or a line.
func lineText(v string) string {
	var b strings.Builder
	space := false
	for _, r := range v {
		switch {
		case unicode.IsControl(r) && unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		case unicode.IsControl(r):
			r = unicode.ReplacementChar
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// bodyText makes a multiline param safe for a message body without
// refusing it: line breaks become "\n", other control characters but tabs
// U+FFFD.
func bodyText(v string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return unicode.ReplacementChar
		}
		return r
	}, scheme.NormaliseLineBreaks(v))
}

var missingKey = regexp.MustCompile(`map has no entry for key "([^"]*)"`)

// Render returns the subject (email only; "" for SMS) and text of n, from
// the template n.Template for n.Channel with n.Params. It fails for an unknown
// channel or key, a missing or empty param the template uses, and an SMS
// that is not a single GSM-7 segment. A param's control characters never
// refuse a message: see multiline and lineText.
func Render(n scheme.Notification) (subject, text string, err error) {
	set, err := templates()
	if err != nil {
		return "", "", err
	}
	t := set[n.Channel]
	if t == nil {
		return "", "", fmt.Errorf("notify: unknown channel %q", n.Channel)
	}
	tmpl := t.Lookup(n.Template + ".txt")
	if n.Template == "" || tmpl == nil {
		return "", "", fmt.Errorf("notify: unknown template key %q", n.Template)
	}
	// An empty value counts as missing, so that a template never says
	// "your code is ." because a caller forgot to set it.
	params := make(map[string]string, len(n.Params))
	for k, v := range n.Params {
		if multiline[k] {
			v = bodyText(v)
		} else {
			v = lineText(v)
		}
		if v != "" {
			params[k] = v
		}
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, params); err != nil {
		if m := missingKey.FindStringSubmatch(err.Error()); m != nil {
			return "", "", fmt.Errorf("notify: template %q (%s) needs the param %q", n.Template, n.Channel, m[1])
		}
		return "", "", fmt.Errorf("notify: template %q (%s): %w", n.Template, n.Channel, err)
	}
	out := b.String()

	if n.Channel == scheme.ChannelSMS {
		text = strings.TrimSpace(out)
		if l, ok := gsm7Len(text); !ok {
			return "", "", fmt.Errorf("notify: template %q (sms): the text has characters outside the GSM-7 alphabet", n.Template)
		} else if l > SMSMaxLen {
			return "", "", fmt.Errorf("notify: template %q (sms): the text is %d characters, more than %d (is the url too long?)", n.Template, l, SMSMaxLen)
		}
		return "", text, nil
	}
	subject, body, _ := strings.Cut(out, "\n")
	subject = strings.TrimSpace(subject)
	body = strings.TrimSpace(body)
	if subject == "" || body == "" {
		return "", "", fmt.Errorf("notify: template %q (email) needs a subject line, a blank line and a body", n.Template)
	}
	return subject, body + "\n", nil
}

// CheckSiteURL reports whether every SMS still fits one segment when it
// carries siteURL (with the longest values the other params are expected to
// take). Call it at start-up with the configured sign-in address.
func CheckSiteURL(siteURL string) error {
	if _, err := templates(); err != nil {
		return err
	}
	sample := map[string]string{
		"url": siteURL, "code": "12345678", "minutes": "60", "reply_by": "Wednesday 30 September",
	}
	for _, k := range Keys() {
		n := scheme.Notification{Channel: scheme.ChannelSMS, Template: k, Params: maps.Clone(sample)}
		if _, _, err := Render(n); err != nil {
			return err
		}
	}
	return nil
}

// The GSM 03.38 default alphabet, and the extension characters that take two
// septets (an escape and the character).
const (
	gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Ext = "\f^{}\\[~]|€"
)

// gsm7Len returns how many septets s takes in GSM-7, and false if s has a
// character GSM-7 cannot carry (which would make the message UCS-2, with 70
// characters a segment).
func gsm7Len(s string) (int, bool) {
	n := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune(gsm7Basic, r):
			n++
		case strings.ContainsRune(gsm7Ext, r):
			n += 2
		default:
			return n, false
		}
	}
	return n, true
}
