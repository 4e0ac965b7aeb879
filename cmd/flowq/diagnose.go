package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/rca"
)

// diagnoseFormat is what flowq diagnose writes: text for a person, json for
// automation.
type diagnoseFormat string

const (
	diagnoseText diagnoseFormat = "text"
	diagnoseJSON diagnoseFormat = "json"
)

// DiagnoseOptions are the inputs of flowq diagnose.
type DiagnoseOptions struct {
	Factory  *Factory
	Context  context.Context
	Src, Dst string
	Port     int
	Protocol string
	Engine   engineFlags
	Window   windowFlags
	Output   diagnoseFormat
}

func newCmdDiagnose(f *Factory, runF func(*DiagnoseOptions) error) *cobra.Command {
	opts := &DiagnoseOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "diagnose --src ADDR|CIDR --dst ADDR|CIDR [--port N] [--protocol tcp|udp|icmp] (--local PATH... | --athena) [--from T --to T | --since D]",
		Short: "Why can't A reach B? One verdict from the flow logs, with the evidence",
		Long: `Diagnose a connection from --src (the client) to --dst (the server): walk the flow-log
checklist (logging scope, accepted and rejected per direction, addresses and ports, the
security group or network ACL signature, the return path, routes and Transit Gateway losses,
and what only a packet capture or Reachability Analyzer can tell) and end in one verdict with
the records behind it: no records at all, rejected (inbound, outbound), forward accepted and
reply rejected (a network ACL), forward only with no reply, SYN without SYN-ACK or a connection
refused (tcp-flags, v3), rejected by VPC Block Public Access (reject-reason, v8), lost in a
Transit Gateway (its flow logs), or flows normally.

It runs library queries only, each named with its version, on the local engine or in Athena,
and says what the data's format could not tell and the flowq run commands that show more,
with the same window and engine. -o json has it all, with every query's provenance.`,
		Example: `  flowq diagnose --src 10.0.2.201 --dst 10.0.3.201 --port 5432 --local ./flows --from 2026-01-05T14:00 --to 2026-01-05T15:00
  flowq diagnose --src 198.51.100.0/24 --dst 10.0.1.200 --port 22 --protocol tcp --local ./flows --since 1d -o json
  flowq diagnose --src 10.0.1.232 --dst 10.30.7.15 --athena --database vpc_flow_logs --table tgw_flow_logs --since 2h`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			opts.Engine.given(cmd)
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return diagnoseRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Src, "src", "", "the client: an address or a CIDR network (required)")
	cmd.Flags().StringVar(&opts.Dst, "dst", "", "the server: an address or a CIDR network (required)")
	cmd.Flags().IntVar(&opts.Port, "port", 0, "the server's port (default: any)")
	addEnumFlag(cmd, &opts.Protocol, "protocol", "", "", "the protocol, any by default",
		enumSpec[string]{values: []string{"tcp", "udp", "icmp", "icmpv6"}})
	opts.Engine.register(cmd)
	opts.Window.register(cmd)
	addEnumFlag(cmd, &opts.Output, "output", "o", diagnoseText, "output format",
		enumSpec[diagnoseFormat]{values: []diagnoseFormat{diagnoseText, diagnoseJSON},
			describe: map[diagnoseFormat]string{diagnoseText: "for a person", diagnoseJSON: "for automation, with every query's provenance"}})
	return cmd
}

// request is the connection the options name.
func (opts *DiagnoseOptions) request() rca.Request {
	return rca.Request{Src: opts.Src, Dst: opts.Dst, Port: opts.Port, Protocol: opts.Protocol}
}

// check applies the usage rules: both endpoints, a port and protocol that
// go together, an engine, and a window (Athena needs one).
func (opts *DiagnoseOptions) check() error {
	switch {
	case opts.Src == "" && opts.Dst == "":
		return usageErrorf("--src and --dst are required: the client and the server")
	case opts.Src == "":
		return usageErrorf("--src is required: the client")
	case opts.Dst == "":
		return usageErrorf("--dst is required: the server")
	case opts.Port < 0 || opts.Port > 65535:
		return usageErrorf("--port %d: want 1-65535", opts.Port)
	}
	if err := opts.request().Check(); err != nil {
		return usageErrorf("--%v", err)
	}
	if err := opts.Engine.check(); err != nil {
		return err
	}
	if w := opts.Window; opts.Engine.Athena.Athena && w.From == "" && w.To == "" && w.Since == "" {
		return usageErrorf("--athena needs a time window (--since 1h, or --from and --to): without one each query reads every partition of the table, and Athena bills what it scans")
	}
	_, err := opts.Window.window(opts.Factory.Now())
	return err
}

func diagnoseRun(opts *DiagnoseOptions) error {
	f := opts.Factory
	w, err := opts.Window.window(f.Now())
	if err != nil {
		return err
	}
	ctx, cancel := opts.Engine.deadline(opts.Context)
	defer cancel()
	eng, line, err := opts.Engine.open(ctx, f, w)
	if err != nil {
		return opts.Engine.failed(err)
	}
	d, err := rca.Diagnose(ctx, eng, opts.request(), rca.Options{})
	line.clear()
	eng.Close()
	reportData(f.IO.ErrOut, eng, opts.Engine.Strict)
	if err != nil {
		return opts.Engine.failed(err)
	}
	commands := make([]string, len(d.FollowUps))
	for i, fu := range d.FollowUps {
		commands[i] = opts.followUpCommand(fu, w)
	}
	if opts.Output == diagnoseJSON {
		err = writeDiagnosisJSON(f.IO.Out, d, commands)
	} else {
		err = writeDiagnosisText(f.IO.Out, d, commands)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(f.IO.ErrOut, diagnoseSummary(d.Queries))
	return nil
}

// followUpCommand is the flowq run command of a follow-up query, with the
// engine flags and the window the command line gave. A window up to now
// (--since without --to) is pinned to the now it was diagnosed at, so that
// the command reads the same records.
func (opts *DiagnoseOptions) followUpCommand(fu rca.FollowUp, w *partitions.Window) string {
	args := []string{"flowq", "run", fu.Query}
	for _, k := range slices.Sorted(maps.Keys(fu.Params)) {
		args = append(args, "-p", k+"="+fu.Params[k])
	}
	e := opts.Engine
	for _, p := range e.Local {
		args = append(args, "--local", p)
	}
	if e.Strict {
		args = append(args, "--strict")
	}
	if a := e.Athena; a.Athena {
		args = append(args, "--athena")
		for _, fl := range []struct{ name, value string }{{"workgroup", a.Workgroup}, {"database", a.Database}, {"table", a.Table},
			{"output-location", a.OutputLocation}, {"accounts", strings.Join(a.Accounts, ",")}, {"regions", strings.Join(a.Regions, ",")},
			{"reuse", a.Reuse}, {"profile", a.AWS.Profile}, {"region", a.AWS.Region}} {
			if a.Given[fl.name] {
				args = append(args, "--"+fl.name, fl.value)
			}
		}
	}
	win := opts.Window
	if win.From != "" {
		args = append(args, "--from", win.From)
	}
	if win.Since != "" {
		args = append(args, "--since", win.Since)
	}
	switch {
	case win.To != "":
		args = append(args, "--to", win.To)
	case win.Since != "" && w != nil:
		args = append(args, "--to", w.To.Format(time.RFC3339))
	}
	if e.Timeout > 0 {
		args = append(args, "--timeout", e.Timeout.String())
	}
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// shellQuote quotes a word for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// diagnoseSummary is the line on stderr after a diagnosis: the queries, and
// what they read or scanned, in how long.
func diagnoseSummary(runs []rca.Run) string {
	var elapsed time.Duration
	var scanned int64
	var cost float64
	files, athena := 0, false
	for _, r := range runs {
		p := r.Provenance
		elapsed += p.Elapsed
		scanned += p.ScannedBytes
		cost += p.CostUSD
		files = max(files, p.Files)
		athena = athena || p.Engine == "athena"
	}
	if athena {
		return fmt.Sprintf("diagnose: %s in Athena in %s, scanned %s (estimated cost $%.6f)", plural(len(runs), "query", "queries"),
			elapsed.Round(time.Millisecond), byteSize(scanned), cost)
	}
	return fmt.Sprintf("diagnose: %s over %d file(s) in %s", plural(len(runs), "query", "queries"), files, elapsed.Round(time.Millisecond))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// writeDiagnosisJSON writes the diagnosis as one JSON document, with the
// follow-up commands beside the follow-ups.
func writeDiagnosisJSON(w io.Writer, d *rca.Diagnosis, commands []string) error {
	doc := struct {
		*rca.Diagnosis
		Commands []string `json:"commands"`
	}{d, commands}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// textWidth is where the diagnosis's prose wraps.
const textWidth = 100

// evidenceRows is how many rows of a query's evidence the text shows.
const evidenceRows = 8

// writeDiagnosisText writes the diagnosis for a person: the verdict first,
// then its evidence, the checklist, what the format could not tell and the
// next steps with their commands.
func writeDiagnosisText(w io.Writer, d *rca.Diagnosis, commands []string) error {
	var b strings.Builder
	target := d.Request.Dst
	switch {
	case d.Request.Port != 0 && strings.Contains(target, ":"):
		target = "[" + target + "]:" + strconv.Itoa(d.Request.Port)
	case d.Request.Port != 0:
		target += ":" + strconv.Itoa(d.Request.Port)
	}
	if d.Request.Protocol != "" {
		target += "/" + d.Request.Protocol
	}
	window := "all the data"
	if d.From != nil {
		window = d.From.UTC().Format(time.RFC3339) + " to " + d.To.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(&b, "%s → %s, %s, %s\n\n", d.Request.Src, target, window, d.Data)
	fmt.Fprintf(&b, "VERDICT: %s (%s)\n", d.Verdict.Title, d.Verdict.ID)
	wrap(&b, d.Verdict.Summary, "  ", "  ")
	b.WriteString("\nEVIDENCE\n")
	for _, e := range d.Verdict.Evidence {
		writeEvidence(&b, e)
	}
	b.WriteString("\nCHECKLIST\n")
	for i, s := range d.Checklist {
		wrap(&b, fmt.Sprintf("%d. %s: %s", i+1, s.Step, s.Finding), "  ", "     ")
	}
	if len(d.CouldNotTell) > 0 {
		b.WriteString("\nCOULD NOT TELL\n")
		for _, c := range d.CouldNotTell {
			wrap(&b, "- "+c, "  ", "    ")
		}
	}
	b.WriteString("\nNEXT\n")
	for _, n := range d.Next {
		wrap(&b, "- "+n, "  ", "    ")
	}
	for i, fu := range d.FollowUps {
		fmt.Fprintf(&b, "  # %s\n  %s\n", fu.Why, commands[i])
	}
	var ran []string
	for _, r := range d.Queries {
		p := r.Provenance
		s := fmt.Sprintf("%s (%s)", p.Query, plural(p.Rows, "row", "rows"))
		if p.Truncated {
			s = fmt.Sprintf("%s (%d rows, cut at its limit)", p.Query, p.Rows)
		}
		ran = append(ran, s)
	}
	b.WriteString("\n")
	wrap(&b, "QUERIES: "+strings.Join(ran, ", "), "", "  ")
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap writes text in lines of at most textWidth, the first line indented
// by first and the rest by rest.
func wrap(b *strings.Builder, text, first, rest string) {
	line := first
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && len(line)+1+len(word) > textWidth {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
}

// writeEvidence writes a query's evidence rows as an aligned table: the
// columns with a value in some row, a min and max pair as one range, times
// in UTC, at most evidenceRows rows.
func writeEvidence(b *strings.Builder, e rca.Evidence) {
	fmt.Fprintf(b, "  %s: %s", e.Query, plural(len(e.Rows), "row", "rows"))
	if e.Cut {
		b.WriteString(" (its limit cut the result: more rows may exist)")
	}
	b.WriteString("\n")
	if len(e.Rows) == 0 {
		return
	}
	// A column is a value, a range of a _min and a _max column, with the
	// count of its distinct values when the result has one (client_ports).
	type column struct {
		name            string
		from, to, count int
	}
	var cols []column
	used := func(i int) bool {
		return slices.ContainsFunc(e.Rows, func(r []any) bool { return i < len(r) && r[i] != nil })
	}
	counted := map[int]bool{}
	for i, name := range e.Columns {
		base, ok := strings.CutSuffix(name, "_min")
		j := slices.Index(e.Columns, base+"_max")
		if !ok || j < 0 || !used(i) {
			continue
		}
		c := column{base, i, j, slices.Index(e.Columns, base+"s")}
		counted[c.count] = true
		cols = append(cols, c)
	}
	var all []column
	for i, name := range e.Columns {
		switch k := slices.IndexFunc(cols, func(c column) bool { return c.from == i }); {
		case k >= 0:
			all = append(all, cols[k])
		case !used(i) || counted[i] || strings.HasSuffix(name, "_max") || strings.HasSuffix(name, "_min") && slices.Contains(e.Columns, strings.TrimSuffix(name, "_min")+"_max"):
		default:
			all = append(all, column{name, i, i, -1})
		}
	}
	cols = all
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	var head []string
	for _, c := range cols {
		name := c.name
		if c.count >= 0 {
			name += "s"
		}
		head = append(head, strings.ToUpper(strings.ReplaceAll(name, "_", " ")))
	}
	fmt.Fprintf(tw, "    %s\n", strings.Join(head, "\t"))
	for k, row := range e.Rows {
		if k == evidenceRows {
			break
		}
		var cells []string
		for _, c := range cols {
			v := evidenceCell(c.name, row[c.from])
			if to := evidenceCell(c.name, row[c.to]); to != v {
				v += "-" + to
			}
			if c.count >= 0 && row[c.count] != nil {
				v += fmt.Sprintf(" (%v)", row[c.count])
			}
			cells = append(cells, v)
		}
		fmt.Fprintf(tw, "    %s\n", strings.Join(cells, "\t"))
	}
	tw.Flush()
	if n := len(e.Rows) - evidenceRows; n > 0 {
		fmt.Fprintf(b, "    … %d more %s (-o json has every row)\n", n, map[bool]string{true: "row", false: "rows"}[n == 1])
	}
}

// evidenceCell is a value of a column as the text shows it: a protocol by
// its name, a time in UTC.
func evidenceCell(col string, v any) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	case int64:
		if col == "protocol" {
			return rca.ProtocolName(v)
		}
	}
	return fmt.Sprint(v)
}
