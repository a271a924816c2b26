package core

import (
	"errors"
	"net/http"

	"uglymugs/internal/scheme"
)

// StatusFor maps domain error codes to HTTP statuses: the one place that does.
func StatusFor(code scheme.Code) int {
	switch code {
	case scheme.CodeInvalid:
		return http.StatusUnprocessableEntity
	case scheme.CodeNotFound:
		return http.StatusNotFound
	case scheme.CodeConflict:
		return http.StatusConflict
	case scheme.CodeForbidden:
		return http.StatusForbidden
	case scheme.CodeUnauthenticated, scheme.CodeOTPRequired:
		return http.StatusUnauthorized
	case scheme.CodeTooMany:
		return http.StatusTooManyRequests
	case scheme.CodeBusy:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

var Titles = map[int]string{
	http.StatusNotFound:            "Page not found",
	http.StatusForbidden:           "You cannot do that",
	http.StatusUnauthorized:        "Please sign in",
	http.StatusTooManyRequests:     "Please slow down",
	http.StatusServiceUnavailable:  "Busy for a moment",
	http.StatusConflict:            "That already exists",
	http.StatusUnprocessableEntity: "Some answers need another look",
	http.StatusInternalServerError: "Something went wrong",
}

// ErrorView is the data of the error page.
type ErrorView struct {
	Status         int
	Title, Message string
}

// Fail answers with the status and safe message for err. Internal errors
// are logged with the request id and shown as a generic message.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) {
	code := scheme.ErrorCode(err)
	if code == scheme.CodeInternal {
		s.ServerError(w, r, err)
		return
	}
	status := StatusFor(code)
	SetRetryAfter(w, err)
	s.RenderError(w, r, status, Titles[status], scheme.ErrorMessage(err))
}

// SetRetryAfter says when to try again, for an error that knows.
func SetRetryAfter(w http.ResponseWriter, err error) {
	var se *scheme.Error
	if errors.As(err, &se) && se.RetryAfter > 0 {
		w.Header().Set("Retry-After", RetryAfter(se.RetryAfter))
	}
}

func (s *Server) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	s.Log.ErrorContext(r.Context(), "internal error", "id", RequestID(r.Context()), "route", routeOf(r), "err", err)
	msg := scheme.ErrorMessage(errors.New("internal"))
	s.RenderError(w, r, http.StatusInternalServerError, Titles[http.StatusInternalServerError],
		msg+" If it keeps happening, tell us this code: "+RequestID(r.Context()))
}

func (s *Server) RenderError(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	loc := Loc(r)
	s.Render(w, r, status, viewError, ErrorView{Status: status, Title: loc.T(title), Message: loc.T(msg)})
}
