package core

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

// Only a path on this site, that is not signing in again, is a page to
// return to after signing in.
func TestNext_OnlyAPathOnThisSite(t *testing.T) {
	for next, want := range map[string]string{
		"/alerts/ABC":            "/alerts/ABC",
		"/coordinator/reports":   "/coordinator/reports",
		"":                       "",
		"/":                      "",
		"//evil.example/x":       "",
		"https://evil.example/x": "",
		"/\\evil.example":        "",
		"/\tevil":                "",
		"/signin":                "",
		"/signin/code":           "",
		"javascript:alert(1)":    "",
		"alerts":                 "",
		"/alerts?page=2#x":       "/alerts?page=2#x",
	} {
		r := httptest.NewRequest("GET", "/signin?next="+url.QueryEscape(next), nil)
		if got := Next(r); got != want {
			t.Errorf("next %q: %q, want %q", next, got, want)
		}
	}
	// A page opened gives its path, never its query; a form's action none.
	for _, c := range []struct{ method, target, want string }{
		{"GET", "/alerts/ABC?value=07700900123", "/signin?next=%2Falerts%2FABC"},
		{"POST", "/alerts/ABC/additions", "/signin"},
		{"GET", "/", "/signin"},
	} {
		if got := SignInTo(httptest.NewRequest(c.method, c.target, nil)); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.method, c.target, got, c.want)
		}
	}
}
