package host

import (
	"context"
	"fmt"
	"strings"
)

// adminDirs hold system administration programs (sshd, ufw) that a
// non-root login's PATH often lacks.
var adminDirs = []string{"/usr/local/sbin", "/usr/sbin", "/sbin"}

// LookPath finds program on h: on the PATH of the commands h runs, else in
// the system administration directories. It returns "" when the program is
// in neither or when program is not a bare name, and an error when h could
// not be asked (a refused sudo, a lost connection).
func LookPath(ctx context.Context, h Host, program string) (string, error) {
	if program == "" || strings.ContainsRune(program, '/') {
		return "", nil
	}
	var script strings.Builder
	script.WriteString(`command -v "$1" && exit 0; for d in`)
	for _, d := range adminDirs {
		script.WriteString(" " + d)
	}
	script.WriteString(`; do [ -x "$d/$1" ] && echo "$d/$1" && exit 0; done; exit 0`)
	out, err := h.Run(ctx, "sh", "-c", script.String(), "sh", program)
	if err != nil {
		return "", fmt.Errorf("look for %s: %w", program, err)
	}
	path := strings.TrimSpace(string(out))
	// command -v prints a builtin's or an alias's bare name: only a path
	// names a program.
	if !strings.HasPrefix(path, "/") {
		return "", nil
	}
	return path, nil
}
