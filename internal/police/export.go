package police

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"uglymugs/internal/anonymise"
	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/store"
)

// Formats an export can take.
var Formats = []string{"csv", "json", "print"}

// ExportInput is what a coordinator asks for: some reports, or every
// report of an offender profile, for a stated purpose and recipient.
type ExportInput struct {
	ReportIDs  []string
	OffenderID string // an offender profile
	Purpose    string
	Recipient  string
	Format     string
}

// Export is an export's record and its content, made now.
type Export struct {
	scheme.PoliceExport
	Rows []ExportRow
	// Withdrawn counts reports that were in the export when it was made
	// and whose police consent has been withdrawn since (or that were
	// erased): they are left out now.
	Withdrawn int
}

// ExportRow is one report, as the police receive it: codes, dates and the
// offenders, never who reported or who was harmed, no venue or
// establishment, no street, no free account. See docs/openapi.yaml
// (PoliceExportDocument) for each field.
type ExportRow struct {
	Key            string           `json:"key"` // "R1", "R2"… within this export; the scheme maps it back for follow-up
	IncidentDate   string           `json:"incident_date"`
	Region         string           `json:"region"`
	RegionName     string           `json:"region_name"`
	Town           string           `json:"town,omitempty"` // only when it reads as a town and nothing more
	IncidentTypes  []string         `json:"incident_types"`
	Severity       scheme.Severity  `json:"severity"`
	PlaceKind      string           `json:"place_kind,omitempty"`
	ContactMethod  string           `json:"contact_method,omitempty"`
	ReportedWithin string           `json:"reported_within"` // "72h" or "later"
	PoliceReported bool             `json:"police_reported"`
	Offenders      []ExportOffender `json:"offenders"`
}

// ExportOffender is one offender in a report.
type ExportOffender struct {
	ProfileID   string                     `json:"profile_id"` // the same across reports and exports when the scheme links them
	Description scheme.OffenderDescription `json:"description"`
	Identifiers []ExportIdentifier         `json:"identifiers"`
}

// ExportIdentifier is a full identifier the offender used.
type ExportIdentifier struct {
	Kind   string `json:"kind"`
	Value  string `json:"value"`
	Make   string `json:"make,omitempty"`
	Colour string `json:"colour,omitempty"`
}

// Redacted replaces text the anonymisation check found in a free-text
// field of an export.
const Redacted = "[removed]"

func (s *Service) validate(in ExportInput) (map[string]string, []string) {
	problems := map[string]string{}
	var ids []string
	for _, id := range in.ReportIDs {
		for _, f := range strings.FieldsFunc(id, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
			if !slices.Contains(ids, f) {
				ids = append(ids, f)
			}
		}
	}
	switch {
	case len(ids) == 0 && strings.TrimSpace(in.OffenderID) == "":
		problems["report_ids"] = "Give the reports to export (their ids), or an offender profile."
	case len(ids) > 0 && strings.TrimSpace(in.OffenderID) != "":
		problems["report_ids"] = "Give either reports or an offender profile, not both."
	case len(ids) > 500:
		problems["report_ids"] = "Export at most 500 reports at once."
	}
	for field, v := range map[string]string{"purpose": in.Purpose, "recipient": in.Recipient} {
		v = strings.TrimSpace(v)
		switch {
		case v == "" && field == "purpose":
			problems[field] = "Say why the police need this: every export records its purpose."
		case v == "":
			problems[field] = "Say who receives it (the unit or hub, and the person)."
		case utf8.RuneCountInString(v) > 500:
			problems[field] = "Keep this under 500 characters."
		}
	}
	if !slices.Contains(Formats, in.Format) {
		problems["format"] = "Choose CSV, JSON or a printable page."
	}
	return problems, ids
}

// CreateExport checks the request, keeps only the reports whose police
// consent is in force (and that were not rejected), records the export
// with a reference and an audit entry, and returns it with its content.
func (s *Service) CreateExport(ctx context.Context, u scheme.User, in ExportInput) (Export, error) {
	if err := scheme.CanCoordinate(u, "export for the police"); err != nil {
		return Export{}, err
	}
	problems, ids := s.validate(in)
	if len(problems) > 0 {
		return Export{}, scheme.Invalid(problems)
	}
	profile := strings.TrimSpace(in.OffenderID)
	if profile != "" {
		var err error
		if ids, err = s.DB.Police.ProfileReports(ctx, profile); err != nil {
			if scheme.ErrorCode(err) == scheme.CodeNotFound {
				return Export{}, scheme.Invalid(map[string]string{"offender_id": "There is no offender profile with that id."})
			}
			return Export{}, err
		}
	}
	rs := make([]scheme.Report, 0, len(ids))
	var unknown []string
	for _, id := range ids {
		r, err := s.DB.Reports.Report(ctx, id)
		if scheme.ErrorCode(err) == scheme.CodeNotFound {
			unknown = append(unknown, id)
			continue
		}
		if err != nil {
			return Export{}, err
		}
		rs = append(rs, r)
	}
	if len(unknown) > 0 {
		return Export{}, scheme.Invalid(map[string]string{"report_ids": "There is no report with the id " + strings.Join(unknown, ", ") + "."})
	}
	rec := scheme.PoliceExport{Format: in.Format, ProfileID: profile, Purpose: strings.TrimSpace(in.Purpose),
		Recipient: strings.TrimSpace(in.Recipient), CreatedBy: u.ID}
	var included []scheme.Report
	for _, r := range rs {
		if exportable(r) {
			included = append(included, r)
			rec.Included = append(rec.Included, r.ID)
		} else {
			rec.Excluded = append(rec.Excluded, r.ID)
		}
	}
	rec, err := s.DB.Police.CreatePoliceExport(ctx, rec)
	if err != nil {
		return Export{}, err
	}
	e := Export{PoliceExport: rec}
	e.Rows, err = s.rows(ctx, included)
	return e, err
}

// exportable reports whether a report may go to the police now.
func exportable(r scheme.Report) bool {
	return r.Consents.Police && r.Status != scheme.ReportRejected
}

// Export returns an export with its content made again now: a report
// whose consent was withdrawn since is left out (and counted). Each call
// is an access to the content, so it is audited.
func (s *Service) Export(ctx context.Context, u scheme.User, id, format string) (Export, error) {
	if err := scheme.CanCoordinate(u, "export for the police"); err != nil {
		return Export{}, err
	}
	if !slices.Contains(Formats, format) {
		return Export{}, scheme.Invalid(map[string]string{"format": "Choose CSV, JSON or a printable page."})
	}
	rec, err := s.DB.Police.PoliceExport(ctx, id)
	if err != nil {
		return Export{}, err
	}
	e := Export{PoliceExport: rec}
	var rs []scheme.Report
	for _, rid := range rec.Included {
		r, err := s.DB.Reports.Report(ctx, rid)
		if scheme.ErrorCode(err) == scheme.CodeNotFound {
			e.Withdrawn++
			continue
		}
		if err != nil {
			return Export{}, err
		}
		if !exportable(r) {
			e.Withdrawn++
			continue
		}
		rs = append(rs, r)
	}
	if e.Rows, err = s.rows(ctx, rs); err != nil {
		return Export{}, err
	}
	err = s.DB.Audit(ctx, audit.Entry{Actor: u.ID, Action: "police.export.download", SubjectType: "police_export", SubjectID: id,
		Detail: fmt.Sprintf(`{"format":%q,"reports":%d,"withdrawn":%d}`, format, len(e.Rows), e.Withdrawn)})
	return e, err
}

// Exports lists page p of the exports, newest first, with how many
// reports each included and left out.
func (s *Service) Exports(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.ExportSummary], error) {
	if err := scheme.CanCoordinate(u, "export for the police"); err != nil {
		return scheme.Listed[scheme.ExportSummary]{}, err
	}
	return s.DB.Police.PoliceExports(ctx, p)
}

// Record opens an export's record without its content. Its purpose and
// recipient can name people, so each opening is audited.
func (s *Service) Record(ctx context.Context, u scheme.User, id string) (scheme.PoliceExport, error) {
	if err := scheme.CanCoordinate(u, "export for the police"); err != nil {
		return scheme.PoliceExport{}, err
	}
	e, err := s.DB.Police.PoliceExport(ctx, id)
	return store.Viewed(ctx, s.DB, audit.Entry{Actor: u.ID, Action: "police.export.view", SubjectType: "police_export", SubjectID: e.ID}, e, err)
}

// rows turns reports into export rows, keyed R1, R2… in incident order,
// with every free-text field run through the anonymisation check against
// what the reports and their reporters hold.
func (s *Service) rows(ctx context.Context, rs []scheme.Report) ([]ExportRow, error) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].IncidentAt.Before(rs[j].IncidentAt) })
	lists, err := s.DB.Content.Lists(ctx)
	if err != nil {
		return nil, err
	}
	regionName := map[string]string{}
	for _, r := range lists.Regions {
		regionName[r.Slug] = r.Name
	}
	sens, err := s.sensitive(ctx, rs)
	if err != nil {
		return nil, err
	}
	out := make([]ExportRow, 0, len(rs))
	for i, r := range rs {
		c := r.Working
		row := ExportRow{Key: "R" + strconv.Itoa(i+1), IncidentDate: r.IncidentAt.In(s.Hours.Location()).Format(time.DateOnly),
			Region: r.Region, RegionName: regionName[r.Region], IncidentTypes: r.IncidentTypes, Severity: r.Severity,
			PlaceKind: r.PlaceKind, ContactMethod: r.ContactMethod, ReportedWithin: "72h", PoliceReported: r.PoliceReported,
			Offenders: []ExportOffender{}}
		if r.IncidentTypes == nil {
			row.IncidentTypes = []string{}
		}
		if r.Late {
			row.ReportedWithin = "later"
		}
		// A town only if the check finds nothing in it: a street, a
		// postcode or a venue typed as the town leaves the region alone.
		if t := strings.TrimSpace(c.Town); t != "" && len(anonymise.Check(map[string]string{"town": t}, sens)) == 0 {
			row.Town = t
		}
		for _, o := range c.Offenders {
			eo := ExportOffender{ProfileID: o.ProfileID, Description: scrubDescription(o.Description, sens), Identifiers: []ExportIdentifier{}}
			for _, id := range o.Identifiers {
				if id.Partial {
					continue
				}
				eo.Identifiers = append(eo.Identifiers, ExportIdentifier{Kind: id.Kind, Value: cmp.Or(id.Normalised, id.Value),
					Make: scrub(id.Make, sens), Colour: scrub(id.Colour, sens)})
			}
			row.Offenders = append(row.Offenders, eo)
		}
		out = append(out, row)
	}
	return out, nil
}

// sensitive is what must not leave: the reporters' names, contacts and
// organisations, their accounts and police references.
func (s *Service) sensitive(ctx context.Context, rs []scheme.Report) (anonymise.Sensitive, error) {
	var sens anonymise.Sensitive
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
		for _, c := range []scheme.ReportContent{r.Original, r.Working} {
			sens.Accounts = append(sens.Accounts, c.Account)
			sens.References = append(sens.References, c.PoliceRef)
			for _, o := range c.Offenders {
				for _, id := range o.Identifiers {
					sens.Allowed = append(sens.Allowed, id.Value, id.Normalised)
				}
			}
		}
	}
	if len(ids) == 0 {
		return sens, nil
	}
	reporters, err := s.DB.Alerts.AlertReporters(ctx, ids)
	if err != nil {
		return sens, err
	}
	sens.AddReporters(reporters)
	return sens, nil
}

// scrub removes from text every span the anonymisation check flags
// (overlapping spans are removed as one), and checks again until nothing
// is flagged: the check keeps the more specific of two overlapping flags
// ("Example", a reporter's name, inside "the Example Grand Hotel"), so
// what is left of the other is found on the next pass.
func scrub(text string, sens anonymise.Sensitive) string {
	text = strings.TrimSpace(text)
	for range 8 {
		next := scrubOnce(text, sens)
		if next == text {
			return text
		}
		text = next
	}
	return Redacted // still changing: leave nothing rather than too much
}

func scrubOnce(text string, sens anonymise.Sensitive) string {
	if text == "" {
		return ""
	}
	flags := anonymise.Check(map[string]string{"t": text}, sens)
	sort.Slice(flags, func(i, j int) bool { return flags[i].Start < flags[j].Start })
	var b strings.Builder
	at := 0 // text[:at] is written or removed
	for i := 0; i < len(flags); {
		start, end := flags[i].Start, flags[i].End
		for i++; i < len(flags) && flags[i].Start < end; i++ {
			end = max(end, flags[i].End)
		}
		if start < at {
			start = at
		}
		b.WriteString(text[at:start])
		b.WriteString(Redacted)
		at = end
	}
	b.WriteString(text[at:])
	return b.String()
}

func scrubDescription(d scheme.OffenderDescription, sens anonymise.Sensitive) scheme.OffenderDescription {
	for _, p := range []*string{&d.Gender, &d.Age, &d.Height, &d.Build, &d.Ethnicity, &d.Hair, &d.Features, &d.Accent, &d.Vehicle} {
		*p = scrub(*p, sens)
	}
	return d
}

// ExportDocument is the JSON export (docs/openapi.yaml, PoliceExportDocument).
type ExportDocument struct {
	Reference      string      `json:"reference"`
	Scheme         string      `json:"scheme"`
	CreatedAt      time.Time   `json:"created_at"`
	GeneratedAt    time.Time   `json:"generated_at"`
	Purpose        string      `json:"purpose"`
	Recipient      string      `json:"recipient"`
	Handling       string      `json:"handling"`
	Reports        []ExportRow `json:"reports"`
	ExcludedCount  int         `json:"excluded_count"`  // asked for but without police consent in force when the export was made
	WithdrawnSince int         `json:"withdrawn_since"` // included then, consent withdrawn since: left out now
}

// Handling is the marking every export carries.
const Handling = "OFFICIAL-SENSITIVE. Anonymised intelligence shared with the reporters' consent. Do not attempt to identify or contact reporters except through the scheme, quoting the reference."

// Document is the export as JSON.
func (e Export) Document(scheme string, now time.Time) ExportDocument {
	rows := e.Rows
	if rows == nil {
		rows = []ExportRow{}
	}
	return ExportDocument{Reference: e.Reference, Scheme: scheme, CreatedAt: e.CreatedAt.UTC(), GeneratedAt: now.UTC(),
		Purpose: e.Purpose, Recipient: e.Recipient, Handling: Handling, Reports: rows,
		ExcludedCount: len(e.Excluded), WithdrawnSince: e.Withdrawn}
}

// CSVHeader names the CSV's columns: one row per offender of each report
// (a report with no offender described has one row with those columns
// empty); identifiers are "kind:value" joined by " | ".
var CSVHeader = []string{"reference", "key", "incident_date", "region", "town", "incident_types", "severity", "place_kind",
	"contact_method", "reported_within", "police_reported", "offender", "profile_id", "gender", "age", "height", "build",
	"ethnicity", "hair", "features", "accent", "vehicle", "identifiers"}

// WriteCSV writes the export as CSV, every cell made safe from being read
// as a formula by a spreadsheet.
func (e Export) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, r := range e.Rows {
		base := []string{e.Reference, r.Key, r.IncidentDate, r.Region, r.Town, strings.Join(r.IncidentTypes, " | "), string(r.Severity),
			r.PlaceKind, r.ContactMethod, r.ReportedWithin, strconv.FormatBool(r.PoliceReported)}
		offenders := r.Offenders
		if len(offenders) == 0 {
			offenders = []ExportOffender{{}}
		}
		for i, o := range offenders {
			d := o.Description
			var ids []string
			for _, id := range o.Identifiers {
				v := id.Kind + ":" + id.Value
				if id.Make != "" || id.Colour != "" {
					v += " (" + strings.TrimSpace(id.Colour+" "+id.Make) + ")"
				}
				ids = append(ids, v)
			}
			n := ""
			if len(r.Offenders) > 0 {
				n = strconv.Itoa(i + 1)
			}
			rec := append(slices.Clone(base), n, o.ProfileID, d.Gender, d.Age, d.Height, d.Build, d.Ethnicity, d.Hair, d.Features,
				d.Accent, d.Vehicle, strings.Join(ids, " | "))
			for j, c := range rec {
				rec[j] = stats.SafeCell(c)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
