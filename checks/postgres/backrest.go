package postgres

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"audit/checks/host"
)

// Where pgBackRest looks for its configuration when not told otherwise.
const (
	backrestConfig       = "/etc/pgbackrest/pgbackrest.conf"
	backrestLegacyConfig = "/etc/pgbackrest.conf"
	backrestIncludeDir   = "/etc/pgbackrest/conf.d"
	// backrestMaxRepo is the highest repository index pgBackRest knows.
	backrestMaxRepo = 256
)

// ReadBackrest reads the pgBackRest configuration of a host:
// /etc/pgbackrest/pgbackrest.conf, the legacy /etc/pgbackrest.conf (read
// only when the first is absent, as pgBackRest does), and the
// /etc/pgbackrest/conf.d/*.conf files (hidden ones too) in name order. Sections of the same
// name in several files are one section, as pgBackRest merges them.
// Options given on the command line or in PGBACKREST_* variables are not
// seen.
//
// A repository N exists for a stanza when a repoN-* option (repo-* for
// repo1, the deprecated spelling) stands in [global], in the stanza's
// section, or in their command sections ([global:archive-push]); when
// none does and the stanza has a pgN-path, pgBackRest's default repo1 is
// implied. Repos holds one entry per stanza and repository, Section
// naming the stanza; with no stanza section at all, one entry per
// repository of [global], Section "global". CipherType is the
// repoN-cipher-type of the stanza's section, else of [global] ("" when
// neither sets it: pgBackRest's default is none); command sections are
// not read for it. File and Line point at that cipher-type line when
// there is one (CipherLine is then Line), else at the first option that
// defines the repository (for an implied repo1, the pgN-path).
//
// Configured is true when a file defines a stanza or a repository.
// Error gathers read errors other than a missing file and lines
// pgBackRest would reject, as "FILE:LINE: what". No option value other
// than the cipher type is copied anywhere: the files hold secrets
// (repoN-cipher-pass, repoN-s3-key-secret, …).
func ReadBackrest(fsys host.FS) Backrest {
	var b Backrest
	var c backrestConf
	load := func(file string) (exists bool) {
		data, err := readConfigFile(fsys, file)
		if fileMissing(err) {
			return false
		}
		if err != nil {
			c.problems = append(c.problems, fmt.Sprintf("read %s: %v", file, err))
			return true
		}
		b.Files = append(b.Files, file)
		c.parse(file, string(data))
		return true
	}
	if !load(backrestConfig) {
		load(backrestLegacyConfig)
	}
	// pgBackRest reads the names matching .+\.conf$, hidden ones too.
	var files []string
	for _, pattern := range []string{"/*.conf", "/.*.conf"} {
		names, err := fsys.Glob(backrestIncludeDir + pattern)
		if err != nil {
			c.problems = append(c.problems, fmt.Sprintf("list %s: %v", backrestIncludeDir, err))
		}
		for _, f := range names {
			if len(path.Base(f)) > len(".conf") && !contains(files, f) {
				files = append(files, f)
			}
		}
	}
	sort.Strings(files)
	for _, f := range files {
		load(f)
	}
	b.Repos = c.repos()
	b.Configured = len(c.stanzas) > 0 || len(b.Repos) > 0
	b.Error = strings.Join(c.problems, "; ")
	return b
}

// backrestOption is one key=value line of a pgBackRest file, its value
// dropped unless it is a cipher type.
type backrestOption struct {
	section string // the stanza or "global", without the :command
	command bool   // in a [section:command] section
	key     string
	file    string
	line    int
}

// backrestConf is what the files say, merged.
type backrestConf struct {
	stanzas  []string
	options  []backrestOption
	ciphers  map[string]backrestCipher // key: section + "\x00" + repo index
	problems []string
}

type backrestCipher struct {
	value string
	file  string
	line  int
}

// parse reads one ini file as pgBackRest's iniLoad does: trimmed lines,
// # comments on lines of their own, [section] headers, key=value.
func (c *backrestConf) parse(file, text string) {
	section, command := "", false
	for n := 1; text != ""; n++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		line = strings.TrimSpace(line)
		problem := func(what string) { c.problems = append(c.problems, fmt.Sprintf("%s:%d: %s", file, n, what)) }
		switch {
		case line == "" || line[0] == '#':
		case line[0] == '[':
			if line[len(line)-1] != ']' {
				problem("ini section should end with ]")
				continue
			}
			name := strings.TrimSpace(line[1 : len(line)-1])
			if name == "" {
				problem("invalid empty section")
				continue
			}
			base, _, isCommand := strings.Cut(name, ":")
			section, command = base, isCommand
			if section != "global" && !contains(c.stanzas, section) {
				c.stanzas = append(c.stanzas, section)
			}
		case section == "":
			problem("key/value found outside of section")
		default:
			key, value, ok := strings.Cut(line, "=")
			key = strings.TrimSpace(key)
			switch {
			case !ok:
				problem("missing '=' in key/value")
				continue
			case key == "":
				problem("key is zero-length")
				continue
			}
			c.options = append(c.options, backrestOption{section: section, command: command, key: key, file: file, line: n})
			if i, rest, ok := repoOption(key); ok && rest == "cipher-type" && !command {
				if c.ciphers == nil {
					c.ciphers = map[string]backrestCipher{}
				}
				k := section + "\x00" + strconv.Itoa(i)
				if _, dup := c.ciphers[k]; dup {
					problem(fmt.Sprintf("repo%d-cipher-type set more than once in [%s]", i, section))
				}
				c.ciphers[k] = backrestCipher{value: strings.TrimSpace(value), file: file, line: n}
			}
		}
	}
}

// repoOption splits repoN-rest (repo-rest for repo1) into N and rest.
func repoOption(key string) (int, string, bool) {
	rest, ok := strings.CutPrefix(key, "repo")
	if !ok {
		return 0, "", false
	}
	if r, ok := strings.CutPrefix(rest, "-"); ok {
		return 1, r, r != ""
	}
	digits, r, ok := strings.Cut(rest, "-")
	if !ok || r == "" || digits == "" || digits[0] == '0' || len(digits) > 3 {
		return 0, "", false
	}
	for i := 0; i < len(digits); i++ {
		if !isDigit(digits[i]) {
			return 0, "", false
		}
	}
	n, _ := strconv.Atoi(digits)
	return n, r, n <= backrestMaxRepo
}

// isPGPath tells pgN-path and its deprecated spellings db-path, dbN-path.
func isPGPath(key string) bool {
	name, ok := strings.CutSuffix(key, "-path")
	if !ok {
		return false
	}
	if rest, ok := strings.CutPrefix(name, "pg"); ok && rest != "" {
		return strings.Trim(rest, "0123456789") == ""
	}
	if rest, ok := strings.CutPrefix(name, "db"); ok {
		return strings.Trim(rest, "0123456789") == ""
	}
	return false
}

// repos lists the repositories of each stanza (or of [global] when there
// is no stanza), as ReadBackrest documents.
func (c *backrestConf) repos() []BackrestRepo {
	// first[section][N] is the first option defining repository N there.
	first := map[string]map[int]backrestOption{}
	for _, o := range c.options {
		if i, _, ok := repoOption(o.key); ok {
			if first[o.section] == nil {
				first[o.section] = map[int]backrestOption{}
			}
			if _, seen := first[o.section][i]; !seen {
				first[o.section][i] = o
			}
		}
	}
	entry := func(stanza string, i int, defined backrestOption) BackrestRepo {
		r := BackrestRepo{Name: "repo" + strconv.Itoa(i), Section: stanza, File: defined.file, Line: defined.line}
		cipher, ok := c.ciphers[stanza+"\x00"+strconv.Itoa(i)]
		if !ok {
			cipher, ok = c.ciphers["global\x00"+strconv.Itoa(i)]
		}
		if ok {
			r.File, r.Line, r.CipherType, r.CipherLine = cipher.file, cipher.line, cipher.value, cipher.line
		}
		return r
	}
	var out []BackrestRepo
	if len(c.stanzas) == 0 {
		for _, i := range sortedKeys(first["global"]) {
			out = append(out, entry("global", i, first["global"][i]))
		}
		return out
	}
	for _, stanza := range c.stanzas {
		defined := map[int]backrestOption{}
		for i, o := range first["global"] {
			defined[i] = o
		}
		for i, o := range first[stanza] {
			defined[i] = o // the stanza's own line is the better pointer
		}
		if len(defined) == 0 {
			for _, o := range c.options {
				if o.section == stanza && isPGPath(o.key) {
					defined[1] = o // pgBackRest's default repo1
					break
				}
			}
		}
		for _, i := range sortedKeys(defined) {
			out = append(out, entry(stanza, i, defined[i]))
		}
	}
	return out
}

func sortedKeys(m map[int]backrestOption) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
