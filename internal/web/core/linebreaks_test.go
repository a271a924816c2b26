package core

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Text enters with "\n" line breaks by every door: forms (browsers send a
// textarea's breaks as "\r\n") and JSON bodies alike. A message that kept
// its "\r" was refused for good by the sender, as a control character.

func TestNormaliseForms_EveryPostedValueHasLFLineBreaks(t *testing.T) {
	var got, query, sent url.Values
	h := normaliseForms(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = url.Values{"message": {r.PostFormValue("message")}, "name": {r.FormValue("name")}}
		query, sent = url.Values{"q": {r.FormValue("q")}}, FormAsSent(r)
	}))
	form := url.Values{"message": {"Please help.\r\nHe has my number.\r\n\r\nAfter six.\rThanks"}, "name": {"Ann"}}
	r := httptest.NewRequest("POST", "/contact?q=a%0D%0Ab", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if want := "Please help.\nHe has my number.\n\nAfter six.\nThanks"; got.Get("message") != want || got.Get("name") != "Ann" {
		t.Errorf("the handler read %q", got)
	}
	if query.Get("q") != "a\nb" {
		t.Errorf("a query value: %q", query.Get("q"))
	}
	if sent.Get("message") != form.Get("message") {
		t.Errorf("the values as sent: %q", sent.Get("message"))
	}
}

func TestNormaliseForms_LeavesWhatItCannotReadToTheHandler(t *testing.T) {
	// Too large: the handler meets the same error it would have met.
	var parseErr error
	h := limitBody(normaliseForms(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parseErr = r.ParseForm()
	})), 16, nil)
	r := httptest.NewRequest("POST", "/contact", strings.NewReader("message="+strings.Repeat("a", 64)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(httptest.NewRecorder(), r)
	var mbe *http.MaxBytesError
	if !errors.As(parseErr, &mbe) {
		t.Errorf("a body over the limit: the handler's ParseForm said %v, want the limit's error", parseErr)
	}
	// A multipart form (the image upload) is the handler's to read.
	var file string
	h = normaliseForms(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("image")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(f)
		file = string(b)
	}))
	var body strings.Builder
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("image", "a.png")
	_, _ = fw.Write([]byte("bytes\r\nkept"))
	_ = mw.Close()
	r = httptest.NewRequest("POST", "/admin/images", strings.NewReader(body.String()))
	r.Header.Set("Content-Type", mw.FormDataContentType())
	h.ServeHTTP(httptest.NewRecorder(), r)
	if file != "bytes\r\nkept" {
		t.Errorf("an uploaded file's bytes: %q", file)
	}
}
