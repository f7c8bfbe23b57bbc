package postgres

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"audit/checks/host"
)

// Conf is postgresql.conf as the server reads it: every file included,
// postgresql.auto.conf last, the last value of each setting winning.
type Conf struct {
	// Settings maps each lower-case setting name to its winning value,
	// with Source "file" and the File and Line where that value stands.
	Settings map[string]Setting
	// Files are the files read, in the order the server reads them.
	Files []string
	// Problems are the lines the server would reject, as "FILE:LINE: what"
	// (a syntax error, too many of them in one file). The server refuses
	// to start with them, or ignores the whole file on a reload.
	Problems []string
}

const (
	// maxFileSize is the largest configuration file read: larger ones
	// are not configuration, and reading them would cost the audit.
	maxFileSize = 16 << 20
	// maxIncludeDepth is PostgreSQL's CONF_FILE_MAX_DEPTH: the main file
	// is depth 0, and a file included deeper than 10 is an error. It also
	// stops include cycles.
	maxIncludeDepth = 10
	// maxOpens bounds the files one parse opens (a file included twice
	// counts twice), and maxTotalSize the text it parses, so that a
	// fan-out of includes cannot make it work without end.
	maxOpens     = 10000
	maxTotalSize = 64 << 20
	// maxSyntaxErrors is how many syntax errors the server reports in
	// one file before it abandons the file.
	maxSyntaxErrors = 100
)

// errTooManyFiles and errTooMuchText are returned when one parse would
// open more than maxOpens files or parse more than maxTotalSize bytes.
var (
	errTooManyFiles = fmt.Errorf("includes open more than %d files", maxOpens)
	errTooMuchText  = fmt.Errorf("includes make more than %d MiB of text", maxTotalSize>>20)
)

// fileMissing tells an error reading a file that does not exist: the
// local fs.ErrNotExist, or cat's "No such file or directory" when the host
// reads files over SSH or sudo. Any other error (permission denied) is
// not a missing file: the server may read what the audit may not.
func fileMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist)
}

// readConfigFile reads name through fsys, refusing files larger than maxFileSize.
func readConfigFile(fsys host.FS, name string) ([]byte, error) {
	b, err := fsys.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("file is larger than %d MiB", maxFileSize>>20)
	}
	return b, nil
}

// fileReader reads the files of one parse through fsys, each once (a
// file read over SSH costs a command), within the parse's budget.
type fileReader struct {
	fsys  host.FS
	cache map[string]readResult
	opens int
	size  int
}

type readResult struct {
	text string
	err  error
}

// read returns the text of name, or why it cannot be read.
func (r *fileReader) read(name string) (string, error) {
	if r.opens++; r.opens > maxOpens {
		return "", errTooManyFiles
	}
	res, ok := r.cache[name]
	if !ok {
		b, err := readConfigFile(r.fsys, name)
		res = readResult{string(b), err}
		if r.cache == nil {
			r.cache = map[string]readResult{}
		}
		r.cache[name] = res
	}
	if res.err != nil {
		return "", res.err
	}
	if r.size += len(res.text); r.size > maxTotalSize {
		return "", errTooMuchText
	}
	return res.text, nil
}

// absoluteLocation is PostgreSQL's AbsoluteConfigLocation: a relative
// location is relative to the directory of the file that names it.
func absoluteLocation(location, callingFile string) string {
	if path.IsAbs(location) || callingFile == "" {
		return path.Clean(location)
	}
	return path.Join(path.Dir(callingFile), location)
}

// confFilesInDir is PostgreSQL's GetConfFilesInDir: the files of dir
// whose name ends in ".conf" and does not start with ".", in bytewise
// order. A missing directory reads as empty: Glob cannot tell it apart.
func confFilesInDir(fsys host.FS, dir string) ([]string, error) {
	names, err := fsys.Glob(globEscape(path.Clean(dir)) + "/*.conf")
	if err != nil {
		return nil, err
	}
	var files []string
	for _, name := range names {
		base := path.Base(name)
		if len(base) < len("x.conf") || strings.HasPrefix(base, ".") || !strings.HasSuffix(base, ".conf") {
			continue
		}
		files = append(files, name)
	}
	sort.Strings(files)
	return files, nil
}

// globEscape quotes the pattern characters of a literal path.
func globEscape(s string) string {
	if !strings.ContainsAny(s, `*?[\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`*?[\`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ParseConf reads the postgresql.conf at file (dataDir/postgresql.conf
// when file is ""), everything it includes, and then
// dataDir/postgresql.auto.conf when dataDir is not "" and that file
// exists, as guc-file.l does. A relative file is relative to dataDir.
//
// It returns an error when the main file cannot be read, an include
// target cannot be read (include_if_exists excepted when the target is
// missing), includes nest more than 10 deep (which is how cycles end),
// or open more than 10000 files or 64 MiB; a file over 16 MiB is not
// read. Lines the server would reject are Problems, and the settings on
// them are ignored. An include_dir that does not exist reads as empty,
// where the server would complain: host.FS cannot tell the two apart.
func ParseConf(fsys host.FS, file, dataDir string) (*Conf, error) {
	if file == "" {
		if dataDir == "" {
			return nil, errors.New("read postgresql.conf: neither the file nor the data directory is known")
		}
		file = path.Join(dataDir, "postgresql.conf")
	} else if !path.IsAbs(file) && dataDir != "" {
		file = path.Join(dataDir, file)
	}
	p := &confParser{files: fileReader{fsys: fsys}, conf: &Conf{Settings: map[string]Setting{}}}
	if err := p.parseFile(file, true, "", 0, 0); err != nil {
		return nil, err
	}
	if dataDir != "" {
		if err := p.parseFile(path.Join(dataDir, "postgresql.auto.conf"), false, "", 0, 0); err != nil {
			return nil, err
		}
	}
	return p.conf, nil
}

type confParser struct {
	files fileReader
	conf  *Conf
}

// parseFile is ParseConfigFile: it reads file, named by callingFile at
// callingLine ("" for the main file and postgresql.auto.conf), at the
// given include depth. Only strict files must exist.
func (p *confParser) parseFile(file string, strict bool, callingFile string, callingLine, depth int) error {
	// where names the line that includes file, for errors.
	where := func(err error) error {
		if callingFile == "" {
			return fmt.Errorf("read %s: %w", file, err)
		}
		return fmt.Errorf("%s:%d: include %s: %w", callingFile, callingLine, file, err)
	}
	if strings.TrimLeft(file, " \t\r\n") == "" {
		return where(errors.New("empty configuration file name"))
	}
	if depth > maxIncludeDepth {
		return where(fmt.Errorf("includes nested more than %d deep", maxIncludeDepth))
	}
	abs := absoluteLocation(file, callingFile)
	if callingFile != "" && abs == callingFile {
		return where(errors.New("configuration file recursion"))
	}
	text, err := p.files.read(abs)
	if err != nil {
		if !strict && fileMissing(err) {
			return nil // skipping missing configuration file
		}
		if abs != file {
			err = fmt.Errorf("%s: %w", abs, err)
		}
		return where(err)
	}
	p.conf.Files = append(p.conf.Files, abs)
	return p.parseLines(abs, text, depth)
}

// parseLines is ParseConfigFp: one "name [=] value" per line.
func (p *confParser) parseLines(file, text string, depth int) error {
	syntaxErrors := 0
	for n := 1; text != ""; n++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		toks := lexConfLine(line)
		if len(toks) == 0 {
			continue
		}
		name, value, bad := parseConfTokens(toks)
		if bad != "" {
			p.conf.Problems = append(p.conf.Problems, fmt.Sprintf("%s:%d: %s", file, n, bad))
			if syntaxErrors++; syntaxErrors >= maxSyntaxErrors {
				p.conf.Problems = append(p.conf.Problems, fmt.Sprintf("%s:%d: too many syntax errors, file abandoned", file, n))
				return nil
			}
			continue
		}
		var err error
		switch name {
		case "include_dir":
			err = p.parseDir(value, file, n, depth+1)
		case "include_if_exists":
			err = p.parseFile(value, false, file, n, depth+1)
		case "include":
			err = p.parseFile(value, true, file, n, depth+1)
		default:
			p.conf.Settings[name] = Setting{Value: value, Source: "file", File: file, Line: n}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// parseDir is ParseConfigDirectory.
func (p *confParser) parseDir(dir, callingFile string, callingLine, depth int) error {
	if strings.TrimLeft(dir, " \t\r\n") == "" {
		return fmt.Errorf("%s:%d: include_dir: empty configuration directory name", callingFile, callingLine)
	}
	abs := absoluteLocation(dir, callingFile)
	files, err := confFilesInDir(p.files.fsys, abs)
	if err != nil {
		return fmt.Errorf("%s:%d: include_dir %s: %w", callingFile, callingLine, abs, err)
	}
	for _, f := range files {
		if err := p.parseFile(f, true, callingFile, callingLine, depth); err != nil {
			return err
		}
	}
	return nil
}

// The tokens of guc-file.l.
const (
	tokID = iota + 1
	tokQualifiedID
	tokString
	tokUnquoted
	tokInteger
	tokReal
	tokEquals
	tokError
)

type confToken struct {
	kind int
	text string
}

// parseConfTokens checks one line's tokens against the grammar of
// ParseConfigFp and returns the lower-case name and the value, or what
// is wrong with the line.
func parseConfTokens(toks []confToken) (name, value, bad string) {
	near := func(i int) string {
		if i >= len(toks) {
			return "syntax error near end of line"
		}
		t := toks[i].text
		if len(t) > 40 {
			t = t[:40] + "…"
		}
		return fmt.Sprintf("syntax error near token %q", t)
	}
	if toks[0].kind != tokID && toks[0].kind != tokQualifiedID {
		return "", "", near(0)
	}
	i := 1
	if i < len(toks) && toks[i].kind == tokEquals {
		i++
	}
	if i >= len(toks) {
		return "", "", near(i)
	}
	switch toks[i].kind {
	case tokID, tokInteger, tokReal, tokUnquoted:
		value = toks[i].text
	case tokString:
		value = deescapeQuotedString(toks[i].text)
	default:
		return "", "", near(i)
	}
	if i+1 < len(toks) {
		return "", "", near(i + 1)
	}
	return asciiLower(toks[0].text), value, ""
}

// asciiLower folds ASCII letters only, as guc_name_compare does.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// lexConfLine splits one line (without its newline) into the tokens of
// guc-file.l, dropping whitespace and the comment. Like flex, it takes
// the longest match at each point, the earliest rule on a tie.
func lexConfLine(line string) []confToken {
	var toks []confToken
	for i := 0; i < len(line); {
		c := line[i]
		if c == ' ' || c == '\t' || c == '\r' {
			i++
			continue
		}
		if c == '#' {
			break
		}
		kind, n := tokError, 1
		for _, m := range []struct {
			kind  int
			match func(string, int) int
		}{
			{tokID, matchID},
			{tokQualifiedID, matchQualifiedID},
			{tokString, matchString},
			{tokUnquoted, matchUnquoted},
			{tokInteger, matchInteger},
			{tokReal, matchReal},
		} {
			if l := m.match(line, i); l > 0 && (kind == tokError || l > n) {
				kind, n = m.kind, l
			}
		}
		if kind == tokError && c == '=' {
			kind = tokEquals
		}
		toks = append(toks, confToken{kind, line[i : i+n]})
		i += n
	}
	return toks
}

func isConfLetter(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c >= 0x80
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isUnitLetter(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }

// matchID matches {LETTER}{LETTER_OR_DIGIT}*.
func matchID(s string, i int) int {
	if i >= len(s) || !isConfLetter(s[i]) {
		return 0
	}
	j := i + 1
	for j < len(s) && (isConfLetter(s[j]) || isDigit(s[j])) {
		j++
	}
	return j - i
}

// matchQualifiedID matches {ID}"."{ID}.
func matchQualifiedID(s string, i int) int {
	n := matchID(s, i)
	if n == 0 || i+n >= len(s) || s[i+n] != '.' {
		return 0
	}
	m := matchID(s, i+n+1)
	if m == 0 {
		return 0
	}
	return n + 1 + m
}

// matchUnquoted matches {LETTER}({LETTER_OR_DIGIT}|[-._:/])*.
func matchUnquoted(s string, i int) int {
	if i >= len(s) || !isConfLetter(s[i]) {
		return 0
	}
	j := i + 1
	for j < len(s) && (isConfLetter(s[j]) || isDigit(s[j]) || strings.IndexByte("-._:/", s[j]) >= 0) {
		j++
	}
	return j - i
}

// matchString matches \'([^'\\\n]|\\.|\'\')*\' at its longest.
func matchString(s string, i int) int {
	if i >= len(s) || s[i] != '\'' {
		return 0
	}
	end := 0
	for j := i + 1; j < len(s); {
		switch s[j] {
		case '\n':
			return end
		case '\\':
			if j+1 >= len(s) || s[j+1] == '\n' {
				return end
			}
			j += 2
		case '\'':
			end = j + 1 - i
			if j+1 < len(s) && s[j+1] == '\'' {
				j += 2 // a doubled quote, unless the string ends here
				continue
			}
			return end
		default:
			j++
		}
	}
	return end
}

// matchInteger matches {SIGN}?({DIGIT}+|0x{HEXDIGIT}+){UNIT_LETTER}*.
func matchInteger(s string, i int) int {
	j := i
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	best := 0
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k > j {
		for k < len(s) && isUnitLetter(s[k]) {
			k++
		}
		best = k - i
	}
	if j+1 < len(s) && s[j] == '0' && s[j+1] == 'x' {
		k = j + 2
		for k < len(s) && isHexDigit(s[k]) {
			k++
		}
		if k > j+2 {
			for k < len(s) && isUnitLetter(s[k]) {
				k++
			}
			best = max(best, k-i)
		}
	}
	return best
}

// matchReal matches {SIGN}?{DIGIT}*"."{DIGIT}*{EXPONENT}?.
func matchReal(s string, i int) int {
	j := i
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j >= len(s) || s[j] != '.' {
		return 0
	}
	j++
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		d := k
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k > d {
			j = k
		}
	}
	return j - i
}

// deescapeQuotedString is guc-file.l's DeescapeQuotedString: it strips
// the quotes of a quoted value and undoes doubled quotes and the backslash escapes
// (\b \f \n \r \t, octal \ooo, any other character as itself). Like the
// C string the server makes, the value ends at a \0.
func deescapeQuotedString(s string) string {
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v, k := 0, 0
				for ; k < 3 && i+k < len(s) && '0' <= s[i+k] && s[i+k] <= '7'; k++ {
					v = v<<3 + int(s[i+k]-'0')
				}
				i += k - 1
				c = byte(v)
			default:
				c = e
			}
		case c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		}
		if c == 0 {
			break
		}
		b.WriteByte(c)
	}
	return b.String()
}
