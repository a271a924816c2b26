package api

import (
	"net/http"
	"strings"
	"time"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// createExport is POST /api/v1/exports.
func (s *server) createExport(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	var in struct {
		ReportIDs  []string `json:"report_ids"`
		OffenderID string   `json:"offender_id"`
		Purpose    string   `json:"purpose"`
		Recipient  string   `json:"recipient"`
		Format     string   `json:"format"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	e, err := s.Police.CreateExport(r.Context(), u, police.ExportInput{ReportIDs: in.ReportIDs, OffenderID: in.OffenderID,
		Purpose: in.Purpose, Recipient: in.Recipient, Format: in.Format})
	if err != nil {
		return err
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
		doc := e.Document(s.Scheme(r.Context()).Name, time.Now())
		out.Document = &doc
	case "csv":
		var b strings.Builder
		if err := e.WriteCSV(&b); err != nil {
			return err
		}
		csv := b.String()
		out.CSV = &csv
	default:
		out.PrintURL = "/coordinator/exports/" + e.ID
	}
	w.Header().Set("Location", "/coordinator/exports/"+e.ID)
	core.WriteJSON(w, http.StatusCreated, out)
	return nil
}
