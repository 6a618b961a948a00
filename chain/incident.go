package chain

import (
	"time"

	"github.com/skflow/skflow/textcheck"
)

// Incident is what the workflow records instead of a transition the store cannot take. When
// the database refused the transition's data, the transition is kept with every text cleaned
// of what could be refused (control characters, invalid UTF-8, excess length), so the records
// still follow the case; when it named rows that do not exist, only the incident is written.
func (t Transition) Incident(at time.Time, cause string, dataRejected bool) Transition {
	first := t.Events[0]
	inc := Event{CaseID: first.CaseID, Kind: Incident, At: at, Task: first.Task, Failed: first.Kind, By: "system",
		Reason: textcheck.Clean(cause, 500)}
	if !dataRejected {
		return Transition{Events: []Event{inc}}
	}
	out := Transition{}
	for _, e := range t.Events {
		out.Events = append(out.Events, e.cleaned())
	}
	out.Events = append(out.Events, inc)
	for _, n := range t.Notices {
		n.Subject, n.Body = clean(n.Subject), clean(n.Body)
		out.Notices = append(out.Notices, n)
	}
	return out
}

func (e Event) cleaned() Event {
	e.Reason, e.By = clean(e.Reason), clean(e.By)
	if e.Case != nil {
		c := *e.Case
		c.Title = textcheck.Clean(c.Title, textcheck.TitleMax)
		e.Case = &c
	}
	if e.Decision != nil {
		d := *e.Decision
		d.Reason = clean(d.Reason)
		d.Actor = Actor{NIP: textcheck.Clean(d.Actor.NIP, textcheck.IDMax), Name: clean(d.Actor.Name),
			Role: textcheck.Clean(d.Actor.Role, textcheck.IDMax), OnBehalfOf: clean(d.Actor.OnBehalfOf),
			Appointment: textcheck.Clean(d.Actor.Appointment, textcheck.IDMax)}
		d.UpdateID = textcheck.Clean(d.UpdateID, 200)
		d.Document = textcheck.Clean(d.Document, textcheck.IDMax)
		e.Decision = &d
	}
	return e
}

func clean(s string) string { return textcheck.Clean(s, textcheck.ReasonMax) }
