// Command render writes the SQL flowq sends to Athena into a folder, for
// make check-sql to check with Trino's grammar (queries/) and Hive's (ddl/):
// every query of the library, every version, in every layout, over windows
// of an hour, of two days across midnight and of forty days across a year's
// end, as bound (with ? placeholders), inline (every value a literal) and
// restricted to accounts and regions; and the DDL of flowq ddl and the ALTER
// statements of flowq partitions add for every preset format, layout, file
// format and projection mode.
//
//	go run ./tools/sqlcheck/render DIR
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/flowq/flowq/ddl"
	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: render DIR")
		os.Exit(2)
	}
	n, err := write(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "render: %d queries and %d DDL statements in %s\n", n.queries, n.ddl, os.Args[1])
}

type counts struct{ queries, ddl int }

// examples are values of each parameter type, for the parameters without a
// default.
var examples = map[queries.Type]string{queries.IP: "10.0.1.10", queries.CIDR: "10.0.1.0/24", queries.Port: "22",
	queries.Protocol: "tcp", queries.Timestamp: "2026-01-05T10:00:00Z", queries.Duration: "5m", queries.Int: "5",
	queries.String: "x'y", queries.Enum: ""}

func write(dir string) (counts, error) {
	var n counts
	for _, sub := range []string{"queries", "ddl"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return n, err
		}
	}
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	windows := map[string][2]time.Time{
		"hour":    {day.Add(10 * time.Hour), day.Add(11 * time.Hour)},
		"2days":   {day.Add(-12 * time.Hour), day.Add(36 * time.Hour)},
		"40days":  {time.Date(2025, 12, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 19, 0, 0, 0, 0, time.UTC)},
		"instant": {day.Add(10*time.Hour + 59*time.Minute), day.Add(11*time.Hour + 1*time.Minute)},
	}
	for _, q := range queries.Default().All() {
		given := map[string]string{}
		for _, p := range q.Params {
			if p.Required() {
				given[p.Name] = examples[p.Type]
				if p.Type == queries.Enum {
					given[p.Name] = p.Values[0]
				}
			}
		}
		vals, err := q.Resolve(given)
		if err != nil {
			return n, err
		}
		for _, layout := range partitions.Layouts() {
			for wname, span := range windows {
				w, err := partitions.NewWindow(span[0], span[1])
				if err != nil {
					return n, err
				}
				for _, variant := range []string{"bound", "inline", "scoped"} {
					o := queries.RenderOptions{Dialect: queries.Athena, Table: "vpc_flow_logs.flow_logs", Layout: layout, Window: &w, Params: vals}
					switch variant {
					case "inline":
						o.Inline = true
					case "scoped":
						o.Accounts, o.Regions = []string{"111122223333", "444455556666"}, []string{"us-east-1"}
					}
					r, err := q.Render(o)
					if err != nil {
						return n, err
					}
					name := fmt.Sprintf("%s-%s-%s-%s.sql", q.Ref(), layout, wname, variant)
					if err := os.WriteFile(filepath.Join(dir, "queries", name), []byte(r.SQL), 0o644); err != nil {
						return n, err
					}
					n.queries++
				}
			}
		}
	}
	// ddl apply --via athena runs this before the table's DDL.
	if err := os.WriteFile(filepath.Join(dir, "ddl", "database.sql"), []byte("CREATE DATABASE IF NOT EXISTS vpc_flow_logs\n"), 0o644); err != nil {
		return n, err
	}
	n.ddl++
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, preset := range flowlog.PresetNames() {
		format, _ := flowlog.Preset(preset)
		for _, layout := range partitions.Layouts() {
			for _, ff := range []partitions.FileFormat{partitions.Text, partitions.Parquet} {
				for _, mode := range []string{"projection", "injected", "partitions"} {
					t := &ddl.Table{Database: "vpc_flow_logs", Name: "flow_logs", Format: format, FileFormat: ff, Layout: layout,
						Location: "s3://my-flow-logs/", Accounts: []string{"111122223333"}, Regions: []string{"us-east-1", "eu-west-1"},
						Since: since, Projection: mode != "partitions", Injected: mode == "injected"}
					if err := t.Validate(); err != nil {
						return n, fmt.Errorf("%s %s %s %s: %w", preset, layout, ff, mode, err)
					}
					stmts := []string{t.AthenaDDL()}
					if mode == "partitions" {
						alters, err := t.AddPartitions(since, since.Add(30*time.Hour))
						if err != nil {
							return n, err
						}
						stmts = append(stmts, alters...)
					}
					for i, s := range stmts {
						name := fmt.Sprintf("%s-%s-%s-%s-%d.sql", preset, layout, ff, mode, i)
						if err := os.WriteFile(filepath.Join(dir, "ddl", name), []byte(strings.TrimSpace(s)+"\n"), 0o644); err != nil {
							return n, err
						}
						n.ddl++
					}
				}
			}
		}
	}
	return n, nil
}
