package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"

	"audit/policies"
)

func newChecksCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "checks",
		Short: "List the checklist items this build of audit implements",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			engine, err := policies.Compile(cmd.Context())
			if err != nil {
				return err
			}
			table := tablewriter.NewTable(stdout,
				tablewriter.WithHeaderAutoFormat(tw.Off),
				tablewriter.WithHeaderAlignment(tw.AlignLeft),
				tablewriter.WithRowAlignment(tw.AlignLeft))
			table.Header("ID", "Severity", "Targets", "Title")
			for _, p := range engine.Policies() {
				targets := make([]string, len(p.Targets))
				for i, k := range p.Targets {
					targets[i] = string(k)
				}
				if err := table.Append(p.ID, string(p.Severity), strings.Join(targets, ", "), p.Title); err != nil {
					return err
				}
			}
			if err := table.Render(); err != nil {
				return fmt.Errorf("write checklist: %w", err)
			}
			return nil
		},
	}
}
