package main

import (
	"encoding/json"
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
		Use:   "facts [PATH]",
		Short: "Print the facts collected from a repository as JSON (the input policies judge)",
		Long: `facts prints what the collectors gathered, before any policy judges it: the
input document of the Rego policies, in the format of fixtures/<ID>/<case>/facts.json.
Use it to write or debug a policy, or to find a finding's gitleaks fingerprint
for .gitleaksignore. It holds no secret value.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.takeArgs(args); err != nil {
				return err
			}
			repo, err := gitrepo.Open(cmd.Context(), o.path, o.scope())
			if err != nil {
				fmt.Fprintf(stderr, "audit: %v.\n", err)
				return &exitError{code: checks.ExitError}
			}
			doc := factsDocument{Facts: map[string]factsEntry{}}
			doc.Target.Name, doc.Target.Kind = repo.Name(), repo.Kind()
			code := checks.ExitOK
			for ns, f := range collect(cmd.Context(), repo) {
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
	return cmd
}
