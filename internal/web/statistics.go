package web

import "net/http"

// Monitoring statistics. (Stubs: being written.)

func (s *Server) publicStatistics() http.Handler   { return s.handleNotFound() }
func (s *Server) statisticsPage() http.Handler     { return s.handleNotFound() }
func (s *Server) statisticsDownload() http.Handler { return s.handleNotFound() }
func (s *Server) apiStats() http.Handler           { return s.apiNotFound() }
