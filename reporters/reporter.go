// Package reporters writes a checks.Report in the formats users read: a
// terminal table, JSON, SARIF for code scanning, JUnit XML for CI test
// reports, and Markdown for pull requests and job summaries. Reporters only present; they never decide a status.
package reporters

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"audit/checks"
)

// Reporter writes a report in one format.
type Reporter interface {
	Write(w io.Writer, r checks.Report) error
}

// Options tune presentation.
type Options struct {
	// Color enables ANSI colours in the table (only on a terminal, never with NO_COLOR).
	Color bool
	// Width is the terminal's width, 0 when the output is not a terminal.
	Width int
	// Version is audit's version, written where a format records the tool.
	Version string
}

var formats = map[string]func(Options) Reporter{
	"table":    func(o Options) Reporter { return &Table{Color: o.Color, Width: o.Width} },
	"json":     func(Options) Reporter { return JSON{} },
	"sarif":    func(o Options) Reporter { return SARIF{Version: o.Version} },
	"junit":    func(Options) Reporter { return JUnit{} },
	"markdown": func(Options) Reporter { return Markdown{} },
}

// Formats returns the names of the supported formats, sorted.
func Formats() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// New returns the reporter for a format name.
func New(format string, o Options) (Reporter, error) {
	mk, ok := formats[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
	}
	return mk(o), nil
}
