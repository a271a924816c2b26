package core

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// With every slot taken, a request waits a moment and is then told the// service is busy, in the API's error shape, with Retry-After; once a slot// is free again, requests go through.// A report waits in line for a slot, well past the moment a check would be// shed, and goes through once one is free.

func TestAdmitted_BusyWhenEverySlotIsTaken(t *testing.T) {
	s := &Server{writeSlots: make(chan struct{}, 1)}
	release, entered := make(chan struct{}), make(chan struct{}, 2)
	h := s.Admitted(CheckAdmitWait, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		w.WriteHeader(http.StatusOK)
	}))
	first := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/checks", nil))
		first <- rec.Code
	}()
	<-entered
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/checks", nil))
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || body.Error.Code != "busy" || body.Error.Message == "" {
		t.Errorf("with the slot taken: %d, Retry-After %q, %+v", rec.Code, rec.Header().Get("Retry-After"), body)
	}
	close(release)
	if code := <-first; code != http.StatusOK {
		t.Errorf("the admitted request: %d", code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/checks", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("with the slot free again: %d", rec.Code)
	}
}

func TestAdmitted_ReportWaitsForASlotWhereACheckIsShed(t *testing.T) {
	s := &Server{writeSlots: make(chan struct{}, 1)}
	release, entered := make(chan struct{}), make(chan struct{}, 3)
	busy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		w.WriteHeader(http.StatusCreated)
	})
	first := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		s.Admitted(ReportAdmitWait, busy).ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/reports", nil))
		first <- rec.Code
	}()
	<-entered
	waiting := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		s.Admitted(ReportAdmitWait, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
		})).ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/reports", nil))
		waiting <- rec.Code
	}()
	// A check arriving now is shed after its short wait; the report is still in line.
	rec := httptest.NewRecorder()
	s.Admitted(CheckAdmitWait, busy).ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/checks", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("a check with every slot taken: %d, want 503", rec.Code)
	}
	select {
	case code := <-waiting:
		t.Fatalf("the waiting report was answered %d before a slot was free", code)
	default:
	}
	close(release)
	if code := <-first; code != http.StatusCreated {
		t.Errorf("the first report: %d", code)
	}
	if code := <-waiting; code != http.StatusCreated {
		t.Errorf("the report that waited: %d, want 201", code)
	}
}
