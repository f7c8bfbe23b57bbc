// Package config reads audit's configuration file (.audit.yaml): waivers
// that turn a known failure into "waived" until they expire, and
// attestations that stand in for a manual checklist item until they expire.
// Every error names the file and line.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// DefaultFile is the configuration read from the audited repository's root
// when --config is not given.
const DefaultFile = ".audit.yaml"

// maxSize bounds a configuration file.
const maxSize = 1 << 20

// Config is a parsed configuration file.
type Config struct {
	// Path is the file it was read from.
	Path         string
	Waivers      []Exception
	Attestations []Exception
	// Settings tune policies; they reach them as input.settings.
	Settings map[string]any
}

// settingKinds lists the settings and the whole numbers each accepts, or
// the numbers each element of a list accepts.
var settingKinds = map[string]struct {
	min, max int
	list     bool
	// names, when set, makes the setting a list of strings, each matching it.
	names *regexp.Regexp
}{
	"ssh_key_rotation_days": {min: 1, max: 3650},
	// SEC-05: how far ahead a database password's VALID UNTIL may be.
	"credential_rotation_days": {min: 1, max: 3650},
	// DB-04: the widest pg_hba network allowed, as the shortest prefix.
	"db_ipv4_min_prefix": {min: 1, max: 32},
	"db_ipv6_min_prefix": {min: 1, max: 128},
	// NET-05: the TCP ports that may be exposed.
	"net_allowed_ports": {min: 1, max: 65535, list: true},
	// NET-03..05: interfaces only trusted peers reach (a ufw rule "on" one
	// opens nothing to the world), as names or globs such as wg*.
	"net_private_interfaces": {list: true, names: interfaceGlob},
}

// interfaceGlob is a network interface name (at most 15 characters, no
// slash or space) or a glob of one.
var interfaceGlob = regexp.MustCompile(`^[A-Za-z0-9_.:@+*?\[\]-]{1,15}$`)

func (p parser) settings(n *yaml.Node) (map[string]any, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, "settings must be a mapping")
	}
	out := map[string]any{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		kind, ok := settingKinds[key.Value]
		if !ok {
			return nil, p.errorf(key, "unknown setting %q (known: %s)", key.Value, strings.Join(slices.Sorted(maps.Keys(settingKinds)), ", "))
		}
		if _, dup := out[key.Value]; dup {
			return nil, p.errorf(key, "setting %q given twice", key.Value)
		}
		number := func(n *yaml.Node) (int, error) {
			v, err := strconv.Atoi(n.Value)
			if n.Kind != yaml.ScalarNode || err != nil || v < kind.min || v > kind.max {
				what := "a whole number"
				if kind.list {
					what = "a list of whole numbers, each"
				}
				return 0, p.errorf(n, "%s must be %s from %d to %d", key.Value, what, kind.min, kind.max)
			}
			return v, nil
		}
		if !kind.list {
			v, err := number(value)
			if err != nil {
				return nil, err
			}
			out[key.Value] = v
			continue
		}
		if kind.names != nil {
			names := []string{}
			for _, e := range value.Content {
				if e.Kind != yaml.ScalarNode || !kind.names.MatchString(e.Value) {
					return nil, p.errorf(e, "%s must be a list of interface names or globs (such as wg*)", key.Value)
				}
				names = append(names, e.Value)
			}
			if value.Kind != yaml.SequenceNode {
				return nil, p.errorf(value, "%s must be a list of interface names or globs (such as wg*)", key.Value)
			}
			out[key.Value] = names
			continue
		}
		if value.Kind != yaml.SequenceNode {
			_, err := number(&yaml.Node{Kind: yaml.MappingNode, Line: value.Line, Column: value.Column})
			return nil, err
		}
		list := []int{}
		for _, e := range value.Content {
			v, err := number(e)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		out[key.Value] = list
	}
	return out, nil
}

// Exception is a waiver or an attestation: a statement about one checklist
// item, valid until the end of its expiry day (UTC).
type Exception struct {
	// ID is the checklist item.
	ID string
	// Target is a glob on the target name ("" for every target).
	Target string
	// Fingerprint limits a waiver to one finding.
	Fingerprint string
	// Reason says why; By says who attests (attestations).
	Reason string
	By     string
	// Expires is the first instant the exception no longer holds.
	Expires time.Time
	// Day is the expiry date as written.
	Day string
	// Where is "FILE:LINE" of the entry, for messages.
	Where string
}

// Expired reports whether the exception no longer holds at now.
func (e Exception) Expired(now time.Time) bool { return !now.Before(e.Expires) }

// Matches reports whether the exception is about item id on target.
func (e Exception) Matches(id, target string) bool {
	if e.ID != id {
		return false
	}
	if e.Target == "" {
		return true
	}
	ok, err := path.Match(e.Target, target)
	return err == nil && ok
}

// Load reads the configuration at file. knownID tells which checklist IDs
// exist; an exception naming another is an error.
func Load(file string, knownID func(string) bool) (*Config, error) {
	info, err := os.Stat(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config file %s does not exist", file)
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	if !info.Mode().IsRegular() || info.Size() > maxSize {
		return nil, fmt.Errorf("config file %s is not a regular file under %d bytes", file, maxSize)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(file, b, knownID)
}

// Parse parses the content of a configuration file named file.
func Parse(file string, content []byte, knownID func(string) bool) (*Config, error) {
	cfg := &Config{Path: file}
	if line, problem := badChar(content); line > 0 {
		return nil, fmt.Errorf("%s:%d: %s", file, line, problem)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(content))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return cfg, nil // an empty file
		}
		return nil, syntaxError(file, content, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, fmt.Errorf("%s:%d: a second YAML document: audit reads one; merge them", file, next.Line)
	}
	p := parser{file: file, knownID: knownID}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return cfg, nil // an empty document ("---" and comments)
	}
	if root.Kind != yaml.MappingNode {
		return nil, p.errorf(root, "the file must be a mapping with waivers: and attestations:")
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		if err := p.once(seen, key); err != nil {
			return nil, err
		}
		switch key.Value {
		case "waivers":
			list, err := p.exceptions(value, "waiver", waiverFields)
			if err != nil {
				return nil, err
			}
			cfg.Waivers = list
		case "attestations":
			list, err := p.exceptions(value, "attestation", attestationFields)
			if err != nil {
				return nil, err
			}
			cfg.Attestations = list
		case "settings":
			settings, err := p.settings(value)
			if err != nil {
				return nil, err
			}
			cfg.Settings = settings
		default:
			return nil, p.errorf(key, "unknown key %q (want waivers, attestations or settings)", key.Value)
		}
	}
	return cfg, nil
}

var (
	waiverFields      = map[string]bool{"id": true, "target": true, "fingerprint": true, "reason": true, "expires": true}
	attestationFields = map[string]bool{"id": true, "target": true, "by": true, "reason": true, "expires": true}
)

// syntaxError turns an error of the YAML parser, "yaml: line N: problem",
// into "FILE:N: problem". For a tab in the indentation the parser names the
// line of the value before it: the tab's line is looked up in content.
func syntaxError(file string, content []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return fmt.Errorf("%s: %s", file, msg)
	}
	n, problem, ok := strings.Cut(rest, ": ")
	line, err := strconv.Atoi(n)
	if !ok || err != nil {
		return fmt.Errorf("%s: %s", file, msg)
	}
	if strings.Contains(problem, "tab character") {
		lines := strings.Split(string(content), "\n")
		for i := line - 1; i >= 0 && i < len(lines); i++ {
			indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
			if strings.Contains(indent, "\t") {
				line = i + 1
				break
			}
		}
	}
	return fmt.Errorf("%s:%d: %s", file, line, problem)
}

// badChar finds the first line of UTF-8 content that the YAML parser would
// reject without saying where: bad UTF-8 or a control character. Content
// with a UTF-16 byte order mark is left to the parser.
func badChar(content []byte) (line int, problem string) {
	if bytes.HasPrefix(content, []byte{0xFF, 0xFE}) || bytes.HasPrefix(content, []byte{0xFE, 0xFF}) {
		return 0, ""
	}
	line = 1
	for len(content) > 0 {
		r, size := utf8.DecodeRune(content)
		switch {
		case r == utf8.RuneError && size == 1:
			return line, "the file is not valid UTF-8"
		case r == '\n':
			line++
		case r == '\t', r == '\r', r == 0x85, r >= 0x20 && r <= 0x7E,
			r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000:
		default:
			return line, fmt.Sprintf("control character %U is not allowed", r)
		}
		content = content[size:]
	}
	return 0, ""
}

type parser struct {
	file    string
	knownID func(string) bool
}

func (p parser) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, n.Line, fmt.Sprintf(format, args...))
}

// once reports a key given twice in one mapping: YAML would keep the last
// value and silently drop the first.
func (p parser) once(seen map[string]*yaml.Node, key *yaml.Node) error {
	if first, ok := seen[key.Value]; ok {
		return p.errorf(key, "%q given twice (first at line %d)", key.Value, first.Line)
	}
	seen[key.Value] = key
	return nil
}

func (p parser) exceptions(list *yaml.Node, kind string, fields map[string]bool) ([]Exception, error) {
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, p.errorf(list, "%ss must be a list", kind)
	}
	var out []Exception
	for _, item := range list.Content {
		e, err := p.exception(item, kind, fields)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (p parser) exception(item *yaml.Node, kind string, fields map[string]bool) (Exception, error) {
	e := Exception{Where: fmt.Sprintf("%s:%d", p.file, item.Line)}
	if item.Kind != yaml.MappingNode {
		if kind == "attestation" {
			return e, p.errorf(item, "an attestation must be a mapping with id, by, reason and expires")
		}
		return e, p.errorf(item, "a waiver must be a mapping with id, reason and expires")
	}
	values := map[string]*yaml.Node{}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		key, value := item.Content[i], item.Content[i+1]
		if err := p.once(seen, key); err != nil {
			return e, err
		}
		if !fields[key.Value] {
			return e, p.errorf(key, "unknown %s field %q", kind, key.Value)
		}
		if value.Kind == yaml.AliasNode && value.Alias != nil {
			value = value.Alias // reason: *shared
		}
		if value.Kind != yaml.ScalarNode {
			return e, p.errorf(value, "%s must be a single value", key.Value)
		}
		values[key.Value] = value
	}
	get := func(k string) string {
		if n := values[k]; n != nil && n.Tag != "!!null" {
			return strings.TrimSpace(n.Value)
		}
		return ""
	}
	e.ID, e.Target, e.Fingerprint, e.Reason, e.By, e.Day =
		get("id"), get("target"), get("fingerprint"), get("reason"), get("by"), get("expires")
	switch {
	case e.ID == "":
		return e, p.errorf(item, "%s without id", kind)
	case values["fingerprint"] != nil && e.Fingerprint == "":
		// An empty fingerprint would waive the whole item unnoticed.
		return e, p.errorf(values["fingerprint"], "%s for %s with an empty fingerprint (leave the key out to waive the whole item)", kind, e.ID)
	case p.knownID != nil && !p.knownID(e.ID):
		return e, p.errorf(values["id"], "%s for unknown checklist item %q (see audit checks)", kind, e.ID)
	case e.Reason == "":
		return e, p.errorf(item, "%s for %s without a reason", kind, e.ID)
	case kind == "attestation" && e.By == "":
		return e, p.errorf(item, "attestation for %s without by (who attests)", e.ID)
	case e.Day == "":
		return e, p.errorf(item, "%s for %s without expires (a date, YYYY-MM-DD)", kind, e.ID)
	}
	if e.Target != "" {
		if _, err := path.Match(e.Target, ""); err != nil {
			return e, p.errorf(values["target"], "bad target pattern %q: %v", e.Target, err)
		}
	}
	day, err := time.Parse(time.DateOnly, e.Day)
	if err != nil {
		return e, p.errorf(values["expires"], "expires %q is not a date (want YYYY-MM-DD)", e.Day)
	}
	e.Expires = day.AddDate(0, 0, 1) // the end of that day, UTC
	return e, nil
}
