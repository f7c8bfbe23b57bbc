package reporters

import (
	"fmt"
	"io"
	"strings"

	"audit/checks"
)

// Markdown writes a summary fit for a pull-request comment or a CI job
// summary page: a headline with the counts, one table per target, and the
// findings of each failure or error in a collapsible block. Text from the
// target is escaped so it cannot break the tables or inject HTML.
type Markdown struct{}

var _ Reporter = Markdown{}

var statusIcon = map[checks.Status]string{
	checks.StatusPass:          "✅ pass",
	checks.StatusFail:          "❌ fail",
	checks.StatusError:         "⚠️ error",
	checks.StatusNotApplicable: "➖ n/a",
	checks.StatusManual:        "📝 manual",
	checks.StatusWaived:        "💤 waived",
}

// maxMarkdownFindings bounds the findings listed per item (GitHub caps a
// comment at 65,536 characters); the JSON report has them all.
const maxMarkdownFindings = 50

// maxMarkdownBytes is where findings stop being listed, leaving room for the
// rest of the document under GitHub's 65,536-character comment limit.
const maxMarkdownBytes = 55000

// Write implements Reporter.
func (Markdown) Write(w io.Writer, r checks.Report) error {
	ew := &errWriter{w: w}
	s := r.Summary
	verdict := "✅ passed"
	switch {
	case s.Error > 0 || hasTargetError(r):
		verdict = "⚠️ could not check everything"
	case s.Fail > 0:
		verdict = "❌ failed"
	}
	fmt.Fprintf(ew, "## audit: %s\n\n", verdict)
	fmt.Fprintf(ew, "%d pass · %d fail · %d error · %d not applicable · %d manual · %d waived\n",
		s.Pass, s.Fail, s.Error, s.NotApplicable, s.Manual, s.Waived)
	for _, t := range r.Targets {
		fmt.Fprintf(ew, "\n### %s %s\n\n", t.Kind, mdCode(t.Name))
		if t.Error != "" {
			fmt.Fprintf(ew, "⚠️ **Could not be audited:** %s\n\n", mdText(t.Error))
		}
		for _, w := range t.Warnings {
			fmt.Fprintf(ew, "> **Note:** %s\n\n", mdText(w))
		}
		if len(t.Results) == 0 {
			continue
		}
		fmt.Fprintln(ew, "| Status | ID | Severity | Item | Findings |")
		fmt.Fprintln(ew, "|---|---|---|---|---|")
		for _, res := range t.Results {
			n := ""
			if res.Status == checks.StatusFail || res.Status == checks.StatusWaived {
				n = fmt.Sprint(len(res.Findings))
			}
			fmt.Fprintf(ew, "| %s | %s | %s | %s | %s |\n", statusIcon[res.Status], mdText(res.ID), res.Severity, mdText(res.Title), n)
		}
		for _, res := range t.Results {
			if res.Status != checks.StatusFail && res.Status != checks.StatusError {
				continue
			}
			it := r.Item(res)
			// The heading stays outside the HTML element: inside it, Markdown
			// escapes would show as backslashes.
			fmt.Fprintf(ew, "\n**%s** %s: %d finding(s)\n\n<details><summary>Show</summary>\n\n",
				mdText(res.ID), mdText(res.Title), len(res.Findings))
			for i, f := range res.Findings {
				line := fmt.Sprintf("- %s\n", mdFinding(f))
				if i == maxMarkdownFindings || ew.n+len(line) > maxMarkdownBytes {
					fmt.Fprintf(ew, "- … and %d more (see the JSON report)\n", len(res.Findings)-i)
					break
				}
				io.WriteString(ew, line)
			}
			if it.Remediation != "" && res.Status == checks.StatusFail {
				fmt.Fprintf(ew, "\n**How to fix:** %s\n", mdText(it.Remediation))
			}
			fmt.Fprintln(ew, "\n</details>")
		}
	}
	return ew.err
}

func hasTargetError(r checks.Report) bool {
	for _, t := range r.Targets {
		if t.Error != "" {
			return true
		}
	}
	return false
}

func mdFinding(f checks.Finding) string {
	var parts []string
	if loc := location(f); loc != "-" {
		parts = append(parts, mdCode(loc))
	}
	if f.Commit != "" {
		parts = append(parts, "commit "+mdCode(shortCommit(f.Commit)))
	}
	parts = append(parts, mdText(f.Message))
	return strings.Join(parts, " · ")
}

// mdText escapes text for a Markdown table cell or list item: no HTML, no
// emphasis or links, no table breaks, one line.
var mdEscaper = strings.NewReplacer(
	"\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
	"<", "&lt;", ">", "&gt;", "&", "&amp;", "#", "\\#", "~", "\\~", "\r", " ", "\n", " ",
)

func mdText(s string) string { return mdEscaper.Replace(Printable(s)) }

// mdCode shows s as inline code, with a fence longer than any backtick run
// inside it; pipes are replaced since no escape works inside code in tables.
func mdCode(s string) string {
	s = strings.ReplaceAll(Printable(s), "|", "¦")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}
