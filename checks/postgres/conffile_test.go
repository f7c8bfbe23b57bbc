package postgres

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const pgConf = "/etc/postgresql/16/main/postgresql.conf"

type confCase struct {
	name    string
	files   memFS
	file    string // pgConf when ""
	dataDir string
	// want maps a setting to "value @file:line" (the file's base name).
	want      map[string]string
	wantFiles []string
	// wantProblems are substrings of the problems, in order.
	wantProblems []string
	wantErr      string
}

var confCases = []confCase{
	{
		name: "syntax",
		files: memFS{pgConf: "# a comment\n" +
			"listen_addresses = '*'          # comment after a value\n" +
			"Port=5433\n" +
			"max_connections 100\n" +
			"  \tshared_buffers\t=\t128MB\r\n" +
			"SSL = on\n" +
			"custom.Opt = 'x'\n" +
			"log_line_prefix = '%m [%p] it''s \\'q\\' a\\\\b\\n\\101\\t'\n" +
			"search_path = '\"$user\", public'\n" +
			"ssl_ciphers = 'HIGH:!aNULL'   # 'not a value'\n" +
			"random_page_cost = 1.5\n" +
			"seq_page_cost = -.5e2\n" +
			"effective_io_concurrency = 0x1F\n" +
			"vacuum_cost_delay = -1\n" +
			"archive_command = cp:x/y-z.1\n" +
			"hash_in_string = 'a#b'\n" +
			"empty = ''\n" +
			"nul = 'ab\\0cd'\n" +
			"port = 5434   # the last value wins\n" +
			"\n" +
			"last_line_without_newline = off"},
		want: map[string]string{
			"listen_addresses":          "* @postgresql.conf:2",
			"port":                      "5434 @postgresql.conf:19",
			"max_connections":           "100 @postgresql.conf:4",
			"shared_buffers":            "128MB @postgresql.conf:5",
			"ssl":                       "on @postgresql.conf:6",
			"custom.opt":                "x @postgresql.conf:7",
			"log_line_prefix":           "%m [%p] it's 'q' a\\b\nA\t @postgresql.conf:8",
			"search_path":               "\"$user\", public @postgresql.conf:9",
			"ssl_ciphers":               "HIGH:!aNULL @postgresql.conf:10",
			"random_page_cost":          "1.5 @postgresql.conf:11",
			"seq_page_cost":             "-.5e2 @postgresql.conf:12",
			"effective_io_concurrency":  "0x1F @postgresql.conf:13",
			"vacuum_cost_delay":         "-1 @postgresql.conf:14",
			"archive_command":           "cp:x/y-z.1 @postgresql.conf:15",
			"hash_in_string":            "a#b @postgresql.conf:16",
			"empty":                     " @postgresql.conf:17",
			"nul":                       "ab @postgresql.conf:18",
			"last_line_without_newline": "off @postgresql.conf:21",
		},
		wantFiles: []string{pgConf},
	},
	{
		name: "syntax errors keep the other lines",
		files: memFS{pgConf: "a = 1\n" +
			"a.b.c = 1\n" + // an unquoted string is no name
			"x = a.b\n" + // nor is a qualified name a value
			"bad line here\n" +
			"= 3\n" +
			"'str' = 1\n" +
			"y = 'unterminated\n" +
			"z = 1 2\n" +
			"w =\n" +
			"v = 1e3\n" + // 1e, then 3
			"include_dir conf.d\n" + // a path must be quoted
			"u = 'ok'\n" +
			"n = 1 # fine\n" +
			"archive_command = /bin/true\n"}, // unquoted strings start with a letter
		want: map[string]string{"a": "1 @postgresql.conf:1", "u": "ok @postgresql.conf:12", "n": "1 @postgresql.conf:13"},
		wantProblems: []string{
			pgConf + `:2: syntax error near token "a.b.c"`,
			pgConf + `:3: syntax error near token "a.b"`,
			pgConf + `:4: syntax error near token "here"`,
			pgConf + `:5: syntax error near token "="`,
			pgConf + `:6: syntax error near token "'str'"`,
			pgConf + `:7: syntax error near token "'"`,
			pgConf + `:8: syntax error near token "2"`,
			pgConf + `:9: syntax error near end of line`,
			pgConf + `:10: syntax error near token "3"`,
			pgConf + `:11: syntax error near token "conf.d"`,
			pgConf + `:14: syntax error near token "/"`,
		},
		wantFiles: []string{pgConf},
	},
	{
		name: "include chain, relative to the including file",
		files: memFS{
			pgConf:                                   "a = 1\ninclude 'extra/one.conf'\nb = main\n",
			"/etc/postgresql/16/main/extra/one.conf": "a = 2\nINCLUDE '../two.conf'\n",
			"/etc/postgresql/16/main/two.conf":       "b = two\nc = 3\ninclude '/etc/abs.conf'\n",
			"/etc/abs.conf":                          "d = abs\n",
		},
		want: map[string]string{"a": "2 @one.conf:1", "b": "main @postgresql.conf:3", "c": "3 @two.conf:2", "d": "abs @abs.conf:1"},
		wantFiles: []string{pgConf, "/etc/postgresql/16/main/extra/one.conf",
			"/etc/postgresql/16/main/two.conf", "/etc/abs.conf"},
	},
	{
		name: "include_dir in bytewise order, without dot files and other names",
		files: memFS{
			pgConf: "a = main\ninclude_dir 'conf.d'\nz = main\n",
			"/etc/postgresql/16/main/conf.d/2-two.conf":   "a = two\nb = two\n",
			"/etc/postgresql/16/main/conf.d/10-ten.conf":  "a = ten\nb = ten\nc = ten\n",
			"/etc/postgresql/16/main/conf.d/Z-upper.conf": "c = upper\n",
			"/etc/postgresql/16/main/conf.d/.hidden.conf": "a = hidden\n",
			"/etc/postgresql/16/main/conf.d/.conf":        "a = dot\n",
			"/etc/postgresql/16/main/conf.d/x.conf.bak":   "a = bak\n",
			"/etc/postgresql/16/main/conf.d/README":       "a = readme\n",
		},
		want: map[string]string{"a": "two @2-two.conf:1", "b": "two @2-two.conf:2", "c": "upper @Z-upper.conf:1", "z": "main @postgresql.conf:3"},
		wantFiles: []string{pgConf, "/etc/postgresql/16/main/conf.d/10-ten.conf",
			"/etc/postgresql/16/main/conf.d/2-two.conf", "/etc/postgresql/16/main/conf.d/Z-upper.conf"},
	},
	{
		name:      "include_dir that is empty or missing",
		files:     memFS{pgConf: "include_dir '/nowhere'\na = 1\n"},
		want:      map[string]string{"a": "1 @postgresql.conf:2"},
		wantFiles: []string{pgConf},
	},
	{
		name: "include_if_exists",
		files: memFS{
			pgConf:           "include_if_exists 'missing.conf'\ninclude_if_exists '/etc/here.conf'\na = 1\n",
			"/etc/here.conf": "b = 2\n",
		},
		want:      map[string]string{"a": "1 @postgresql.conf:3", "b": "2 @here.conf:1"},
		wantFiles: []string{pgConf, "/etc/here.conf"},
	},
	{
		name:    "missing include is an error",
		files:   memFS{pgConf: "a = 1\ninclude 'missing.conf'\n"},
		wantErr: pgConf + ":2: include missing.conf: /etc/postgresql/16/main/missing.conf: open /etc/postgresql/16/main/missing.conf: file does not exist",
	},
	{
		name:    "missing main file",
		files:   memFS{},
		wantErr: "read " + pgConf + ": open " + pgConf + ": file does not exist",
	},
	{
		name:    "include cycle",
		files:   memFS{pgConf: "include 'b.conf'\n", "/etc/postgresql/16/main/b.conf": "include 'postgresql.conf'\n"},
		wantErr: "includes nested more than 10 deep",
	},
	{
		name:    "file including itself",
		files:   memFS{pgConf: "include 'postgresql.conf'\n"},
		wantErr: pgConf + ":1: include postgresql.conf: configuration file recursion",
	},
	{
		name:    "include_dir including its own directory",
		files:   memFS{pgConf: "include_dir '.'\n", "/etc/postgresql/16/main/x.conf": "include_dir '.'\n"},
		wantErr: "configuration file recursion",
	},
	{
		name:    "empty include name",
		files:   memFS{pgConf: "include ''\n"},
		wantErr: pgConf + ":1: include : empty configuration file name",
	},
	{
		name:    "empty include_dir name",
		files:   memFS{pgConf: "include_dir ' '\n"},
		wantErr: pgConf + ":1: include_dir: empty configuration directory name",
	},
	{
		name:    "nesting 10 deep is allowed",
		files:   chain(10),
		want:    map[string]string{"depth": "10 @10.conf:1"},
		wantErr: "",
	},
	{
		name:    "nesting 11 deep is not",
		files:   chain(11),
		wantErr: "includes nested more than 10 deep",
	},
	{
		name: "postgresql.auto.conf wins",
		files: memFS{
			pgConf:                                  "a = file\nb = file\ninclude_dir 'conf.d'\n",
			"/etc/postgresql/16/main/conf.d/x.conf": "c = dropin\n",
			"/var/lib/postgresql/16/main/postgresql.auto.conf": "# Do not edit this file manually!\na = 'auto'\nC = auto\n",
		},
		dataDir: "/var/lib/postgresql/16/main",
		want:    map[string]string{"a": "auto @postgresql.auto.conf:2", "b": "file @postgresql.conf:2", "c": "auto @postgresql.auto.conf:3"},
		wantFiles: []string{pgConf, "/etc/postgresql/16/main/conf.d/x.conf",
			"/var/lib/postgresql/16/main/postgresql.auto.conf"},
	},
	{
		name:      "missing postgresql.auto.conf",
		files:     memFS{pgConf: "a = 1\n"},
		dataDir:   "/var/lib/postgresql/16/main",
		want:      map[string]string{"a": "1 @postgresql.conf:1"},
		wantFiles: []string{pgConf},
	},
	{
		name: "main file in the data directory",
		files: memFS{
			"/data/postgresql.conf":      "a = 1\n",
			"/data/postgresql.auto.conf": "b = 2\n",
		},
		file:      "-", // ParseConf(fsys, "", "/data")
		dataDir:   "/data",
		want:      map[string]string{"a": "1 @postgresql.conf:1", "b": "2 @postgresql.auto.conf:1"},
		wantFiles: []string{"/data/postgresql.conf", "/data/postgresql.auto.conf"},
	},
	{
		name:      "relative main file",
		files:     memFS{"/data/my.conf": "a = 1\n"},
		file:      "my.conf",
		dataDir:   "/data",
		want:      map[string]string{"a": "1 @my.conf:1"},
		wantFiles: []string{"/data/my.conf"},
	},
	{
		name:    "no file and no data directory",
		files:   memFS{},
		file:    "-",
		wantErr: "neither the file nor the data directory is known",
	},
	{
		name:    "file too large",
		files:   memFS{pgConf: strings.Repeat("#", maxFileSize+1)},
		wantErr: "larger than 16 MiB",
	},
	{
		name:         "too many syntax errors",
		files:        memFS{pgConf: strings.Repeat("!\n", 150) + "a = 1\n"},
		want:         map[string]string{},
		wantProblems: append(repeat(pgConf+`:`, 100), pgConf+":100: too many syntax errors, file abandoned"),
		wantFiles:    []string{pgConf},
	},
}

// chain is a postgresql.conf including 1.conf including 2.conf … down to n.conf.
func chain(n int) memFS {
	files := memFS{pgConf: "include '1.conf'\n"}
	for i := 1; i < n; i++ {
		files[fmt.Sprintf("/etc/postgresql/16/main/%d.conf", i)] = fmt.Sprintf("include '%d.conf'\n", i+1)
	}
	files[fmt.Sprintf("/etc/postgresql/16/main/%d.conf", n)] = fmt.Sprintf("depth = %d\n", n)
	return files
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestParseConf(t *testing.T) {
	for _, tc := range confCases {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			switch file {
			case "":
				file = pgConf
			case "-":
				file = ""
			}
			c, err := ParseConf(tc.files, file, tc.dataDir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for name, s := range c.Settings {
				if s.Source != "file" {
					t.Errorf("%s: source %q", name, s.Source)
				}
				got[name] = fmt.Sprintf("%s @%s:%d", s.Value, s.File[strings.LastIndex(s.File, "/")+1:], s.Line)
			}
			if tc.want != nil {
				if d := cmp.Diff(tc.want, got); d != "" {
					t.Errorf("settings (-want +got):\n%s", d)
				}
			}
			if tc.wantFiles != nil {
				if d := cmp.Diff(tc.wantFiles, c.Files); d != "" {
					t.Errorf("files (-want +got):\n%s", d)
				}
			}
			if len(c.Problems) != len(tc.wantProblems) {
				t.Fatalf("problems = %q, want %q", c.Problems, tc.wantProblems)
			}
			for i, p := range c.Problems {
				if !strings.Contains(p, tc.wantProblems[i]) {
					t.Errorf("problem %d = %q, want %q", i, p, tc.wantProblems[i])
				}
			}
		})
	}
}

func TestParseConfErrors(t *testing.T) {
	files := memFS{pgConf: "include_if_exists 'secret.conf'\n", "/etc/postgresql/16/main/secret.conf": "a = 1\n"}
	denied := deniedFS{files, map[string]bool{"/etc/postgresql/16/main/secret.conf": true}}
	// A file the audit may not read is not a missing file: the server may read it.
	_, err := ParseConf(denied, pgConf, "")
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), pgConf+":1:") {
		t.Errorf("include_if_exists of an unreadable file: %v", err)
	}
	denied.denied = map[string]bool{"/data/postgresql.auto.conf": true}
	files["/data/postgresql.auto.conf"] = "a = 2\n"
	if _, err := ParseConf(denied, pgConf, "/data"); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("unreadable postgresql.auto.conf: %v", err)
	}
	if _, err := ParseConf(memFS{}, pgConf, ""); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing main file: %v does not wrap fs.ErrNotExist", err)
	}
}

// TestParseConfFanOut checks that includes fanning out stop at the
// parse's budget instead of reading 2^10 files.
func TestParseConfFanOut(t *testing.T) {
	files := memFS{pgConf: "include 'a.conf'\n", "/etc/postgresql/16/main/a.conf": strings.Repeat("include 'b.conf'\n", 2),
		"/etc/postgresql/16/main/b.conf": strings.Repeat("include 'a.conf'\n", 2)}
	start := time.Now()
	if _, err := ParseConf(files, pgConf, ""); err == nil {
		t.Fatal("no error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	wide := memFS{pgConf: strings.Repeat("include_dir 'd'\n", 101)}
	for i := 0; i < 100; i++ {
		wide[fmt.Sprintf("/etc/postgresql/16/main/d/%03d.conf", i)] = "a = 1\n"
	}
	if _, err := ParseConf(wide, pgConf, ""); !errors.Is(err, errTooManyFiles) {
		t.Errorf("10100 files: %v", err)
	}
	big := memFS{pgConf: strings.Repeat("include 'big.conf'\n", 65),
		"/etc/postgresql/16/main/big.conf": strings.Repeat("#", 1<<20)}
	if _, err := ParseConf(big, pgConf, ""); !errors.Is(err, errTooMuchText) {
		t.Errorf("65 MiB: %v", err)
	}
	// A file included many times is read from the host once.
	counted := &countingFS{memFS: memFS{pgConf: strings.Repeat("include 'x.conf'\n", 50), "/etc/postgresql/16/main/x.conf": "a = 1\n"}}
	if _, err := ParseConf(counted, pgConf, ""); err != nil || counted.reads != 2 {
		t.Errorf("%d reads, %v", counted.reads, err)
	}
}

func TestLexConfLine(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []confToken
	}{
		{"a = 1", []confToken{{tokID, "a"}, {tokEquals, "="}, {tokInteger, "1"}}},
		{"a.b = c.d", []confToken{{tokQualifiedID, "a.b"}, {tokEquals, "="}, {tokQualifiedID, "c.d"}}},
		{"x = a-b:c/d", []confToken{{tokID, "x"}, {tokEquals, "="}, {tokUnquoted, "a-b:c/d"}}},
		{"x = 10MB", []confToken{{tokID, "x"}, {tokEquals, "="}, {tokInteger, "10MB"}}},
		{"x = 0x1fk", []confToken{{tokID, "x"}, {tokEquals, "="}, {tokInteger, "0x1fk"}}},
		{"x = 0xg", []confToken{{tokID, "x"}, {tokEquals, "="}, {tokInteger, "0xg"}}},
		{"x = 1.5e3", []confToken{{tokID, "x"}, {tokEquals, "="}, {tokReal, "1.5e3"}}},
		{"x = 1.5e", []confToken{{tokID, "x"}, {tokEquals, "="}, {tokReal, "1.5"}, {tokID, "e"}}},
		{"x = .", []confToken{{tokID, "x"}, {tokEquals, "="}, {tokReal, "."}}},
		{"x = 'a''b' # c", []confToken{{tokID, "x"}, {tokEquals, "="}, {tokString, "'a''b'"}}},
		{`x = 'a\'b'`, []confToken{{tokID, "x"}, {tokEquals, "="}, {tokString, `'a\'b'`}}},
		{`x = 'a'''`, []confToken{{tokID, "x"}, {tokEquals, "="}, {tokString, `'a'''`}}},
		{`x = 'a'' `, []confToken{{tokID, "x"}, {tokEquals, "="}, {tokString, `'a'`}, {tokError, "'"}}},
		{"x = -", []confToken{{tokID, "x"}, {tokEquals, "="}, {tokError, "-"}}},
		{"\xc3\xa9t\xc3\xa9 = 1", []confToken{{tokID, "\xc3\xa9t\xc3\xa9"}, {tokEquals, "="}, {tokInteger, "1"}}},
	} {
		if d := cmp.Diff(tc.want, lexConfLine(tc.line), cmp.AllowUnexported(confToken{})); d != "" {
			t.Errorf("%q (-want +got):\n%s", tc.line, d)
		}
	}
}

func FuzzParseConf(f *testing.F) {
	for _, tc := range confCases {
		if s, ok := tc.files[pgConf]; ok && len(s) < 1<<16 {
			f.Add(s, "")
		}
	}
	f.Add("include 'b.conf'\n", "include 'postgresql.conf'\n")
	f.Add("include_dir 'd'\n", "a = 'x'\n")
	f.Fuzz(func(t *testing.T, main, other string) {
		files := memFS{
			pgConf:                                         main,
			"/etc/postgresql/16/main/b.conf":               other,
			"/etc/postgresql/16/main/d/a.conf":             other,
			"/etc/postgresql/16/main/d/b.conf":             main,
			"/etc/postgresql/16/main/postgresql.auto.conf": other,
		}
		c, err := ParseConf(files, pgConf, "/etc/postgresql/16/main")
		if err != nil {
			return
		}
		if len(c.Files) == 0 || c.Files[0] != pgConf {
			t.Errorf("files = %q", c.Files)
		}
		for name, s := range c.Settings {
			if name == "" || name != asciiLower(name) || s.Line < 1 || s.File == "" || s.Source != "file" {
				t.Errorf("setting %q = %+v", name, s)
			}
			if name == "include" || name == "include_dir" || name == "include_if_exists" {
				t.Errorf("directive %q kept as a setting", name)
			}
		}
	})
}
