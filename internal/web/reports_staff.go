package web

import "net/http"

// The coordinators' side of reports: the review queue, the case (original
// and working copy, status, notes, tasks, referrals, messages, timeline) and
// offender profiles. Filled in by the report UI work; until then each route
// answers 501.

func (s *Server) reportQueue() http.Handler     { return notYet() }
func (s *Server) reportCase() http.Handler      { return notYet() }
func (s *Server) editWorkingCopy() http.Handler { return notYet() }
func (s *Server) setReportStatus() http.Handler { return notYet() }
func (s *Server) addCaseNote() http.Handler     { return notYet() }
func (s *Server) addTask() http.Handler         { return notYet() }
func (s *Server) completeTask() http.Handler    { return notYet() }
func (s *Server) schemeMessage() http.Handler   { return notYet() }
func (s *Server) offenderPage() http.Handler    { return notYet() }
func (s *Server) moveOffender() http.Handler    { return notYet() }
