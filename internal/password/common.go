package password

// common-passwords.txt lists 48,681 passwords, one a line, lower case, sorted
// and without duplicates: the union of two lists drawn from Mark Burnett's
// corpus of ten million passwords from public breaches (2015).
//
//   - SecLists, Passwords/Common-Credentials/10-million-password-list-top-10000.txt
//     (https://github.com/danielmiessler/SecLists): the 10,000 most common,
//     here lower-cased. MIT licence, Copyright (c) 2025 Daniel Miessler.
//   - zxcvbn, data/passwords.txt (https://github.com/dropbox/zxcvbn, commit
//     67c4ece9): the 47,023 passwords seen more than ten times, less those
//     zxcvbn finds by pattern (dates, repeats, keyboard runs), which the
//     SecLists list puts back. MIT licence, Copyright (c) 2012-2016 Dan
//     Wheeler and Dropbox, Inc.
//
// Both come under the same permission notice:
//
// Permission is hereby granted, free of charge, to any person obtaining a copy
// of this software and associated documentation files (the "Software"), to
// deal in the Software without restriction, including without limitation the
// rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
// sell copies of the Software, and to permit persons to whom the Software is
// furnished to do so, subject to the following conditions:
//
// The above copyright notice and this permission notice shall be included in
// all copies or substantial portions of the Software.
//
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
// IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
// FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
// AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
// LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
// FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
// IN THE SOFTWARE.

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed common-passwords.txt
var commonList string

// commonSet is built on first use: most processes (migrations, jobs) never
// check a password.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	lines := strings.Split(strings.TrimSpace(commonList), "\n")
	set := make(map[string]struct{}, len(lines))
	for _, l := range lines {
		set[l] = struct{}{}
	}
	return set
})

// Common reports whether pw, ignoring case, is among the most common
// passwords, which OWASP ASVS 5 (6.2.4) says to refuse: they are the first
// an attacker tries.
func Common(pw string) bool {
	_, ok := commonSet()[strings.ToLower(pw)]
	return ok
}
