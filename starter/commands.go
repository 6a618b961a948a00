package main

import (
	"errors"
	"fmt"
	"io"
	"os/user"
	"text/tabwriter"
	"time"

	"github.com/skflow/skflow/calsync"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/drafts"
	"github.com/skflow/skflow/publish"
	"github.com/skflow/skflow/store"
)

func table(w io.Writer, header string, rows func(tw io.Writer)) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	rows(tw)
	return tw.Flush()
}

func defaultActor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

func (a *app) drafts(st *store.Store, ops *caseops.Ops) (*drafts.Drafts, error) {
	w, err := publish.Writer(a.cfg, st, a.def)
	if err != nil {
		return nil, err
	}
	return &drafts.Drafts{St: st, Ops: ops, Def: a.def, Decrees: w}, nil
}

// loadCase is a case of the records; one that is not there is said plainly, any other failure
// passes through as it is.
func (a *app) loadCase(st *store.Store, id string) (store.Case, error) {
	c, err := st.Case(a.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, errors.New(a.t("cli.err.no_case", id))
	}
	return c, err
}

// calendars keeps the working calendar: the configuration's seeds it.
func (a *app) calendars(st *store.Store, ops *caseops.Ops) *calsync.Syncer {
	return &calsync.Syncer{Store: st, Ops: ops, Seed: a.cfg.Calendar}
}

// left is the working time remaining until due, or how late the task is.
func (a *app) left(due *time.Time, now time.Time) string {
	if due == nil {
		return "-"
	}
	if now.Before(*due) {
		return a.t("cli.left", int(a.cal.WorkingTime(now, *due)/time.Minute))
	}
	return a.t("cli.late", int(a.cal.WorkingTime(*due, now)/time.Minute))
}

func (a *app) roleIDs() []string {
	var ids []string
	for _, r := range a.def.Roles {
		ids = append(ids, r.ID)
	}
	return ids
}

func deref(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

func intStr(n *int) *string {
	if n == nil {
		return nil
	}
	s := fmt.Sprint(*n)
	return &s
}
