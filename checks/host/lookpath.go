package host

import (
	"context"
	"strings"
)

// adminDirs hold system administration programs (sshd, ufw) that a
// non-root login's PATH often lacks.
var adminDirs = []string{"/usr/local/sbin", "/usr/sbin", "/sbin"}

// LookPath finds program on h: on the PATH of the commands h runs, else in
// the system administration directories. It returns "" when the program is
// in neither, when program is not a bare name, or when h could not be asked.
func LookPath(ctx context.Context, h Host, program string) string {
	if program == "" || strings.ContainsRune(program, '/') {
		return ""
	}
	var script strings.Builder
	script.WriteString(`command -v "$1" && exit 0; for d in`)
	for _, d := range adminDirs {
		script.WriteString(" " + d)
	}
	script.WriteString(`; do [ -x "$d/$1" ] && echo "$d/$1" && exit 0; done; exit 0`)
	out, err := h.Run(ctx, "sh", "-c", script.String(), "sh", program)
	if err != nil {
		return ""
	}
	path := strings.TrimSpace(string(out))
	// command -v prints a builtin's or an alias's bare name: only a path
	// names a program.
	if !strings.HasPrefix(path, "/") {
		return ""
	}
	return path
}
