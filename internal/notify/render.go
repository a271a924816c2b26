package notify

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/template"
	"unicode"
	"unicode/utf16"

	"uglymugs/internal/scheme"
)

// An SMS must fit one segment, so that it arrives whole and costs one
// message: 160 characters of the GSM-7 alphabet, or, for a text with any
// other character (Thai, Chinese, Bulgarian, and Romanian or Portuguese
// with their accents), 70 UTF-16 units in UCS-2.
const (
	SMSMaxLen     = 160
	SMSMaxLenUCS2 = 70
)

// The templates are plain text: templates/email/KEY.txt has the subject on
// its first line, then a blank line, then the body; templates/sms/KEY.txt is
// the whole text; templates/push/KEY.txt is a notification's title, a blank
// line and its words (only alerts go by push). They are English; templates/CHANNEL/CODE/KEY.txt is the
// same message in the language CODE (an i18n code, e.g. "pt-BR"), used for
// a recipient who reads that language; a message not yet translated goes
// in English.
//
//go:embed templates
var templateFS embed.FS

// templateSet is one language's templates by channel.
type templateSet map[scheme.Channel]*template.Template

// templates parses every template once, on first use, by language ("" is
// English); they never change.
var templates = sync.OnceValues(func() (map[string]templateSet, error) {
	dirs, err := fs.ReadDir(templateFS, "templates/email")
	if err != nil {
		return nil, err
	}
	langs := []string{""}
	for _, d := range dirs {
		if d.IsDir() {
			langs = append(langs, d.Name())
		}
	}
	out := map[string]templateSet{}
	for _, lang := range langs {
		set := templateSet{}
		for _, ch := range []scheme.Channel{scheme.ChannelEmail, scheme.ChannelSMS, scheme.ChannelPush} {
			t, err := parseTemplates(ch, lang)
			if err != nil {
				return nil, fmt.Errorf("notify: templates %q: %w", lang, err)
			}
			set[ch] = t
		}
		email, sms := keysOf(set[scheme.ChannelEmail]), keysOf(set[scheme.ChannelSMS])
		if !slices.Equal(email, sms) {
			return nil, fmt.Errorf("notify: templates %q: email has %v but sms has %v; each key needs both", lang, email, sms)
		}
		out[lang] = set
	}
	return out, nil
})

// parseTemplates parses a channel's templates in one language. An SMS
// written in Latin letters with accents GSM-7 lacks (Romanian ș, Polish ł,
// Portuguese ã…) is written without them, as phones in those languages
// commonly do, so that it keeps GSM-7's 160 characters; the values put in
// it (a link, a code) are never changed. Other scripts go in UCS-2.
func parseTemplates(ch scheme.Channel, lang string) (*template.Template, error) {
	files, err := fs.Glob(templateFS, path.Join("templates", string(ch), lang, "*.txt"))
	if err != nil {
		return nil, err
	}
	// missingkey=error makes every param a template uses required.
	t := template.New(string(ch)).Option("missingkey=error")
	for _, f := range files {
		buf, err := templateFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		text := string(buf)
		if folded := gsm7Fold.Replace(text); ch == scheme.ChannelSMS && isGSM7(folded) {
			text = folded
		}
		if _, err := t.New(path.Base(f)).Parse(text); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return t, nil
}

// Languages are those some message is translated into (their codes).
func Languages() []string {
	sets, err := templates()
	if err != nil {
		return nil
	}
	var out []string
	for lang := range sets {
		if lang != "" {
			out = append(out, lang)
		}
	}
	slices.Sort(out)
	return out
}

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
	sets, err := templates()
	if err != nil {
		return nil
	}
	return keysOf(sets[""][scheme.ChannelEmail])
}

// Translated returns the keys translated into lang, sorted.
func Translated(lang string) []string {
	sets, err := templates()
	if err != nil || sets[lang] == nil {
		return nil
	}
	return keysOf(sets[lang][scheme.ChannelEmail])
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
	sets, err := templates()
	if err != nil {
		return "", "", err
	}
	t := sets[""][n.Channel]
	if t == nil {
		return "", "", fmt.Errorf("notify: unknown channel %q", n.Channel)
	}
	tmpl := t.Lookup(n.Template + ".txt")
	if own := sets[n.Language][n.Channel]; n.Language != "" && own != nil && own.Lookup(n.Template+".txt") != nil {
		tmpl = own.Lookup(n.Template + ".txt")
	}
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
		switch l, max := SMSLen(text); {
		case l > max && max == SMSMaxLenUCS2:
			return "", "", fmt.Errorf("notify: template %q (sms, %q): the text has characters outside the GSM-7 alphabet, so it goes in UCS-2, and is %d characters, more than %d in one segment", n.Template, n.Language, l, max)
		case l > max:
			return "", "", fmt.Errorf("notify: template %q (sms, %q): the text is %d characters, more than %d in one segment (is the url too long?)", n.Template, n.Language, l, max)
		}
		return "", text, nil
	}
	subject, body, _ := strings.Cut(out, "\n")
	subject = strings.TrimSpace(subject)
	body = strings.TrimSpace(body)
	if subject == "" || body == "" {
		return "", "", fmt.Errorf("notify: template %q (%s) needs a subject line, a blank line and a body", n.Template, n.Channel)
	}
	return subject, body + "\n", nil
}

// gsm7Fold writes Latin letters GSM-7 lacks as the nearest it has.
var gsm7Fold = strings.NewReplacer(
	"ă", "a", "â", "a", "á", "a", "ã", "a", "ą", "a", "Ă", "A", "Â", "A", "Á", "A", "Ã", "A", "Ą", "A",
	"î", "i", "í", "i", "ï", "i", "Î", "I", "Í", "I",
	"ș", "s", "ş", "s", "ś", "s", "Ș", "S", "Ş", "S", "Ś", "S",
	"ț", "t", "ţ", "t", "Ț", "T", "Ţ", "T",
	"ç", "c", "ć", "c", "Ć", "C", "ê", "e", "ë", "e", "ę", "e", "Ê", "E", "Ę", "E", "È", "E",
	"ô", "o", "ó", "o", "õ", "o", "ő", "o", "Ó", "O", "Ô", "O", "Õ", "O", "Ő", "O",
	"ú", "u", "û", "u", "ű", "u", "Ú", "U", "Ű", "U",
	"ł", "l", "Ł", "L", "ń", "n", "Ń", "N", "ź", "z", "ż", "z", "Ź", "Z", "Ż", "Z", "ý", "y",
	"’", "'", "‘", "'", "“", "\"", "”", "\"", "–", "-", "—", "-",
)

func isGSM7(s string) bool {
	_, ok := gsm7Len(s)
	return ok
}

// SMSLen is how long text is as an SMS, and the most one segment holds:
// in septets of GSM-7 (160), or, when text has a character GSM-7 lacks,
// in UTF-16 units of UCS-2 (70).
func SMSLen(text string) (n, max int) {
	if l, ok := gsm7Len(text); ok {
		return l, SMSMaxLen
	}
	return len(utf16.Encode([]rune(text))), SMSMaxLenUCS2
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
	for _, lang := range append([]string{""}, Languages()...) {
		for _, k := range Keys() {
			n := scheme.Notification{Channel: scheme.ChannelSMS, Template: k, Params: maps.Clone(sample), Language: lang}
			if _, _, err := Render(n); err != nil {
				return err
			}
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
