package check

import "context"

// FirstText records that the SMS provider delivered the text with this id
// (Twilio's MessageSid) and reports whether it is the first time: false
// means the request is a replay, to be answered without checking again.
func (s *Service) FirstText(ctx context.Context, messageID string) (bool, error) {
	return s.DB.Checks.FirstSMSInbound(ctx, messageID)
}
