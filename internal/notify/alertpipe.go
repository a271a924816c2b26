package notify

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// The sender's pipeline. Work claims a batch and hands it to the pipe,
// then claims the next while the pipe sends the first, so the provider's
// connections never wait for the database:
//
//	claim (Work) ─▶ feed ─▶ senders (Concurrency) ─▶ mark (one statement a group)
//
// A message accepted by the provider is handed to the marker and its
// sender goes on at once; the marker writes the marks that arrived while
// it wrote the last ones, all in one statement. Each message holds one of
// Window slots from before it is sent until it is recorded (sent, or what
// else became of it), so that at any instant at most Window messages of a
// channel have gone, or may have, without being recorded: a crash makes
// at most those go twice. At most two batches are held: the one being
// sent and the one claimed next.

// Per-channel defaults of the pipeline. SMS has as many senders (and so
// as large a window) as email: its marks are written in groups of up to
// half the window, and the write, not the provider, is what bounds a
// channel's pace; a repeat after a crash carries the same Idempotency-Key,
// which the provider drops.
const (
	DefaultEmailConcurrency = 8 // as many as the SMTP connections kept open (smtpMaxIdle)
	DefaultPushConcurrency  = 8
	// WindowPerSender is the default Window, per sender: enough that a
	// sender rarely waits while a group of marks is written.
	WindowPerSender = 4
	// maxClaim is the most deliveries one claim takes.
	maxClaim = 500
	// markLinger is the longest a mark waits for others to be written with.
	markLinger = 2 * time.Millisecond
)

// DefaultWindow is the most messages of channel that may have gone without
// yet being recorded sent, under the default settings: what one crash can
// make go twice.
func DefaultWindow(channel string) int {
	return WindowPerSender * defaultSenders(channel)
}

func defaultSenders(channel string) int {
	switch channel {
	case string(scheme.ChannelEmail):
		return DefaultEmailConcurrency
	case string(scheme.ChannelPush):
		return DefaultPushConcurrency
	}
	return DefaultConcurrency
}

// senders is how many of ch's messages are sent at once.
func (w *AlertDeliverWorker) senders(ch string) int {
	return cmpOr(w.Concurrency, defaultSenders(ch))
}

// window is the most of ch's messages sent or being sent but not yet
// recorded; never fewer than the senders.
func (w *AlertDeliverWorker) window(ch string) int {
	return max(cmpOr(w.Window, WindowPerSender*w.senders(ch)), w.senders(ch))
}

// pipe sends one run's batches of one channel.
type pipe struct {
	w      *AlertDeliverWorker
	ctx    context.Context
	log    *slog.Logger
	paused atomic.Bool

	batches chan []outbox.AlertDelivery // to feed, one at a time
	work    chan outbox.AlertDelivery   // to the senders
	slots   chan struct{}               // held from before a send until its mark
	marks   chan outbox.AlertDelivery   // accepted, to be marked sent
	sending sync.WaitGroup
	fed     chan struct{} // closed when feed has handed out the last batch
	marked  chan struct{} // closed when the last mark is written
	stopped bool
}

func (w *AlertDeliverWorker) startPipe(ctx context.Context, log *slog.Logger, ch string) *pipe {
	window := w.window(ch)
	p := &pipe{w: w, ctx: ctx, log: log,
		batches: make(chan []outbox.AlertDelivery),
		work:    make(chan outbox.AlertDelivery),
		slots:   make(chan struct{}, window),
		marks:   make(chan outbox.AlertDelivery, window),
		fed:     make(chan struct{}),
		marked:  make(chan struct{}),
	}
	go p.feed()
	for range w.senders(ch) {
		p.sending.Go(p.sendEach)
	}
	go p.markEach(window)
	return p
}

// send hands ds to the pipe once it has handed out the batch before.
func (p *pipe) send(ds []outbox.AlertDelivery) { p.batches <- ds }

// stop waits until every message handed to the pipe has been sent and
// recorded, and reports whether the channel paused meanwhile.
func (p *pipe) stop() bool {
	if !p.stopped {
		p.stopped = true
		close(p.batches)
		<-p.fed
		p.sending.Wait()
		close(p.marks)
		<-p.marked
	}
	return p.paused.Load()
}

func (p *pipe) feed() {
	defer close(p.fed)
	defer close(p.work)
	for ds := range p.batches {
		for _, d := range ds {
			p.work <- d
		}
	}
}

func (p *pipe) sendEach() {
	for d := range p.work {
		p.slots <- struct{}{}
		if p.w.deliver(p.ctx, p.log, d, &p.paused) {
			p.marks <- d // never blocks: it holds a slot, and marks has room for all
			continue
		}
		<-p.slots // recorded by deliver
	}
}

// markEach writes the marks that arrive, in groups, until marks is
// closed, and frees their slots once written (or given up). A group is
// written once it is half the window, or markLinger after its first mark,
// whichever comes first: a write costs about the same for one mark as for
// dozens, and the senders go on meanwhile with the other half.
func (p *pipe) markEach(most int) {
	defer close(p.marked)
	group := make([]outbox.AlertDelivery, 0, most)
	enough := max(most/2, 1)
	linger := time.NewTimer(markLinger)
	for d := range p.marks {
		group = append(group[:0], d)
		linger.Reset(markLinger)
	more:
		for len(group) < enough {
			select {
			case d, ok := <-p.marks:
				if !ok {
					break more
				}
				group = append(group, d)
			case <-linger.C:
				break more
			}
		}
		if err := p.w.markSent(p.ctx, group); err != nil {
			// Left "sending" under this live process, they go again, under
			// the same references, after StaleAfter (or as soon as this
			// process stops beating): the lesser harm.
			p.log.ErrorContext(p.ctx, "alert messages sent but not marked sent", "messages", len(group), "err", err)
		}
		for range group {
			<-p.slots
		}
	}
}

// rendered is an alert's message in one language on one channel: the same
// for every recipient (the link is the alert's), so made once a minute
// (a correction of the catalogue's words shows within that).
type rendered struct {
	subject, text string
	at            time.Time
}

type renderKey struct{ channel, language, alertID string }

// renderKept is how many rendered messages are kept; beyond, they are
// forgotten all at once (a few alerts in a few languages are sent at a
// time).
const renderKept = 256

// render renders n, an alert_published message for alertID, with the
// alert's link, or returns it as rendered before.
func (w *AlertDeliverWorker) render(n scheme.Notification, alertID string) (subject, text string, err error) {
	k := renderKey{string(n.Channel), n.Language, alertID}
	w.mu.Lock()
	r, ok := w.rendered[k]
	w.mu.Unlock()
	if ok && time.Since(r.at) < time.Minute {
		return r.subject, r.text, nil
	}
	n.Params = map[string]string{"url": strings.TrimRight(w.BaseURL, "/") + "/alerts/" + url.PathEscape(alertID)}
	if subject, text, err = Render(n); err != nil {
		return "", "", err
	}
	w.mu.Lock()
	if w.rendered == nil || len(w.rendered) >= renderKept {
		w.rendered = map[renderKey]rendered{}
	}
	w.rendered[k] = rendered{subject, text, time.Now()}
	w.mu.Unlock()
	return subject, text, nil
}
