package api

import (
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Routes registers the JSON API (docs/openapi.yaml).
func Routes(mux core.Mux, c *core.Server) {
	s := &server{c}
	// JSON API (docs/openapi.yaml).
	mux.Handle("POST /api/v1/session", s.Throttled(s.apiSignIn()))
	mux.Handle("DELETE /api/v1/session", s.apiSignOut())
	mux.Handle("GET /api/v1/terms", s.apiTerms())
	mux.Handle("GET /api/v1/regions", s.apiRegions())
	mux.Handle("POST /api/v1/applications", s.Throttled(s.apiApply()))
	mux.Handle("GET /api/v1/applications", s.apiApplications())
	mux.Handle("POST /api/v1/applications/{id}/approve", s.apiDecide(scheme.Approve))
	mux.Handle("POST /api/v1/applications/{id}/reject", s.apiDecide(scheme.Reject))
	mux.Handle("POST /api/v1/applications/{id}/request-info", s.apiDecide(scheme.RequestInfo))
	mux.Handle("GET /api/v1/me", s.apiMe())
	mux.Handle("GET /api/v1/me/export", s.apiExport())
	mux.Handle("DELETE /api/v1/me", s.apiLeave())
	mux.Handle("POST /api/v1/members/{id}/revoke", s.apiRevoke())
	mux.Handle("POST /api/v1/reports", s.Admitted(core.ReportAdmitWait, s.apiSubmitReport()))
	mux.Handle("GET /api/v1/reports", s.apiReports())
	mux.Handle("GET /api/v1/reports/{id}", s.apiReport())
	mux.Handle("PATCH /api/v1/reports/{id}/consents", s.apiConsents())
	mux.Handle("GET /api/v1/offenders/{id}", s.apiOffender())
	mux.Handle("POST /api/v1/alerts", s.apiCreateAlert())
	mux.Handle("GET /api/v1/alerts", s.apiAlerts())
	mux.Handle("GET /api/v1/alerts/{id}", s.apiAlert())
	mux.Handle("PATCH /api/v1/alerts/{id}", s.apiUpdateAlert())
	mux.Handle("POST /api/v1/alerts/{id}/approve", s.apiApproveAlert())
	mux.Handle("POST /api/v1/alerts/{id}/publish", s.apiPublishAlert())
	mux.Handle("POST /api/v1/alerts/{id}/withdraw", s.apiWithdrawAlert())
	mux.Handle("GET /api/v1/alerts/{id}/deliveries", s.apiDeliveries())
	mux.Handle("POST /api/v1/alerts/{id}/deliveries/retry", s.apiRetryDeliveries())
	mux.Handle("POST /api/v1/alerts/{id}/additions", s.apiAddAddition())
	mux.Handle("GET /api/v1/stats", s.apiStats())
	mux.Handle("POST /api/v1/checks", s.Admitted(core.CheckAdmitWait, s.apiCheck()))
	mux.Handle("POST /api/v1/exports", s.apiCreateExport())
	mux.Handle("/api/", s.apiNotFound())
}
