package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"

	"uglymugs/internal/scheme"
)

// Checks are committed in groups. A check is a few small statements and
// one commit, and on SQLite's single writer the commit and the statements'
// preparation were most of its cost. So RunCheck hands its check to a
// committer goroutine (one per database on SQLite, a few on PostgreSQL,
// whose pool has many connections): the committer takes the first check
// waiting and every other one that arrived while it was busy, runs them in
// one write transaction in arrival order — each with its own allowance,
// counting the checks before it in the same group — commits once, and only
// then answers each caller. There is no timer: under light load a group is
// one check and waits for nothing; under heavy load the checks that queue
// during one commit make up the next group.
//
// A group whose transaction fails is run again one check per transaction,
// so that one bad check cannot fail the others. A caller that gives up
// (its context ends) before the answer gets its context's error; its
// check is then either committed whole or not at all.

// maxCheckGroup bounds a group, so that one commit never holds the writer
// long and the first caller in it never waits for hundreds of others.
const maxCheckGroup = 128

// errClosed answers checks after Close.
var errClosed = errors.New("store: the database is closed")

// checkQueue feeds the committers.
type checkQueue struct {
	in   chan *checkReq // unbuffered: a check is queued once a committer takes it
	stop chan struct{}  // closed by Close

	mu      sync.Mutex // guards the rest
	started bool
	closed  bool
	stmts   *checkStmts
	wg      sync.WaitGroup
}

func newCheckQueue() *checkQueue {
	return &checkQueue{in: make(chan *checkReq), stop: make(chan struct{})}
}

// checkReq is one check on its way through a committer.
type checkReq struct {
	ctx  context.Context // the caller's: a check whose caller has gone is not run
	c    Check
	idx  []byte // the value's blind index
	out  scheme.CheckOutcome
	err  error
	done chan struct{} // closed once out and err are final
}

// submit hands r to a committer and waits for its answer.
func (q *checkQueue) submit(ctx context.Context, db *core, r *checkReq) (scheme.CheckOutcome, error) {
	if err := q.start(db); err != nil {
		return scheme.CheckOutcome{}, err
	}
	select {
	case q.in <- r:
	case <-q.stop:
		return scheme.CheckOutcome{}, errClosed
	case <-ctx.Done():
		return scheme.CheckOutcome{}, ctx.Err()
	}
	select {
	case <-r.done:
		return r.out, r.err
	case <-ctx.Done():
		return scheme.CheckOutcome{}, ctx.Err()
	}
}

// start prepares the statements and starts the committers on the first
// check (not at Open: the tables may not exist before migrating).
func (q *checkQueue) start(db *core) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return errClosed
	}
	if q.started {
		return nil
	}
	st, err := prepareCheckStmts(context.Background(), db)
	if err != nil {
		return err
	}
	q.stmts, q.started = st, true
	n := 1 // SQLite has one writer
	if db.dialect == Postgres {
		n = 8
	}
	q.wg.Add(n)
	for range n {
		go q.commit(db)
	}
	return nil
}

// close stops the committers once they have answered the groups they hold,
// and closes the statements.
func (q *checkQueue) close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	q.closed = true
	close(q.stop)
	q.wg.Wait()
	if q.stmts != nil {
		return q.stmts.close()
	}
	return nil
}

// commit is a committer: it takes a group at a time until Close.
func (q *checkQueue) commit(db *core) {
	defer q.wg.Done()
	group := make([]*checkReq, 0, maxCheckGroup)
	for {
		select {
		case r := <-q.in:
			group = append(group[:0], r)
		case <-q.stop:
			return
		}
	gather:
		for len(group) < maxCheckGroup {
			select {
			case r := <-q.in:
				group = append(group, r)
			default:
				break gather
			}
		}
		db.runCheckGroup(q.stmts, group)
		for _, r := range group {
			close(r.done)
		}
		clear(group)
	}
}

// runCheckGroup runs the checks of group in one transaction, or, if that
// fails, each in its own.
func (db *core) runCheckGroup(st *checkStmts, group []*checkReq) {
	// Not any caller's context: one caller leaving must not undo the others.
	ctx := context.Background()
	live := group[:0:0]
	for _, r := range group {
		if r.err = r.ctx.Err(); r.err == nil {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.lockAskers(ctx, tx, st, live); err != nil {
			return err
		}
		for _, r := range live {
			out, err := db.runCheck(ctx, tx, st, r)
			if err != nil {
				return err
			}
			r.out = out
		}
		return nil
	})
	if err == nil || len(live) == 1 {
		for _, r := range live {
			if r.err = err; err != nil {
				r.out = scheme.CheckOutcome{}
			}
		}
		return
	}
	for _, r := range live {
		r.out, r.err = db.runCheckAlone(ctx, st, r)
	}
}

// runCheckAlone runs one check in a transaction of its own.
func (db *core) runCheckAlone(ctx context.Context, st *checkStmts, r *checkReq) (scheme.CheckOutcome, error) {
	var out scheme.CheckOutcome
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.lockAskers(ctx, tx, st, []*checkReq{r}); err != nil {
			return err
		}
		var err error
		out, err = db.runCheck(ctx, tx, st, r)
		return err
	})
	if err != nil {
		return scheme.CheckOutcome{}, err
	}
	return out, nil
}

// lockAskers locks, on PostgreSQL, the row of each member and partner key
// asking in group, so that two instances' checks cannot both squeeze into
// one allowance. They are locked in one order (by id), so two groups
// asking for the same rows never wait for each other in a circle. SQLite's
// writer is already exclusive.
func (db *core) lockAskers(ctx context.Context, tx *sql.Tx, st *checkStmts, group []*checkReq) error {
	if db.dialect != Postgres {
		return nil
	}
	var users, keys []string
	for _, r := range group {
		if r.c.KeyID != "" {
			keys = append(keys, r.c.KeyID)
		} else {
			users = append(users, r.c.UserID)
		}
	}
	for _, l := range []struct {
		ids  []string
		stmt *sql.Stmt
	}{{users, st.lockUser}, {keys, st.lockKey}} {
		slices.Sort(l.ids)
		stmt := tx.StmtContext(ctx, l.stmt)
		for _, id := range slices.Compact(l.ids) {
			if _, err := stmt.ExecContext(ctx, id); err != nil {
				return err
			}
		}
	}
	return nil
}
