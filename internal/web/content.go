package web

import "net/http"

// Editable public pages, images and terms versions. (Stubs: being written.)

func (s *Server) contentPage(slug string) http.Handler { return s.handleNotFound() }
func (s *Server) image() http.Handler                  { return s.handleNotFound() }
func (s *Server) pagesAdmin() http.Handler             { return s.handleNotFound() }
func (s *Server) pageEditor() http.Handler             { return s.handleNotFound() }
func (s *Server) savePage() http.Handler               { return s.handleNotFound() }
func (s *Server) uploadImage() http.Handler            { return s.handleNotFound() }
func (s *Server) termsAdmin() http.Handler             { return s.handleNotFound() }
func (s *Server) publishTerms() http.Handler           { return s.handleNotFound() }
func (s *Server) acceptTermsPage() http.Handler        { return s.handleNotFound() }
func (s *Server) acceptTerms() http.Handler            { return s.handleNotFound() }
