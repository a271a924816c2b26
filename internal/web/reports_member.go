package web

import "net/http"

// The reporter's side of reports: writing a report step by step (each step
// saved as a draft), and following one's own reports. Filled in by the
// report UI work; until then each route answers 501.

func (s *Server) myReports() http.Handler       { return notYet() }
func (s *Server) newDraft() http.Handler        { return notYet() }
func (s *Server) draftStep() http.Handler       { return notYet() }
func (s *Server) saveDraftStep() http.Handler   { return notYet() }
func (s *Server) discardDraft() http.Handler    { return notYet() }
func (s *Server) myReport() http.Handler        { return notYet() }
func (s *Server) reporterMessage() http.Handler { return notYet() }
func (s *Server) myConsents() http.Handler      { return notYet() }

func notYet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Not built yet.", http.StatusNotImplemented)
	})
}
