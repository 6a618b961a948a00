package workflows

// The Latsar of one angkatan after its SK: a run that walks the training definition's
// activities in order, each open until it is due or everyone present is recorded, with a
// reminder before it closes; confirmations, records and the one remedial come in through
// validated Updates; at the announcement the outcomes are computed, and the certificates are
// issued once the remedial window has closed.

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/idfmt"
	"github.com/skflow/skflow/training"
)

// A run continues as new after this many accepted Updates, so its history stays bounded
// whatever the organiser imports; an angkatan of 40 needs about 60. A variable for the test that
// proves the hand-over.
var trainingUpdatesPerRun = 400

type trun struct {
	ctx     workflow.Context
	in      training.RunInput
	def     *training.Definition
	s       *training.RunState
	writing int // records in flight; the run closes or continues only when none is
	// started is set once the run's start is recorded: a handler's record waits for it, so
	// nothing of the run reaches the store before the run itself does.
	started bool
}

// Training is the workflow of one angkatan's Latsar, registered as training.WorkflowName.
func Training(ctx workflow.Context, in training.RunInput) (training.RunState, error) {
	def := in.Definition
	if err := def.Validate(); err != nil {
		return training.RunState{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidTrainingInput", err)
	}
	r := &trun{ctx: ctx, in: in, def: &def}
	acts := def.Activities()
	if in.Resume != nil {
		r.s = in.Resume
		r.s.Runs++
		r.s.Updates = 0
	} else {
		now := workflow.Now(ctx)
		r.s = &training.RunState{ID: in.ID, CaseID: in.CaseID, Title: in.Title, Group: in.Group, Batch: in.Batch,
			Definition: def.Label(), State: "running", StartedAt: now, Runs: 1}
		for _, m := range in.Members {
			r.s.People = append(r.s.People, training.PersonState{Member: m})
		}
		at := now
		for _, a := range acts {
			due := at.AddDate(0, 0, a.Days)
			r.s.Schedule = append(r.s.Schedule, training.Window{Activity: a.ID, Opens: at, Due: due})
			at = due
		}
	}
	if err := r.register(); err != nil {
		return *r.s, err
	}
	r.started = in.Resume != nil
	if in.Resume == nil {
		start := in
		if err := r.record(r.ctx, []training.Event{{Kind: training.Started, Start: &start}}, r.summons()); err != nil {
			return *r.s, err
		}
		r.started = true
		if err := r.open(0); err != nil {
			return *r.s, err
		}
	}
	for r.s.Open < len(acts) {
		if err := r.await(acts[r.s.Open]); err != nil {
			return *r.s, err
		}
		if err := r.close(acts[r.s.Open]); err != nil {
			return *r.s, err
		}
		r.s.Open++
		if r.s.Open < len(acts) {
			if err := r.open(r.s.Open); err != nil {
				return *r.s, err
			}
		}
		if r.s.Open < len(acts) && (r.s.Updates >= trainingUpdatesPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested()) {
			if err := r.settle(); err != nil {
				return *r.s, err
			}
			next := in
			next.Resume = r.s
			return *r.s, workflow.NewContinueAsNewError(ctx, training.WorkflowName, next)
		}
	}
	if err := r.finish(); err != nil {
		return *r.s, err
	}
	return *r.s, r.settle()
}

// settle waits for the handlers' answers and writes before the run closes or continues.
func (r *trun) settle() error {
	return workflow.Await(r.ctx, func() bool { return workflow.AllHandlersFinished(r.ctx) && r.writing == 0 })
}

// record writes events and notices through the same activity path as a case's transitions.
func (r *trun) record(ctx workflow.Context, events []training.Event, notices []training.Notice) error {
	r.writing++
	defer func() { r.writing-- }()
	if events[0].Kind != training.Started {
		if err := workflow.Await(ctx, func() bool { return r.started }); err != nil {
			return err
		}
	}
	now := workflow.Now(ctx)
	for i := range events {
		r.s.Seq++
		events[i].RunID, events[i].At, events[i].Seq = r.s.ID, now, r.s.Seq
	}
	t := training.Transition{Events: events, Notices: notices}
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	lctx := workflow.WithLocalActivityOptions(ctx, localRecord)
	err := workflow.ExecuteLocalActivity(lctx, training.ActivityRecord, t).Get(lctx, nil)
	if err != nil && !unrecordableFailure(err) {
		actx := workflow.WithActivityOptions(ctx, remoteRecord)
		err = workflow.ExecuteActivity(actx, training.ActivityRecord, t).Get(actx, nil)
	}
	if err != nil {
		return fmt.Errorf("record %s of %s: %w", events[0].Kind, r.s.ID, err)
	}
	return nil
}

// open makes activity i the open one, due its days from now.
func (r *trun) open(i int) error {
	a := r.def.Activities()[i]
	now := workflow.Now(r.ctx)
	w := &r.s.Schedule[i]
	w.Opens, w.Due = now, now.AddDate(0, 0, a.Days)
	r.s.Reminded = false
	if err := r.record(r.ctx, []training.Event{{Kind: training.Opened, Window: copyWindow(w)}}, nil); err != nil {
		return err
	}
	if a.Kind == training.Announce {
		return r.announce()
	}
	return nil
}

// await holds the open activity until everyone present is recorded or it is due, reminding
// whoever is missing a reminder_days before.
func (r *trun) await(a training.Activity) error {
	w := &r.s.Schedule[r.s.Open]
	for !r.complete(a) {
		now := workflow.Now(r.ctx)
		remind := w.Due.AddDate(0, 0, -r.def.ReminderDays)
		at, reminding := w.Due, false
		if !r.s.Reminded && r.def.ReminderDays > 0 && remind.After(now) {
			at, reminding = remind, true
		}
		if a.Kind == training.Announce && r.s.RemedialDue != nil {
			at, reminding = *r.s.RemedialDue, false
		}
		if !at.After(now) {
			return nil
		}
		tctx, cancel := workflow.WithCancel(r.ctx)
		timer := workflow.NewTimer(tctx, at.Sub(now))
		if err := workflow.Await(r.ctx, func() bool { return timer.IsReady() || r.complete(a) }); err != nil {
			cancel()
			return err
		}
		fired := timer.IsReady()
		cancel()
		if !fired {
			continue
		}
		if !reminding {
			return nil
		}
		r.s.Reminded = true
		if err := r.record(r.ctx, []training.Event{{Kind: training.Reminded, Window: copyWindow(w)}}, r.reminders(a)); err != nil {
			return err
		}
	}
	return nil
}

// complete reports whether the activity needs nothing more: everyone present recorded, or, for
// the announcement, every deferred participant's remedial in.
func (r *trun) complete(a training.Activity) bool {
	if a.Kind == training.Announce {
		return r.s.RemedialDue == nil
	}
	return len(r.missing(a)) == 0
}

// missing lists the participants the activity still waits for.
func (r *trun) missing(a training.Activity) []*training.PersonState {
	var out []*training.PersonState
	for i := range r.s.People {
		p := &r.s.People[i]
		if p.Absent {
			continue
		}
		switch a.Kind {
		case training.Confirm:
			if !p.Confirmed {
				out = append(out, p)
			}
		case training.Done:
			if !p.Done[a.ID] {
				out = append(out, p)
			}
		case training.Score:
			if _, ok := p.Scores[a.Component]; !ok {
				out = append(out, p)
			}
		}
	}
	return out
}

// close ends the open activity: who was not recorded is late; who never confirmed is absent
// from the training, and their OPD is told.
func (r *trun) close(a training.Activity) error {
	w := &r.s.Schedule[r.s.Open]
	now := workflow.Now(r.ctx)
	w.Closed = &now
	ev := training.Event{Kind: training.Closed, Window: w}
	var notices []training.Notice
	for _, p := range r.missing(a) {
		w.Late = append(w.Late, p.NIP)
		if a.Kind == training.Confirm {
			p.Absent = true
			ev.Absent = append(ev.Absent, p.NIP)
		}
	}
	if len(ev.Absent) > 0 {
		notices = r.perOPD(ev.Absent, "absent", nil, func(opd string, names []string) (string, string) {
			return "Peserta Latsar tidak mengonfirmasi: " + r.s.Title,
				fmt.Sprintf("Yth. Pimpinan %s,\n\nPeserta berikut tidak mengonfirmasi keikutsertaan %s golongan %s angkatan %d sampai batasnya dan dinyatakan tidak mengikuti pelatihan:\n\n%s\n",
					opd, r.def.Name, r.s.Group, r.s.Batch, strings.Join(names, "\n"))
		})
	}
	ev.Window = copyWindow(w)
	return r.record(r.ctx, []training.Event{ev}, notices)
}

// announce computes and announces the outcomes; deferred participants get their one remedial.
func (r *trun) announce() error {
	r.s.Results = r.def.Outcomes(r.persons())
	for _, res := range r.s.Results {
		if res.Outcome == training.Deferred {
			due := workflow.Now(r.ctx).AddDate(0, 0, r.def.Evaluation.RemedialDays)
			r.s.RemedialDue = &due
			break
		}
	}
	return r.record(r.ctx, []training.Event{{Kind: training.Announced, Results: r.s.Results}}, nil)
}

func (r *trun) persons() []training.Person {
	out := make([]training.Person, len(r.s.People))
	for i, p := range r.s.People {
		out[i] = training.Person{NIP: p.NIP, Absent: p.Absent, Scores: p.Scores, Remedial: p.Remedial}
	}
	return out
}

// finish decides what the remedial left open (no remedial in time: not passed), issues the
// certificates and tells each OPD its participants return.
func (r *trun) finish() error {
	r.s.Results = r.def.Outcomes(r.persons())
	for i := range r.s.Results {
		if r.s.Results[i].Outcome == training.Deferred {
			r.s.Results[i].Outcome = training.Failed
		}
	}
	r.s.RemedialDue = nil
	if err := r.record(r.ctx, []training.Event{{Kind: training.Decided, Results: r.s.Results}}, nil); err != nil {
		return err
	}
	ctx, _ := workflow.NewDisconnectedContext(r.ctx)
	actx := workflow.WithActivityOptions(ctx, issueOptions)
	req := training.CertificateRequest{Run: *r.s, Definition: *r.def}
	if err := workflow.ExecuteActivity(actx, training.ActivityIssue, req).Get(actx, &r.s.Documents); err != nil {
		return fmt.Errorf("issue the certificates of %s: %w", r.s.ID, err)
	}
	r.s.State = "completed"
	outcome := map[string]string{}
	for _, res := range r.s.Results {
		outcome[res.NIP] = outcomeText(res)
	}
	var all []string
	for _, p := range r.s.People {
		all = append(all, p.NIP)
	}
	notices := r.perOPD(all, "return", outcome, func(opd string, names []string) (string, string) {
		return "Peserta Latsar kembali ke instansi: " + r.s.Title,
			fmt.Sprintf("Yth. Pimpinan %s,\n\n%s golongan %s angkatan %d telah selesai. Peserta dari %s kembali ke instansi asal:\n\n%s\n\nSertifikat dapat diperiksa di laman verifikasi BKPSDM.\n",
				opd, r.def.Name, r.s.Group, r.s.Batch, opd, strings.Join(names, "\n"))
	})
	return r.record(r.ctx, []training.Event{{Kind: training.Completed, Results: r.s.Results}}, notices)
}

func outcomeText(res training.Result) string {
	switch res.Outcome {
	case training.Passed:
		s := "lulus (" + res.Decided + "), STTP"
		if res.Award {
			s += " dan Piagam Penghargaan"
		}
		return s
	case training.Absent:
		return "tidak mengikuti pelatihan, Surat Keterangan"
	}
	return "tidak lulus (" + res.Decided + "), Surat Keterangan"
}

// perOPD makes one notice per OPD of the participants named, each line "name, NIP" followed by
// what notes says of them (nil: nothing more).
func (r *trun) perOPD(nips []string, why string, notes map[string]string, text func(opd string, lines []string) (string, string)) []training.Notice {
	byOPD := map[string][]string{}
	for _, nip := range nips {
		for _, p := range r.s.People {
			if p.NIP != nip {
				continue
			}
			line := fmt.Sprintf("- %s, NIP %s", p.Name, p.NIP)
			if notes[nip] != "" {
				line += ": " + notes[nip]
			}
			byOPD[p.OPD] = append(byOPD[p.OPD], line)
		}
	}
	opds := make([]string, 0, len(byOPD))
	for opd := range byOPD {
		opds = append(opds, opd)
	}
	sort.Strings(opds)
	var out []training.Notice
	for _, opd := range opds {
		subject, body := text(opd, byOPD[opd])
		out = append(out, training.Notice{OPD: opd, Subject: subject, Body: body, Key: fmt.Sprintf("%s/%s/%d/%s", r.s.ID, why, r.s.Seq, opd)})
	}
	return out
}

// summons is the call to each OPD: its participants and the schedule.
func (r *trun) summons() []training.Notice {
	var plan []string
	for i, a := range r.def.Activities() {
		w := r.s.Schedule[i]
		plan = append(plan, fmt.Sprintf("- %s: %s s.d. %s", a.Name, r.witaDate(w.Opens), r.witaDate(w.Due)))
	}
	var all []string
	for _, p := range r.s.People {
		all = append(all, p.NIP)
	}
	return r.perOPD(all, "summons", nil, func(opd string, names []string) (string, string) {
		return fmt.Sprintf("Pemanggilan peserta %s golongan %s angkatan %d", r.def.Name, r.s.Group, r.s.Batch),
			fmt.Sprintf("Yth. Pimpinan %s,\n\nBerdasarkan %s, peserta berikut dipanggil mengikuti %s golongan %s angkatan %d:\n\n%s\n\nJadwal (paling lambat):\n%s\n\nSetiap peserta mengonfirmasi keikutsertaan dan mengisi formulir registrasi sebelum %s.\n",
				opd, r.s.Title, r.def.Name, r.s.Group, r.s.Batch, strings.Join(names, "\n"), strings.Join(plan, "\n"), r.witaDate(r.s.Schedule[0].Due))
	})
}

// reminders go to whoever still has to record the activity: the participants through their OPD,
// or the organiser.
func (r *trun) reminders(a training.Activity) []training.Notice {
	var nips []string
	for _, p := range r.missing(a) {
		nips = append(nips, p.NIP)
	}
	if a.By == training.Organiser {
		return []training.Notice{{Subject: "Pengingat: " + a.Name + " " + r.s.Title, Key: fmt.Sprintf("%s/remind/%d", r.s.ID, r.s.Seq),
			Body: fmt.Sprintf("%s untuk golongan %s angkatan %d ditutup %s; %d peserta belum tercatat.", a.Name, r.s.Group, r.s.Batch,
				r.witaDate(r.s.Schedule[r.s.Open].Due), len(nips))}}
	}
	return r.perOPD(nips, "remind", nil, func(opd string, names []string) (string, string) {
		return "Pengingat: " + a.Name,
			fmt.Sprintf("Yth. Pimpinan %s,\n\nPeserta berikut belum menyelesaikan \"%s\" yang ditutup %s:\n\n%s\n", opd, a.Name,
				r.witaDate(r.s.Schedule[r.s.Open].Due), strings.Join(names, "\n"))
	})
}

// trainingZone is where the training's dates are read: the participants' WITA.
var trainingZone = time.FixedZone("WITA", 8*3600)

// witaDate is an instant in a notice, as Indonesians write it since the change that says so.
func (r *trun) witaDate(t time.Time) string {
	if workflow.GetVersion(r.ctx, changeIndonesianDates, workflow.DefaultVersion, 1) == 1 {
		return idfmt.DateTime(t.In(trainingZone))
	}
	return t.In(trainingZone).Format("02-01-2006 15:04 WITA")
}

func copyWindow(w *training.Window) *training.Window {
	c := *w
	c.Late = append([]string(nil), w.Late...)
	return &c
}
