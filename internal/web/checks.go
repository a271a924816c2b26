package web

import "net/http"

// Checking identifiers. (Stubs: being written.)

func (s *Server) checkPage() http.Handler    { return s.handleNotFound() }
func (s *Server) check() http.Handler        { return s.handleNotFound() }
func (s *Server) smsInbound() http.Handler   { return s.handleNotFound() }
func (s *Server) checkFlags() http.Handler   { return s.handleNotFound() }
func (s *Server) apiKeysPage() http.Handler  { return s.handleNotFound() }
func (s *Server) createAPIKey() http.Handler { return s.handleNotFound() }
func (s *Server) revokeAPIKey() http.Handler { return s.handleNotFound() }
func (s *Server) apiCheck() http.Handler     { return s.apiNotFound() }
