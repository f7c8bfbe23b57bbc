package reporters

import (
	"encoding/json"
	"io"

	"audit/checks"
)

// JSON writes the report as the JSON document DESIGN.md specifies, indented,
// with a trailing newline. Every other format derives from the same report.
type JSON struct{}

var _ Reporter = JSON{}

// Write implements Reporter.
func (JSON) Write(w io.Writer, r checks.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // messages are read by people and tools, not embedded in HTML
	return enc.Encode(r)
}
