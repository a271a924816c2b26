package core

import (
	"encoding/json"
	"errors"
	"net/http"

	"uglymugs/internal/scheme"
)

type APIError struct {
	Code    scheme.Code       `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the client went away
}

// DownloadJSON sends v as a JSON file named filename, indented for a
// person to read.
func DownloadJSON(w http.ResponseWriter, filename string, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away
}

// APIFail answers with the error envelope; internal errors are logged and
// shown generically, with the request id.
func (s *Server) APIFail(w http.ResponseWriter, r *http.Request, err error) {
	code := scheme.ErrorCode(err)
	loc := Loc(r) // the caller's language: the member's, else Accept-Language
	e := APIError{Code: code, Message: loc.T(scheme.ErrorMessage(err))}
	var se *scheme.Error
	if errors.As(err, &se) && code != scheme.CodeInternal && se.Fields != nil {
		e.Fields = make(map[string]string, len(se.Fields))
		for k, v := range se.Fields {
			e.Fields[k] = loc.T(v)
		}
	}
	if code == scheme.CodeInternal {
		s.Log.ErrorContext(r.Context(), "internal error", "id", RequestID(r.Context()), "route", routeOf(r), "err", err)
		e.Message += " Reference: " + RequestID(r.Context())
	}
	SetRetryAfter(w, err)
	WriteJSON(w, StatusFor(code), map[string]APIError{"error": e})
}

var ErrForbidden = scheme.Errorf(scheme.CodeForbidden, "Your account cannot do that.")

// Allowed reports whether u is active with one of roles (admins may do
// whatever coordinators may).
func Allowed(u scheme.User, roles []scheme.Role) bool {
	if len(roles) == 0 {
		return true
	}
	if u.Status != scheme.StatusActive {
		return false
	}
	for _, r := range roles {
		if u.Role == r || (r == scheme.RoleCoordinator && u.Role == scheme.RoleAdmin) {
			return true
		}
	}
	return false
}
