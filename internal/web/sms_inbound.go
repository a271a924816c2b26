package web

import "net/http"

func (s *Server) smsInbound() http.Handler   { return s.handleNotFound() }
func (s *Server) apiKeysPage() http.Handler  { return s.handleNotFound() }
func (s *Server) createAPIKey() http.Handler { return s.handleNotFound() }
func (s *Server) revokeAPIKey() http.Handler { return s.handleNotFound() }
