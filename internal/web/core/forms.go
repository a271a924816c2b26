package core

import "uglymugs/internal/scheme"

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
