package staff

import (
	"bytes"
	"net/http"
	"net/url"
	"time"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Intelligence exports for the police (police/export.go): coordinators
// choose reports or an offender profile, a purpose, a recipient and a
// format; the page of an export offers its downloads, made afresh (with
// consent read again) each time. Downloads are POSTs: each is audited.

// ExportsView is the list of exports and the form for a new one.
type ExportsView struct {
	Exports []exportRow
	Pager   core.Pager
}

type exportRow struct {
	ID, Reference, When, Format string
	Included, Excluded          int
}

var exportFormats = []struct{ Value, Label, Hint string }{
	{"csv", "CSV", "a spreadsheet: one row per offender of each report"},
	{"json", "JSON", "for an analyst's tools; the fields are documented"},
	{"print", "Printable page", "to print or save as PDF from the browser"},
}

func (s *server) renderExports(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView) error {
	items, pager, err := core.ListPage(r, u, "/coordinator/exports", s.Police.Exports)
	if err != nil {
		return err
	}
	v := ExportsView{Pager: pager}
	for _, e := range items {
		v.Exports = append(v.Exports, exportRow{ID: e.ID, Reference: e.Reference, When: s.Time(e.CreatedAt, core.DateTimeShort),
			Format: e.Format, Included: e.IncludedCount, Excluded: e.ExcludedCount})
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	if f.Values["format"] == "" {
		f.Values["format"] = "csv"
	}
	f.Extra = v
	s.Render(w, r, status, viewExports, f)
	return nil
}

func (s *server) exportsPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	q := r.URL.Query()
	return s.renderExports(w, r, u, http.StatusOK, core.FormView{Values: map[string]string{"report_ids": q.Get("report"), "offender_id": q.Get("offender")}})
}

func exportInput(r *http.Request) (police.ExportInput, map[string]string) {
	vals := core.PostedValues(r, "report_ids", "offender_id", "purpose", "recipient", "format")
	return police.ExportInput{ReportIDs: []string{vals["report_ids"]}, OffenderID: vals["offender_id"], Purpose: vals["purpose"],
		Recipient: vals["recipient"], Format: vals["format"]}, vals
}

func (s *server) createExport(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	in, vals := exportInput(r)
	e, err := s.Police.CreateExport(r.Context(), u, in)
	return s.answer(w, r, err, vals, func(f core.FormView) error { return s.renderExports(w, r, u, http.StatusUnprocessableEntity, f) }, "/coordinator/exports/"+url.PathEscape(e.ID)+"?done=created")
}

// ExportView is one export's record.
type ExportView struct {
	scheme.PoliceExport
	When, By             string
	Created              bool
	Formats              []exportFormatOption
	IncludedN, ExcludedN int
}

type exportFormatOption struct{ Value, Label, Hint string }

func (s *server) exportPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	e, err := s.Police.Record(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := ExportView{PoliceExport: e, When: s.Time(e.CreatedAt, core.WeekdayTime),
		Created: r.URL.Query().Get("done") == "created", IncludedN: len(e.Included), ExcludedN: len(e.Excluded)}
	if username, _, err := s.Accounts.Username(r.Context(), e.CreatedBy); err == nil {
		v.By = username
	}
	for _, f := range exportFormats {
		v.Formats = append(v.Formats, exportFormatOption(f))
	}
	s.Render(w, r, http.StatusOK, viewExport, v)
	return nil
}

// ExportPrintView is the printable export.
type ExportPrintView struct {
	police.Export
	Handling, Generated, Created string
	Excluded                     int
}

func (s *server) exportDownload(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	format := r.PostFormValue("format")
	e, err := s.Police.Export(r.Context(), u, r.PathValue("id"), format)
	if err != nil {
		return err
	}
	s.writeExport(w, r, e, format)
	return nil
}

// writeExport sends an export in a format: CSV and JSON as attachments
// named after the reference, print as a page.
func (s *server) writeExport(w http.ResponseWriter, r *http.Request, e police.Export, format string) {
	switch format {
	case "csv":
		var b bytes.Buffer
		if err := e.WriteCSV(&b); err != nil {
			s.Fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+e.Reference+`.csv"`)
		_, _ = w.Write(b.Bytes()) // the client went away
	case "json":
		w.Header().Set("Content-Disposition", `attachment; filename="`+e.Reference+`.json"`)
		core.WriteJSON(w, http.StatusOK, e.Document(s.Scheme(r.Context()).Name, time.Now()))
	default:
		s.Render(w, r, http.StatusOK, viewExportPrint, ExportPrintView{Export: e, Handling: police.Handling, Excluded: len(e.Excluded),
			Generated: s.Time(time.Now(), core.DateTimeLong), Created: s.Time(e.CreatedAt, core.DateTimeLong)})
	}
}
