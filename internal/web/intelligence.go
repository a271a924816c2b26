package web

import "net/http"

func (s *Server) intelligencePage() http.Handler   { return s.handleNotFound() }
func (s *Server) intelligenceSearch() http.Handler { return s.handleNotFound() }
