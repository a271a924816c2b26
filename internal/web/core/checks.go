package core

import (
	"strconv"
	"time"
)

// RetryAfter is a Retry-After header's value: whole seconds, at least one.
func RetryAfter(d time.Duration) string {
	return strconv.Itoa(max(int((d+time.Second-1)/time.Second), 1))
}
