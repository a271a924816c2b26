package web

import "net/http"

func (s *Server) disclosuresPage() http.Handler  { return s.handleNotFound() }
func (s *Server) createDisclosure() http.Handler { return s.handleNotFound() }
func (s *Server) disclosurePage() http.Handler   { return s.handleNotFound() }
func (s *Server) decideDisclosure() http.Handler { return s.handleNotFound() }
