package check

import (
	"context"
	"sync"
	"time"

	"uglymugs/internal/scheme"
)

// planTTL is how long a member's numbering plan is kept at most. A change
// made through this process (her regions, a region's plan) drops it at
// once (store.Vocab.Version); one made on another instance sharing the
// database takes effect within planTTL, as settings do.
const planTTL = 5 * time.Second

// maxPlans bounds the plans kept: past it they are all dropped and read
// again (a few busy members' plans are what is worth keeping).
const maxPlans = 10000

// phonePlans keeps, per member, the numbering plan PhoneRegion gives, so
// that a check does not cost two queries (her regions and the lists)
// before it reaches the store.
type phonePlans struct {
	mu      sync.Mutex
	version uint64 // the store's Vocab.Version they were read at
	plans   map[string]plan
}

type plan struct {
	region string
	at     time.Time
}

// get returns the member's plan, from read (her regions and the lists)
// when it is not kept or too old.
func (p *phonePlans) get(ctx context.Context, s *Service, u scheme.User, read func(context.Context, scheme.User) (string, error)) (string, error) {
	version, now := s.DB.Vocab.Version(), time.Now()
	p.mu.Lock()
	if p.plans == nil || p.version != version || len(p.plans) >= maxPlans {
		p.plans, p.version = map[string]plan{}, version
	}
	if pl, ok := p.plans[u.ID]; ok && now.Sub(pl.at) < planTTL && !now.Before(pl.at) {
		p.mu.Unlock()
		return pl.region, nil
	}
	p.mu.Unlock()
	region, err := read(ctx, u)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	if p.version == version && s.DB.Vocab.Version() == version { // nothing changed while it was read
		p.plans[u.ID] = plan{region: region, at: now}
	}
	p.mu.Unlock()
	return region, nil
}
