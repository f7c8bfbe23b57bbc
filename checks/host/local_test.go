package host

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestLocal(t *testing.T) {
	l := &Local{}
	ctx := context.Background()
	if out, err := l.Run(ctx, "echo", "a b"); err != nil || string(out) != "a b\n" {
		t.Errorf("Run = %q, %v", out, err)
	}
	var exit *ExitError
	if _, err := l.Run(ctx, "sh", "-c", "echo no >&2; exit 2"); !errors.As(err, &exit) || exit.Code != 2 || !strings.Contains(err.Error(), "no") {
		t.Errorf("Run exit 2 = %v", err)
	}
	f := t.TempDir() + "/f"
	os.WriteFile(f, []byte("x"), 0o600)
	if b, err := l.ReadFile(ctx, f); err != nil || string(b) != "x" {
		t.Errorf("ReadFile = %q, %v", b, err)
	}
	if l.Name() == "" || l.Kind() != "host" {
		t.Errorf("Name %q Kind %q", l.Name(), l.Kind())
	}
}
