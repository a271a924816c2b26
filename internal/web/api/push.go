package api

import (
	"net/http"

	"uglymugs/internal/push"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Push: a member's devices with push on. The browser's PushSubscription
// JSON goes to POST /api/v1/push/subscriptions as it is; the key it
// subscribes with is GET /api/v1/push/key.

func (s *server) pushKey(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if s.Push == nil {
		return push.ErrOff
	}
	key, err := s.Push.Key()
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, map[string]string{"public_key": key})
	return nil
}

func (s *server) listPushDevices(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if s.Push == nil {
		return push.ErrOff
	}
	ds, err := s.Push.Devices(r.Context(), u)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []scheme.PushDevice{}
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"devices": ds})
	return nil
}

func (s *server) subscribePush() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		push.Subscription
		Label string `json:"label"`
		// A browser's toJSON() adds this; it is not used.
		ExpirationTime *float64 `json:"expirationTime"`
	}) (int, any, error) {
		if s.Push == nil {
			return 0, nil, push.ErrOff
		}
		label := in.Label
		if label == "" {
			label = push.DeviceName(r.UserAgent())
		}
		id, err := s.Push.Subscribe(r.Context(), u, in.Subscription, label)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, map[string]string{"id": id}, nil
	}), memberRoles...)
}

func (s *server) unsubscribePush(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if s.Push == nil {
		return push.ErrOff
	}
	if err := s.Push.Unsubscribe(r.Context(), u, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
