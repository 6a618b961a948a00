package workflows

import (
	"fmt"
	"strings"

	"github.com/skflow/skflow/textcheck"
	"github.com/skflow/skflow/training"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

func (r *trun) register() error {
	if err := workflow.SetQueryHandler(r.ctx, training.QueryStatus, func() (training.RunState, error) { return *r.s, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(r.ctx, training.UpdateConfirm, r.confirm,
		workflow.UpdateHandlerOptions{Validator: r.validateConfirm}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(r.ctx, training.UpdateRecord, r.recordActivity,
		workflow.UpdateHandlerOptions{Validator: r.validateRecord}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(r.ctx, training.UpdateRemedial, r.remedial,
		workflow.UpdateHandlerOptions{Validator: r.validateRemedial})
}

func treject(kind, format string, a ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, a...), kind)
}

func (r *trun) person(nip string) *training.PersonState {
	for i := range r.s.People {
		if r.s.People[i].NIP == nip {
			return &r.s.People[i]
		}
	}
	return nil
}

func (r *trun) openActivity() (training.Activity, bool) {
	acts := r.def.Activities()
	if r.s.State != "running" || r.s.Open >= len(acts) {
		return training.Activity{}, false
	}
	return acts[r.s.Open], true
}

func (r *trun) validateConfirm(_ workflow.Context, c training.Confirmation) error {
	a, ok := r.openActivity()
	p := r.person(c.NIP)
	switch {
	case p == nil:
		return treject(training.RejectNotMember, "NIP %s bukan peserta %s", textcheck.Clean(c.NIP, textcheck.IDMax), r.s.ID)
	case !ok || a.Kind != training.Confirm:
		return treject(training.RejectNotOpen, "konfirmasi keikutsertaan sudah ditutup")
	}
	for _, f := range training.FormFields {
		if strings.TrimSpace(c.Form[f]) == "" {
			return treject(training.RejectBadEntry, "formulir registrasi: %s wajib diisi", f)
		}
		if err := textcheck.Line(f, c.Form[f], textcheck.NameMax); err != nil {
			return treject(training.RejectBadEntry, "formulir registrasi: %v", err)
		}
	}
	if len(c.Form) != len(training.FormFields) {
		return treject(training.RejectBadEntry, "formulir registrasi hanya berisi %s", strings.Join(training.FormFields, ", "))
	}
	return nil
}

func (r *trun) confirm(ctx workflow.Context, c training.Confirmation) (training.RunState, error) {
	p := r.person(c.NIP)
	p.Confirmed, p.Form = true, c.Form
	r.s.Updates++
	return *r.s, r.record(ctx, []training.Event{{Kind: training.Confirmed, By: c.NIP, Confirm: &c}}, nil)
}

// validateRecord takes an activity's entries before the announcement: the organiser's for any
// activity, a participant's only for their own, in an activity participants record.
func (r *trun) validateRecord(_ workflow.Context, rec training.Recording) error {
	a, ok := r.def.Activity(rec.Activity)
	switch {
	case !ok:
		return treject(training.RejectBadEntry, "kegiatan %q tidak ada", textcheck.Clean(rec.Activity, textcheck.IDMax))
	case a.Kind != training.Done && a.Kind != training.Score:
		return treject(training.RejectBadEntry, "%s tidak dicatat per peserta", a.Name)
	case r.s.State != "running" || r.s.Results != nil:
		return treject(training.RejectClosed, "hasil %s sudah diumumkan; nilai tidak diubah lagi", r.s.ID)
	case textcheck.Line("dicatat oleh", rec.By, textcheck.IDMax) != nil || strings.TrimSpace(rec.By) == "":
		return treject(training.RejectBadEntry, "pencatatan harus menyebut siapa yang mencatat")
	case len(rec.Entries) == 0 || len(rec.Entries) > len(r.s.People):
		return treject(training.RejectBadEntry, "pencatatan %s berisi %d peserta", a.Name, len(rec.Entries))
	case rec.Role != training.Organiser && rec.Role != training.Participant:
		return treject(training.RejectNotAllowed, "hanya penyelenggara atau peserta yang mencatat")
	case rec.Role == training.Participant && a.By != training.Participant:
		return treject(training.RejectNotAllowed, "%s dicatat oleh penyelenggara", a.Name)
	}
	for _, e := range rec.Entries {
		p := r.person(e.NIP)
		switch {
		case p == nil:
			return treject(training.RejectNotMember, "NIP %s bukan peserta %s", textcheck.Clean(e.NIP, textcheck.IDMax), r.s.ID)
		case p.Absent:
			return treject(training.RejectBadEntry, "%s tidak mengikuti pelatihan", p.Name)
		case rec.Role == training.Participant && e.NIP != rec.By:
			return treject(training.RejectNotAllowed, "peserta hanya mencatat kegiatannya sendiri")
		case a.Kind == training.Score && (e.Score == nil || *e.Score < 0 || *e.Score > 100):
			return treject(training.RejectBadEntry, "nilai %s untuk %s harus 0 sampai 100", a.Name, p.Name)
		case a.Kind == training.Done && (!e.Done || e.Score != nil):
			return treject(training.RejectBadEntry, "%s dicatat sebagai selesai, tanpa nilai", a.Name)
		}
	}
	return nil
}

func (r *trun) recordActivity(ctx workflow.Context, rec training.Recording) (training.RunState, error) {
	a, _ := r.def.Activity(rec.Activity)
	for _, e := range rec.Entries {
		p := r.person(e.NIP)
		if a.Kind == training.Score {
			if p.Scores == nil {
				p.Scores = map[string]float64{}
			}
			p.Scores[a.Component] = *e.Score
		} else {
			if p.Done == nil {
				p.Done = map[string]bool{}
			}
			p.Done[a.ID] = true
		}
	}
	r.s.Updates++
	return *r.s, r.record(ctx, []training.Event{{Kind: training.Recorded, By: rec.By, Record: &rec}}, nil)
}

func (r *trun) validateRemedial(ctx workflow.Context, rs training.RemedialScore) error {
	var res *training.Result
	for i := range r.s.Results {
		if r.s.Results[i].NIP == rs.NIP {
			res = &r.s.Results[i]
		}
	}
	p := r.person(rs.NIP)
	switch {
	case r.s.RemedialDue == nil || !workflow.Now(ctx).Before(*r.s.RemedialDue):
		return treject(training.RejectClosed, "tidak ada remedial yang terbuka pada %s", r.s.ID)
	case res == nil || res.Outcome != training.Deferred || p.Remedial != nil:
		return treject(training.RejectNotAllowed, "NIP %s tidak ditunda kelulusannya, atau sudah menempuh remedialnya", textcheck.Clean(rs.NIP, textcheck.IDMax))
	case rs.Score < 0 || rs.Score > 100:
		return treject(training.RejectBadEntry, "nilai remedial harus 0 sampai 100")
	case strings.TrimSpace(rs.By) == "" || textcheck.Line("dicatat oleh", rs.By, textcheck.IDMax) != nil:
		return treject(training.RejectBadEntry, "remedial harus menyebut siapa yang mencatat")
	}
	return nil
}

func (r *trun) remedial(ctx workflow.Context, rs training.RemedialScore) (training.RunState, error) {
	score := rs.Score
	r.person(rs.NIP).Remedial = &score
	r.s.Results = r.def.Outcomes(r.persons())
	still := false
	for _, res := range r.s.Results {
		still = still || res.Outcome == training.Deferred
	}
	if !still {
		r.s.RemedialDue = nil // the window's work is done; the run goes on to the certificates
	}
	r.s.Updates++
	return *r.s, r.record(ctx, []training.Event{{Kind: training.Remedialed, By: rs.By, Remedial: &rs}}, nil)
}
