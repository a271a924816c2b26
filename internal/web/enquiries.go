package web

import "net/http"

func (s *Server) myEnquiries() http.Handler     { return s.handleNotFound() }
func (s *Server) myEnquiry() http.Handler       { return s.handleNotFound() }
func (s *Server) enquiryDecision() http.Handler { return s.handleNotFound() }
func (s *Server) enquiriesPage() http.Handler   { return s.handleNotFound() }
func (s *Server) createEnquiry() http.Handler   { return s.handleNotFound() }
func (s *Server) enquiryPage() http.Handler     { return s.handleNotFound() }
func (s *Server) forwardEnquiry() http.Handler  { return s.handleNotFound() }
func (s *Server) enquiryOutcome() http.Handler  { return s.handleNotFound() }
