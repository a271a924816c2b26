package core

import (
	"net/http"
	"strconv"
	"time"

	"uglymugs/internal/check"
)

// RetryAfter is a Retry-After header's value: whole seconds, at least one.
func RetryAfter(d time.Duration) string {
	return strconv.Itoa(max(int((d+time.Second-1)/time.Second), 1))
}

// LimitMessage is a refused check's message in r's language: the day's
// checks used, or too many at once with the seconds to wait.
func LimitMessage(r *http.Request, le *check.LimitError) string {
	if le.Daily {
		return Loc(r).T(le.Error())
	}
	return Loc(r).N("check-too-many", int(le.RetryAfter.Round(time.Second)/time.Second))
}
