package reporters

// Tests of the SARIF, JUnit and Markdown reporters. Their goldens are in
// the renderers list of reporters_test.go, beside the table and JSON ones.
//
// The schemas they are validated against live in testdata/, so the tests
// do not depend on ../shared:
//   - sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 errata01 schema
//     (oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json),
//     byte-identical (TestSchemaCopies holds it to its sha256). The file
//     carries no licence header; the OASIS repository's LICENSE.md puts it
//     under the OASIS IPR policy, and OASIS work products may be copied and
//     distributed unmodified. Never edit it: replace it whole.
//   - junit-10.xsd is jenkinsci/xunit-plugin's junit-10.xsd (MIT) plus an
//     optional testcase@file attribute, as its header comment says.

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"audit/checks"
)

const (
	sarifSchemaFile   = "sarif-schema-2.1.0.json"
	sarifSchemaSHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
	sarifSchemaID     = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	junitXSDFile      = "junit-10.xsd"
)

// TestSchemaCopies keeps the SARIF schema byte-identical to the OASIS file,
// and the XSD to the shared copy but for the documented file attribute.
func TestSchemaCopies(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", sarifSchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != sarifSchemaSHA256 {
		t.Errorf("testdata/%s has sha256 %x, want %s: keep the OASIS schema byte-identical", sarifSchemaFile, sum, sarifSchemaSHA256)
	}
	// Off CI the shared folder may be missing; where it is there, compare.
	shared := filepath.Join("..", "..", "shared", "schemas")
	if orig, err := os.ReadFile(filepath.Join(shared, sarifSchemaFile)); err == nil && !bytes.Equal(orig, b) {
		t.Errorf("testdata/%s differs from %s", sarifSchemaFile, shared)
	}
	xsd, err := os.ReadFile(filepath.Join("testdata", junitXSDFile))
	if err != nil {
		t.Fatal(err)
	}
	if orig, err := os.ReadFile(filepath.Join(shared, "junit-jenkins-xunit-junit-10.xsd")); err == nil {
		// Drop our header comment and the added attribute: the rest is the original.
		got := regexp.MustCompile(`(?s)^(<\?xml[^>]*\?>\n)<!--\nCopy of .*?-->\n`).ReplaceAllString(string(xsd), "$1")
		got = strings.Replace(got, "            <xs:attribute name=\"file\" type=\"xs:string\"/>\n        </xs:complexType>\n    </xs:element>\n\n    <xs:element name=\"testsuite\">",
			"        </xs:complexType>\n    </xs:element>\n\n    <xs:element name=\"testsuite\">", 1)
		if diff := cmp.Diff(string(orig), got); diff != "" {
			t.Errorf("testdata/%s differs from the original by more than the documented file attribute (-orig +copy):\n%s", junitXSDFile, diff)
		}
	}
}

// ---------------------------------------------------------------- SARIF

var oasisSARIFSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open(filepath.Join("testdata", sarifSchemaFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchemaID, doc); err != nil {
		return nil, err
	}
	return c.Compile(sarifSchemaID)
})

// The parts of a SARIF log that GitHub reads, decoded by the tests. Pointers
// tell a missing member from an empty one.
type (
	gotSARIF struct {
		Schema  string   `json:"$schema"`
		Version string   `json:"version"`
		Runs    []gotRun `json:"runs"`
	}
	gotRun struct {
		Tool struct {
			Driver struct {
				Name    string     `json:"name"`
				Version string     `json:"version"`
				Rules   *[]gotRule `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		AutomationDetails *struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string  `json:"level"`
				Message gotText `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results    *[]gotResult   `json:"results"`
		Properties map[string]any `json:"properties"`
	}
	gotText struct {
		Text string `json:"text"`
	}
	gotRule struct {
		ID               string   `json:"id"`
		Name             string   `json:"name"`
		ShortDescription *gotText `json:"shortDescription"`
		FullDescription  *gotText `json:"fullDescription"`
		Help             *struct {
			Text     string `json:"text"`
			Markdown string `json:"markdown"`
		} `json:"help"`
		Properties struct {
			Tags             []string `json:"tags"`
			SecuritySeverity any      `json:"security-severity"`
		} `json:"properties"`
	}
	gotResult struct {
		RuleID    string  `json:"ruleId"`
		RuleIndex *int    `json:"ruleIndex"`
		Level     string  `json:"level"`
		Message   gotText `json:"message"`
		Locations []struct {
			PhysicalLocation *struct {
				ArtifactLocation *struct {
					URI string `json:"uri"`
				} `json:"artifactLocation"`
				Region *struct {
					StartLine int `json:"startLine"`
				} `json:"region"`
			} `json:"physicalLocation"`
		} `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
)

func (r gotRun) rules() []gotRule {
	if r.Tool.Driver.Rules == nil {
		return nil
	}
	return *r.Tool.Driver.Rules
}

func (r gotRun) results() []gotResult {
	if r.Results == nil {
		return nil
	}
	return *r.Results
}

// uri and line of a result's first location, which is the one GitHub shows.
func (r gotResult) uri() string {
	if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation == nil || r.Locations[0].PhysicalLocation.ArtifactLocation == nil {
		return ""
	}
	return r.Locations[0].PhysicalLocation.ArtifactLocation.URI
}

func (r gotResult) line() int {
	if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation == nil || r.Locations[0].PhysicalLocation.Region == nil {
		return 0
	}
	return r.Locations[0].PhysicalLocation.Region.StartLine
}

// GitHub code scanning's limits (shared/notes/sarif-ci.md §1.2).
const (
	ghMaxRuns           = 20
	ghMaxResultsPerRun  = 25000
	ghMaxRuleName       = 255
	ghMaxDescription    = 1024
	ghMaxTags           = 20
	ghMaxGzippedUploads = 10 << 20
)

// uriChars are the characters a URI reference may hold unencoded (RFC 3986
// unreserved, sub-delims, ':', '@', '/', and '%' for escapes).
const uriChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/%"

// relativeURIProblem says what keeps uri from being the repository-relative
// URI GitHub needs, or "" when nothing does.
func relativeURIProblem(uri string) string {
	switch {
	case uri == "":
		return "empty uri"
	case strings.HasPrefix(uri, "/"):
		return "leading '/'"
	case strings.ContainsAny(uri, " \t\r\n"):
		return "whitespace"
	}
	for _, c := range []byte(uri) {
		if !strings.ContainsRune(uriChars, rune(c)) {
			return fmt.Sprintf("unencoded %q", c)
		}
	}
	u, err := url.Parse(uri)
	switch {
	case err != nil:
		return err.Error()
	case u.Scheme != "":
		return "scheme " + strconv.Quote(u.Scheme)
	case u.Host != "" || u.User != nil:
		return "authority"
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return "dot segment " + strconv.Quote(seg) + " (it leaves the checkout)"
		}
	}
	return ""
}

// lintSARIF checks what the OASIS schema lets through and GitHub code
// scanning rejects or mishandles (shared/notes/sarif-ci.md §1): it returns
// one line per problem.
func lintSARIF(data []byte) []string {
	var log gotSARIF
	if err := json.Unmarshal(data, &log); err != nil {
		return []string{"decode: " + err.Error()}
	}
	return lintSARIFLog(data, log)
}

// lintSARIFLog is lintSARIF on a log already decoded from data.
func lintSARIFLog(data []byte, log gotSARIF) []string {
	var p []string
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if log.Schema == "" || log.Version != "2.1.0" {
		bad("$schema %q, version %q: want a schema and 2.1.0", log.Schema, log.Version)
	}
	if len(data) >= ghMaxGzippedUploads { // smaller logs gzip smaller still
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		zw.Write(data)
		zw.Close()
		if gz.Len() >= ghMaxGzippedUploads {
			bad("gzipped log is %d bytes, GitHub takes less than %d", gz.Len(), ghMaxGzippedUploads)
		}
	}
	if len(log.Runs) > ghMaxRuns {
		bad("%d runs, GitHub takes at most %d", len(log.Runs), ghMaxRuns)
	}
	categories := map[string]int{}
	for i, run := range log.Runs {
		at := fmt.Sprintf("runs[%d]", i)
		switch {
		case run.AutomationDetails == nil || run.AutomationDetails.ID == "":
			bad("%s: no automationDetails.id", at)
		default:
			if j, dup := categories[run.AutomationDetails.ID]; dup {
				bad("%s: automationDetails.id %q is runs[%d]'s too: GitHub rejects the upload", at, run.AutomationDetails.ID, j)
			}
			categories[run.AutomationDetails.ID] = i
		}
		if run.Tool.Driver.Name == "" {
			bad("%s: no tool.driver.name", at)
		}
		if run.Tool.Driver.Rules == nil {
			bad("%s: no tool.driver.rules", at)
		}
		if run.Results == nil {
			bad("%s: no results array (GitHub needs one, even empty)", at)
		}
		rules, results := run.rules(), run.results()
		if len(results) > ghMaxResultsPerRun {
			bad("%s: %d results, GitHub takes at most %d", at, len(results), ghMaxResultsPerRun)
		}
		ids := map[string]bool{}
		for j, r := range rules {
			at := fmt.Sprintf("%s.rules[%d] (%s)", at, j, r.ID)
			if r.ID == "" || ids[r.ID] {
				bad("%s: empty or duplicate id", at)
			}
			ids[r.ID] = true
			if n := utf8.RuneCountInString(r.Name); n == 0 || n > ghMaxRuleName {
				bad("%s: name of %d characters, want 1 to %d", at, n, ghMaxRuleName)
			}
			for what, d := range map[string]*gotText{"shortDescription": r.ShortDescription, "fullDescription": r.FullDescription} {
				if d == nil || d.Text == "" || utf8.RuneCountInString(d.Text) > ghMaxDescription {
					bad("%s: %s.text missing, empty or over %d characters", at, what, ghMaxDescription)
				}
			}
			if r.Help == nil || r.Help.Text == "" || r.Help.Markdown == "" {
				bad("%s: help.text and help.markdown are both needed", at)
			}
			if len(r.Properties.Tags) > ghMaxTags {
				bad("%s: %d tags, GitHub takes at most %d", at, len(r.Properties.Tags), ghMaxTags)
			}
			sev, ok := r.Properties.SecuritySeverity.(string)
			f, err := strconv.ParseFloat(sev, 64)
			if !ok || err != nil || !(f > 0 && f <= 10) {
				bad("%s: security-severity %#v: want a string holding a number in (0, 10]", at, r.Properties.SecuritySeverity)
			}
		}
		for j, res := range results {
			at := fmt.Sprintf("%s.results[%d] (%s)", at, j, res.RuleID)
			if res.RuleID == "" {
				bad("%s: no ruleId", at)
			}
			switch {
			case res.RuleIndex == nil:
				bad("%s: no ruleIndex", at)
			case *res.RuleIndex < 0 || *res.RuleIndex >= len(rules):
				bad("%s: ruleIndex %d out of the %d rules", at, *res.RuleIndex, len(rules))
			case rules[*res.RuleIndex].ID != res.RuleID:
				bad("%s: ruleIndex %d is rule %q", at, *res.RuleIndex, rules[*res.RuleIndex].ID)
			}
			if res.Level != "error" && res.Level != "warning" && res.Level != "note" {
				bad("%s: level %q", at, res.Level)
			}
			if strings.TrimSpace(res.Message.Text) == "" {
				bad("%s: empty message.text", at)
			}
			if len(res.Locations) == 0 {
				bad("%s: no location (GitHub: expected at least one location)", at)
			}
			for k, loc := range res.Locations {
				at := fmt.Sprintf("%s.locations[%d]", at, k)
				if loc.PhysicalLocation == nil || loc.PhysicalLocation.ArtifactLocation == nil {
					bad("%s: no physicalLocation.artifactLocation", at)
					continue
				}
				if why := relativeURIProblem(loc.PhysicalLocation.ArtifactLocation.URI); why != "" {
					bad("%s: uri %q is not a relative URI: %s", at, loc.PhysicalLocation.ArtifactLocation.URI, why)
				}
				if loc.PhysicalLocation.Region == nil || loc.PhysicalLocation.Region.StartLine < 1 {
					bad("%s: no region.startLine >= 1", at)
				}
			}
			if res.PartialFingerprints["primaryLocationLineHash"] == "" {
				bad("%s: no partialFingerprints.primaryLocationLineHash", at)
			}
		}
	}
	return p
}

// checkSARIF validates out against the OASIS schema and GitHub's rules and
// returns it decoded.
func checkSARIF(t *testing.T, out []byte) gotSARIF {
	t.Helper()
	sch, err := oasisSARIFSchema()
	if err != nil {
		t.Fatalf("compile the SARIF schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF is not JSON: %v\n%s", err, out)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("SARIF does not validate against the OASIS schema: %#v", err)
	}
	var log gotSARIF
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	for _, p := range lintSARIFLog(out, log) {
		t.Errorf("GitHub would reject or mishandle this: %s", p)
	}
	return log
}

func renderSARIF(t *testing.T, targets []checks.TargetReport) gotSARIF {
	t.Helper()
	return checkSARIF(t, render(t, SARIF{Version: "1.2.3"}, checks.NewReport(targets)))
}

// TestSARIFLintCatches proves the lint can fail: each broken copy of a
// valid log must draw a complaint that names the problem.
func TestSARIFLintCatches(t *testing.T) {
	good := render(t, SARIF{}, checks.NewReport(append(statusTargets(), sampleTargets()...)))
	if p := lintSARIF(good); len(p) > 0 {
		t.Fatalf("the valid log draws complaints: %v", p)
	}
	// Runs are sorted: db-1, web-1, ./service. Run 1 is web-1; its first
	// result is SSH-2 (rules[1]), its first rule SSH-1.
	type obj = map[string]any
	run := func(d obj, i int) obj { return d["runs"].([]any)[i].(obj) }
	rule := func(d obj) obj { return run(d, 1)["tool"].(obj)["driver"].(obj)["rules"].([]any)[0].(obj) }
	result := func(d obj) obj { return run(d, 1)["results"].([]any)[0].(obj) }
	location := func(d obj) obj { return result(d)["locations"].([]any)[0].(obj)["physicalLocation"].(obj) }
	tests := []struct {
		name, want string
		breakIt    func(d obj)
	}{
		{"no ruleId", "no ruleId", func(d obj) { delete(result(d), "ruleId") }},
		{"no ruleIndex", "no ruleIndex", func(d obj) { delete(result(d), "ruleIndex") }},
		{"ruleIndex names another rule", "ruleIndex 2 is rule", func(d obj) { result(d)["ruleIndex"] = 2 }},
		{"ruleIndex out of range", "out of the", func(d obj) { result(d)["ruleIndex"] = 99 }},
		{"level none", `level "none"`, func(d obj) { result(d)["level"] = "none" }},
		{"empty message", "empty message.text", func(d obj) { result(d)["message"] = obj{"text": " "} }},
		{"no locations", "no location", func(d obj) { result(d)["locations"] = []any{} }},
		{"logical location only", "no physicalLocation", func(d obj) {
			result(d)["locations"] = []any{obj{"logicalLocations": []any{obj{"name": "x"}}}}
		}},
		{"absolute path", "leading '/'", func(d obj) { location(d)["artifactLocation"] = obj{"uri": "/etc/passwd"} }},
		{"file scheme", `scheme "file"`, func(d obj) { location(d)["artifactLocation"] = obj{"uri": "file:///etc/passwd"} }},
		{"drive letter", `scheme "c"`, func(d obj) { location(d)["artifactLocation"] = obj{"uri": "c:x"} }},
		{"space", "whitespace", func(d obj) { location(d)["artifactLocation"] = obj{"uri": "a b"} }},
		{"raw hash", `unencoded '#'`, func(d obj) { location(d)["artifactLocation"] = obj{"uri": "a#b"} }},
		{"raw unicode", "unencoded", func(d obj) { location(d)["artifactLocation"] = obj{"uri": "日本"} }},
		{"bad escape", "invalid URL escape", func(d obj) { location(d)["artifactLocation"] = obj{"uri": "a%zz"} }},
		{"dot dot", "dot segment", func(d obj) { location(d)["artifactLocation"] = obj{"uri": "../../etc/passwd"} }},
		{"empty uri", "empty uri", func(d obj) { location(d)["artifactLocation"] = obj{"uri": ""} }},
		{"line 0", "startLine", func(d obj) { location(d)["region"] = obj{"startLine": 0} }},
		{"no region", "startLine", func(d obj) { delete(location(d), "region") }},
		{"no line hash", "primaryLocationLineHash", func(d obj) { result(d)["partialFingerprints"] = obj{"other": "x"} }},
		{"rule without id", "duplicate id", func(d obj) { rule(d)["id"] = "" }},
		{"long rule name", "name of 256", func(d obj) { rule(d)["name"] = strings.Repeat("é", 256) }},
		{"long short description", "shortDescription", func(d obj) { rule(d)["shortDescription"] = obj{"text": strings.Repeat("x", 1025)} }},
		{"no full description", "fullDescription", func(d obj) { delete(rule(d), "fullDescription") }},
		{"help without markdown", "help.markdown", func(d obj) { rule(d)["help"] = obj{"text": "x"} }},
		{"21 tags", "21 tags", func(d obj) {
			tags := []any{}
			for i := range 21 {
				tags = append(tags, strconv.Itoa(i))
			}
			rule(d)["properties"].(obj)["tags"] = tags
		}},
		{"numeric severity", "security-severity", func(d obj) { rule(d)["properties"].(obj)["security-severity"] = 9.5 }},
		{"word severity", "security-severity", func(d obj) { rule(d)["properties"].(obj)["security-severity"] = "high" }},
		{"zero severity", "security-severity", func(d obj) { rule(d)["properties"].(obj)["security-severity"] = "0.0" }},
		{"severity over 10", "security-severity", func(d obj) { rule(d)["properties"].(obj)["security-severity"] = "10.5" }},
		{"no category", "no automationDetails.id", func(d obj) { delete(run(d, 0), "automationDetails") }},
		{"same category twice", "is runs[0]'s too", func(d obj) { run(d, 1)["automationDetails"] = run(d, 0)["automationDetails"] }},
		{"no results array", "no results array", func(d obj) { delete(run(d, 0), "results") }},
		{"21 runs", "21 runs", func(d obj) {
			runs := d["runs"].([]any)
			for len(runs) < 21 {
				runs = append(runs, runs[0])
			}
			d["runs"] = runs
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d obj
			if err := json.Unmarshal(good, &d); err != nil {
				t.Fatal(err)
			}
			if id := run(d, 1)["automationDetails"].(obj)["id"]; id != "audit/host/web-1/" || result(d)["ruleId"] != "SSH-2" {
				t.Fatalf("the test expects run 1 to be web-1 with SSH-2 first, got %v %v", id, result(d)["ruleId"])
			}
			tt.breakIt(d)
			broken, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			problems := lintSARIF(broken)
			if !strings.Contains(strings.Join(problems, "\n"), tt.want) {
				t.Errorf("lint said %q, want a complaint containing %q", problems, tt.want)
			}
		})
	}
	// Too many results, built decoded: a JSON round trip of 25,001 results
	// takes seconds under -race.
	t.Run("25001 results", func(t *testing.T) {
		var log gotSARIF
		if err := json.Unmarshal(good, &log); err != nil {
			t.Fatal(err)
		}
		rs := log.Runs[1].results()
		for len(rs) <= ghMaxResultsPerRun {
			rs = append(rs, rs[0])
		}
		log.Runs[1].Results = &rs
		if problems := lintSARIFLog(good, log); !strings.Contains(strings.Join(problems, "\n"), "25001 results") {
			t.Errorf("lint said %q, want a complaint about 25001 results", problems)
		}
	})
}

// TestSARIFSchemaCatches proves the schema check is live: a log the OASIS
// schema rejects is rejected.
func TestSARIFSchemaCatches(t *testing.T) {
	sch, err := oasisSARIFSchema()
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"wrong version":          `{"version": "2.0.0", "runs": []}`,
		"help without text":      `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "a", "rules": [{"id": "R", "help": {"markdown": "x"}}]}}}]}`,
		"region without a start": `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "a"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a"}, "region": {}}}]}]}]}`,
		"duplicate tags":         `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "a", "rules": [{"id": "R", "properties": {"tags": ["security", "security"]}}]}}}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("%s: the schema accepts %s", name, doc)
		}
	}
}

// TestSARIFRuns: one run per target, with its own category, even for a
// target without results or one that could not be audited.
func TestSARIFRuns(t *testing.T) {
	targets := append(sampleTargets(), statusTargets()...)
	targets = append(targets,
		checks.TargetReport{Name: "quiet", Kind: checks.KindHost},
		checks.TargetReport{Name: "all-pass", Kind: checks.KindHost, Results: []checks.Result{{
			ID: "SSH-1", Title: "Item", Section: "ssh", Severity: checks.SeverityLow, Status: checks.StatusPass,
		}}},
		// Host names that uriSafe must keep apart.
		checks.TargetReport{Name: "db 1", Kind: checks.KindHost},
		checks.TargetReport{Name: "db%201", Kind: checks.KindHost},
		checks.TargetReport{Name: "admin@db-1:2222", Kind: checks.KindHost},
		checks.TargetReport{Name: "ünïcödé", Kind: checks.KindHost},
	)
	rep := checks.NewReport(targets)
	log := checkSARIF(t, render(t, SARIF{Version: "1.2.3"}, rep))
	if len(log.Runs) != len(rep.Targets) {
		t.Fatalf("%d runs for %d targets", len(log.Runs), len(rep.Targets))
	}
	for i, tr := range rep.Targets {
		run := log.Runs[i]
		if run.AutomationDetails.ID != Category(tr) {
			t.Errorf("run %d: category %q, want Category(%s) = %q", i, run.AutomationDetails.ID, tr.Name, Category(tr))
		}
		// One category per host (and one for the repository), so that
		// uploading one host's results never closes another's alerts.
		wantCategory := "audit/repo/"
		if tr.Kind == checks.KindHost {
			wantCategory = "audit/host/" + url.PathEscape(tr.Name) + "/"
		}
		if got, _ := url.PathUnescape(run.AutomationDetails.ID); got != wantCategory && run.AutomationDetails.ID != wantCategory {
			t.Errorf("run %d: category %q, want %q", i, run.AutomationDetails.ID, wantCategory)
		}
		if run.Properties["target"] != tr.Name || run.Properties["kind"] != string(tr.Kind) {
			t.Errorf("run %d: properties %v, want target %q kind %q", i, run.Properties, tr.Name, tr.Kind)
		}
		if run.Tool.Driver.Name != "audit" || run.Tool.Driver.Version != "1.2.3" {
			t.Errorf("run %d: driver %q %q, want audit 1.2.3", i, run.Tool.Driver.Name, run.Tool.Driver.Version)
		}
		if len(run.rules()) != len(tr.Results) {
			t.Errorf("run %d: %d rules for %d checklist items", i, len(run.rules()), len(tr.Results))
		}
		want := 0
		for _, res := range tr.Results {
			if res.Status == checks.StatusFail || res.Status == checks.StatusWaived {
				want += len(res.Findings)
			}
		}
		if got := len(run.results()); got != want {
			t.Errorf("run %d (%s): %d results, want one per finding of a fail or waiver: %d", i, tr.Name, got, want)
		}
		if tr.Error != "" {
			if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful ||
				len(run.Invocations[0].ToolExecutionNotifications) == 0 ||
				run.Invocations[0].ToolExecutionNotifications[0].Message.Text != tr.Error {
				t.Errorf("run %d: an unreachable target must show as a failed invocation with its error: %+v", i, run.Invocations)
			}
		}
	}
	t.Run("error results are notifications", func(t *testing.T) {
		var web gotRun
		for _, r := range log.Runs {
			if r.Properties["target"] == "web-1" {
				web = r
			}
		}
		if len(web.Invocations) != 1 || web.Invocations[0].ExecutionSuccessful {
			t.Fatalf("web-1 has an error result; its invocation must not be successful: %+v", web.Invocations)
		}
		found := false
		for _, n := range web.Invocations[0].ToolExecutionNotifications {
			found = found || n.Level == "error" && strings.Contains(n.Message.Text, "SSH-3") && strings.Contains(n.Message.Text, "sshd -T: exit status 255")
		}
		if !found {
			t.Errorf("SSH-3's error is not among web-1's notifications: %+v", web.Invocations[0].ToolExecutionNotifications)
		}
	})
}

func TestNewSARIFVersion(t *testing.T) {
	r, err := New("sarif", Options{Version: "9.8.7"})
	if err != nil {
		t.Fatal(err)
	}
	log := checkSARIF(t, render(t, r, checks.NewReport(sampleTargets())))
	for _, run := range log.Runs {
		if run.Tool.Driver.Version != "9.8.7" {
			t.Errorf("driver version %q, want the Options' 9.8.7", run.Tool.Driver.Version)
		}
	}
}

// findingTarget builds a target with one failing result holding fs.
func findingTarget(name string, kind checks.Kind, fs ...checks.Finding) checks.TargetReport {
	return checks.TargetReport{Name: name, Kind: kind, Results: []checks.Result{{
		ID: "SEC-01", Title: "No secrets", Section: "secrets", Severity: checks.SeverityCritical,
		Status: checks.StatusFail, Findings: fs,
	}}}
}

// TestSARIFLocations: every finding gets a relative URI that names its
// file (percent-encoded), and a line of at least 1, whatever its path.
func TestSARIFLocations(t *testing.T) {
	tests := []struct {
		name, path string
		line       int
		// want is the URI decoded: the path relative to the checkout.
		want     string
		wantLine int
	}{
		{"plain", "config/prod.env", 3, "config/prod.env", 3},
		{"no line", "config/prod.env", 0, "config/prod.env", 1},
		{"negative line", "config/prod.env", -4, "config/prod.env", 1},
		{"no path", "", 7, "audit/SEC-01", 7},
		{"spaces", "my dir/my file.txt", 1, "my dir/my file.txt", 1},
		{"colon in the first segment", "c:x", 1, "c:x", 1},
		{"scheme-like", "file:///etc/passwd", 1, "file:/etc/passwd", 1},
		{"url-like", "http://evil.example/x", 1, "http:/evil.example/x", 1},
		{"backslashes are part of a name here", `C:\Users\me\.env`, 1, `C:\Users\me\.env`, 1},
		{"leading backslashes too", `\\server\share\x`, 1, `\\server\share\x`, 1},
		{"hash", "a#b/c#", 1, "a#b/c#", 1},
		{"question mark", "a?b=c", 1, "a?b=c", 1},
		{"percent", "100%/%41%zz", 1, "100%/%41%zz", 1},
		{"unicode", "日本/ファイル.txt", 1, "日本/ファイル.txt", 1},
		{"parent escape", "../../etc/passwd", 1, "etc/passwd", 1},
		{"absolute", "/etc/passwd", 1, "etc/passwd", 1},
		{"dots and slashes", "./a/./b//c/../d", 1, "a/b/d", 1},
		{"only dots", "..", 1, "audit/SEC-01", 1},
		{"slash", "/", 1, "audit/SEC-01", 1},
		{"control characters", "a\x00b\nc", 1, "a\x00b\nc", 1},
		{"invalid UTF-8", "a\xffb", 1, "a\xffb", 1},
		{"brackets and quotes", `[a] "b" <c> {d} |e|`, 1, `[a] "b" <c> {d} |e|`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := renderSARIF(t, []checks.TargetReport{findingTarget("repo", checks.KindRepo, checks.Finding{Message: "m", Path: tt.path, Line: tt.line})})
			res := log.Runs[0].results()
			if len(res) != 1 {
				t.Fatalf("%d results, want 1", len(res))
			}
			got, err := url.PathUnescape(res[0].uri())
			if err != nil || got != tt.want {
				t.Errorf("path %q: uri %q decodes to %q (%v), want %q", tt.path, res[0].uri(), got, err, tt.want)
			}
			if res[0].line() != tt.wantLine {
				t.Errorf("path %q line %d: startLine %d, want %d", tt.path, tt.line, res[0].line(), tt.wantLine)
			}
		})
	}
}

// TestSARIFHostLocations: a host's findings have no file in the
// repository; they go under hosts/<name>/, one folder per host.
func TestSARIFHostLocations(t *testing.T) {
	for _, host := range []string{"web-1", "db 1", "admin@db-1:2222", "c:x", "ünï#?%"} {
		t.Run(host, func(t *testing.T) {
			log := renderSARIF(t, []checks.TargetReport{findingTarget(host, checks.KindHost,
				checks.Finding{Message: "PermitRootLogin yes", Path: "/etc/ssh/sshd_config", Line: 12},
				checks.Finding{Message: "no line", Path: "/etc/ssh/sshd_config.d/50-cloud.conf"},
				checks.Finding{Message: "no file"},
			)})
			want := map[string]int{
				"etc/ssh/sshd_config":                 12,
				"etc/ssh/sshd_config.d/50-cloud.conf": 1,
				"audit/SEC-01":                        1,
			}
			got := map[string]int{}
			for _, res := range log.Runs[0].results() {
				segs := strings.SplitN(res.uri(), "/", 3)
				name, err := url.PathUnescape(segs[min(1, len(segs)-1)])
				if len(segs) != 3 || segs[0] != "hosts" || err != nil || name != host {
					t.Errorf("uri %q is not under hosts/%s/", res.uri(), url.PathEscape(host))
					continue
				}
				rest, _ := url.PathUnescape(segs[2])
				got[rest] = res.line()
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("paths under hosts/<name>/ and lines (-want +got):\n%s", diff)
			}
		})
	}
}

// lineHash matches the primaryLocationLineHash format of GitHub's own
// upload action: 16 hex digits, a colon, a number.
var lineHash = regexp.MustCompile(`^[0-9a-f]{16}:[0-9]+$`)

// TestSARIFFingerprints: a finding keeps its alert across runs and line
// moves, and two findings never share one.
func TestSARIFFingerprints(t *testing.T) {
	prints := func(t *testing.T, fs ...checks.Finding) []map[string]string {
		t.Helper()
		log := renderSARIF(t, []checks.TargetReport{findingTarget("repo", checks.KindRepo, fs...)})
		var out []map[string]string
		for _, res := range log.Runs[0].results() {
			if !lineHash.MatchString(res.PartialFingerprints["primaryLocationLineHash"]) {
				t.Errorf("primaryLocationLineHash %q is not <16 hex>:<n>", res.PartialFingerprints["primaryLocationLineHash"])
			}
			out = append(out, res.PartialFingerprints)
		}
		return out
	}
	t.Run("stable across writes", func(t *testing.T) {
		rep := checks.NewReport(append(sampleTargets(), statusTargets()...))
		a := checkSARIF(t, render(t, SARIF{}, rep))
		b := checkSARIF(t, render(t, SARIF{}, rep))
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("two writes differ (-first +second):\n%s", diff)
		}
	})
	for _, fp := range []string{"", "0123456789abcdef0123456789abcdef"} {
		t.Run("independent of the line/fingerprint "+strconv.Quote(fp), func(t *testing.T) {
			moved := prints(t, checks.Finding{Message: "m", Path: "a.env", Line: 3, Fingerprint: fp})
			if len(moved) != 1 {
				t.Fatalf("%d results", len(moved))
			}
			for _, line := range []int{0, 1, 4, 1000} {
				got := prints(t, checks.Finding{Message: "m", Path: "a.env", Line: line, Fingerprint: fp})
				if diff := cmp.Diff(moved, got); diff != "" {
					t.Errorf("moving the finding from line 3 to %d changes its fingerprints:\n%s", line, diff)
				}
			}
		})
	}
	t.Run("distinct findings, distinct alerts", func(t *testing.T) {
		// Fingerprints that share a long prefix, as gitleaks' own
		// commit:file:rule:line ones of one commit do, must not collide.
		fs := []checks.Finding{
			{Message: "a", Path: "config/prod.env", Line: 3, Fingerprint: historyCommit + ":config/prod.env:aws-access-token:3"},
			{Message: "a", Path: "config/prod.env", Line: 9, Fingerprint: historyCommit + ":config/prod.env:aws-access-token:9"},
			{Message: "b", Path: "config/prod.env", Line: 5, Fingerprint: "config/prod.env:generic-api-key:5"},
			{Message: "b", Path: "config/prod.env", Line: 6, Fingerprint: "config/prod.env:generic-api-key:6"},
			// Without a fingerprint: what differs is the message or the path.
			{Message: "c", Path: "x.env"},
			{Message: "d", Path: "x.env"},
			{Message: "c", Path: "y.env"},
		}
		seen := map[string]int{}
		for i, p := range prints(t, fs...) {
			h := p["primaryLocationLineHash"]
			if j, dup := seen[h]; dup {
				t.Errorf("results %d and %d share primaryLocationLineHash %q: GitHub would merge their alerts", j, i, h)
			}
			seen[h] = i
		}
		if len(seen) == 0 {
			t.Fatal("no results")
		}
	})
	t.Run("hosts keep their alerts apart", func(t *testing.T) {
		f := checks.Finding{Message: "PermitRootLogin yes", Path: "/etc/ssh/sshd_config"}
		log := renderSARIF(t, []checks.TargetReport{findingTarget("a", checks.KindHost, f), findingTarget("b", checks.KindHost, f)})
		a, b := log.Runs[0].results()[0], log.Runs[1].results()[0]
		if a.uri() == b.uri() || a.PartialFingerprints["primaryLocationLineHash"] == b.PartialFingerprints["primaryLocationLineHash"] {
			t.Errorf("hosts a and b share a location %q/%q or fingerprint %v/%v", a.uri(), b.uri(), a.PartialFingerprints, b.PartialFingerprints)
		}
	})
}

// TestSARIFTruncates: past GitHub's 25,000 results per run, the run is cut
// and says so, and stays valid. (The largest test here: about 16 MB of
// SARIF, validated once.)
func TestSARIFTruncates(t *testing.T) {
	for _, n := range []int{ghMaxResultsPerRun, ghMaxResultsPerRun + 1} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel() // the two halves take seconds each under -race
			fs := make([]checks.Finding, n)
			for i := range fs {
				fs[i] = checks.Finding{Message: "leak " + strconv.Itoa(i), Path: "f/" + strconv.Itoa(i), Line: i + 1}
			}
			out := render(t, SARIF{}, checks.NewReport([]checks.TargetReport{findingTarget("repo", checks.KindRepo, fs...)}))
			var log gotSARIF
			if n > ghMaxResultsPerRun {
				log = checkSARIF(t, out) // the cut log is still valid
			} else if err := json.Unmarshal(out, &log); err != nil {
				t.Fatal(err)
			}
			run := log.Runs[0]
			if got := len(run.results()); got != ghMaxResultsPerRun {
				t.Errorf("%d findings gave %d results, want %d", n, got, ghMaxResultsPerRun)
			}
			var notes []string
			for _, inv := range run.Invocations {
				for _, nt := range inv.ToolExecutionNotifications {
					notes = append(notes, nt.Level+": "+nt.Message.Text)
				}
			}
			cut := n - ghMaxResultsPerRun
			switch {
			case cut == 0 && len(notes) > 0:
				t.Errorf("nothing was cut, yet: %q", notes)
			case cut > 0 && (len(notes) != 1 || !strings.HasPrefix(notes[0], "warning: "+strconv.Itoa(cut)+" results left out")):
				t.Errorf("%d results were cut; want one warning that says so, got %q", cut, notes)
			}
		})
	}
}

// TestSARIFClips: messages pass through as given, clipped to the limit on a
// rune boundary; rule texts fit GitHub's limits.
func TestSARIFClips(t *testing.T) {
	long := strings.Repeat("é", sarifMaxMessage) // twice the limit in bytes
	msgs := []string{
		"generic-api-key: key=sk_live_************ in config",
		strings.Repeat("a", sarifMaxMessage),
		strings.Repeat("a", sarifMaxMessage+1),
		"a" + long,
		long,
	}
	var fs []checks.Finding
	for i, m := range msgs {
		fs = append(fs, checks.Finding{Message: m, Path: fmt.Sprintf("f%d", i)})
	}
	target := findingTarget("repo", checks.KindRepo, fs...)
	target.Results[0].Title = strings.Repeat("Long title ", 300)
	target.Error = strings.Repeat("e", 3*sarifMaxMessage)
	rep := checks.NewReport([]checks.TargetReport{target})
	rep.Checklist = map[string]checks.Item{"SEC-01": {
		ID: "SEC-01", Title: target.Results[0].Title, Description: strings.Repeat("d", 5000),
		Section: "secrets", Severity: checks.SeverityCritical, Remediation: "Rotate the key.",
	}}
	log := checkSARIF(t, render(t, SARIF{}, rep))
	results := log.Runs[0].results()
	if len(results) != len(msgs) {
		t.Fatalf("%d results, want %d", len(results), len(msgs))
	}
	for i, res := range results {
		in, got := msgs[i], res.Message.Text
		switch {
		case len(in) <= sarifMaxMessage && got != in:
			t.Errorf("message %d: %q, want it unchanged: %q", i, got, in)
		case len(got) > sarifMaxMessage:
			t.Errorf("message %d: %d bytes, over the limit of %d", i, len(got), sarifMaxMessage)
		case !utf8.ValidString(got):
			t.Errorf("message %d: clipped inside a rune", i)
		case len(in) > sarifMaxMessage && (!strings.HasSuffix(got, "…") || !strings.HasPrefix(in, strings.TrimSuffix(got, "…")) || len(got) < sarifMaxMessage-len("…")-utf8.UTFMax):
			t.Errorf("message %d: %q… is not the given message clipped at the limit", i, got[:min(len(got), 20)])
		}
	}
	if n := log.Runs[0].Invocations[0].ToolExecutionNotifications[0].Message.Text; len(n) > sarifMaxMessage {
		t.Errorf("target error: %d bytes, over the limit of %d", len(n), sarifMaxMessage)
	}
	r := log.Runs[0].rules()[0]
	if !strings.Contains(r.Help.Text, "Rotate the key.") || !strings.Contains(r.Help.Markdown, "Rotate the key.") {
		t.Errorf("the remediation is missing from the rule's help: %+v", r.Help)
	}
}

// TestSARIFRules: rule metadata from the checklist, with a numeric
// security-severity, whatever section or severity an item has.
func TestSARIFRules(t *testing.T) {
	var results []checks.Result
	for i, sev := range []checks.Severity{checks.SeverityCritical, checks.SeverityHigh, checks.SeverityMedium, checks.SeverityLow, "", "bogus"} {
		results = append(results, checks.Result{
			ID: fmt.Sprintf("X-%d", i+1), Title: "Item", Section: []string{"security", "critical", "", "low", "x", "y"}[i],
			Severity: sev, Status: checks.StatusFail, Findings: []checks.Finding{{Message: "m"}},
		})
	}
	rep := checks.NewReport([]checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: results}})
	rep.Checklist = map[string]checks.Item{"X-1": {ID: "X-1", Title: "From the checklist", Description: "Described.", Section: "security", Severity: checks.SeverityCritical}}
	log := checkSARIF(t, render(t, SARIF{}, rep))
	wantLevel := map[checks.Severity]string{checks.SeverityCritical: "error", checks.SeverityHigh: "error", checks.SeverityMedium: "warning", checks.SeverityLow: "note"}
	rules := log.Runs[0].rules()
	for i, res := range log.Runs[0].results() {
		sev := results[i].Severity
		want, ok := wantLevel[sev]
		if !ok {
			want = "note"
		}
		if res.Level != want {
			t.Errorf("%s (severity %q): level %q, want %q", res.RuleID, sev, res.Level, want)
		}
		if got := rules[*res.RuleIndex].Properties.SecuritySeverity; sev.Rank() > 0 && got != securitySeverity[sev] {
			t.Errorf("%s (severity %q): security-severity %v, want %q", res.RuleID, sev, got, securitySeverity[sev])
		}
	}
	for _, r := range rules {
		seen := map[string]bool{}
		for _, tag := range r.Properties.Tags {
			if tag == "" || seen[tag] {
				t.Errorf("%s: tags %q: empty or repeated (the schema wants unique tags)", r.ID, r.Properties.Tags)
			}
			seen[tag] = true
		}
	}
	if r := rules[0]; r.ShortDescription.Text != "From the checklist" || r.FullDescription.Text != "Described." || r.Name != "FromTheChecklist" {
		t.Errorf("X-1's rule does not come from the checklist: %+v", r)
	}
	// security-severity bands (critical > 9.0 ≥ high ≥ 7.0 > medium ≥ 4.0 > low).
	band := func(s string) int {
		f, _ := strconv.ParseFloat(s, 64)
		switch {
		case f > 9:
			return 4
		case f >= 7:
			return 3
		case f >= 4:
			return 2
		case f > 0:
			return 1
		}
		return 0
	}
	for sev, s := range securitySeverity {
		if band(s) != sev.Rank() {
			t.Errorf("severity %s maps to security-severity %s, which GitHub shows in another band", sev, s)
		}
	}
}

// ---------------------------------------------------------------- JUnit

type (
	gotSuites struct {
		XMLName  xml.Name   `xml:"testsuites"`
		Tests    string     `xml:"tests,attr"`
		Failures string     `xml:"failures,attr"`
		Errors   string     `xml:"errors,attr"`
		Suites   []gotSuite `xml:"testsuite"`
	}
	gotSuite struct {
		Name      string    `xml:"name,attr"`
		Tests     string    `xml:"tests,attr"`
		Failures  string    `xml:"failures,attr"`
		Errors    string    `xml:"errors,attr"`
		Skipped   string    `xml:"skipped,attr"`
		Cases     []gotCase `xml:"testcase"`
		SystemErr string    `xml:"system-err"`
	}
	gotCase struct {
		Name      string       `xml:"name,attr"`
		Classname string       `xml:"classname,attr"`
		File      *string      `xml:"file,attr"`
		Failures  []gotProblem `xml:"failure"`
		Errors    []gotProblem `xml:"error"`
		Skipped   []gotProblem `xml:"skipped"`
	}
	gotProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// parseJUnit decodes out strictly: anything not well-formed fails.
func parseJUnit(t *testing.T, out []byte) gotSuites {
	t.Helper()
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("no XML declaration: %.60q", out)
	}
	// A token pass first: Decode stops at the root's end and would not
	// see junk after it.
	d := xml.NewDecoder(bytes.NewReader(out))
	for {
		_, err := d.Token()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("JUnit XML is not well-formed: %v\n%s", err, out)
			}
			break
		}
	}
	var doc gotSuites
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("decode JUnit XML: %v\n%s", err, out)
	}
	return doc
}

// xmllint validates doc against testdata/junit-10.xsd.
func xmllint(t *testing.T, doc []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is missing on CI: install libxml2-utils (.ci/run does)")
		}
		t.Skip("!!! SKIPPED: xmllint not found, the JUnit XML was NOT validated against testdata/junit-10.xsd; " +
			"install it (apt-get install -y libxml2-utils) !!!")
	}
	file := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", filepath.Join("testdata", junitXSDFile), file).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint rejects the JUnit XML: %v\n%s\n%s", err, out, doc)
	}
}

// xmlText is what an XML round trip leaves of s: a character XML cannot
// hold, or an invalid UTF-8 byte, becomes U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD && !(r == utf8.RuneError && n == 1) || r >= 0x10000 && r <= 0x10FFFF {
			b.WriteRune(r)
		} else {
			b.WriteRune('\uFFFD')
		}
		s = s[n:]
	}
	return b.String()
}

// checkJUnit holds the JUnit document to the report it was written from.
func checkJUnit(t *testing.T, rep checks.Report, doc gotSuites) {
	t.Helper()
	if len(doc.Suites) != len(rep.Targets) {
		t.Fatalf("%d testsuites for %d targets", len(doc.Suites), len(rep.Targets))
	}
	var tests, failures, errs int
	for i, tr := range rep.Targets {
		s := doc.Suites[i]
		if s.Name != xmlText(string(tr.Kind)+" "+tr.Name) {
			t.Errorf("suite %d: name %q, want %q", i, s.Name, string(tr.Kind)+" "+tr.Name)
		}
		cases := s.Cases
		if tr.Error != "" {
			// An unreachable target is one error case first.
			if len(cases) == 0 || len(cases[0].Errors) != 1 || cases[0].Errors[0].Text != xmlText(tr.Error) {
				t.Errorf("suite %q: the target error %q is not an error case", s.Name, tr.Error)
			} else {
				cases = cases[1:]
			}
			if s.SystemErr != xmlText(tr.Error) {
				t.Errorf("suite %q: system-err %q, want the target error", s.Name, s.SystemErr)
			}
		}
		if len(cases) != len(tr.Results) {
			t.Fatalf("suite %q: %d cases for %d results", s.Name, len(cases), len(tr.Results))
		}
		names := map[string]bool{}
		var f, e, sk int
		for _, c := range s.Cases {
			if c.Name == "" || names[c.Name] {
				t.Errorf("suite %q: case name %q empty or not unique", s.Name, c.Name)
			}
			names[c.Name] = true
			if c.Classname == "" {
				t.Errorf("suite %q: case %q has no classname", s.Name, c.Name)
			}
			f, e, sk = f+len(c.Failures), e+len(c.Errors), sk+len(c.Skipped)
		}
		for j, res := range tr.Results {
			c := cases[j]
			if want := xmlText(res.ID + " " + res.Title); c.Name != want {
				t.Errorf("%s: case name %q, want %q", res.ID, c.Name, want)
			}
			if want := xmlText("audit." + res.Section); c.Classname != want {
				t.Errorf("%s: classname %q, want %q", res.ID, c.Classname, want)
			}
			var wantFile *string
			if len(res.Findings) > 0 && res.Findings[0].Path != "" {
				p := xmlText(res.Findings[0].Path)
				wantFile = &p
			}
			if diff := cmp.Diff(wantFile, c.File); diff != "" {
				t.Errorf("%s: file attribute is not the first finding's path (-want +got):\n%s", res.ID, diff)
			}
			got := fmt.Sprintf("failure %d, error %d, skipped %d", len(c.Failures), len(c.Errors), len(c.Skipped))
			want := map[checks.Status]string{
				checks.StatusPass:          "failure 0, error 0, skipped 0",
				checks.StatusFail:          "failure 1, error 0, skipped 0",
				checks.StatusError:         "failure 0, error 1, skipped 0",
				checks.StatusNotApplicable: "failure 0, error 0, skipped 1",
				checks.StatusManual:        "failure 0, error 0, skipped 1",
				checks.StatusWaived:        "failure 0, error 0, skipped 1",
			}[res.Status]
			if got != want {
				t.Errorf("%s (%s): %s, want %s", res.ID, res.Status, got, want)
			}
			for _, fd := range res.Findings {
				var text string
				switch res.Status {
				case checks.StatusFail:
					text = c.Failures[0].Text
				case checks.StatusError:
					text = c.Errors[0].Text
				case checks.StatusWaived:
					text = c.Skipped[0].Message
				default:
					continue
				}
				if !strings.Contains(text, xmlText(fd.Message)) {
					t.Errorf("%s: the finding %q is missing from %q", res.ID, fd.Message, text)
				}
			}
		}
		if want := strconv.Itoa(len(s.Cases)); s.Tests != want {
			t.Errorf("suite %q: tests=%q, want %s", s.Name, s.Tests, want)
		}
		for attr, pair := range map[string]struct {
			got  string
			want int
		}{"failures": {s.Failures, f}, "errors": {s.Errors, e}, "skipped": {s.Skipped, sk}} {
			if pair.got != strconv.Itoa(pair.want) {
				t.Errorf("suite %q: %s=%q, want %d", s.Name, attr, pair.got, pair.want)
			}
		}
		tests, failures, errs = tests+len(s.Cases), failures+f, errs+e
	}
	if doc.Tests != strconv.Itoa(tests) || doc.Failures != strconv.Itoa(failures) || doc.Errors != strconv.Itoa(errs) {
		t.Errorf("testsuites: tests=%q failures=%q errors=%q, want the sums %d %d %d", doc.Tests, doc.Failures, doc.Errors, tests, failures, errs)
	}
}

func TestJUnit(t *testing.T) {
	reports := map[string][]checks.TargetReport{}
	for _, g := range goldenReports {
		reports[g.name] = g.targets()
	}
	// Findings in several files, the first without a path after sorting.
	reports["files"] = []checks.TargetReport{
		findingTarget("repo", checks.KindRepo,
			checks.Finding{Message: "b", Path: "z/b.env", Line: 2},
			checks.Finding{Message: "a", Path: "a/a.env", Line: 9},
		),
		findingTarget("host", checks.KindHost, checks.Finding{Message: "no file"}, checks.Finding{Message: "file", Path: "/etc/x"}),
	}
	reports["everything"] = append(append(sampleTargets(), statusTargets()...), checks.TargetReport{Name: "empty", Kind: checks.KindHost})
	for name, targets := range reports {
		t.Run(name, func(t *testing.T) {
			rep := checks.NewReport(targets)
			rep.Checklist = map[string]checks.Item{"SEC-01": {ID: "SEC-01", Remediation: "Rotate the key."}}
			out := render(t, JUnit{}, rep)
			doc := parseJUnit(t, out)
			checkJUnit(t, rep, doc)
			t.Run("xsd", func(t *testing.T) { xmllint(t, out) })
		})
	}
	t.Run("failure details", func(t *testing.T) {
		rep := checks.NewReport(sampleTargets())
		rep.Checklist = map[string]checks.Item{"SEC-01": {ID: "SEC-01", Remediation: "Rotate the key."}}
		doc := parseJUnit(t, render(t, JUnit{}, rep))
		c := doc.Suites[1].Cases[0]
		if len(c.Failures) != 1 {
			t.Fatalf("SEC-01: %+v, want a failure", c)
		}
		fl := c.Failures[0]
		if fl.Type != "critical" || fl.Message != "No secrets in the repository" ||
			!strings.Contains(fl.Text, "config/prod.env:3: ") || !strings.Contains(fl.Text, "commit 4f9c2a1e8b7d: ") ||
			!strings.Contains(fl.Text, "How to fix: Rotate the key.") {
			t.Errorf("SEC-01's failure lacks its severity, title, locations, commit or remediation: %+v", fl)
		}
	})
}

// junitHostile are strings that XML cannot hold as they are, or that
// would end a CDATA section or open a tag if written raw.
var junitHostile = []struct{ name, s string }{
	{"CDATA end", "a]]>b"},
	{"tag", "<failure message=\"x\">injected</failure>"},
	{"entities", "&amp; &lt; & &#0; &bogus;"},
	{"quotes", `"double" 'single'`},
	{"XML declaration", `<?xml version="1.0"?>`},
	{"comment", "<!-- x --> --"},
	{"not a character", "a\uFFFEb\uFFFFc"},
	{"surrogate bytes", "a\xed\xa0\x80b"},
	{"CR LF", "a\r\nb"},
	{"tab", "a\tb"},
}

// TestJUnitEscapes: whatever the target's text holds, the XML stays
// well-formed, valid, and carries the text back (U+FFFD for what XML
// cannot hold).
func TestJUnitEscapes(t *testing.T) {
	inputs := append([]struct{ name, s string }{}, junitHostile...)
	inputs = append(inputs, evil...)
	junitInjections := append(injections[:len(injections):len(injections)],
		struct {
			name   string
			inject func(s string) []checks.TargetReport
		}{"section", func(s string) []checks.TargetReport {
			rs := failing(checks.Finding{Message: "m", Path: "p", Line: 1})
			rs[0].Section = s
			return []checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: rs}}
		}},
		struct {
			name   string
			inject func(s string) []checks.TargetReport
		}{"error finding", func(s string) []checks.TargetReport {
			rs := failing(checks.Finding{Message: s})
			rs[0].Status = checks.StatusError
			return []checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: rs}}
		}},
		struct {
			name   string
			inject func(s string) []checks.TargetReport
		}{"waived finding", func(s string) []checks.TargetReport {
			rs := failing(checks.Finding{Message: s, Path: s})
			rs[0].Status = checks.StatusWaived
			return []checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: rs}}
		}},
	)
	var all []checks.TargetReport
	for _, in := range junitInjections {
		for _, e := range inputs {
			all = append(all, in.inject(e.s)...)
			t.Run(in.name+"/"+e.name, func(t *testing.T) {
				rep := checks.NewReport(in.inject(e.s))
				out := render(t, JUnit{}, rep)
				if !utf8.Valid(out) {
					t.Errorf("output is not valid UTF-8")
				}
				checkJUnit(t, rep, parseJUnit(t, out))
			})
		}
	}
	// One document with all of them, through xmllint's parser and the XSD.
	t.Run("xsd", func(t *testing.T) { xmllint(t, render(t, JUnit{}, checks.NewReport(all))) })
}

// ---------------------------------------------------------------- Markdown

// mdScan walks a line of Markdown as CommonMark reads inline text: it skips
// backslash escapes and code spans (returned), and counts the characters
// that would act as markup outside them.
func mdScan(line string) (live map[byte]int, spans []string) {
	live = map[byte]int{}
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", line[i+1]) >= 0:
			i += 2
			continue
		case c == '`':
			n := 0
			for i+n < len(line) && line[i+n] == '`' {
				n++
			}
			// The span closes at the next run of exactly n backticks.
			end := -1
			for j := i + n; j < len(line); {
				if line[j] != '`' {
					j++
					continue
				}
				m := 0
				for j+m < len(line) && line[j+m] == '`' {
					m++
				}
				if m == n {
					end = j
					break
				}
				j += m
			}
			if end < 0 {
				live['`'] += n // unmatched: literal backticks, but markup-looking
				i += n
				continue
			}
			spans = append(spans, line[i:end+n])
			i = end + n
			continue
		case c == '&' && (strings.HasPrefix(line[i:], "&lt;") || strings.HasPrefix(line[i:], "&gt;") || strings.HasPrefix(line[i:], "&amp;")):
			// mdText's own entities: they show the character, never markup.
		case strings.IndexByte("*_[]|<>&~#", c) >= 0:
			live[c]++
		}
		i++
	}
	return live, spans
}

// mdUnescape is what a Markdown reader shows of mdText's output.
func mdUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(b.String())
}

// mdHostile are strings that would be Markdown or HTML if written raw.
var mdHostile = []struct{ name, s string }{
	{"pipe", "a|b||c"},
	{"escaped pipe", `a\|b`},
	{"backticks", "`code` and ``more``"},
	{"leading backtick", "`x"},
	{"emphasis", "**bold** *it* _em_ __strong__"},
	{"strikethrough", "~~gone~~"},
	{"link", "[click](javascript:alert(1))"},
	{"image", "![x](https://evil.example/p.png)"},
	{"reference", "[a]: https://evil.example"},
	{"html", `<img src=x onerror="alert(1)">`},
	{"script", "<script>alert(1)</script>"},
	{"details close", "</summary></details><b>x"},
	{"comment", "<!-- hidden -->"},
	{"autolink", "<https://evil.example>"},
	{"entity", "&lt;b&gt; &amp; &#60;b&#62; &copy;"},
	{"heading", "# Title"},
	{"quote", "> quoted"},
	{"list", "- item"},
	{"newline row", "x |\n| ❌ fail | FAKE-1 | low | injected | 1 |"},
	{"CRLF", "a\r\nb"},
	{"all", "|`*_<>&[]\\#~\n"},
}

// mdInjections add the places only Markdown shows to the shared ones.
var mdInjections = append(injections[:len(injections):len(injections)],
	struct {
		name   string
		inject func(s string) []checks.TargetReport
	}{"id", func(s string) []checks.TargetReport {
		rs := failing(checks.Finding{Message: "m", Path: "p", Line: 1})
		rs[0].ID = s
		return []checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: rs}}
	}},
	struct {
		name   string
		inject func(s string) []checks.TargetReport
	}{"error finding", func(s string) []checks.TargetReport {
		rs := failing(checks.Finding{Message: s, Path: s, Line: 2})
		rs[0].Status = checks.StatusError
		return []checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: rs}}
	}},
)

// TestMarkdownEscapes: text from the target never breaks a table row, adds
// a line, or brings Markdown or HTML markup of its own.
func TestMarkdownEscapes(t *testing.T) {
	inputs := append([]struct{ name, s string }{}, mdHostile...)
	inputs = append(inputs, evil...)
	for _, in := range mdInjections {
		for _, e := range inputs {
			t.Run(in.name+"/"+e.name, func(t *testing.T) {
				rep := checks.NewReport(in.inject(e.s))
				base := checks.NewReport(in.inject("x"))
				rep.Checklist = map[string]checks.Item{"SEC-01": {ID: "SEC-01", Remediation: e.s}}
				base.Checklist = map[string]checks.Item{"SEC-01": {ID: "SEC-01", Remediation: "x"}}
				got := string(render(t, Markdown{}, rep))
				want := string(render(t, Markdown{}, base))
				gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
				if len(gotLines) != len(wantLines) {
					t.Fatalf("%d lines, want %d: a line break got through:\n%s", len(gotLines), len(wantLines), got)
				}
				for i, line := range gotLines {
					if !utf8.ValidString(line) {
						t.Errorf("line %d is not valid UTF-8: %q", i+1, line)
					}
					for _, r := range line {
						if r < 0x20 || r == 0x7f {
							t.Errorf("line %d holds the control character %U: %q", i+1, r, line)
						}
					}
					// Each line starts as the reporter's own does: no heading,
					// quote, list or HTML block from the input.
					if first := func(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }; first(line) != first(wantLines[i]) {
						t.Errorf("line %d starts differently from the reporter's own:\n got %q\nwant %q", i+1, line, wantLines[i])
					}
					gotLive, spans := mdScan(line)
					wantLive, _ := mdScan(wantLines[i])
					// Only the reporter's own markup is live: as many unescaped
					// markup characters (pipes included, so no extra cell) as
					// with harmless text, and no '<' at all outside code
					// spans but its own tags.
					if diff := cmp.Diff(wantLive, gotLive); diff != "" {
						t.Errorf("line %d has live markup from the input (-reporter's own +got):\n%s\n got %q\nwant %q", i+1, diff, line, wantLines[i])
					}
					for _, sp := range spans {
						if strings.Contains(sp, "|") && strings.HasPrefix(line, "|") {
							t.Errorf("line %d: a code span in a table row holds a pipe, which splits the cell: %q", i+1, sp)
						}
					}
				}
				for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(stripSpans(got), -1) {
					if !ownTags[tag] {
						t.Errorf("raw HTML %q outside a code span:\n%s", tag, got)
					}
				}
			})
		}
	}
}

// ownTags are the HTML tags the Markdown reporter writes itself.
var ownTags = map[string]bool{"<details>": true, "</details>": true, "<summary>": true, "</summary>": true, "<b>": true, "</b>": true}

// stripSpans removes the code spans and escaped characters of a Markdown
// document, line by line.
func stripSpans(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		_, spans := mdScan(line)
		for _, sp := range spans {
			line = strings.Replace(line, sp, "", 1)
		}
		line = regexp.MustCompile(`\\.`).ReplaceAllString(line, "")
		b.WriteString(line + "\n")
	}
	return b.String()
}

// TestMarkdownEscapers: mdText and mdCode show exactly the printable form of
// their input.
func TestMarkdownEscapers(t *testing.T) {
	inputs := append([]struct{ name, s string }{}, mdHostile...)
	inputs = append(inputs, evil...)
	for _, e := range inputs {
		t.Run(e.name, func(t *testing.T) {
			text := mdText(e.s)
			if live, spans := mdScan(text); len(live) > 0 || len(spans) > 0 {
				t.Errorf("mdText(%q) = %q leaves markup live: %v %q", e.s, text, live, spans)
			}
			if got, want := mdUnescape(text), Printable(e.s); got != want {
				t.Errorf("mdText(%q) = %q reads as %q, want %q", e.s, text, got, want)
			}
			code := mdCode(e.s)
			_, spans := mdScan(code)
			if len(spans) != 1 || spans[0] != code {
				t.Fatalf("mdCode(%q) = %q is not one code span", e.s, code)
			}
			fence := strings.Repeat("`", strings.IndexFunc(code, func(r rune) bool { return r != '`' }))
			content := strings.TrimSuffix(strings.TrimPrefix(code, fence), fence)
			if len(content) >= 2 && content[0] == ' ' && content[len(content)-1] == ' ' && strings.Trim(content, " ") != "" {
				content = content[1 : len(content)-1] // CommonMark strips one space each side
			}
			if want := strings.ReplaceAll(Printable(e.s), "|", "¦"); content != want {
				t.Errorf("mdCode(%q) = %q shows %q, want %q", e.s, code, content, want)
			}
		})
	}
}

// TestMarkdownManyFindings: an item lists at most 50 findings, then says how
// many more there are.
func TestMarkdownManyFindings(t *testing.T) {
	for _, n := range []int{maxMarkdownFindings - 1, maxMarkdownFindings, maxMarkdownFindings + 1, 120} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			fs := make([]checks.Finding, n)
			for i := range fs {
				fs[i] = checks.Finding{Message: fmt.Sprintf("finding %03d", i), Path: "f.env", Line: i + 1}
			}
			for _, st := range []checks.Status{checks.StatusFail, checks.StatusError} {
				target := findingTarget("repo", checks.KindRepo, fs...)
				target.Results[0].Status = st
				out := string(render(t, Markdown{}, checks.NewReport([]checks.TargetReport{target})))
				listed := strings.Count(out, "\n- `f.env:")
				more := regexp.MustCompile(`\n- … and (\d+) more`).FindAllStringSubmatch(out, -1)
				wantListed := min(n, maxMarkdownFindings)
				if listed != wantListed {
					t.Errorf("%s: %d findings listed, want %d", st, listed, wantListed)
				}
				switch {
				case n <= maxMarkdownFindings && len(more) != 0:
					t.Errorf("%s: %d findings, yet %q", st, n, more[0][0])
				case n > maxMarkdownFindings && (len(more) != 1 || more[0][1] != strconv.Itoa(n-maxMarkdownFindings)):
					t.Errorf("%s: want one \"… and %d more\", got %q", st, n-maxMarkdownFindings, more)
				}
				if !strings.Contains(out, fmt.Sprintf(": %d finding(s)\n\n<details>", n)) {
					t.Errorf("%s: the summary does not count all %d findings", st, n)
				}
			}
		})
	}
}

// TestMarkdownVerdict: the headline says the worst that happened.
func TestMarkdownVerdict(t *testing.T) {
	tests := []struct {
		name    string
		targets []checks.TargetReport
		want    string
	}{
		{"nothing", nil, "## audit: ✅ passed\n"},
		{"fail", []checks.TargetReport{findingTarget("r", checks.KindRepo, checks.Finding{Message: "m"})}, "## audit: ❌ failed\n"},
		{"unreachable", []checks.TargetReport{{Name: "h", Kind: checks.KindHost, Error: "down"}}, "## audit: ⚠️ could not check everything\n"},
		{"error beats fail", append(statusTargets(), sampleTargets()...), "## audit: ⚠️ could not check everything\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if out := string(render(t, Markdown{}, checks.NewReport(tt.targets))); !strings.HasPrefix(out, tt.want) {
				t.Errorf("got %q…, want it to start with %q", out[:min(len(out), 60)], tt.want)
			}
		})
	}
}

// TestWarningsReachEveryFormat: a target's warnings (an expired waiver)
// are in the table, Markdown, SARIF and JUnit, not only on stderr.
func TestWarningsReachEveryFormat(t *testing.T) {
	const note = "SEC-01: the waiver at .audit.yaml:2 expired on 2026-01-31 (fixtures); the failure stands"
	rep := checks.NewReport([]checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Warnings: []string{note},
		Results: []checks.Result{{ID: "SEC-01", Title: "Never commit secrets to Git", Section: "secrets",
			Severity: checks.SeverityCritical, Status: checks.StatusFail, Findings: []checks.Finding{{Message: "m", Path: "a.env", Line: 1}}}}}})
	for _, r := range []Reporter{&Table{}, Markdown{}, SARIF{}, JUnit{}} {
		out := string(render(t, r, rep))
		if !strings.Contains(out, "expired on 2026-01-31") {
			t.Errorf("%T leaves out the warning:\n%s", r, out)
		}
	}
}

// TestSARIFLeavesOutWaived: GitHub shows SARIF suppressions as open alerts,
// so a waived failure gives no result (and GitHub closes its alert).
func TestSARIFLeavesOutWaived(t *testing.T) {
	rep := checks.NewReport([]checks.TargetReport{{Name: "repo", Kind: checks.KindRepo,
		Results: []checks.Result{{ID: "SEC-01", Title: "t", Section: "secrets", Severity: checks.SeverityCritical,
			Status: checks.StatusWaived, Findings: []checks.Finding{{Message: "m", Path: "a.env", Line: 1, Fingerprint: "f"}}}}}})
	if out := string(render(t, SARIF{}, rep)); strings.Contains(out, `"ruleId"`) {
		t.Errorf("a waived finding became a SARIF result:\n%s", out)
	}
}

// TestMarkdownFitsAComment: long findings stop being listed before the
// document outgrows GitHub's 65,536-character comment limit.
func TestMarkdownFitsAComment(t *testing.T) {
	var findings []checks.Finding
	for i := range 60 {
		findings = append(findings, checks.Finding{Message: strings.Repeat("m", 200), Path: fmt.Sprintf("%04d/%s", i, strings.Repeat("d/", 700))})
	}
	rep := checks.NewReport([]checks.TargetReport{{Name: "r", Kind: checks.KindRepo, Results: []checks.Result{{
		ID: "SEC-01", Title: "t", Section: "secrets", Severity: checks.SeverityCritical, Status: checks.StatusFail, Findings: findings,
	}}}})
	out := render(t, Markdown{}, rep)
	if n := utf8.RuneCount(out); n > 65536 {
		t.Errorf("the Markdown report has %d characters, over GitHub's comment limit", n)
	}
	if !strings.Contains(string(out), "more (see the JSON report)") {
		t.Error("the cut is not said")
	}
}

// TestSARIFRefusesTooManyRuns: GitHub rejects a file with more than 20
// runs whole; the reporter says so instead of writing it.
func TestSARIFRefusesTooManyRuns(t *testing.T) {
	var targets []checks.TargetReport
	for i := range 21 {
		targets = append(targets, checks.TargetReport{Name: fmt.Sprintf("web-%d", i), Kind: checks.KindHost})
	}
	var buf bytes.Buffer
	if err := (SARIF{}).Write(&buf, checks.NewReport(targets)); err == nil || !strings.Contains(err.Error(), "at most 20 runs") {
		t.Errorf("21 targets: %v", err)
	}
	if err := (SARIF{}).Write(&buf, checks.NewReport(targets[:20])); err != nil {
		t.Errorf("20 targets: %v", err)
	}
}
