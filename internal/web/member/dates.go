package member

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/i18n"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// dayTime writes a moment in the scheme's time zone, in loc's language.
func (s *server) dayTime(loc *i18n.Localizer, t time.Time) string {
	return s.Date(loc, t, core.WeekdayTimeShort)
}

// hourWords says an hour of the day as people say it ("around 10pm"),
// in loc's language: the translations have the hour on a 12-hour clock
// ({{.Hour}}) and on a 24-hour one ({{.Hour24}}), for languages that say
// it that way.
func hourWords(loc *i18n.Localizer, h int) string {
	hours := map[string]any{"Hour": h, "Hour24": h}
	switch {
	case h == 0:
		return loc.T("around midnight")
	case h == 12:
		return loc.T("around midday")
	case h < 12:
		return loc.T("around {{.Hour}}am", hours)
	}
	hours["Hour"] = h - 12
	return loc.T("around {{.Hour}}pm", hours)
}

// happenedWhen says when something happened, with the time only if it was given.
func (s *server) happenedWhen(loc *i18n.Localizer, t time.Time, known bool) string {
	if !known {
		return s.Date(loc, t, core.Weekday)
	}
	return s.Date(loc, t, core.Weekday) + ", " + hourWords(loc, t.In(s.Location()).Hour())
}

var monthNames = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// monthNumber reads a month typed as a number or a name ("3", "March").
// Letters that name no month are kept, so the person sees them again.
func monthNumber(s string) string {
	if d := digitsOf(s); d != "" {
		return d
	}
	letters := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, strings.ToLower(s))
	if len(letters) >= 3 {
		if i := slices.Index(monthNames, letters[:3]); i >= 0 {
			return strconv.Itoa(i + 1)
		}
	}
	return letters
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// joinDate makes report.Input's incident_at from the boxes: "2026-03-05"
// or "2026-03-05T22:00". What cannot make a date is kept as typed (digits
// only), so that validation can say so and the boxes show it again.
func joinDate(day, month, year, hour string) string {
	d, m, y := digitsOf(day), monthNumber(month), digitsOf(year)
	if len(y) == 2 {
		y = "20" + y
	}
	h := ""
	if n, err := strconv.Atoi(strings.TrimSpace(hour)); err == nil && n >= 0 && n < 24 {
		h = fmt.Sprintf("%02d:00", n)
	}
	if d == "" && m == "" && y == "" && h == "" {
		return ""
	}
	s := y + "-" + pad2(m) + "-" + pad2(d)
	if h != "" {
		s += "T" + h
	}
	return s
}

// splitDate is the reverse of joinDate, for the boxes.
func splitDate(s string, loc *time.Location) (day, month, year, hour string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if t, known, err := report.ParseIncidentTime(s, loc); err == nil {
		t = t.In(loc)
		if known {
			hour = strconv.Itoa(t.Hour())
		}
		return strconv.Itoa(t.Day()), strconv.Itoa(int(t.Month())), strconv.Itoa(t.Year()), hour
	}
	date, clock, _ := strings.Cut(s, "T")
	parts := strings.SplitN(date, "-", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	if h, _, ok := strings.Cut(clock, ":"); ok {
		if n, err := strconv.Atoi(h); err == nil {
			hour = strconv.Itoa(n)
		}
	}
	trim := func(s string) string {
		if t := strings.TrimLeft(s, "0"); t != "" || s == "" {
			return t
		}
		return "0"
	}
	return trim(parts[2]), trim(parts[1]), parts[0], hour
}

var offenderFieldRE = regexp.MustCompile(`^offenders\.(\d{1,2})\.(?:description\.([a-z]+)|identifiers\.(\d{1,2})\.(kind|value|make|colour))$`)

// readOffenders reads step 3. Rows left blank are dropped (the form always
// shows at least one), and so are vehicle details of other kinds.
func readOffenders(f url.Values) []report.OffenderInput {
	offs := map[int]*report.OffenderInput{}
	idents := map[int]map[int]*report.IdentifierInput{}
	for k, vs := range f {
		m := offenderFieldRE.FindStringSubmatch(k)
		if m == nil || len(vs) == 0 {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		v := strings.TrimSpace(vs[0])
		o := offs[i]
		if o == nil {
			o = &report.OffenderInput{}
			offs[i] = o
		}
		if m[2] != "" {
			if p := o.Description.Field(m[2]); p != nil {
				*p = v
			}
			continue
		}
		j, _ := strconv.Atoi(m[3])
		if idents[i] == nil {
			idents[i] = map[int]*report.IdentifierInput{}
		}
		id := idents[i][j]
		if id == nil {
			id = &report.IdentifierInput{}
			idents[i][j] = id
		}
		switch m[4] {
		case "kind":
			id.Kind = v
		case "value":
			id.Value = v
		case "make":
			id.Make = v
		case "colour":
			id.Colour = v
		}
	}
	var out []report.OffenderInput
	for _, i := range slices.Sorted(maps.Keys(offs)) {
		o := *offs[i]
		o.Identifiers = nil
		for _, j := range slices.Sorted(maps.Keys(idents[i])) {
			id := *idents[i][j]
			if id.Kind != "vehicle" {
				id.Make, id.Colour = "", ""
			}
			if id.Value == "" && id.Make == "" && id.Colour == "" {
				continue
			}
			o.Identifiers = append(o.Identifiers, id)
		}
		if o.Description == (scheme.OffenderDescription{}) && len(o.Identifiers) == 0 {
			continue
		}
		out = append(out, o)
	}
	return out
}

// readStep puts one step's answers into the draft. Each step owns
// its fields: a box left unticked is false, a field left empty is empty.
func readStep(in *report.Input, step int, f url.Values, u scheme.User) {
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	switch step {
	case 1:
		in.IncidentTypes = slices.DeleteFunc(slices.Clone(f["incident_types"]), func(s string) bool { return s == "" })
		in.Account = strings.TrimSpace(strings.ReplaceAll(f.Get("account"), "\r\n", "\n"))
		in.ThirdParty = f.Get("third_party") != "" || report.AlwaysThirdParty(u)
	case 2:
		in.IncidentAt = joinDate(f.Get("day"), f.Get("month"), f.Get("year"), f.Get("hour"))
		in.Region, in.Town, in.PlaceKind = get("region"), get("town"), get("place_kind")
	case 3:
		in.Offenders = readOffenders(f)
	case 4:
		in.ContactMethod = get("contact_method")
		in.PoliceReported = f.Get("police_reported") != ""
		in.PoliceReference = get("police_reference")
		in.VictimGender, in.VictimSector = get("victim_gender"), get("victim_sector")
	case consentStep:
		// Each question is a yes or a no; one left unanswered stays so.
		in.Answered = nil
		for _, q := range report.ConsentQuestions {
			switch f.Get("consents." + q.Key) {
			case "yes", "no":
				report.SetConsent(&in.Consents, q.Key, f.Get("consents."+q.Key) == "yes")
				in.Answered = append(in.Answered, q.Key)
			default:
				report.SetConsent(&in.Consents, q.Key, false)
			}
		}
	}
}

var errUnreadable = scheme.Errorf(scheme.CodeInvalid, "We could not read what you sent: the connection may have dropped. Go back and press the button again.")

func stepFrom(r *http.Request) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("step"))
	return n, err == nil && n >= 1 && n <= stepCount && strconv.Itoa(n) == r.PathValue("step")
}
