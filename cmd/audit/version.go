package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func newVersionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of audit and of the engines it embeds",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintln(stdout, versionString())
		},
	}
}

// auditVersion is the version of this build: the -ldflags value, the
// module version, or the VCS revision it was built from.
func auditVersion() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "" {
		v = info.Main.Version
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 && (v == "" || v == "(devel)") {
				v = "devel-" + s.Value[:12]
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	return v
}

func versionString() string {
	deps := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			deps[d.Path] = d.Version
		}
	}
	v := auditVersion()
	return fmt.Sprintf("audit %s (gitleaks %s, opa %s, %s)", v,
		or(deps["github.com/zricethezav/gitleaks/v8"]), or(deps["github.com/open-policy-agent/opa"]), runtime.Version())
}

func or(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
