package web

import "net/http"

func (s *Server) exportsPage() http.Handler     { return s.handleNotFound() }
func (s *Server) createExport() http.Handler    { return s.handleNotFound() }
func (s *Server) exportPage() http.Handler      { return s.handleNotFound() }
func (s *Server) exportDownload() http.Handler  { return s.handleNotFound() }
func (s *Server) apiCreateExport() http.Handler { return s.apiNotFound() }
