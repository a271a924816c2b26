package web

import (
	"errors"
	"net/http"

	"uglymugs/internal/scheme"
)

// statusFor maps domain error codes to HTTP statuses: the one place that does.
func statusFor(code scheme.Code) int {
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

var titles = map[int]string{
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

// fail answers with the status and safe message for err. Internal errors
// are logged with the request id and shown as a generic message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := scheme.ErrorCode(err)
	if code == scheme.CodeInternal {
		s.serverError(w, r, err)
		return
	}
	status := statusFor(code)
	setRetryAfter(w, err)
	s.renderError(w, r, status, titles[status], scheme.ErrorMessage(err))
}

// setRetryAfter says when to try again, for an error that knows.
func setRetryAfter(w http.ResponseWriter, err error) {
	var se *scheme.Error
	if errors.As(err, &se) && se.RetryAfter > 0 {
		w.Header().Set("Retry-After", retryAfter(se.RetryAfter))
	}
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "internal error", "id", RequestID(r.Context()), "route", routeOf(r), "err", err)
	msg := scheme.ErrorMessage(errors.New("internal"))
	s.renderError(w, r, http.StatusInternalServerError, titles[http.StatusInternalServerError],
		msg+" If it keeps happening, tell us this code: "+RequestID(r.Context()))
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	s.render(w, r, status, "error", ErrorView{Status: status, Title: title, Message: msg})
}
