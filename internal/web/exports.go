package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
)

// Intelligence exports for the police (police/export.go): coordinators
// choose reports or an offender profile, a purpose, a recipient and a
// format; the page of an export offers its downloads, made afresh (with
// consent read again) each time. Downloads are POSTs: each is audited.

// ExportsView is the list of exports and the form for a new one.
type ExportsView struct {
	Exports []exportRow
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

func (s *Server) renderExports(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f FormView) {
	list, err := s.Police.Exports(r.Context(), u, 100)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := ExportsView{}
	for _, e := range list {
		v.Exports = append(v.Exports, exportRow{ID: e.ID, Reference: e.Reference, When: e.CreatedAt.In(s.Location()).Format("2 Jan 2006 15:04"),
			Format: e.Format, Included: e.IncludedCount, Excluded: e.ExcludedCount})
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	if f.Values["format"] == "" {
		f.Values["format"] = "csv"
	}
	f.Extra = v
	s.Render(w, r, status, "exports", f)
}

func (s *Server) exportsPage() http.Handler {
	return s.alStaff(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		q := r.URL.Query()
		s.renderExports(w, r, u, http.StatusOK, FormView{Values: map[string]string{"report_ids": q.Get("report"), "offender_id": q.Get("offender")}})
	})
}

func exportInput(r *http.Request) (police.ExportInput, map[string]string) {
	vals := map[string]string{}
	for _, k := range []string{"report_ids", "offender_id", "purpose", "recipient", "format"} {
		vals[k] = r.PostFormValue(k)
	}
	return police.ExportInput{ReportIDs: []string{vals["report_ids"]}, OffenderID: vals["offender_id"], Purpose: vals["purpose"],
		Recipient: vals["recipient"], Format: vals["format"]}, vals
}

func (s *Server) createExport() http.Handler {
	return s.alStaff(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		in, vals := exportInput(r)
		e, err := s.Police.CreateExport(r.Context(), u, in)
		if scheme.ErrorCode(err) == scheme.CodeInvalid {
			s.renderExports(w, r, u, http.StatusUnprocessableEntity, FormView{Values: vals, Errors: FormErrors(err)})
			return
		}
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/coordinator/exports/"+url.PathEscape(e.ID)+"?done=created")
	})
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

func (s *Server) exportPage() http.Handler {
	return s.alStaff(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		e, err := s.Police.Record(r.Context(), u, r.PathValue("id"))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v := ExportView{PoliceExport: e, When: e.CreatedAt.In(s.Location()).Format("Monday 2 January 2006, 15:04"),
			Created: r.URL.Query().Get("done") == "created", IncludedN: len(e.Included), ExcludedN: len(e.Excluded)}
		if username, _, err := s.Accounts.Username(r.Context(), e.CreatedBy); err == nil {
			v.By = username
		}
		for _, f := range exportFormats {
			v.Formats = append(v.Formats, exportFormatOption(f))
		}
		s.Render(w, r, http.StatusOK, "export", v)
	})
}

// ExportPrintView is the printable export.
type ExportPrintView struct {
	police.Export
	Handling, Generated, Created string
	Excluded                     int
}

func (s *Server) exportDownload() http.Handler {
	return s.alStaff(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		format := r.PostFormValue("format")
		e, err := s.Police.Export(r.Context(), u, r.PathValue("id"), format)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.writeExport(w, r, e, format)
	})
}

// writeExport sends an export in a format: CSV and JSON as attachments
// named after the reference, print as a page.
func (s *Server) writeExport(w http.ResponseWriter, r *http.Request, e police.Export, format string) {
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
		WriteJSON(w, http.StatusOK, e.Document(s.Config.Scheme.Name, time.Now()))
	default:
		s.Render(w, r, http.StatusOK, "export-print", ExportPrintView{Export: e, Handling: police.Handling, Excluded: len(e.Excluded),
			Generated: time.Now().In(s.Location()).Format("2 January 2006, 15:04"), Created: e.CreatedAt.In(s.Location()).Format("2 January 2006, 15:04")})
	}
}

// apiCreateExport is POST /api/v1/exports.
func (s *Server) apiCreateExport() http.Handler {
	return s.apiAuth(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		var in struct {
			ReportIDs  []string `json:"report_ids"`
			OffenderID string   `json:"offender_id"`
			Purpose    string   `json:"purpose"`
			Recipient  string   `json:"recipient"`
			Format     string   `json:"format"`
		}
		if err := decode(r, &in); err != nil {
			s.APIFail(w, r, err)
			return
		}
		e, err := s.Police.CreateExport(r.Context(), u, police.ExportInput{ReportIDs: in.ReportIDs, OffenderID: in.OffenderID,
			Purpose: in.Purpose, Recipient: in.Recipient, Format: in.Format})
		if err != nil {
			s.APIFail(w, r, err)
			return
		}
		out := struct {
			ID        string                 `json:"id"`
			Reference string                 `json:"reference"`
			Format    string                 `json:"format"`
			CreatedAt time.Time              `json:"created_at"`
			Included  int                    `json:"included"`
			Excluded  int                    `json:"excluded"`
			Document  *police.ExportDocument `json:"document,omitempty"`
			CSV       *string                `json:"csv,omitempty"`
			PrintURL  string                 `json:"print_url,omitempty"`
		}{ID: e.ID, Reference: e.Reference, Format: e.Format, CreatedAt: e.CreatedAt.UTC(), Included: len(e.Included), Excluded: len(e.Excluded)}
		switch e.Format {
		case "json":
			doc := e.Document(s.Config.Scheme.Name, time.Now())
			out.Document = &doc
		case "csv":
			var b strings.Builder
			if err := e.WriteCSV(&b); err != nil {
				s.APIFail(w, r, err)
				return
			}
			csv := b.String()
			out.CSV = &csv
		default:
			out.PrintURL = "/coordinator/exports/" + e.ID
		}
		w.Header().Set("Location", "/coordinator/exports/"+e.ID)
		WriteJSON(w, http.StatusCreated, out)
	}, scheme.RoleCoordinator)
}
