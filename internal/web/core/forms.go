package core

import (
	"net/http"

	"uglymugs/internal/scheme"
)

// FormView is the data of a form page: what was typed, what is wrong.
type FormView struct {
	Values map[string]string
	Errors map[string]string
	Notice string
	Extra  any
}

func FormErrors(err error) map[string]string {
	if se, ok := err.(*scheme.Error); ok && len(se.Fields) > 0 {
		return se.Fields
	}
	return map[string]string{"form": scheme.ErrorMessage(err)}
}

// PostedValues are the posted values of the named fields, to give back to
// the form as they were typed when it is shown again.
func PostedValues(r *http.Request, names ...string) map[string]string {
	vals := make(map[string]string, len(names))
	for _, k := range names {
		vals[k] = r.PostFormValue(k)
	}
	return vals
}

// Refused answers a form the domain did not accept: its problems on the
// form again, with what was typed (again does that), or any other failure
// as an error page. It reports whether it answered; when it did not, the
// form was accepted and the handler goes on.
func (s *Server) Refused(w http.ResponseWriter, r *http.Request, err error, vals map[string]string, again func(FormView)) bool {
	switch {
	case err == nil:
		return false
	case scheme.ErrorCode(err) == scheme.CodeInvalid:
		again(FormView{Values: vals, Errors: FormErrors(err)})
	default:
		s.Fail(w, r, err)
	}
	return true
}
