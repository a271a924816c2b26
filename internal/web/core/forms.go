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
