package web

import "net/http"

// Police enquiries and the disclosure log. (Stubs: being written.)

func (s *Server) myEnquiries() http.Handler       { return s.handleNotFound() }
func (s *Server) myEnquiry() http.Handler         { return s.handleNotFound() }
func (s *Server) enquiryDecision() http.Handler   { return s.handleNotFound() }
func (s *Server) enquiriesPage() http.Handler     { return s.handleNotFound() }
func (s *Server) createEnquiry() http.Handler     { return s.handleNotFound() }
func (s *Server) enquiryPage() http.Handler       { return s.handleNotFound() }
func (s *Server) forwardEnquiry() http.Handler    { return s.handleNotFound() }
func (s *Server) enquiryOutcome() http.Handler    { return s.handleNotFound() }
func (s *Server) disclosuresPage() http.Handler   { return s.handleNotFound() }
func (s *Server) createDisclosure() http.Handler  { return s.handleNotFound() }
func (s *Server) disclosurePage() http.Handler    { return s.handleNotFound() }
func (s *Server) approveDisclosure() http.Handler { return s.handleNotFound() }
