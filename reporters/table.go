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
	fmt.Fprintf(ew, "%d pass, %d fail, %d error, %d not applicable, %d manual, %d waived",
		s.Pass, s.Fail, s.Error, s.NotApplicable, s.Manual, s.Waived)
	unreachable := 0
	for _, t := range r.Targets {
		if t.Error != "" {
			unreachable++
		}
	}
	if unreachable > 0 {
		fmt.Fprintf(ew, "; %d target(s) could not be audited", unreachable)
	}
	fmt.Fprintln(ew)
	return ew.err
}

func (t *Table) writeTarget(w *errWriter, target checks.TargetReport) error {
	fmt.Fprintf(w, "%s %s\n", target.Kind, Printable(target.Name))
	if target.Error != "" {
		fmt.Fprintf(w, "%s: %s\n", t.status(checks.StatusError), Printable(target.Error))
	}
	defer func() {
		for _, note := range target.Warnings {
			fmt.Fprintf(w, "note: %s\n", Printable(note))
		}
	}()
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
	widths := t.columnWidths(rows)
	if locWidth, ok := widths.OK(1); ok {
		for _, row := range rows {
			row[1] = wrapPath(row[1], locWidth-2)
		}
	}
	findings := tablewriter.NewTable(w, append(tableOptions(),
		tablewriter.WithColumnWidths(widths))...)
	findings.Header(findingsHeader[0], findingsHeader[1], findingsHeader[2], findingsHeader[3])
	for _, row := range rows {
		if err := findings.Append(row); err != nil {
			return err
		}
	}
	return findings.Render()
}

// findingsHeader heads the findings table.
var findingsHeader = [4]string{"ID", "Location", "Commit", "Finding"}

// columnWidths sizes the findings table to the terminal: the ID and commit
// columns keep their width, and what is left goes to the message, with the
// location (a long path) shrunk to at most two fifths of it when both do
// not fit. Widths include the cells' padding.
func (t *Table) columnWidths(rows [][]string) tw.Mapper[int, int] {
	width := t.Width
	if width <= 0 {
		width = defaultWidth
	}
	var longest [4]int
	for col, header := range findingsHeader {
		longest[col] = twwidth.Width(header) + 2
	}
	for col := range 4 {
		for _, row := range rows {
			longest[col] = max(longest[col], twwidth.Width(row[col])+2)
		}
	}
	// Borders: one before each column and one after the last.
	room := width - 5 - longest[0] - longest[2]
	loc, msg := longest[1], longest[3]
	if loc+msg > room {
		loc = max(min(loc, room*2/5), 14)
		msg = max(room-loc, 32)
	}
	return tw.NewMapper[int, int]().Set(1, loc).Set(3, min(msg, longest[3]))
}

// wrapPath breaks a path into lines of at most width columns, after a
// slash where it can: the table would cut a long word, and a path must be
// read whole.
func wrapPath(p string, width int) string {
	if width < 8 || twwidth.Width(p) <= width {
		return p
	}
	var lines []string
	line := ""
	for _, part := range strings.SplitAfter(p, "/") {
		for twwidth.Width(part) > width { // a segment longer than a line
			if line != "" {
				lines, line = append(lines, line), ""
			}
			r := []rune(part)
			n := min(len(r), width)
			lines, part = append(lines, string(r[:n])), string(r[n:])
		}
		if twwidth.Width(line+part) > width {
			lines, line = append(lines, line), ""
		}
		line += part
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
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
	n   int // bytes written
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.n += n
	e.err = err
	return n, err
}
