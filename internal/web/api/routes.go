package api

import (
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Routes registers the JSON API (docs/openapi.yaml).
func Routes(mux core.Mux, c *core.Server) {
	s := &server{c}
	// JSON API (docs/openapi.yaml).
	mux.Handle("POST /api/v1/session", s.Throttled(s.signIn()))
	mux.Handle("DELETE /api/v1/session", s.signOut())
	mux.Handle("GET /api/v1/terms", s.getTerms())
	mux.Handle("GET /api/v1/regions", s.listRegions())
	mux.Handle("POST /api/v1/applications", s.Throttled(s.apply()))
	mux.Handle("GET /api/v1/applications", s.listApplications())
	mux.Handle("POST /api/v1/applications/{id}/approve", s.decide(scheme.Approve))
	mux.Handle("POST /api/v1/applications/{id}/reject", s.decide(scheme.Reject))
	mux.Handle("POST /api/v1/applications/{id}/request-info", s.decide(scheme.RequestInfo))
	mux.Handle("GET /api/v1/me", s.getMe())
	mux.Handle("GET /api/v1/me/export", s.exportMine())
	mux.Handle("DELETE /api/v1/me", s.leave())
	mux.Handle("POST /api/v1/members/{id}/revoke", s.revokeMember())
	mux.Handle("POST /api/v1/reports", s.Admitted(core.ReportAdmitWait, s.submitReport()))
	mux.Handle("GET /api/v1/reports", s.listReports())
	mux.Handle("GET /api/v1/reports/{id}", s.getReport())
	mux.Handle("PATCH /api/v1/reports/{id}/consents", s.patchConsents())
	mux.Handle("GET /api/v1/offenders/{id}", s.getOffender())
	mux.Handle("POST /api/v1/alerts", s.createAlert())
	mux.Handle("GET /api/v1/alerts", s.listAlerts())
	mux.Handle("GET /api/v1/alerts/{id}", s.getAlert())
	mux.Handle("PATCH /api/v1/alerts/{id}", s.updateAlert())
	mux.Handle("POST /api/v1/alerts/{id}/approve", s.approveAlert())
	mux.Handle("POST /api/v1/alerts/{id}/publish", s.publishAlert())
	mux.Handle("POST /api/v1/alerts/{id}/withdraw", s.withdrawAlert())
	mux.Handle("GET /api/v1/alerts/{id}/deliveries", s.listDeliveries())
	mux.Handle("POST /api/v1/alerts/{id}/deliveries/retry", s.retryDeliveries())
	mux.Handle("POST /api/v1/alerts/{id}/additions", s.addAddition())
	mux.Handle("GET /api/v1/stats", s.getStats())
	mux.Handle("POST /api/v1/checks", s.Admitted(core.CheckAdmitWait, s.postCheck()))
	mux.Handle("POST /api/v1/exports", s.createExport())
	mux.Handle("/api/", s.notFound())
}
