package core

import "uglymugs/internal/scheme"

// Words for the codes reports hold.
var (
	CaseStatusNames = map[scheme.ReportStatus]string{
		scheme.ReportSubmitted: "Submitted", scheme.ReportInReview: "In review", scheme.ReportPublished: "Alert published",
		scheme.ReportIntelligence: "Intelligence only", scheme.ReportRejected: "Rejected",
	}
	CaseSeverityNames = map[scheme.Severity]string{
		scheme.SeverityHighest: "Highest", scheme.SeverityHigh: "High", scheme.SeverityMedium: "Medium", scheme.SeverityLow: "Low",
	}
	CaseKindNames = map[string]string{
		"phone": "Phone number", "email": "Email address", "vehicle": "Vehicle registration", "name": "Name or alias", "username": "Website or app username",
	}
	CaseConsentNames = map[string]string{
		"alert": "Publish an anonymised alert", "police": "Share anonymised intelligence with the police",
		"support": "Be contacted by a caseworker or support services", "police_contact": "Be contacted if the police want to talk (through us)",
	}
	// CaseDescriptionFields are an offender's description, in form order.
	CaseDescriptionFields = []struct{ Key, Label string }{
		{"gender", "Gender"}, {"age", "Age"}, {"height", "Height"}, {"build", "Build"}, {"ethnicity", "Ethnicity, as described"},
		{"hair", "Hair"}, {"features", "Distinguishing features"}, {"accent", "Accent"}, {"vehicle", "Vehicle"},
	}
)
