// Package identifier normalises what people type as phone numbers, email
// addresses, vehicle registrations, website usernames and names, so that
// the same identifier written in different ways gets the same blind index:
// "07700 900123", "+44 7700 900123" and "447700900123" are one number. It
// does no I/O and imports nothing of ours.
//
// The rules, kind by kind:
//
//   - Phone numbers become E.164 ("+447700900123"). Spaces, dashes, brackets,
//     dots and slashes are ignored; "+44 (0)7700…" and the international
//     prefix ("0044…", "00353…") are understood; numbers without a + are read
//     in the default region (GB unless told otherwise), and when that makes
//     them too long, as international numbers ("447700900123",
//     "353851234567"). Letters are refused (an O typed for a 0 should be
//     fixed, not guessed at), and so are numbers that cannot exist: the
//     numbering plans come from libphonenumber's metadata, plus Ofcom's
//     ranges reserved for drama (07700 900000–900999, 01632 960000–960999),
//     which libphonenumber calls invalid but which our demo data, tests and
//     help pages use. A member's number for texts must also be a mobile.
//   - Email addresses are trimmed and lower-cased whole (the scheme compares
//     emails case-insensitively, local part included) in Unicode NFC. Only a
//     bare address is accepted: no display name, brackets, quotes, comments
//     or spaces; the domain needs a dot. Plus-addressing is kept as typed:
//     "jo+work@example.org" and "jo@example.org" are different addresses.
//   - Vehicle registrations are upper-cased in Unicode NFKC with spaces,
//     dashes and dots removed ("ab12 cde" and "ＡＢ１２ ＣＤＥ" → "AB12CDE");
//     only letters and digits may remain.
//   - Handles (website and app usernames) are case-folded in Unicode NFKC,
//     trimmed, and lose the "@" in front, so "@Ｊｏ_Ｘ" and "jo_x" match.
//   - Names (of people, and the aliases offenders use) are case-folded in
//     Unicode NFKC, lose invisible formatting characters and the quotes
//     around them, and have their spaces trimmed and collapsed, so
//     "“Big  Jo”" and "big jo" match.
//
// Every normaliser gives back what it made unchanged (a value's blind index
// must not depend on how often it was normalised), which the fuzz tests
// check. Input that is not UTF-8 has its bad bytes read as U+FFFD, which no
// phone number, email address, website or registration accepts.
//
// The reports API calls kinds "phone", "email", "vehicle", "name" and
// "username"; [ParseKind] maps them to the Kinds here ("vehicle" to
// [KindPlate], "username" to [KindHandle]).
//
// When a reporter knows only part of an identifier, [Normalise] says so
// rather than failing: the result is Partial and its Value is the input,
// trimmed but otherwise as given, for people to read and never to index.
// An identifier other than a name is partial when
//
//   - it ends with "…" or "..." (for a handle, also once in NFKC, as
//     "．．．");
//   - a phone number has placeholders ("07700 900xxx", "?", "*", "_"), or
//     is at least two digits short of a full mobile number of its region,
//     counted as dialled at home: fewer than 10 digits for GB ("07700 9001"),
//     fewer than 9 for IE;
//   - an email address has an "@" but nothing after it ("jo@"); an email
//     address without an "@" at all is an error, not a partial address;
//   - a vehicle registration has placeholders ("?", "*", "_") or fewer than 5
//     letters and digits ("AB12").
//
// A mistake in what someone typed is a [Problem], one of the Err… constants
// of this package, in plain words for that person; any other error (an
// unknown kind or region) is the caller's mistake.
package identifier
