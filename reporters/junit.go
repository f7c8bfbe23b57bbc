package reporters

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"audit/checks"
)

// JUnit writes JUnit XML as GitLab, Jenkins and most CI systems read it:
// one testsuite per target, one testcase per checklist item, with failure
// for a fail, error for an error, and skipped for not_applicable, manual
// and waived. classname groups items by section (GitLab's "suite"
// column), name is unique within a suite, file names the first finding's
// file. Text is XML-escaped; characters XML cannot hold become U+FFFD.
type JUnit struct{}

var _ Reporter = JUnit{}

type junitSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	// No skipped total: junit-10.xsd allows skipped on testsuite only.
	Suites []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
	// SystemOut carries the target's warnings (an expired waiver).
	SystemOut string `xml:"system-out,omitempty"`
	// SystemErr carries a target-level error (an unreachable host).
	SystemErr string `xml:"system-err,omitempty"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// Write implements Reporter.
func (JUnit) Write(w io.Writer, r checks.Report) error {
	doc := junitSuites{Name: "audit"}
	for _, t := range r.Targets {
		suite := junitSuite{Name: string(t.Kind) + " " + t.Name, Time: "0"}
		if len(t.Warnings) > 0 {
			suite.SystemOut = strings.Join(t.Warnings, "\n")
		}
		if t.Error != "" {
			suite.SystemErr = t.Error
			suite.Errors++
			suite.Tests++
			suite.Cases = append(suite.Cases, junitCase{
				Name: "reach " + t.Name, Classname: "audit." + string(t.Kind), Time: "0",
				Error: &junitProblem{Message: "the target could not be audited", Type: "error", Text: t.Error},
			})
		}
		for _, res := range t.Results {
			suite.Cases = append(suite.Cases, junitCaseFor(r.Item(res), res))
			suite.Tests++
			switch res.Status {
			case checks.StatusFail:
				suite.Failures++
			case checks.StatusError:
				suite.Errors++
			case checks.StatusNotApplicable, checks.StatusManual, checks.StatusWaived:
				suite.Skipped++
			}
		}
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Errors += suite.Errors
		doc.Suites = append(doc.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitCaseFor(it checks.Item, res checks.Result) junitCase {
	c := junitCase{
		Name:      res.ID + " " + res.Title,
		Classname: "audit." + res.Section,
		Time:      "0",
	}
	if len(res.Findings) > 0 && res.Findings[0].Path != "" {
		c.File = res.Findings[0].Path
	}
	details := findingLines(res.Findings)
	switch res.Status {
	case checks.StatusFail:
		text := details
		if it.Remediation != "" {
			text += "\nHow to fix: " + it.Remediation
		}
		c.Failure = &junitProblem{Message: res.Title, Type: string(res.Severity), Text: text}
	case checks.StatusError:
		c.Error = &junitProblem{Message: "could not be checked", Type: "error", Text: details}
	case checks.StatusNotApplicable:
		c.Skipped = &junitSkipped{Message: "not applicable"}
	case checks.StatusManual:
		c.Skipped = &junitSkipped{Message: "manual: " + cmp.Or(it.Remediation, "check by hand")}
	case checks.StatusWaived:
		c.Skipped = &junitSkipped{Message: "waived: " + strings.TrimSpace(details)}
	}
	return c
}

// findingLines lists findings one per line: location, commit, message.
func findingLines(fs []checks.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		if loc := location(f); loc != "-" {
			b.WriteString(loc + ": ")
		}
		if f.Commit != "" {
			b.WriteString("commit " + shortCommit(f.Commit) + ": ")
		}
		b.WriteString(f.Message + "\n")
	}
	return b.String()
}
