package scheme

import "time"

// Correction is one version of an admin's correction of a catalogue
// message in one language (internal/i18n, internal/translation). Every
// version is kept; the newest is in force.
type Correction struct {
	Lang      string // the language's code, e.g. "ro"
	MessageID string
	Version   int
	// Forms is the text by CLDR plural form ("other" alone unless the
	// message takes a number); nil when this version put the catalogue's
	// own text back.
	Forms    map[string]string
	EditedBy string // the admin's user id
	EditedAt time.Time
}

// Reverted reports whether this version put the catalogue's text back.
func (c Correction) Reverted() bool { return len(c.Forms) == 0 }
