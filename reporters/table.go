package reporters

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/tw"

	"audit/checks"
)

// Table writes, per target, one row per checklist item with its status, then
// a table of the findings behind each failure or error, then a summary line.
type Table struct {
	// Color enables ANSI colours for statuses.
	Color bool
	// Width is the terminal's width in columns; 0 means unknown (a file or
	// a pipe), and lines are then wrapped at defaultWidth.
	Width int
}

// defaultWidth is the table width when the output is not a terminal.
const defaultWidth = 120

var _ Reporter = (*Table)(nil)

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
)

var statusColor = map[checks.Status]string{
	checks.StatusPass:          ansiGreen,
	checks.StatusFail:          ansiBold + ansiRed,
	checks.StatusError:         ansiBold + ansiYellow,
	checks.StatusNotApplicable: ansiDim,
	checks.StatusManual:        ansiDim,
	checks.StatusWaived:        ansiDim,
}

// Write implements Reporter.
func (t *Table) Write(w io.Writer, r checks.Report) error {
	ew := &errWriter{w: w}
	for _, target := range r.Targets {
		if err := t.writeTarget(ew, target); err != nil {
			return err
		}
		fmt.Fprintln(ew)
	}
	s := r.Summary
	fmt.Fprintf(ew, "%d pass, %d fail, %d error, %d not applicable, %d manual, %d waived\n",
		s.Pass, s.Fail, s.Error, s.NotApplicable, s.Manual, s.Waived)
	return ew.err
}

func (t *Table) writeTarget(w *errWriter, target checks.TargetReport) error {
	fmt.Fprintf(w, "%s %s\n", target.Kind, Printable(target.Name))
	if target.Error != "" {
		fmt.Fprintf(w, "%s: %s\n", t.status(checks.StatusError), Printable(target.Error))
	}
	if len(target.Results) == 0 {
		return w.err
	}
	items := tablewriter.NewTable(w, tableOptions()...)
	items.Header("ID", "Severity", "Status", "Title", "Findings")
	for _, res := range target.Results {
		if err := items.Append(Printable(res.ID), Printable(string(res.Severity)), t.status(res.Status), Printable(res.Title), countCell(res)); err != nil {
			return err
		}
	}
	if err := items.Render(); err != nil {
		return err
	}
	var rows [][]string
	for _, res := range target.Results {
		if res.Status != checks.StatusFail && res.Status != checks.StatusError {
			continue
		}
		for _, f := range res.Findings {
			rows = append(rows, []string{Printable(res.ID), location(f), Printable(shortCommit(f.Commit)), Printable(f.Message)})
		}
	}
	if len(rows) == 0 {
		return w.err
	}
	fmt.Fprintln(w)
	findings := tablewriter.NewTable(w, append(tableOptions(),
		tablewriter.WithColumnWidths(tw.NewMapper[int, int]().Set(3, t.messageWidth(rows))))...)
	findings.Header("ID", "Location", "Commit", "Finding")
	for _, row := range rows {
		if err := findings.Append(row); err != nil {
			return err
		}
	}
	return findings.Render()
}

// messageWidth is the width of the findings' last column: what the
// terminal leaves after the other columns, at least 30, at most the
// longest message.
func (t *Table) messageWidth(rows [][]string) int {
	width := t.Width
	if width <= 0 {
		width = defaultWidth
	}
	used := 1 // the left border
	longest := 0
	for col := range 4 {
		w := 0
		for _, row := range rows {
			w = max(w, twwidth.Width(row[col]))
		}
		if col == 3 {
			longest = w
			continue
		}
		used += w + 3 // padding on both sides and the right border
	}
	// The width set for a column includes its padding.
	return max(min(width-used-1, longest+2), min(32, longest+2))
}

func tableOptions() []tablewriter.Option {
	return []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
	}
}

func (t *Table) status(s checks.Status) string {
	label := strings.ToUpper(strings.ReplaceAll(string(s), "_", " "))
	if s == checks.StatusNotApplicable {
		label = "N/A"
	}
	if !t.Color {
		return label
	}
	return statusColor[s] + label + ansiReset
}

func countCell(res checks.Result) string {
	if res.Status != checks.StatusFail {
		return ""
	}
	return strconv.Itoa(len(res.Findings))
}

func location(f checks.Finding) string {
	switch {
	case f.Path == "":
		return "-"
	case f.Line > 0:
		return Printable(f.Path) + ":" + strconv.Itoa(f.Line)
	}
	return Printable(f.Path)
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// Printable keeps text from the audited target (paths, messages) from
// driving the terminal: control characters and escape sequences become '?'.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// errWriter remembers the first write error so a sequence of Fprintf calls
// needs one check.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
