package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const outputReport = "{\"version\": 1}\nthe report\n"

var errOutputBoom = errors.New("boom")

// writeOutput returns a write func that writes s.
func writeOutput(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// writeOutputThenFail returns a write func that writes part of a report,
// then fails, as a reporter does when rendering breaks half-way.
func writeOutputThenFail(partial string) func(io.Writer) error {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, partial); err != nil {
			return err
		}
		return errOutputBoom
	}
}

// dirNames lists the names in dir, sorted: what a test expects there, and
// nothing else (no temporary file left behind).
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func checkDirNames(t *testing.T, dir string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, dirNames(t, dir)); diff != "" {
		t.Errorf("files in %s (-want +got):\n%s", dir, diff)
	}
}

func readOutput(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lstat(t *testing.T, path string) fs.FileInfo {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func inode(info fs.FileInfo) uint64 { return info.Sys().(*syscall.Stat_t).Ino }

func TestWriteReportStdout(t *testing.T) {
	for _, path := range []string{"", "-"} {
		t.Run(fmt.Sprintf("%q", path), func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir) // a file named "-" would land here
			var stdout bytes.Buffer
			if err := writeReport(path, &stdout, writeOutput(outputReport)); err != nil {
				t.Fatalf("writeReport(%q): %v", path, err)
			}
			if got := stdout.String(); got != outputReport {
				t.Errorf("stdout = %q, want %q", got, outputReport)
			}
			checkDirNames(t, dir)

			err := writeReport(path, &stdout, writeOutputThenFail("x"))
			if !errors.Is(err, errOutputBoom) {
				t.Errorf("writeReport(%q) with a failing write = %v, want %v", path, err, errOutputBoom)
			}
		})
	}
}

func TestWriteReportRegularFile(t *testing.T) {
	tests := []struct {
		name     string
		existing bool
		perm     fs.FileMode // of the existing file
	}{
		{name: "new file"},
		{name: "existing 0600", existing: true, perm: 0o600},
		{name: "existing 0640", existing: true, perm: 0o640},
		{name: "existing 0755", existing: true, perm: 0o755},
		{name: "existing read-only 0444", existing: true, perm: 0o444},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "audit.json")
			var before fs.FileInfo
			if tt.existing {
				// Longer than the new report: nothing of it may remain.
				if err := os.WriteFile(path, []byte("an old report, longer than the new one\n\n\n\n\n\n\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.perm); err != nil {
					t.Fatal(err)
				}
				before = lstat(t, path)
			}
			var stdout bytes.Buffer
			if err := writeReport(path, &stdout, writeOutput(outputReport)); err != nil {
				t.Fatalf("writeReport: %v", err)
			}
			if got := readOutput(t, path); got != outputReport {
				t.Errorf("file holds %q, want %q", got, outputReport)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout got %q; the report belongs in the file", stdout.String())
			}
			after := lstat(t, path)
			if !after.Mode().IsRegular() {
				t.Errorf("mode = %v, want a regular file", after.Mode())
			}
			if tt.existing {
				if got := after.Mode().Perm(); got != tt.perm {
					t.Errorf("permissions = %v, want %v kept", got, tt.perm)
				}
				// Atomic: a new file renamed over the old one, never the old
				// one truncated and rewritten in place.
				if inode(after) == inode(before) {
					t.Errorf("the file was rewritten in place (same inode %d), not replaced atomically", inode(after))
				}
			} else if perm := after.Mode().Perm(); perm&0o600 != 0o600 || perm&0o022 != 0 {
				t.Errorf("new file permissions = %v, want owner read-write and no group/other write", perm)
			}
			checkDirNames(t, dir, "audit.json")
		})
	}
}

// TestWriteReportWriteError checks that a reporter failing half-way leaves
// the old report as it was and no temporary file behind.
func TestWriteReportWriteError(t *testing.T) {
	const old = "the previous report\n"
	tests := []struct {
		name     string
		existing bool
	}{
		{"existing file", true},
		{"new file", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "audit.json")
			var before fs.FileInfo
			if tt.existing {
				if err := os.WriteFile(path, []byte(old), 0o640); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, 0o640); err != nil {
					t.Fatal(err)
				}
				before = lstat(t, path)
			}
			err := writeReport(path, io.Discard, writeOutputThenFail("half a rep"))
			if !errors.Is(err, errOutputBoom) {
				t.Fatalf("writeReport = %v, want an error wrapping %v", err, errOutputBoom)
			}
			if !tt.existing {
				checkDirNames(t, dir)
				return
			}
			checkDirNames(t, dir, "audit.json")
			if got := readOutput(t, path); got != old {
				t.Errorf("old report became %q, want it intact: %q", got, old)
			}
			after := lstat(t, path)
			if after.Mode() != before.Mode() || inode(after) != inode(before) {
				t.Errorf("old file changed: mode %v inode %d, was %v inode %d", after.Mode(), inode(after), before.Mode(), inode(before))
			}
		})
	}
}

// TestWriteReportDevNull guards against the gitleaks bug: run as root with
// an output of /dev/null, it renamed a regular file over the system's
// /dev/null. The device must stay a device, written in place.
func TestWriteReportDevNull(t *testing.T) {
	const devNull = "/dev/null"
	before := lstat(t, devNull)
	if before.Mode()&fs.ModeCharDevice == 0 {
		t.Skipf("%s is %v, not a character device, on this machine", devNull, before.Mode())
	}
	rdev := before.Sys().(*syscall.Stat_t).Rdev
	t.Cleanup(func() { restoreDevNull(t, devNull, before) })

	link := filepath.Join(t.TempDir(), "report.json")
	if err := os.Symlink(devNull, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		write      func(io.Writer) error
		wantErr    error
	}{
		{"device", devNull, writeOutput(outputReport), nil},
		{"device, failing write", devNull, writeOutputThenFail("x"), errOutputBoom},
		{"symlink to device", link, writeOutput(outputReport), nil},
		{"unclean path", "/dev/../dev/./null", writeOutput(outputReport), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := writeReport(tt.path, io.Discard, tt.write)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("writeReport(%s) = %v, want %v", tt.path, err, tt.wantErr)
			}
			after := lstat(t, devNull)
			if after.Mode() != before.Mode() || after.Sys().(*syscall.Stat_t).Rdev != rdev || inode(after) != inode(before) {
				t.Fatalf("%s is now %v (inode %d), was %v (inode %d): it was replaced",
					devNull, after.Mode(), inode(after), before.Mode(), inode(before))
			}
			if tmps, _ := filepath.Glob("/dev/.null.*"); len(tmps) > 0 {
				t.Errorf("temporary files left in /dev: %v", tmps)
				for _, tmp := range tmps {
					os.Remove(tmp)
				}
			}
			if info := lstat(t, link); info.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("the link to %s became %v", devNull, info.Mode())
			}
		})
	}
}

// restoreDevNull puts /dev/null back if a broken writeReport replaced it, so
// that a failing test does not also break the machine it runs on.
func restoreDevNull(t *testing.T, path string, want fs.FileInfo) {
	info, err := os.Lstat(path)
	if err == nil && info.Mode() == want.Mode() && inode(info) == inode(want) {
		return
	}
	t.Errorf("%s was replaced (now %v); restoring it", path, info)
	st := want.Sys().(*syscall.Stat_t)
	os.Remove(path)
	if err := syscall.Mknod(path, syscall.S_IFCHR|uint32(want.Mode().Perm()), int(st.Rdev)); err != nil {
		t.Errorf("restore %s: %v; restore it by hand: mknod -m 666 %s c 1 3", path, err, path)
		return
	}
	os.Chmod(path, want.Mode().Perm()) // mknod applies the umask
}

// TestWriteReportCharDevice does what TestWriteReportDevNull does with a
// device node of its own outside /dev, where no path rule can help: only
// the file's type tells writeReport to write in place.
func TestWriteReportCharDevice(t *testing.T) {
	st, ok := lstat(t, "/dev/null").Sys().(*syscall.Stat_t)
	if !ok {
		t.Skip("no stat_t")
	}
	dir := t.TempDir()
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(st.Rdev)); err != nil {
		t.Skipf("mknod needs root (CAP_MKNOD): %v", err)
	}
	if f, err := os.OpenFile(dev, os.O_WRONLY, 0); err != nil {
		t.Skipf("device nodes cannot be opened here (nodev mount?): %v", err)
	} else {
		f.Close()
	}
	before := lstat(t, dev)
	called := false
	err := writeReport(dev, io.Discard, func(w io.Writer) error {
		called = true
		return writeOutput(outputReport)(w)
	})
	if err != nil {
		t.Fatalf("writeReport: %v", err)
	}
	if !called {
		t.Error("the report was never written")
	}
	after := lstat(t, dev)
	if after.Mode() != before.Mode() || inode(after) != inode(before) {
		t.Errorf("device became %v (inode %d), was %v (inode %d)", after.Mode(), inode(after), before.Mode(), inode(before))
	}
	checkDirNames(t, dir, "null")
}

func TestWriteReportSymlink(t *testing.T) {
	const old = "an old report, longer than the new one\n\n\n\n\n\n\n"
	tests := []struct {
		name string
		// links maps a link's name (in dir "links") to its target; the
		// output path is links/out.
		links map[string]string
	}{
		{"absolute link", map[string]string{"out": "$REPORTS/audit.json"}},
		{"relative link", map[string]string{"out": "../reports/audit.json"}},
		{"chain of links", map[string]string{"out": "hop", "hop": "../reports/audit.json"}},
		{"link to a link elsewhere", map[string]string{"out": "$REPORTS/latest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			links, reports := filepath.Join(root, "links"), filepath.Join(root, "reports")
			for _, d := range []string{links, reports} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			target := filepath.Join(reports, "audit.json")
			if err := os.WriteFile(target, []byte(old), 0o640); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(target, 0o640); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("audit.json", filepath.Join(reports, "latest")); err != nil {
				t.Fatal(err)
			}
			var linkNames []string
			for name, to := range tt.links {
				if to[0] == '$' {
					to = filepath.Join(reports, filepath.Base(to))
				}
				tt.links[name] = to
				if err := os.Symlink(to, filepath.Join(links, name)); err != nil {
					t.Fatal(err)
				}
				linkNames = append(linkNames, name)
			}

			if err := writeReport(filepath.Join(links, "out"), io.Discard, writeOutput(outputReport)); err != nil {
				t.Fatalf("writeReport: %v", err)
			}
			if got := readOutput(t, target); got != outputReport {
				t.Errorf("link target holds %q, want %q", got, outputReport)
			}
			if got := lstat(t, target).Mode(); got != 0o640 {
				t.Errorf("link target mode = %v, want -rw-r----- kept", got)
			}
			for name, to := range tt.links {
				path := filepath.Join(links, name)
				if info := lstat(t, path); info.Mode()&fs.ModeSymlink == 0 {
					t.Errorf("%s became %v; it must stay a link", name, info.Mode())
					continue
				}
				if got, _ := os.Readlink(path); got != to {
					t.Errorf("%s points at %q, want %q", name, got, to)
				}
			}
			if info := lstat(t, filepath.Join(reports, "latest")); info.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("reports/latest became %v; it must stay a link", info.Mode())
			}
			checkDirNames(t, links, linkNames...)
			checkDirNames(t, reports, "audit.json", "latest")
		})
	}
}

// TestWriteReportDanglingSymlink: whatever writeReport makes of a link to
// nothing, the link stays a link and nothing is left beside it.
func TestWriteReportDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "out")
	if err := os.Symlink("missing/audit.json", link); err != nil {
		t.Fatal(err)
	}
	err := writeReport(link, io.Discard, writeOutput(outputReport))
	if err == nil || !strings.Contains(err.Error(), "symlink that does not resolve") {
		t.Fatalf("writeReport through a link to a missing directory: %v, want a dangling-symlink error", err)
	}
	if info := lstat(t, link); info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link became %v", info.Mode())
	}
	checkDirNames(t, dir, "out")
}

func TestWriteReportFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "report.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	type read struct {
		data string
		err  error
	}
	got := make(chan read, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until a writer opens the FIFO
		if err != nil {
			got <- read{err: err}
			return
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		got <- read{string(b), err}
	}()
	done := make(chan error, 1)
	go func() { done <- writeReport(fifo, io.Discard, writeOutput(outputReport)) }()

	timeout := time.After(10 * time.Second)
	var r read
	for waiting := 2; waiting > 0; waiting-- {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("writeReport: %v", err)
			}
		case r = <-got:
		case <-timeout:
			// Unblock whichever side still waits (O_RDWR never blocks on a FIFO).
			if f, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
				f.Close()
			}
			t.Fatalf("writeReport to a FIFO with a reader did not finish; is %s still a FIFO? %v", fifo, lstat(t, fifo).Mode())
		}
	}
	if r.err != nil || r.data != outputReport {
		t.Errorf("reader got %q, %v; want %q", r.data, r.err, outputReport)
	}
	if mode := lstat(t, fifo).Mode(); mode&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO became %v", mode)
	}
	checkDirNames(t, dir, "report.pipe")
}

func TestWriteReportBadPath(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the output path
		check func(t *testing.T, dir string)
	}{
		{
			name:  "missing directory",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "missing", "audit.json") },
			check: func(t *testing.T, dir string) { checkDirNames(t, dir) },
		},
		{
			name: "parent is a file",
			setup: func(t *testing.T, dir string) string {
				if err := os.WriteFile(filepath.Join(dir, "file"), []byte("keep"), 0o644); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(dir, "file", "audit.json")
			},
			check: func(t *testing.T, dir string) {
				checkDirNames(t, dir, "file")
				if got := readOutput(t, filepath.Join(dir, "file")); got != "keep" {
					t.Errorf("file became %q", got)
				}
			},
		},
		{
			name: "directory",
			setup: func(t *testing.T, dir string) string {
				if err := os.Mkdir(filepath.Join(dir, "reports"), 0o755); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(dir, "reports")
			},
			check: func(t *testing.T, dir string) {
				checkDirNames(t, dir, "reports")
				checkDirNames(t, filepath.Join(dir, "reports"))
				if !lstat(t, filepath.Join(dir, "reports")).IsDir() {
					t.Error("the directory was replaced")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			var stdout bytes.Buffer
			if err := writeReport(path, &stdout, writeOutput(outputReport)); err == nil {
				t.Errorf("writeReport(%s) succeeded, want an error", path)
			}
			if stdout.Len() != 0 {
				t.Errorf("the report went to stdout instead: %q", stdout.String())
			}
			tt.check(t, dir)
		})
	}
}

// outputHelperEnv, when set, makes the test binary write outputReport to the
// path it holds and exit: TestWriteReportDevStdout runs it with its standard
// output redirected to a pipe, a file or /dev/null.
const outputHelperEnv = "AUDIT_TEST_WRITE_REPORT_TO"

func TestWriteReportDevStdout(t *testing.T) {
	if path := os.Getenv(outputHelperEnv); path != "" {
		if err := writeReport(path, io.Discard, writeOutput(outputReport)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot re-run the test binary: %v", err)
	}
	// runHelper runs the test binary to write the report to path, with its
	// standard output connected to stdout.
	runHelper := func(t *testing.T, path string, stdout io.Writer) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, exe, "-test.run=^TestWriteReportDevStdout$", "-test.count=1")
		cmd.Env = append(os.Environ(), outputHelperEnv+"="+path)
		cmd.Stdout = stdout
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("helper writing to %s: %v\n%s", path, err, stderr.String())
		}
	}
	// toFile runs the helper with its standard output on a file that holds
	// earlier, opened with flag, and checks the file then holds want.
	toFile := func(t *testing.T, path, earlier string, flag int, want string) {
		dir := t.TempDir()
		file := filepath.Join(dir, "audit.log")
		if err := os.WriteFile(file, []byte(earlier), 0o640); err != nil {
			t.Fatal(err)
		}
		before := lstat(t, file)
		f, err := os.OpenFile(file, flag, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if flag&os.O_APPEND == 0 {
			if _, err := f.Seek(0, io.SeekEnd); err != nil { // as after earlier writes to stdout
				t.Fatal(err)
			}
		}
		runHelper(t, path, f)
		if got := readOutput(t, file); got != want {
			t.Errorf("file behind stdout holds %q, want %q", got, want)
		}
		if after := lstat(t, file); inode(after) != inode(before) {
			t.Errorf("the file behind stdout was replaced (inode %d, was %d)", inode(after), inode(before))
		}
		checkDirNames(t, dir, "audit.log")
	}
	const earlier = "an earlier run's report, longer than the new one\n"
	tests := []struct {
		name  string
		paths []string // each run starts a test binary (a second under -race): the aliases get the cases where they could differ
		run   func(t *testing.T, path string)
	}{
		{
			name:  "pipe",
			paths: []string{"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"},
			run: func(t *testing.T, path string) {
				var out bytes.Buffer // os/exec connects it through a pipe
				runHelper(t, path, &out)
				if got := out.String(); got != outputReport {
					t.Errorf("stdout pipe got %q, want %q", got, outputReport)
				}
			},
		},
		{
			// audit -o /dev/stdout >> audit.log: the report is appended; the
			// log is neither replaced nor overwritten from its start.
			name:  "file opened for append",
			paths: []string{"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"},
			run: func(t *testing.T, path string) {
				toFile(t, path, earlier, os.O_WRONLY|os.O_APPEND, earlier+outputReport)
			},
		},
		{
			// { echo header; audit -o /dev/stdout; } > out: the report
			// follows what was written to stdout before it.
			name:  "file after earlier output",
			paths: []string{"/dev/stdout"},
			run: func(t *testing.T, path string) {
				toFile(t, path, "header\n", os.O_WRONLY, "header\n"+outputReport)
			},
		},
		{
			name:  "dev null",
			paths: []string{"/dev/stdout"},
			run: func(t *testing.T, path string) {
				before := lstat(t, "/dev/null")
				t.Cleanup(func() { restoreDevNull(t, "/dev/null", before) })
				runHelper(t, path, nil) // os/exec connects nil to /dev/null
				if after := lstat(t, "/dev/null"); after.Mode() != before.Mode() || inode(after) != inode(before) {
					t.Errorf("/dev/null is now %v, was %v", after.Mode(), before.Mode())
				}
			},
		},
	}
	for _, tt := range tests {
		for _, path := range tt.paths {
			t.Run(tt.name+"/"+path, func(t *testing.T) {
				t.Parallel()
				if _, err := os.Stat(path); err != nil {
					t.Skipf("%s: %v", path, err)
				}
				tt.run(t, path)
			})
		}
	}
}
