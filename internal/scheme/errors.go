// Package scheme holds the domain of an ugly mugs scheme: its types, its rules
// and its one error type. It does no I/O and imports nothing of ours, so every
// other package can depend on it.
package scheme

import (
	"errors"
	"fmt"
	"time"
)

// Code says what kind of failure an Error is; the web layer maps each code to
// one HTTP status in one place.
type Code string

const (
	CodeInvalid         Code = "invalid"
	CodeNotFound        Code = "not_found"
	CodeConflict        Code = "conflict"
	CodeForbidden       Code = "forbidden"
	CodeUnauthenticated Code = "unauthenticated"
	CodeOTPRequired     Code = "otp_required" // the password was right; a second-factor code is needed
	CodeTooMany         Code = "too_many"
	CodeBusy            Code = "busy" // the service is at capacity for the moment: try again shortly
	CodeInternal        Code = "internal"
)

// Error is the one error type the domain returns. Message is safe to show to
// the person using the service; Fields names form fields and what is wrong with
// each, in plain words. RetryAfter, for CodeTooMany, says when to try again.
// Err, if set, is the cause, for logs only.
type Error struct {
	Code       Code
	Message    string
	Fields     map[string]string
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a message for people.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an invalid-input error carrying the problem with each field.
func Invalid(fields map[string]string) *Error {
	return &Error{Code: CodeInvalid, Message: "Some answers need another look.", Fields: fields}
}

// ErrNotFound and ErrConflict are the common cases, comparable with errors.Is
// through ErrorCode.
var (
	ErrNotFound = Errorf(CodeNotFound, "We could not find that.")
	ErrConflict = Errorf(CodeConflict, "That already exists.")
)

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal when there is none: anything unexpected is internal. A nil
// error has no code ("").
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message safe to show for err; internal errors get a
// generic message so that no detail of the failure leaks to the client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Message
	}
	return "Something went wrong on our side. Please try again in a moment."
}
