package web

import "net/http"

// Stubs, replaced as each part is built.
func (s *Server) checkPage() http.Handler  { return s.handleNotFound() }
func (s *Server) check() http.Handler      { return s.handleNotFound() }
func (s *Server) checkFlags() http.Handler { return s.handleNotFound() }
func (s *Server) apiCheck() http.Handler   { return s.apiNotFound() }
