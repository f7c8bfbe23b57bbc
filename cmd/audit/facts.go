package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"audit/checks"
	"audit/checks/gitrepo"
)

// factsDocument is what `audit facts` prints for a target: the policy input,
// with each namespace's status. It is the format of fixtures/<ID>/*/facts.json,
// so a real run can seed a policy test.
type factsDocument struct {
	Target struct {
		Name string      `json:"name"`
		Kind checks.Kind `json:"kind"`
	} `json:"target"`
	Facts map[string]factsEntry `json:"facts"`
}

type factsEntry struct {
	Status   checks.FactStatus `json:"status"`
	Reason   string            `json:"reason,omitempty"`
	Data     any               `json:"data,omitempty"`
	Warnings []string          `json:"warnings,omitempty"`
}

func newFactsCommand(stdout, stderr io.Writer) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "facts [PATH | --host HOST | --local]",
		Short: "Print the facts collected from a repository or a host as JSON (the input policies judge)",
		Long: `facts prints what the collectors gathered, before any policy judges it: the
input document of the Rego policies, in the format of fixtures/<ID>/<case>/facts.json.
Use it to write or debug a policy, or to find a finding's gitleaks fingerprint
for .gitleaksignore. It holds no secret value.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.takeArgs(args); err != nil {
				return err
			}
			if err := checkHostFlags(o); err != nil {
				return err
			}
			var target checks.Target
			if len(o.hosts) > 0 || o.local {
				if len(o.hosts)+btoi(o.local) != 1 {
					return errors.New("facts reads one target: name one --host or --local")
				}
				hosts, failed := connectHosts(cmd.Context(), o)
				if len(failed) > 0 {
					fmt.Fprintf(stderr, "audit: %s: %s.\n", failed[0].Name, failed[0].Error)
					return &exitError{code: checks.ExitError}
				}
				defer hosts[0].Close()
				target = hosts[0]
			} else {
				repo, err := gitrepo.Open(cmd.Context(), o.path, o.scope())
				if err != nil {
					fmt.Fprintf(stderr, "audit: %v.\n", err)
					return &exitError{code: checks.ExitError}
				}
				target = repo
			}
			doc := factsDocument{Facts: map[string]factsEntry{}}
			doc.Target.Name, doc.Target.Kind = target.Name(), target.Kind()
			code := checks.ExitOK
			every := map[string]bool{}
			for _, c := range checks.All() {
				every[c.ID()] = true
			}
			for ns, f := range collect(cmd.Context(), target, every) {
				doc.Facts[ns] = factsEntry{Status: f.Status, Reason: f.Reason, Data: f.Data, Warnings: f.Warnings}
				if f.Status == checks.FactsError {
					code = checks.ExitError
				}
			}
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(doc); err != nil {
				return fmt.Errorf("write facts: %w", err)
			}
			if code != checks.ExitOK {
				return &exitError{code: code}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.staged, "staged", false, "only the staged change")
	f.BoolVar(&o.noHistory, "no-history", false, "the working tree and staged change, not the history")
	addHostFlags(f, &o)
	return cmd
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
