package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/report"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

const (
	laneH   = 56
	laneW   = 175 // the role names column
	stepW   = 64
	boxW    = 48
	boxH    = 30
	topPad  = 36
	leftPad = 8
)

// flow is the SOP drawn for a case: the swimlane for a wide screen, and the same steps as a
// vertical list for a phone, each opened by a tap (a phone has no hover for the details).
type flow struct {
	SVG   template.HTML
	Steps []flowStep
}

// flowStep is a step with its state on the case: "done", "open" or "".
type flowStep struct {
	sop.Step
	State string
}

func newFlow(p *i18n.Printer, def *sop.Definition, open *int, tasks []store.Task) flow {
	done := map[int]bool{}
	for _, t := range tasks {
		if t.DecidedAt != nil {
			done[t.Step] = true
		}
	}
	f := flow{}
	for _, s := range def.Steps {
		st := ""
		switch {
		case open != nil && *open == s.Number:
			st = "open"
		case done[s.Number]:
			st = "done"
		}
		f.Steps = append(f.Steps, flowStep{Step: s, State: st})
	}
	f.SVG = swimlane(p, def, f.Steps)
	return f
}

// swimlane draws the SOP as lanes (one per role) with a box per step, arrows in step order,
// dashed arrows for returns, decided steps shaded and the open step marked.
func swimlane(p *i18n.Printer, def *sop.Definition, steps []flowStep) template.HTML {
	lane := map[string]int{}
	for i, r := range def.Roles {
		lane[r.ID] = i
	}
	width := laneW + len(def.Steps)*stepW + 2*leftPad
	height := topPad + len(def.Roles)*laneH + 10
	center := func(i int, role string) (int, int) {
		return laneW + leftPad + i*stepW + stepW/2, topPad + lane[role]*laneH + laneH/2
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="swimlane" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		width, height, html.EscapeString(p.T("web.svg.sop", def.Name)))
	b.WriteString(`<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#444"/></marker>` +
		`<marker id="ret" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#b3261e"/></marker></defs>`)
	for i, r := range def.Roles {
		y := topPad + i*laneH
		fill := "#f7f7f4"
		if i%2 == 1 {
			fill = "#efefe9"
		}
		fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="%d" fill="%s"/>`, y, width, laneH, fill)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="lane">%s</text>`, leftPad, y+laneH/2+4, html.EscapeString(shorten(r.Name, 24)))
	}
	for i, s := range def.Steps {
		x, y := center(i, s.Role)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="num">%d</text>`, x, topPad-10, s.Number)
		if i+1 < len(def.Steps) {
			nx, ny := center(i+1, def.Steps[i+1].Role)
			fmt.Fprintf(&b, `<path d="M%d,%d H%d V%d H%d" fill="none" stroke="#444" marker-end="url(#arr)"/>`,
				x+boxW/2, y, x+stepW/2, ny, nx-boxW/2)
		}
		if s.CanReturn() {
			if j, ok := def.Index(s.ReturnTo); ok {
				tx, ty := center(j, def.Steps[j].Role)
				fmt.Fprintf(&b, `<path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="#b3261e" stroke-dasharray="4 3" marker-end="url(#ret)"><title>%s</title></path>`,
					x, y+boxH/2, x, y+boxH/2+22, tx, ty+boxH/2+22, tx, ty+boxH/2, html.EscapeString(p.T("web.svg.returned_to", s.ReturnTo)))
			}
		}
	}
	for i, s := range steps {
		x, y := center(i, s.Role)
		class := strings.TrimSpace("step " + s.State)
		fmt.Fprintf(&b, `<g class="%s"><rect x="%d" y="%d" width="%d" height="%d" rx="5"/><text x="%d" y="%d">%d</text><title>%s</title></g>`,
			class, x-boxW/2, y-boxH/2, boxW, boxH, x, y+5, s.Number, html.EscapeString(p.T("web.svg.step", s.Number, s.Action, minutesText(p, s.Step))))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped above
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func minutesText(p *i18n.Printer, s sop.Step) string {
	if !s.HasStandard() {
		return p.T("web.svg.no_standard")
	}
	return p.T("web.svg.standard", s.StandardMinutes())
}

// barChart draws, per step, the median working minutes beside the mutu baku.
func barChart(p *i18n.Printer, steps []report.Stat) template.HTML {
	if len(steps) == 0 {
		return ""
	}
	top := 1
	for _, s := range steps {
		top = max(top, s.Median, s.P90)
		if s.Standard != nil {
			top = max(top, *s.Standard)
		}
	}
	const h, groupW, pad = 180, 44, 40
	// A fixed minimum width keeps a report with few steps at its natural size.
	width := max(pad+len(steps)*groupW+10, 720)
	scale := func(v int) int { return v * h / top }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, width, h+40,
		html.EscapeString(p.T("web.chart.label")))
	fmt.Fprintf(&b, `<line x1="%d" y1="10" x2="%d" y2="%d" stroke="#888"/><text x="2" y="16" class="axis">%d</text><text x="2" y="%d" class="axis">0</text>`,
		pad-4, pad-4, h+10, top, h+10)
	for i, s := range steps {
		x := pad + i*groupW
		actual := scale(s.Median)
		late := s.Standard != nil && s.Median > *s.Standard
		class := "actual"
		if late {
			class = "actual late"
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="16" height="%d"><title>%s</title></rect>`,
			class, x, h+10-actual, actual, html.EscapeString(p.T("web.chart.median", s.Step, s.Median)))
		if s.Standard != nil {
			std := scale(*s.Standard)
			fmt.Fprintf(&b, `<rect class="standard" x="%d" y="%d" width="16" height="%d"><title>%s</title></rect>`,
				x+18, h+10-std, std, html.EscapeString(p.T("web.chart.standard", s.Step, *s.Standard)))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="axis">%d</text>`, x+8, h+26, s.Step)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers only, and escaped text
}
