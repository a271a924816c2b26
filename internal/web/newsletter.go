package web

import "net/http"

// Newsletter and contact form. (Stubs: being written.)

func (s *Server) contactSend() http.Handler               { return s.handleNotFound() }
func (s *Server) newsletterSignup() http.Handler          { return s.handleNotFound() }
func (s *Server) newsletterConfirmPage() http.Handler     { return s.handleNotFound() }
func (s *Server) newsletterConfirm() http.Handler         { return s.handleNotFound() }
func (s *Server) newsletterUnsubscribePage() http.Handler { return s.handleNotFound() }
func (s *Server) newsletterUnsubscribe() http.Handler     { return s.handleNotFound() }
func (s *Server) newsletterAdmin() http.Handler           { return s.handleNotFound() }
func (s *Server) createIssue() http.Handler               { return s.handleNotFound() }
func (s *Server) issuePage() http.Handler                 { return s.handleNotFound() }
func (s *Server) saveIssue() http.Handler                 { return s.handleNotFound() }
func (s *Server) sendIssue() http.Handler                 { return s.handleNotFound() }
