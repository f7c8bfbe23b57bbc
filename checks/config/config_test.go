package config_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"audit/checks/config"
)

// file is the name the tests give Parse; errors must start with it.
const file = "repo/.audit.yaml"

// known is the checklist of the tests.
func known(id string) bool {
	switch id {
	case "SEC-01", "SEC-02", "MAN-01":
		return true
	}
	return false
}

// endOf returns the first instant after day (UTC).
func endOf(t *testing.T, day string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	return d.AddDate(0, 0, 1)
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name         string
		yaml         string
		anyID        bool // Parse without a knownID callback
		waivers      []config.Exception
		attestations []config.Exception
	}{
		{name: "empty file", yaml: ""},
		{name: "blank lines", yaml: "\n\n  \n"},
		{name: "comments only", yaml: "# waivers go here\n# none yet\n"},
		{name: "document marker only", yaml: "---\n# none yet\n"},
		{name: "explicit null document", yaml: "~\n"},
		{name: "empty mapping", yaml: "{}\n"},
		{name: "null lists", yaml: "waivers:\nattestations: ~\n"},
		{name: "empty lists", yaml: "waivers: []\nattestations: []\n"},
		{
			name: "waiver with an unquoted date (a YAML timestamp)",
			yaml: "waivers:\n  - id: SEC-01\n    reason: vendored test key\n    expires: 2027-01-31\n",
			waivers: []config.Exception{{
				ID: "SEC-01", Reason: "vendored test key", Day: "2027-01-31",
				Expires: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), Where: file + ":2",
			}},
		},
		{
			name: "double-quoted date",
			yaml: "waivers:\n  - id: SEC-01\n    reason: r\n    expires: \"2027-01-31\"\n",
			waivers: []config.Exception{{
				ID: "SEC-01", Reason: "r", Day: "2027-01-31",
				Expires: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), Where: file + ":2",
			}},
		},
		{
			name: "single-quoted date with spaces, explicit !!str tag",
			yaml: "waivers:\n  - id: SEC-01\n    reason: r\n    expires: !!str ' 2027-12-31 '\n",
			waivers: []config.Exception{{
				ID: "SEC-01", Reason: "r", Day: "2027-12-31",
				Expires: time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC), Where: file + ":2",
			}},
		},
		{
			name: "leap day",
			yaml: "waivers:\n  - {id: SEC-01, reason: r, expires: 2028-02-29}\n",
			waivers: []config.Exception{{
				ID: "SEC-01", Reason: "r", Day: "2028-02-29",
				Expires: time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC), Where: file + ":2",
			}},
		},
		{
			name: "every waiver field, values trimmed, comments and blank lines",
			yaml: `# the waivers of the web team
waivers:

  # the staging key
  - id: "  SEC-01 "
    target: web-*
    fingerprint: abc123
    reason: >
      the test key of the
      vendored SDK
    expires: 2027-01-31   # ask again then
`,
			waivers: []config.Exception{{
				ID: "SEC-01", Target: "web-*", Fingerprint: "abc123",
				Reason: "the test key of the vendored SDK", Day: "2027-01-31",
				Expires: endOf(t, "2027-01-31"), Where: file + ":5",
			}},
		},
		{
			name: "attestation, then waivers after it",
			yaml: `attestations:
  - id: MAN-01
    target: host-?
    by: alice@example.com
    reason: reviewed the runbook
    expires: 2026-06-30
waivers:
  - id: SEC-02
    reason: r
    expires: 2027-01-31
  - id: SEC-01
    reason: r2
    expires: 2027-02-28
`,
			attestations: []config.Exception{{
				ID: "MAN-01", Target: "host-?", By: "alice@example.com", Reason: "reviewed the runbook",
				Day: "2026-06-30", Expires: endOf(t, "2026-06-30"), Where: file + ":2",
			}},
			waivers: []config.Exception{
				{ID: "SEC-02", Reason: "r", Day: "2027-01-31", Expires: endOf(t, "2027-01-31"), Where: file + ":8"},
				{ID: "SEC-01", Reason: "r2", Day: "2027-02-28", Expires: endOf(t, "2027-02-28"), Where: file + ":11"},
			},
		},
		{
			name: "flow style: both entries on one line",
			yaml: "waivers: [{id: SEC-01, reason: a, expires: 2027-01-31}, {id: SEC-02, reason: b, expires: 2027-01-30}]\n",
			waivers: []config.Exception{
				{ID: "SEC-01", Reason: "a", Day: "2027-01-31", Expires: endOf(t, "2027-01-31"), Where: file + ":1"},
				{ID: "SEC-02", Reason: "b", Day: "2027-01-30", Expires: endOf(t, "2027-01-30"), Where: file + ":1"},
			},
		},
		{
			name:  "no knownID callback: any id",
			yaml:  "waivers:\n  - id: WHATEVER-9\n    reason: r\n    expires: 2027-01-31\n",
			anyID: true,
			waivers: []config.Exception{
				{ID: "WHATEVER-9", Reason: "r", Day: "2027-01-31", Expires: endOf(t, "2027-01-31"), Where: file + ":2"},
			},
		},
		{
			name: "tabs inside values and before comments, non-ASCII text",
			yaml: "waivers:\n  - id: SEC-01\t# the key\n    reason: \"caf\u00e9\tkey \u2615 \U0001F511\"\n    expires: 2027-01-31\n",
			waivers: []config.Exception{
				{ID: "SEC-01", Reason: "caf\u00e9\tkey \u2615 \U0001F511", Day: "2027-01-31", Expires: endOf(t, "2027-01-31"), Where: file + ":2"},
			},
		},
		{
			name: "UTF-16 with a byte order mark",
			yaml: utf16LE("waivers:\n  - {id: SEC-01, reason: r, expires: 2027-01-31}\n"),
			waivers: []config.Exception{
				{ID: "SEC-01", Reason: "r", Day: "2027-01-31", Expires: endOf(t, "2027-01-31"), Where: file + ":2"},
			},
		},
		{
			name: "UTF-8 byte order mark and CRLF line ends",
			yaml: "\ufeffwaivers:\r\n  - id: SEC-01\r\n    reason: r\r\n    expires: 2027-01-31\r\n",
			waivers: []config.Exception{
				{ID: "SEC-01", Reason: "r", Day: "2027-01-31", Expires: endOf(t, "2027-01-31"), Where: file + ":2"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			knownID := known
			if tt.anyID {
				knownID = nil
			}
			cfg, err := config.Parse(file, []byte(tt.yaml), knownID)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := &config.Config{Path: file, Waivers: tt.waivers, Attestations: tt.attestations}
			if diff := cmp.Diff(want, cfg); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

// utf16LE encodes s as UTF-16, little-endian, with a byte order mark.
func utf16LE(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

// TestParseExpiresIgnoresLocalZone checks that the expiry day is a UTC day
// whatever the zone of the machine.
func TestParseExpiresIgnoresLocalZone(t *testing.T) {
	for _, zone := range []*time.Location{
		time.FixedZone("UTC+14", 14*3600),
		time.FixedZone("UTC-12", -12*3600),
	} {
		t.Run(zone.String(), func(t *testing.T) {
			saved := time.Local
			time.Local = zone
			defer func() { time.Local = saved }()
			cfg, err := config.Parse(file, []byte("waivers:\n  - {id: SEC-01, reason: r, expires: 2027-01-31}\n"), known)
			if err != nil {
				t.Fatal(err)
			}
			want := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
			if got := cfg.Waivers[0].Expires; !got.Equal(want) {
				t.Errorf("Expires = %v, want %v", got, want)
			}
		})
	}
}

func TestParseKnownIDGetsTrimmedID(t *testing.T) {
	var asked []string
	_, err := config.Parse(file, []byte("waivers:\n  - {id: ' SEC-01 ', reason: r, expires: 2027-01-31}\nattestations:\n  - {id: MAN-01, by: b, reason: r, expires: 2027-01-31}\n"),
		func(id string) bool { asked = append(asked, id); return true })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"SEC-01", "MAN-01"}, asked); diff != "" {
		t.Errorf("knownID calls (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	const ok = "  - id: SEC-01\n    reason: fine\n    expires: 2027-01-31\n" // lines 2-4 after "waivers:"
	tests := []struct {
		name string
		yaml string
		line int    // the line the error must name
		want string // a part of the message
	}{
		// required fields: the line of the entry
		{"missing id", "waivers:\n" + ok + "  - reason: r\n    expires: 2027-01-31\n", 5, "waiver without id"},
		{"null id", "waivers:\n  - id: ~\n    reason: r\n    expires: 2027-01-31\n", 2, "waiver without id"},
		{"empty id", "waivers:\n  - id: ''\n    reason: r\n    expires: 2027-01-31\n", 2, "waiver without id"},
		{"blank id", "waivers:\n  - id: '   '\n    reason: r\n    expires: 2027-01-31\n", 2, "waiver without id"},
		{"empty entry", "waivers:\n" + ok + "  - {}\n", 5, "waiver without id"},
		{"missing reason", "waivers:\n" + ok + "  - id: SEC-02\n    expires: 2027-01-31\n", 5, "waiver for SEC-02 without a reason"},
		{"blank reason", "waivers:\n  - id: SEC-02\n    reason: '  '\n    expires: 2027-01-31\n", 2, "without a reason"},
		{"null reason", "waivers:\n  - id: SEC-02\n    reason:\n    expires: 2027-01-31\n", 2, "without a reason"},
		{"missing expires", "waivers:\n" + ok + "\n  - id: SEC-02\n    reason: r\n", 6, "waiver for SEC-02 without expires"},
		{"null expires", "waivers:\n  - id: SEC-02\n    reason: r\n    expires: null\n", 2, "without expires"},
		{"empty expires", "waivers:\n  - id: SEC-02\n    reason: r\n    expires: \"\"\n", 2, "without expires"},
		{"attestation without by", "attestations:\n  - id: MAN-01\n    reason: r\n    expires: 2027-01-31\n", 2, "attestation for MAN-01 without by"},
		{"attestation with blank by", "attestations:\n  - id: MAN-01\n    by: ' '\n    reason: r\n    expires: 2027-01-31\n", 2, "without by"},
		{"attestation without reason", "attestations:\n  - id: MAN-01\n    by: bob\n    expires: 2027-01-31\n", 2, "attestation for MAN-01 without a reason"},
		{"attestation without expires", "attestations:\n  - id: MAN-01\n    by: bob\n    reason: r\n", 2, "attestation for MAN-01 without expires"},

		{"empty fingerprint", "waivers:\n  - id: SEC-01\n    fingerprint: ''\n    reason: r\n    expires: 2027-01-31\n", 3, "with an empty fingerprint"},
		{"a second document", "waivers:\n" + ok + "---\nwaivers: []\n", 5, "a second YAML document"},

		// unknown id: the line of the id
		{"unknown id", "waivers:\n" + ok + "  - reason: r\n    expires: 2027-01-31\n    id: SEC-99\n", 7, `waiver for unknown checklist item "SEC-99"`},
		{"unknown attestation id", "attestations:\n  - {by: b, reason: r, expires: 2027-01-31,\n     id: NOPE-1}\n", 3, `attestation for unknown checklist item "NOPE-1"`},
		{"id of the wrong case", "waivers:\n  - id: sec-01\n    reason: r\n    expires: 2027-01-31\n", 2, `unknown checklist item "sec-01"`},
		{"id as a number", "waivers:\n  - id: 1\n    reason: r\n    expires: 2027-01-31\n", 2, `unknown checklist item "1"`},

		// dates: the line of expires
		{"month 13", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027-13-01\n", 4, `expires "2027-13-01" is not a date`},
		{"February 30", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027-02-30\n", 4, `expires "2027-02-30" is not a date`},
		{"29 February of a common year", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027-02-29\n", 4, "is not a date"},
		{"slashes", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027/01/31\n", 4, `expires "2027/01/31" is not a date`},
		{"a word", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: tomorrow\n", 4, `expires "tomorrow" is not a date`},
		{"a number", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 20270131\n", 4, `expires "20270131" is not a date`},
		{"a float", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027.01\n", 4, "is not a date"},
		{"a boolean", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: yes\n", 4, "is not a date"},
		{"one-digit month (a YAML timestamp, not YYYY-MM-DD)", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027-1-31\n", 4, "is not a date"},
		{"a timestamp with a time", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027-01-31T10:00:00Z\n", 4, "is not a date"},
		{"a date and a time", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027-01-31 10:00\n", 4, "is not a date"},
		{"day first", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 31-01-2027\n", 4, "is not a date"},
		{"attestation date", "attestations:\n  - id: MAN-01\n    by: b\n    reason: r\n\n    expires: 2027-00-10\n", 6, "is not a date"},
		{"expires a list", "waivers:\n  - id: SEC-01\n    reason: r\n    expires:\n      - 2027-01-31\n", 5, "expires must be a single value"},
		{"reason a mapping", "waivers:\n  - id: SEC-01\n    reason: {why: x}\n    expires: 2027-01-31\n", 3, "reason must be a single value"},

		// unknown keys
		{"unknown top-level key", "waivers: []\nwaiver:\n  - id: SEC-01\n", 2, `unknown key "waiver"`},
		{"top-level key of the wrong case", "Waivers: []\n", 1, `unknown key "Waivers"`},
		{"unknown waiver field", "waivers:\n  - id: SEC-01\n    reason: r\n    expiry: 2027-01-31\n", 4, `unknown waiver field "expiry"`},
		{"by in a waiver", "waivers:\n  - id: SEC-01\n    by: bob\n    reason: r\n    expires: 2027-01-31\n", 3, `unknown waiver field "by"`},
		{"fingerprint in an attestation", "attestations:\n  - id: MAN-01\n    by: b\n    fingerprint: abc\n    reason: r\n    expires: 2027-01-31\n", 4, `unknown attestation field "fingerprint"`},
		{"merge key", "waivers:\n  - <<: {id: SEC-01}\n    reason: r\n    expires: 2027-01-31\n", 2, `unknown waiver field "<<"`},

		// shapes
		{"entry a string", "waivers:\n" + ok + "  - SEC-01\n", 5, "a waiver must be a mapping with id, reason and expires"},
		{"entry a list", "waivers:\n  - [SEC-01, r, 2027-01-31]\n", 2, "a waiver must be a mapping"},
		{"entry null", "waivers:\n" + ok + "  -\n", 5, "a waiver must be a mapping"},
		{"attestation entry a string", "attestations:\n  - MAN-01\n", 2, "an attestation must be a mapping with id, by, reason and expires"},
		{"waivers a mapping", "waivers:\n  id: SEC-01\n  reason: r\n", 2, "waivers must be a list"},
		{"waivers a string", "attestations: []\nwaivers: SEC-01\n", 2, "waivers must be a list"},
		{"waivers a number", "waivers: 3\n", 1, "waivers must be a list"},
		{"attestations a mapping", "attestations: {id: MAN-01}\n", 1, "attestations must be a list"},
		{"the file a list", "\n- id: SEC-01\n", 2, "the file must be a mapping"},
		{"the file a string", "waivers\n", 1, "the file must be a mapping"},

		// duplicate keys: YAML would keep the last one silently
		{"duplicate top-level key", "waivers:\n" + ok + "waivers: []\n", 5, `"waivers" given twice (first at line 1)`},
		{"duplicate field", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027-01-31\n    expires: 2099-01-31\n", 5, `"expires" given twice (first at line 4)`},
		{"duplicate id", "waivers:\n  - id: SEC-01\n    id: SEC-02\n    reason: r\n    expires: 2027-01-31\n", 3, `"id" given twice`},

		// target globs: the line of the target
		{"bad glob", "waivers:\n  - id: SEC-01\n    target: web-[\n    reason: r\n    expires: 2027-01-31\n", 3, `bad target pattern "web-["`},
		{"bad glob: trailing backslash", "waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027-01-31\n    target: 'web\\'\n", 5, "bad target pattern"},
		{"bad glob in an attestation", "attestations:\n  - id: MAN-01\n    by: b\n    reason: r\n    target: '[a-'\n    expires: 2027-01-31\n", 5, "bad target pattern"},

		// YAML syntax: FILE:LINE too
		{"tab indenting an entry", "waivers:\n\t- id: SEC-01\n", 2, "found character that cannot start any token"},
		{"tab indenting a field", "waivers:\n  - id: SEC-01\n\treason: r\n    expires: 2027-01-31\n", 3, "tab character"},
		{"tab indenting a later field", "waivers:\n  - id: SEC-01\n    reason: r\n \t  expires: 2027-01-31\n", 4, "tab character"},
		{"a mapping in a plain value", "waivers:\n  - id: SEC-01\n    reason: why: because\n    expires: 2027-01-31\n", 3, "mapping values are not allowed"},
		{"unterminated quote", "waivers:\n  - id: SEC-01\n    reason: \"r\n    expires: 2027-01-31\n", 3, "found unexpected end of stream"},
		{"control character", "waivers:\n  - id: SEC-01\n    reason: r\x07\n", 3, "control character U+0007 is not allowed"},
		{"NUL byte", "waivers: []\n\x00", 2, "control character U+0000"},
		{"C1 control character", "waivers: []\n# \u0080\n", 2, "control character U+0080"},
		{"noncharacter U+FFFE", "waivers: []\n\n# \ufffe\n", 3, "control character U+FFFE"},
		{"invalid UTF-8", "waivers:\n  - id: SEC-01\n    reason: caf\xe9\n", 3, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse(file, []byte(tt.yaml), known)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", cfg)
			}
			if cfg != nil {
				t.Errorf("Parse returned a config with its error: %+v", cfg)
			}
			prefix := file + ":" + strconv.Itoa(tt.line) + ": "
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to start with %q and to contain %q", err, prefix, tt.want)
			}
		})
	}
}

// TestParseErrorWithoutLine: the YAML library reports a few errors, such as
// an alias to an undefined anchor, without a line. They still name the file.
func TestParseErrorWithoutLine(t *testing.T) {
	_, err := config.Parse(file, []byte("waivers:\n  - id: SEC-01\n    reason: *nope\n"), known)
	want := file + ": unknown anchor 'nope' referenced"
	if err == nil || err.Error() != want {
		t.Errorf("Parse error %v, want %q", err, want)
	}
}

func TestExpiredBoundaries(t *testing.T) {
	cfg, err := config.Parse(file, []byte("waivers:\n  - {id: SEC-01, reason: r, expires: 2027-01-31}\n"), known)
	if err != nil {
		t.Fatal(err)
	}
	w := cfg.Waivers[0]
	east := time.FixedZone("UTC+14", 14*3600)
	west := time.FixedZone("UTC-12", -12*3600)
	tests := []struct {
		name    string
		now     time.Time
		expired bool
	}{
		{"long before", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"the day before", time.Date(2027, 1, 30, 23, 59, 59, 0, time.UTC), false},
		{"start of the day", time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), false},
		{"noon of the day", time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC), false},
		{"23:59:59.999 of the day", time.Date(2027, 1, 31, 23, 59, 59, 999_000_000, time.UTC), false},
		{"last nanosecond of the day", time.Date(2027, 1, 31, 23, 59, 59, 999_999_999, time.UTC), false},
		{"00:00 the next day", time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), true},
		{"1ns into the next day", time.Date(2027, 2, 1, 0, 0, 0, 1, time.UTC), true},
		{"long after", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), true},
		// the same instants, with the clock of other zones: the day is UTC's
		{"UTC+14, already 1 February there, 23:59:59 UTC", time.Date(2027, 2, 1, 13, 59, 59, 0, east), false},
		{"UTC+14, 00:00 UTC on 1 February", time.Date(2027, 2, 1, 14, 0, 0, 0, east), true},
		{"UTC+14, 31 January there but early: 30 January UTC", time.Date(2027, 1, 31, 9, 0, 0, 0, east), false},
		{"UTC-12, still 31 January there, 23:59:59 UTC", time.Date(2027, 1, 31, 11, 59, 59, 0, west), false},
		{"UTC-12, still 31 January there, 00:00 UTC on 1 February", time.Date(2027, 1, 31, 12, 0, 0, 0, west), true},
		{"local time (TZ of the machine), 00:00 UTC on 1 February", time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC).Local(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.Expired(tt.now); got != tt.expired {
				t.Errorf("Expired(%v) = %v, want %v (expires %v)", tt.now, got, tt.expired, w.Expires)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		name       string
		id, target string // the exception's
		itemID     string
		targetName string
		want       bool
	}{
		{"same id, no target", "SEC-01", "", "SEC-01", "anything/at/all", true},
		{"other id", "SEC-01", "", "SEC-02", "web-1", false},
		{"id prefix is not enough", "SEC-0", "", "SEC-01", "web-1", false},
		{"exact target", "SEC-01", "web-1", "SEC-01", "web-1", true},
		{"exact target, other name", "SEC-01", "web-1", "SEC-01", "web-10", false},
		{"star", "SEC-01", "web-*", "SEC-01", "web-1", true},
		{"star matches empty", "SEC-01", "web-*", "SEC-01", "web-", true},
		{"star, other prefix", "SEC-01", "web-*", "SEC-01", "api-1", false},
		{"star, right target but other id", "SEC-01", "web-*", "SEC-02", "web-1", false},
		{"star does not cross a slash", "SEC-01", "web-*", "SEC-01", "web-1/sub", false},
		{"star is anchored", "SEC-01", "web-*", "SEC-01", "old-web-1", false},
		{"question mark", "SEC-01", "db-?", "SEC-01", "db-3", true},
		{"question mark is one character", "SEC-01", "db-?", "SEC-01", "db-33", false},
		{"class", "SEC-01", "db-[12]", "SEC-01", "db-2", true},
		{"class, out of it", "SEC-01", "db-[12]", "SEC-01", "db-3", false},
		{"path glob", "SEC-01", "/srv/*/app", "SEC-01", "/srv/web/app", true},
		{"malformed pattern matches nothing", "SEC-01", "web-[", "SEC-01", "web-[", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := config.Exception{ID: tt.id, Target: tt.target}
			if got := e.Matches(tt.itemID, tt.targetName); got != tt.want {
				t.Errorf("Exception{ID: %q, Target: %q}.Matches(%q, %q) = %v, want %v", tt.id, tt.target, tt.itemID, tt.targetName, got, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, content []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	valid := write("valid.yaml", []byte("waivers:\n  - id: SEC-01\n    reason: r\n    expires: 2027-01-31\n"))
	invalid := write("invalid.yaml", []byte("waivers:\n  - id: SEC-01\n    reason: r\n"))
	empty := write("empty.yaml", nil)
	// exactly the limit: comment lines padded to 1 MiB
	line := "# " + strings.Repeat("x", 61) + "\n" // 64 bytes
	limit := write("limit.yaml", []byte(strings.Repeat(line, (1<<20)/len(line))))
	huge := write("huge.yaml", []byte(strings.Repeat(line, (1<<20)/len(line))+"\n"))
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(valid, link); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub.yaml")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		file     string
		waivers  int
		wantErr  string // a part of the error; "" for none
		notExist bool
	}{
		{name: "valid", file: valid, waivers: 1},
		{name: "symlink to a valid file", file: link, waivers: 1},
		{name: "empty", file: empty},
		{name: "exactly 1 MiB", file: limit},
		{name: "parse error names the file and line", file: invalid, wantErr: invalid + ":2: waiver for SEC-01 without expires"},
		{name: "over 1 MiB", file: huge, wantErr: "is not a regular file under 1048576 bytes"},
		{name: "a directory", file: sub, wantErr: sub + " is not a regular file"},
		{name: "missing", file: filepath.Join(dir, "nope.yaml"), wantErr: filepath.Join(dir, "nope.yaml") + " does not exist"},
		{name: "missing directory", file: filepath.Join(dir, "nope", ".audit.yaml"), wantErr: "does not exist"},
		{name: "under a regular file", file: filepath.Join(valid, ".audit.yaml"), wantErr: "read config: stat " + valid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load(tt.file, known)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load(%s) = %+v, %v; want an error containing %q", tt.file, cfg, err, tt.wantErr)
				}
				if cfg != nil {
					t.Errorf("Load returned a config with its error: %+v", cfg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load(%s): %v", tt.file, err)
			}
			if cfg.Path != tt.file {
				t.Errorf("Path = %q, want %q", cfg.Path, tt.file)
			}
			if len(cfg.Waivers) != tt.waivers {
				t.Errorf("got %d waivers, want %d: %+v", len(cfg.Waivers), tt.waivers, cfg.Waivers)
			}
			for _, w := range cfg.Waivers {
				if !strings.HasPrefix(w.Where, tt.file+":") {
					t.Errorf("Where = %q, want it to name %s", w.Where, tt.file)
				}
			}
		})
	}
}

func TestLoadUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	p := filepath.Join(t.TempDir(), "secret.yaml")
	if err := os.WriteFile(p, []byte("waivers: []\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := config.Load(p, known)
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Load of an unreadable file: %v, want a permission error", err)
	}
}

// TestParseAlias: a shared reason through a YAML alias is read.
func TestParseAlias(t *testing.T) {
	cfg, err := config.Parse("a.yaml", []byte("waivers:\n  - id: SEC-01\n    reason: &r shared reason\n    expires: 2027-01-31\n  - id: SEC-02\n    reason: *r\n    expires: 2027-01-31\n"), nil)
	if err != nil || len(cfg.Waivers) != 2 || cfg.Waivers[1].Reason != "shared reason" {
		t.Fatalf("Parse: %v, %+v", err, cfg)
	}
}

func TestParseSettings(t *testing.T) {
	cfg, err := config.Parse("a.yaml", []byte("settings:\n  ssh_key_rotation_days: 30\n  net_allowed_ports: [22, 8443]\n"), nil)
	if err != nil || cfg.Settings["ssh_key_rotation_days"] != 30 || !slices.Equal(cfg.Settings["net_allowed_ports"].([]int), []int{22, 8443}) {
		t.Fatalf("Parse: %v, %+v", err, cfg)
	}
	cfg, err = config.Parse("a.yaml", []byte("settings:\n  net_private_interfaces: [lo, wg*, tailscale0]\n"), nil)
	if err != nil || !slices.Equal(cfg.Settings["net_private_interfaces"].([]string), []string{"lo", "wg*", "tailscale0"}) {
		t.Fatalf("Parse: %v, %+v", err, cfg)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"settings:\n  nope: 1\n", `a.yaml:2: unknown setting "nope"`},
		{"settings:\n  net_private_interfaces: wg0\n", "a.yaml:2: net_private_interfaces must be a list of interface names"},
		{"settings:\n  net_private_interfaces: [eth0, \"a b\"]\n", "a.yaml:2: net_private_interfaces must be a list of interface names"},
		{"settings:\n  net_private_interfaces:\n    - lo\n    - averyveryverylongname\n", "a.yaml:4: net_private_interfaces must be"},
		{"settings:\n  net_private_interfaces: [[lo]]\n", "a.yaml:2: net_private_interfaces must be"},
		{"settings:\n  ssh_key_rotation_days: soon\n", "a.yaml:2: ssh_key_rotation_days must be a whole number"},
		{"settings:\n  net_allowed_ports: 22\n", "a.yaml:2: net_allowed_ports must be a list of whole numbers"},
		{"settings:\n  net_allowed_ports: [22, http]\n", "a.yaml:2: net_allowed_ports must be a list of whole numbers, each from 1 to 65535"},
		{"settings:\n  net_allowed_ports:\n    - 22\n    - 70000\n", "a.yaml:4: net_allowed_ports must be a list"},
		{"settings:\n  ssh_key_rotation_days: 0\n", "a.yaml:2: ssh_key_rotation_days must be a whole number from 1"},
		{"settings: [1]\n", "a.yaml:1: settings must be a mapping"},
	} {
		if _, err := config.Parse("a.yaml", []byte(tc.yaml), nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
