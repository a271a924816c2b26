package scheme

import "strings"

// lineBreaks turns every line break convention into "\n".
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// NormaliseLineBreaks returns s with its line breaks as "\n": browsers
// send a textarea's as "\r\n" (as HTML requires), and old Mac text has a
// bare "\r". Text is stored, shown and sent with "\n" only, so that one
// rule (a line break is "\n") holds everywhere after it enters.
func NormaliseLineBreaks(s string) string {
	if !strings.ContainsRune(s, '\r') {
		return s
	}
	return lineBreaks.Replace(s)
}
