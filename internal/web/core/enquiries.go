package core

var EnquiryDecisionNames = map[string]string{"": "No answer yet", "yes": "Yes, they may be contacted", "no": "No",
	"caseworker": "Wants to talk to a caseworker first"}
