// Package anonymise looks through the text of an alert for anything that
// could identify the people in the reports it is written from: the reporters
// and the people it happened to. It runs on every save of an alert and again
// before publishing, and answers with a list of [Flag]s for the coordinator,
// each saying what was found, where, and what to do about it.
//
// [Check] catches, kind by kind:
//
//   - name: the reporters' and victims' names given in [Sensitive] (work
//     names, real names, usernames), on word boundaries, in any case and with
//     diacritics folded ("Zoë" is "Zoe"); each part of a name of several
//     words on its own too, when written with a capital ("Ruby" of "Ruby
//     Smith"); and a capitalised name introduced as hers or the writer's
//     ("my name is Jade", "called herself Jade", "working name Jade").
//   - contact: phone numbers (UK and Irish, at home and international,
//     however grouped), email addresses, web addresses and @usernames that
//     are not one of the offender identifiers the alert may publish.
//   - address: a house number before a street ("12 Station Road"), or a
//     flat, apartment, room or unit number ("Flat 3", "Room 214").
//   - postcode: a full UK postcode ("M1 1AE", "sw1a1aa"), an Eircode
//     ("D02 X285"), or a postcode district alone ("LS6") when it is written
//     in capitals with a two-letter area, so that road numbers such as M6,
//     M62 and A1 are left alone.
//   - venue: a capitalised name before or after a word such as Hotel, Inn,
//     Sauna, Parlour or Club ("The Grand Hotel", "Hotel Splendide"), hotel
//     chains ("Premier Inn", "Travelodge"), and the organisations and
//     establishments given in Sensitive.Venues.
//   - report_text: 8 or more words in a row copied from a reporter's own
//     account, whatever the case and punctuation.
//   - reference: the police references given in Sensitive.References,
//     however spaced, and anything written as one ("crime number
//     12/34567/26", "ref: ABC123456").
//
// The details of Sensitive are always flagged, even when the same value is
// also listed as an offender identifier: a reporter's own number entered as
// the offender's is exactly the mistake this check is for.
//
// It is an aid, not a guarantee. It works from patterns and from what the
// reports say about the people in them, so it misses what it has no pattern
// for (a street named without a house number, a lower-case "the Grand
// hotel", a description of someone's looks or circumstances that only
// people who know them would recognise) and sometimes flags what is
// harmless. A coordinator still reads every alert, and a second one approves
// it, before it is published.
package anonymise
