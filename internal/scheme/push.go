package scheme

import "time"

// PushDevice is one of a member's browsers or installed apps with push on,
// as she sees it in her account: never its endpoint or keys.
type PushDevice struct {
	ID         string     `json:"id"`
	Label      string     `json:"label"` // "Chrome on Android", from her browser when she turned push on
	CreatedAt  time.Time  `json:"created_at"`
	LastSentAt *time.Time `json:"last_sent_at,omitempty"`
}
