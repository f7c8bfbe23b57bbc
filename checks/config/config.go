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
	"os"
	"path"
	"strings"
	"time"

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
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(content)).Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return cfg, nil // an empty file
		}
		return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	p := parser{file: file, knownID: knownID}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, p.errorf(root, "the file must be a mapping with waivers: and attestations:")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
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
		default:
			return nil, p.errorf(key, "unknown key %q (want waivers or attestations)", key.Value)
		}
	}
	return cfg, nil
}

var (
	waiverFields      = map[string]bool{"id": true, "target": true, "fingerprint": true, "reason": true, "expires": true}
	attestationFields = map[string]bool{"id": true, "target": true, "by": true, "reason": true, "expires": true}
)

type parser struct {
	file    string
	knownID func(string) bool
}

func (p parser) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, n.Line, fmt.Sprintf(format, args...))
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
		return e, p.errorf(item, "a %s must be a mapping with id, reason and expires", kind)
	}
	values := map[string]*yaml.Node{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		key, value := item.Content[i], item.Content[i+1]
		if !fields[key.Value] {
			return e, p.errorf(key, "unknown %s field %q", kind, key.Value)
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
