// Package apitest holds the API's tests to its published contract,
// docs/openapi.yaml: a client whose every request to /api/v1 and every
// answer is validated against the document (pb33f/libopenapi-validator),
// so that a test fails the moment the server and the document disagree,
// whichever of them is wrong.
package apitest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
)

// Prefix is the part of the path the document describes.
const Prefix = "/api/v1/"

var (
	once    sync.Once
	shared  validator.Validator
	loadErr error
	mu      sync.Mutex // the validator's caches are not documented as safe for concurrent use
)

// Path is where the published document lives in the source tree.
func Path() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "openapi.yaml")
}

func load() (validator.Validator, error) {
	once.Do(func() {
		spec, err := os.ReadFile(Path())
		if err != nil {
			loadErr = err
			return
		}
		doc, err := libopenapi.NewDocument(spec)
		if err != nil {
			loadErr = fmt.Errorf("docs/openapi.yaml: %w", err)
			return
		}
		// Authentication is the server's to judge (tests send bad tokens on
		// purpose); the document's servers name an example host.
		v, errs := validator.NewValidator(doc, config.WithoutSecurityValidation())
		if len(errs) > 0 {
			loadErr = fmt.Errorf("docs/openapi.yaml: %v", errs)
			return
		}
		if ok, problems := v.ValidateDocument(); !ok {
			loadErr = fmt.Errorf("docs/openapi.yaml is not a valid OpenAPI document: %s", describe(problems))
			return
		}
		shared = v
	})
	return shared, loadErr
}

// Client returns an HTTP client that fails t on any request to /api/v1 or
// answer from it that the document does not allow.
func Client(t testing.TB) *http.Client {
	t.Helper()
	if _, err := load(); err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: Transport(t, http.DefaultTransport)}
}

// Transport wraps next so that every exchange with /api/v1 is checked.
func Transport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	return roundTripper{t: t, next: next}
}

type roundTripper struct {
	t    testing.TB
	next http.RoundTripper
}

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Path, Prefix) {
		return rt.next.RoundTrip(req)
	}
	var sent []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err = errors.Join(err, req.Body.Close()); err != nil {
			return nil, err
		}
		sent = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := rt.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	got, err := io.ReadAll(resp.Body)
	if err = errors.Join(err, resp.Body.Close()); err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(got))
	if problem := Check(req, sent, resp, got); problem != "" {
		rt.t.Errorf("the API answered outside docs/openapi.yaml: %s", problem)
	}
	return resp, nil
}

// Check validates one exchange, given the bodies already read, and
// describes what the document does not allow, or returns "".
func Check(req *http.Request, sent []byte, resp *http.Response, got []byte) string {
	v, err := load()
	if err != nil {
		return err.Error()
	}
	// The validator reads both bodies; give it copies so the caller keeps its own.
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(sent))
	r.ContentLength = int64(len(sent))
	w := *resp
	w.Request = r
	w.Body = io.NopCloser(bytes.NewReader(got))

	mu.Lock()
	okReq, reqProblems := v.ValidateHttpRequestSync(r)
	okResp, respProblems := v.ValidateHttpResponse(r, &w)
	mu.Unlock()
	if !okReq && unknownPath(reqProblems) {
		// A path the document does not have must be one the server does not
		// serve either.
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
			return ""
		}
		return fmt.Sprintf("%s %s is not in the document but was answered %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	var out []string
	if !okReq && resp.StatusCode < 400 {
		// A request the document forbids must be refused; one it allows
		// may still be refused for reasons a schema cannot say.
		out = append(out, "request accepted though the document forbids it: "+describe(reqProblems))
	}
	if !okResp {
		out = append(out, fmt.Sprintf("response %d: %s", resp.StatusCode, describe(respProblems)))
	}
	if len(out) == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s: %s\n  body sent: %.400s\n  body answered: %.600s", req.Method, req.URL.Path, strings.Join(out, "; "), sent, got)
}

func unknownPath(problems []*verrors.ValidationError) bool {
	for _, p := range problems {
		if p.ValidationType == "path" && (p.ValidationSubType == "missing" || strings.Contains(p.Message, "not found")) {
			return true
		}
	}
	return false
}

func describe(problems []*verrors.ValidationError) string {
	var b strings.Builder
	for i, p := range problems {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(p.Message)
		if p.Reason != "" && p.Reason != p.Message {
			b.WriteString(": " + p.Reason)
		}
		for _, f := range p.SchemaValidationErrors {
			b.WriteString(" [" + f.Error() + "]")
		}
	}
	return b.String()
}
