package report

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/skflow/skflow/i18n"
)

// Formats are the report's written forms, by name, for the CLI's --format and the web's
// exports: each writes rows as they come.
var Formats = map[string]func(w io.Writer, loc *time.Location, p *i18n.Printer) Sink{
	"json":  func(w io.Writer, _ *time.Location, _ *i18n.Printer) Sink { return NewJSON(w) },
	"csv":   NewCSV,
	"xlsx":  NewXLSX,
	"table": NewTable,
}

// WriteTo hands a report held in memory to sink.
func (r Report) WriteTo(sink Sink) error {
	for _, x := range r.Rows {
		if err := sink.Row(x); err != nil {
			return err
		}
	}
	for _, t := range r.Totals {
		if err := sink.Total(t); err != nil {
			return err
		}
	}
	return sink.Close()
}

// jsonSink writes {"steps": [...], "cases": [...]}, one element per line.
type jsonSink struct {
	w      io.Writer
	rows   int // rows written; -1 once the steps are closed
	totals int
}

// NewJSON writes the report as one JSON document with the steps and then the cases.
func NewJSON(w io.Writer) Sink { return &jsonSink{w: w} }

func (j *jsonSink) element(open string, n int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("report JSON: %w", err)
	}
	sep := ",\n    "
	if n == 0 {
		sep = open + "\n    "
	}
	_, err = io.WriteString(j.w, sep+string(b))
	return err
}

func (j *jsonSink) Row(x Row) error {
	err := j.element(`{"steps": [`, j.rows, x)
	j.rows++
	return err
}

// endSteps closes the steps' array, opening it first if no row came.
func (j *jsonSink) endSteps() error {
	if j.rows < 0 {
		return nil
	}
	head := ""
	if j.rows == 0 {
		head = `{"steps": [`
	}
	j.rows = -1
	_, err := io.WriteString(j.w, head+"\n  ],\n  ")
	return err
}

func (j *jsonSink) Total(t Total) error {
	if err := j.endSteps(); err != nil {
		return err
	}
	err := j.element(`"cases": [`, j.totals, t)
	j.totals++
	return err
}

func (j *jsonSink) Close() error {
	if err := j.endSteps(); err != nil {
		return err
	}
	tail := "\n  ]\n}\n"
	if j.totals == 0 {
		tail = `"cases": [` + tail
	}
	_, err := io.WriteString(j.w, tail)
	return err
}

// csvSink writes the step rows; the totals are the JSON's and the table's.
type csvSink struct {
	cw   *csv.Writer
	w    io.Writer
	loc  *time.Location
	p    *i18n.Printer
	head bool
}

// NewCSV writes the step rows as CSV for a spreadsheet set to Indonesian: a byte-order mark,
// semicolons between cells, headers in p's language. Text a spreadsheet would run as a formula
// is prefixed with a quote.
func NewCSV(w io.Writer, loc *time.Location, p *i18n.Printer) Sink {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	return &csvSink{cw: cw, w: w, loc: loc, p: p}
}

func (c *csvSink) header() error {
	if c.head {
		return nil
	}
	c.head = true
	if _, err := io.WriteString(c.w, "\ufeff"); err != nil {
		return err
	}
	return c.cw.Write(Headers(c.p, c.loc))
}

func (c *csvSink) Row(x Row) error {
	if err := c.header(); err != nil {
		return err
	}
	return c.cw.Write(x.cells(c.loc, c.p))
}

func (c *csvSink) Total(Total) error { return nil }

func (c *csvSink) Close() error {
	if err := c.header(); err != nil {
		return err
	}
	c.cw.Flush()
	return c.cw.Error()
}

// xlsxSink writes the step rows into a workbook through excelize's stream writer, which keeps
// rows on disk past a few megabytes instead of in memory.
type xlsxSink struct {
	w   io.Writer
	loc *time.Location
	p   *i18n.Printer
	f   *excelize.File
	sw  *excelize.StreamWriter
	n   int // rows written, the header included
	err error
}

// NewXLSX writes the step rows as an XLSX workbook, numbers as numbers.
func NewXLSX(w io.Writer, loc *time.Location, p *i18n.Printer) Sink {
	x := &xlsxSink{w: w, loc: loc, p: p, f: excelize.NewFile()}
	sheet := p.T("report.sheet")
	if x.err = x.f.SetSheetName("Sheet1", sheet); x.err == nil {
		x.sw, x.err = x.f.NewStreamWriter(sheet)
	}
	if x.err == nil {
		headers := Headers(p, loc)
		head := make([]any, len(headers))
		for i, h := range headers {
			head[i] = h
		}
		x.err = x.row(head)
	}
	return x
}

func (x *xlsxSink) row(cells []any) error {
	x.n++
	cell, err := excelize.CoordinatesToCellName(1, x.n)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, cells)
}

// numeric are the columns written as numbers: step, attempt, working and standard minutes.
var numeric = map[int]bool{1: true, 2: true, 6: true, 7: true}

func (x *xlsxSink) Row(r Row) error {
	if x.err != nil {
		return x.err
	}
	cells := r.cells(x.loc, x.p)
	row := make([]any, len(cells))
	for j, c := range cells {
		row[j] = c
		if n, err := strconv.Atoi(c); err == nil && numeric[j] {
			row[j] = n
		}
	}
	return x.row(row)
}

func (x *xlsxSink) Total(Total) error { return nil }

// Close writes the workbook and removes the stream writer's temporary files.
func (x *xlsxSink) Close() error {
	err := x.err
	if err == nil {
		err = x.sw.Flush()
	}
	if err == nil {
		_, err = x.f.WriteTo(x.w)
	}
	return errors.Join(err, x.f.Close())
}

// tableSink writes aligned text, a block of lines at a time: columns line up within a block,
// and a long report is never held whole.
type tableSink struct {
	tw     *tabwriter.Writer
	loc    *time.Location
	p      *i18n.Printer
	lines  int
	steps  bool // the steps' heading is written
	totals bool // the totals' heading is written
}

// tableBlock is how many lines are aligned together.
const tableBlock = 1000

// NewTable writes the steps and the case totals as aligned text in p's language, times in loc.
func NewTable(w io.Writer, loc *time.Location, p *i18n.Printer) Sink {
	return &tableSink{tw: tabwriter.NewWriter(w, 2, 4, 2, ' ', 0), loc: loc, p: p}
}

// headings writes the steps' heading, and with totals the totals' heading after a blank line,
// where they are not written yet.
func (t *tableSink) headings(totals bool) {
	if !t.steps {
		t.steps = true
		fmt.Fprintln(t.tw, t.p.T("report.table.steps"))
	}
	if totals && !t.totals {
		t.totals = true
		fmt.Fprintln(t.tw)
		fmt.Fprintln(t.tw, t.p.T("report.table.totals"))
	}
}

func (t *tableSink) line(format string, a ...any) error {
	fmt.Fprintf(t.tw, format, a...)
	if t.lines++; t.lines%tableBlock == 0 {
		return t.tw.Flush()
	}
	return nil
}

func (t *tableSink) Row(x Row) error {
	t.headings(false)
	return t.line("%s\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", x.CaseID, x.Step, x.Attempt, x.Role,
		x.OpenedAt.In(t.loc).Format("02-01 15:04"), when(x.DecidedAt, t.loc), x.WorkingMinutes, standard(x.StandardMinutes),
		YesNo(t.p, x.Late), t.p.Label(x.Decision))
}

func (t *tableSink) Total(c Total) error {
	t.headings(true)
	return t.line("%s\t%s\t%s\t%d\t%s\t%d\t%d\t%s\n", c.CaseID, t.p.Label(c.State), t.p.Decimal(c.DaysUsed, 1), c.DeadlineDays,
		YesNo(t.p, c.WithinDeadline), c.Returns, c.LateSteps, c.Title)
}

func (t *tableSink) Close() error {
	t.headings(true)
	return t.tw.Flush()
}
