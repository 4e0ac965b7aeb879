package athenadb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/ddl"
	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/internal/awsfake"
	"github.com/flowq/flowq/internal/enginetest"
	"github.com/flowq/flowq/internal/localathena"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/sample"
)

// fixture is a fake AWS holding sample flow logs: the table in Glue as flowq
// ddl apply would make it, and Athena answering its queries from the files
// (localathena).
type fixture struct {
	srv   *awsfake.Server
	dir   string
	truth *sample.Truth
	table ddl.Table
}

const (
	database = "vpc_flow_logs"
	tableN   = "flow_logs"
)

func newFixture(t *testing.T, opts sample.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{srv: awsfake.New(t), dir: t.TempDir()}
	var err error
	if f.truth, err = sample.Generate(ctx, f.dir, opts); err != nil {
		t.Fatal(err)
	}
	b, err := localathena.Open(ctx, []string{f.dir}, database+"."+tableN, database+".injected")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	f.srv.Athena.Backend = b.Answer
	f.srv.Athena.SetWorkGroup("primary", awsfake.WorkGroup{OutputLocation: "s3://results/flowq/"})
	format, err := flowlog.ParseFormat(f.truth.Format)
	if err != nil {
		t.Fatal(err)
	}
	f.table = ddl.Table{Database: database, Name: tableN, Format: format, Layout: opts.Layout, Location: "s3://flow-logs/",
		Accounts: []string{f.truth.Account}, Regions: []string{f.truth.Region}, Since: f.truth.Start, Projection: true}
	f.putTable(t, f.table)
	return f
}

func (f *fixture) putTable(t *testing.T, table ddl.Table) {
	t.Helper()
	js, err := table.GlueJSON()
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Glue.PutTable(table.Database, js)
}

// options are the engine's options over the fixture's table, polling
// without waiting.
func (f *fixture) options(w *partitions.Window) athenadb.Options {
	return athenadb.Options{Database: database, Table: tableN, Window: w, PollMin: time.Microsecond, PollMax: time.Microsecond}
}

func (f *fixture) open(t *testing.T, o athenadb.Options) *athenadb.DB {
	t.Helper()
	db, err := athenadb.Open(context.Background(), f.srv.Config(), o)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestConformance runs the library's conformance suite on the Athena engine
// against the fake, over sample data in each layout: every query, every
// version, checked against the data's truth, as the local engine is. Each
// dataset of the suite is a table of its own.
func TestConformance(t *testing.T) {
	for _, layout := range partitions.Layouts() {
		t.Run(layout.String(), func(t *testing.T) {
			f := newFixture(t, enginetest.Options(layout))
			truths := map[string]*sample.Truth{}
			routes := map[string]*localathena.Backend{}
			for _, d := range enginetest.Datasets(layout) {
				dir, table := t.TempDir(), "flow_logs_"+d.Name
				truth, err := sample.Generate(context.Background(), dir, d.Options)
				if err != nil {
					t.Fatal(err)
				}
				truths[d.Name] = truth
				b, err := localathena.Open(context.Background(), []string{dir}, database+"."+table)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { b.Close() })
				routes[database+"."+table] = b
				tbl := f.table
				tbl.Name, tbl.Format = table, d.Options.Format
				f.putTable(t, tbl)
			}
			f.srv.Athena.Backend = localathena.Route(routes)
			enginetest.Run(t, func(dataset string, w *partitions.Window) (queries.Engine, error) {
				o := f.options(w)
				o.Table = "flow_logs_" + dataset
				return athenadb.Open(context.Background(), f.srv.Config(), o)
			}, truths)
			// Every query reached Athena as one execution, its values as
			// parameters, and read every page of its result.
			for _, st := range f.srv.Athena.Starts() {
				if st.Database != database || st.Workgroup != "primary" || st.OutputLocation != "s3://results/flowq/" || len(st.Token) != 32 {
					t.Errorf("start %+v", st)
				}
			}
		})
	}
}

// TestSameAnswers: every query of the library, every version, gives the
// Athena engine the rows the local engine gives over the same files, over
// the first of the suite's datasets whose format has its fields.
func TestSameAnswers(t *testing.T) {
	layout := partitions.Layout{PerHour: true}
	type pair struct{ local, remote queries.Engine }
	engines := map[string]pair{}
	truths := map[string]*sample.Truth{}
	var formats []string
	f := newFixture(t, enginetest.Options(layout))
	routes := map[string]*localathena.Backend{}
	for _, d := range enginetest.Datasets(layout) {
		dir, table := t.TempDir(), "flow_logs_"+d.Name
		truth, err := sample.Generate(context.Background(), dir, d.Options)
		if err != nil {
			t.Fatal(err)
		}
		b, err := localathena.Open(context.Background(), []string{dir}, database+"."+table)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		routes[database+"."+table] = b
		tbl := f.table
		tbl.Name, tbl.Format = table, d.Options.Format
		f.putTable(t, tbl)
		w, _ := partitions.NewWindow(truth.Start, truth.End)
		local, err := localdb.Open(context.Background(), []string{dir}, localdb.Options{Window: &w})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { local.Close() })
		o := f.options(&w)
		o.Table = table
		engines[d.Name] = pair{local, f.open(t, o)}
		truths[d.Name] = truth
		formats = append(formats, d.Name)
	}
	f.srv.Athena.Backend = localathena.Route(routes)
	for _, q := range queries.Default().All() {
		dataset := ""
		for _, name := range formats {
			if format, _ := flowlog.Preset(name); q.CheckFields([]flowlog.Format{format}) == nil {
				dataset = name
				break
			}
		}
		if dataset == "" {
			t.Errorf("%s: no dataset has its fields", q.Ref())
			continue
		}
		vals, err := q.Resolve(sameAnswerParams(q, truths[dataset]))
		if err != nil {
			t.Fatal(err)
		}
		want, err := queries.Run(context.Background(), engines[dataset].local, q, vals)
		if err != nil {
			t.Fatalf("%s local: %v", q.Ref(), err)
		}
		got, err := queries.Run(context.Background(), engines[dataset].remote, q, vals)
		if err != nil {
			t.Fatalf("%s athena: %v", q.Ref(), err)
		}
		if fmt.Sprint(got.Rows) != fmt.Sprint(want.Rows) || names(got) != names(want) || got.Provenance.Truncated != want.Provenance.Truncated {
			t.Errorf("%s: athena %d rows %s, local %d rows %s\n%v\n%v", q.Ref(), len(got.Rows), names(got), len(want.Rows), names(want), got.Rows, want.Rows)
		}
		if len(want.Rows) == 0 {
			t.Logf("%s: no rows over the %s dataset with these parameters: the comparison proves less", q.Ref(), dataset)
		}
	}
}

// sameAnswerParams are values for a query's required parameters that find
// rows in the sample: the nacl-return-reject scenario's hosts.
func sameAnswerParams(q *queries.Query, truth *sample.Truth) map[string]string {
	var sc sample.ScenarioTruth
	for _, s := range truth.Scenarios {
		if s.Name == "nacl-return-reject" {
			sc = s
		}
	}
	client, server := fmt.Sprint(sc.Facts["client"]), fmt.Sprint(sc.Facts["server"])
	if sc.Name == "" {
		client, server = "10.0.1.10", "10.0.0.0/8"
	}
	values := map[queries.Type]string{queries.IP: client, queries.CIDR: server, queries.Port: "22", queries.Protocol: "tcp",
		queries.Duration: "5m", queries.Int: "2", queries.String: "10", queries.Timestamp: truth.Start.Format(time.RFC3339)}
	given := map[string]string{}
	for _, p := range q.Params {
		if p.Required() {
			given[p.Name] = values[p.Type]
			if p.Type == queries.Enum {
				given[p.Name] = p.Values[0]
			}
		}
	}
	if q.Param("a") != nil && q.Param("b") != nil {
		given["a"] = client
	}
	return given
}

func names(res *queries.Result) string {
	var out []string
	for _, c := range res.Columns {
		out = append(out, c.Name)
	}
	return strings.Join(out, ",")
}

// small is a fixture over one day of data, for the tests of single calls.
func small(t *testing.T) *fixture {
	return newFixture(t, sample.Options{Days: 1, Seed: 3, Records: 3000, Scenarios: []string{"ssh-rejected", "nacl-return-reject"}})
}

func rejectsOnPort(t *testing.T, port string) (*queries.Query, queries.Values) {
	q, err := queries.Default().Get("rejects-on-port@1")
	if err != nil {
		t.Fatal(err)
	}
	vals, err := q.Resolve(map[string]string{"port": port})
	if err != nil {
		t.Fatal(err)
	}
	return q, vals
}

// TestParameters: a query's values reach Athena as ExecutionParameters, in
// placeholder order, and never in the query's text.
func TestParameters(t *testing.T) {
	f := small(t)
	w, _ := partitions.NewWindow(f.truth.Start, f.truth.End)
	db := f.open(t, f.options(&w))
	q, vals := rejectsOnPort(t, "2222")
	if _, err := queries.Run(context.Background(), db, q, vals); err != nil {
		t.Fatal(err)
	}
	st := f.srv.Athena.Starts()
	if len(st) != 1 {
		t.Fatalf("%d starts", len(st))
	}
	if strings.Contains(st[0].SQL, "2222") || !strings.Contains(strings.Join(st[0].Params, " "), "2222") ||
		!strings.Contains(st[0].SQL, "FROM vpc_flow_logs.flow_logs") {
		t.Errorf("SQL:\n%s\nparameters %v", st[0].SQL, st[0].Params)
	}
}

// TestRetries: throttling, 500s and connections dropped mid-answer are
// retried by the SDK; a start retried after its answer was lost starts one
// query (its ClientRequestToken); the rows are those of a run without
// faults.
func TestRetries(t *testing.T) {
	f := small(t)
	w, _ := partitions.NewWindow(f.truth.Start, f.truth.End)
	db := f.open(t, f.options(&w))
	run := func() *queries.Result {
		t.Helper()
		res, err := queries.RunSQL(context.Background(), db, "SELECT srcaddr, dstaddr, start FROM vpc_flow_logs.flow_logs ORDER BY start, srcaddr, dstaddr, srcport, dstport, interface_id LIMIT 2500")
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	clean := run()
	a := f.srv.Athena
	a.Inject("StartQueryExecution", 1, awsfake.Drop)
	a.Inject("GetQueryExecution", 2, awsfake.Throttle)
	a.Inject("GetQueryResults", 1, awsfake.ServerError)
	a.Inject("GetQueryResults", 1, awsfake.Drop)
	before := len(a.Starts())
	faulty := run()
	if n := len(a.Starts()) - before; n != 1 {
		t.Errorf("%d queries started for one run", n)
	}
	if len(clean.Rows) != 2500 || fmt.Sprint(faulty.Rows) != fmt.Sprint(clean.Rows) {
		t.Errorf("%d rows with faults, %d without", len(faulty.Rows), len(clean.Rows))
	}
	// Past the retryer's attempts, the error says which call failed.
	a.Inject("GetQueryResults", 10, awsfake.Throttle)
	_, err := queries.RunSQL(context.Background(), db, "SELECT 1")
	if err == nil || !strings.Contains(err.Error(), "read the result of Athena query") || !strings.Contains(err.Error(), "TooManyRequestsException: Rate exceeded") {
		t.Errorf("error %v", err)
	}
}

// TestPages: a result of 2,500 rows comes in three pages, the header row of
// the first left out, every row handed over in order as its page arrives.
func TestPages(t *testing.T) {
	f := small(t)
	db := f.open(t, f.options(nil))
	var pages []int
	p, err := queries.StreamSQL(context.Background(), db, "SELECT n FROM range(2500) t(n) ORDER BY n", nil, func(pg queries.Page) error {
		for i, row := range pg.Rows {
			if want := int64(sum(pages) + i); row[0] != want {
				return fmt.Errorf("row %v, want %d", row, want)
			}
		}
		pages = append(pages, len(pg.Rows))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(pages) != "[999 1000 501]" || p.Rows != 2500 || f.srv.Athena.Count("GetQueryResults") != 3 {
		t.Errorf("pages %v, provenance %+v", pages, p)
	}
	// An empty result still has its columns.
	res, err := queries.RunSQL(context.Background(), db, "SELECT srcaddr FROM vpc_flow_logs.flow_logs WHERE FALSE")
	if err != nil || len(res.Rows) != 0 || names(res) != "srcaddr" {
		t.Errorf("empty: %v %+v", err, res)
	}
}

func sum(ns []int) int {
	s := 0
	for _, n := range ns {
		s += n
	}
	return s
}

// TestFailedAndCancelled: a query that ends FAILED or CANCELLED is one error
// with Athena's reason and the execution's ID.
func TestFailedAndCancelled(t *testing.T) {
	f := small(t)
	db := f.open(t, f.options(nil))
	a := f.srv.Athena
	a.Next(awsfake.Outcome{Fail: "SYNTAX_ERROR: line 1:8: Column 'nope' cannot be resolved"}, awsfake.Outcome{Cancel: "Query cancelled by user"})
	for _, want := range []string{"failed: SYNTAX_ERROR: line 1:8: Column 'nope' cannot be resolved", "was cancelled: Query cancelled by user"} {
		_, err := queries.RunSQL(context.Background(), db, "SELECT nope FROM vpc_flow_logs.flow_logs")
		id := a.Starts()[len(a.Starts())-1].ExecutionID
		var qe *athenadb.QueryError
		if !errors.As(err, &qe) || err.Error() != "Athena query "+id+" "+want || qe.ExecutionID != id {
			t.Errorf("error %v, want Athena query %s %s", err, id, want)
		}
	}
	// The backend's own error is the reason of a failed query, as Athena's is.
	_, err := queries.RunSQL(context.Background(), db, "SELECT nope FROM vpc_flow_logs.flow_logs")
	if err == nil || !strings.Contains(err.Error(), "failed: ") || !strings.Contains(err.Error(), "nope") {
		t.Errorf("error %v", err)
	}
}

// TestStopOnCancel: a query still running when its context is cancelled, or
// past its deadline, is stopped with StopQueryExecution before Query
// returns, and the error is the context's.
func TestStopOnCancel(t *testing.T) {
	f := small(t)
	a := f.srv.Athena
	for _, deadline := range []bool{false, true} {
		a.Next(awsfake.Outcome{Running: true})
		ctx, cancel := context.WithCancel(context.Background())
		if deadline {
			ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
		}
		o := f.options(nil)
		o.PollMin, o.PollMax = time.Millisecond, time.Millisecond
		var mu sync.Mutex
		var seen []string
		o.Progress = func(s athenadb.Status) {
			mu.Lock()
			defer mu.Unlock()
			if seen = append(seen, s.State); len(seen) == 3 && !deadline {
				cancel()
			}
		}
		db := f.open(t, o)
		_, err := queries.RunSQL(ctx, db, "SELECT count(*) FROM vpc_flow_logs.flow_logs")
		cancel()
		id := a.Starts()[len(a.Starts())-1].ExecutionID
		want := context.Canceled
		if deadline {
			want = context.DeadlineExceeded
		}
		var stopped *athenadb.StoppedError
		if !errors.Is(err, want) || !errors.As(err, &stopped) || stopped.ExecutionID != id || stopped.Stop != nil {
			t.Errorf("deadline %v: error %v", deadline, err)
		}
		if stops := a.Stops(); len(stops) == 0 || stops[len(stops)-1] != id || a.State(id) != "CANCELLED" {
			t.Errorf("deadline %v: stops %v, state %s", deadline, stops, a.State(id))
		}
		if seen[0] != "QUEUED" || seen[len(seen)-1] != "RUNNING" {
			t.Errorf("states %v", seen)
		}
	}
}

// TestTypes: values are typed from the result's metadata, NULL is nil.
func TestTypes(t *testing.T) {
	f := small(t)
	s := func(v string) *string { return &v }
	f.srv.Athena.Backend = func(context.Context, awsfake.Query) (*awsfake.Answer, error) {
		cols := []awsfake.AnswerColumn{{Name: "v", Type: "varchar"}, {Name: "i", Type: "integer"}, {Name: "b", Type: "bigint"},
			{Name: "d", Type: "double"}, {Name: "ok", Type: "boolean"}, {Name: "day", Type: "date"}, {Name: "ts", Type: "timestamp"},
			{Name: "tz", Type: "timestamp with time zone"}, {Name: "dec", Type: "decimal", Precision: 38, Scale: 2},
			{Name: "arr", Type: "array"}, {Name: "m", Type: "map"}, {Name: "r", Type: "row"}, {Name: "n", Type: "bigint"}}
		return &awsfake.Answer{Columns: cols, Rows: [][]*string{
			{s("x y"), s("-7"), s("9007199254740993"), s("1.5E-3"), s("true"), s("2026-01-05"), s("2026-01-05 10:00:00.123"),
				s("2026-01-05 12:00:00.000 +02:00"), s("12345678901234567890.25"), s("[1, 2]"), s("{a=1}"), s("{x=1, y=2}"), nil},
			{s(""), s("0"), s("0"), s("NaN"), s("false"), s("1970-01-01"), s("2026-01-05 10:00:00"), s("2026-01-05 11:00:00.000 Europe/Berlin"),
				s("0.00"), s("[]"), s("{}"), s("{}"), s("1")},
		}}, nil
	}
	res, err := queries.RunSQL(context.Background(), f.open(t, f.options(nil)), "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	want := [][]any{
		{"x y", int64(-7), int64(9007199254740993), 0.0015, true, day, day.Add(10*time.Hour + 123*time.Millisecond),
			day.Add(10 * time.Hour), json.Number("12345678901234567890.25"), "[1, 2]", "{a=1}", "{x=1, y=2}", nil},
		{"", int64(0), int64(0), math.NaN(), false, time.Unix(0, 0).UTC(), day.Add(10 * time.Hour), day.Add(10 * time.Hour),
			json.Number("0.00"), "[]", "{}", "{}", int64(1)},
	}
	for i, row := range want {
		for j, v := range row {
			got := res.Rows[i][j]
			if f, ok := v.(float64); ok && math.IsNaN(f) {
				if g, ok := got.(float64); !ok || !math.IsNaN(g) {
					t.Errorf("row %d %s = %#v, want NaN", i, res.Columns[j].Name, got)
				}
				continue
			}
			if tv, ok := v.(time.Time); ok {
				if g, ok := got.(time.Time); !ok || !g.Equal(tv) || g.Location() != time.UTC {
					t.Errorf("row %d %s = %#v, want %v", i, res.Columns[j].Name, got, tv)
				}
				continue
			}
			if got != v {
				t.Errorf("row %d %s = %#v, want %#v", i, res.Columns[j].Name, got, v)
			}
		}
	}
	// A value that is not of its type is an error naming row and column.
	f.srv.Athena.Backend = func(context.Context, awsfake.Query) (*awsfake.Answer, error) {
		return &awsfake.Answer{Columns: []awsfake.AnswerColumn{{Name: "n", Type: "bigint"}}, Rows: [][]*string{{s("1")}, {s("x")}}}, nil
	}
	_, err = queries.RunSQL(context.Background(), f.open(t, f.options(nil)), "SELECT 1")
	if err == nil || !strings.Contains(err.Error(), `row 2, column n (bigint): strconv.ParseInt: parsing "x"`) {
		t.Errorf("error %v", err)
	}
}

// TestWorkgroupSettings: a workgroup that enforces its configuration gets no
// result configuration from flowq; one that does not gets the location asked
// for with the workgroup's encryption; without a location anywhere, Open
// says what to pass.
func TestWorkgroupSettings(t *testing.T) {
	f := small(t)
	a := f.srv.Athena
	a.SetWorkGroup("enforced", awsfake.WorkGroup{OutputLocation: "s3://wg-results/", Enforce: true, Encryption: "SSE_KMS"})
	a.SetWorkGroup("kms", awsfake.WorkGroup{OutputLocation: "s3://wg-results/", Encryption: "SSE_KMS", KMSKey: "arn:aws:kms:eu-west-1:111122223333:key/k"})
	a.SetWorkGroup("bare", awsfake.WorkGroup{})
	a.SetWorkGroup("managed", awsfake.WorkGroup{ManagedResults: true})
	a.SetWorkGroup("off", awsfake.WorkGroup{Disabled: true, OutputLocation: "s3://x/"})
	for _, tc := range []struct {
		workgroup, location       string
		wantLocation, wantEncrypt string
		wantErr, wantNote         string
	}{
		{"enforced", "s3://mine/", "s3://wg-results/", "SSE_KMS", "", "workgroup enforced enforces its result location s3://wg-results/: --output-location s3://mine/ is not used"},
		{"kms", "s3://mine/", "s3://mine/", "SSE_KMS", "", ""},
		{"kms", "", "s3://wg-results/", "SSE_KMS", "", ""},
		{"bare", "s3://mine/", "s3://mine/", "", "", ""},
		{"bare", "", "", "", "Athena workgroup bare has no query result location: pass --output-location s3://BUCKET/PREFIX/ (or set one in the workgroup's settings)", ""},
		{"managed", "", "", "", "", ""},
		{"off", "", "", "", "Athena workgroup off is disabled: enable it or pass another --workgroup", ""},
		{"nope", "", "", "", "read Athena workgroup nope: InvalidRequestException: WorkGroup nope is not found. (request fake-request)", ""},
	} {
		o := f.options(nil)
		o.Workgroup, o.OutputLocation = tc.workgroup, tc.location
		db, err := athenadb.Open(context.Background(), f.srv.Config(), o)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%+v: error %v", tc, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := queries.RunSQL(context.Background(), db, "SELECT 1"); err != nil {
			t.Fatal(err)
		}
		st := a.Starts()[len(a.Starts())-1]
		if st.OutputLocation != tc.wantLocation || st.Encryption != tc.wantEncrypt || strings.Join(db.Notes(), "") != tc.wantNote {
			t.Errorf("%+v: start %+v, notes %v", tc, st, db.Notes())
		}
	}
}

// TestTableDefinitions: the table's format comes from the property flowq
// writes or from its columns; a query whose fields the table lacks is
// refused before anything starts; a table flowq cannot query, or one whose
// projection injects accounts when none are given, is refused at Open.
func TestTableDefinitions(t *testing.T) {
	f := small(t)
	q, vals := rejectsOnPort(t, "22")
	tgw, _ := flowlog.ParseFormat("tgw")
	table := f.table
	table.Name, table.Format = "tgw_logs", tgw
	f.putTable(t, table)
	o := f.options(nil)
	o.Table = "tgw_logs"
	db := f.open(t, o)
	if db.Table().FormatFrom != "the table's flowq.log_format property" {
		t.Errorf("format from %s", db.Table().FormatFrom)
	}
	before := len(f.srv.Athena.Starts())
	_, err := queries.Run(context.Background(), db, q, vals)
	if err == nil || !strings.Contains(err.Error(), "rejects-on-port@1 needs field(s) interface-id (v2), action (v2)") || len(f.srv.Athena.Starts()) != before {
		t.Errorf("tgw table: %v", err)
	}

	// A table made by hand, without flowq's properties: its columns say.
	js, _ := f.table.GlueJSON()
	hand := strings.Replace(strings.Replace(string(js), `"flowq.log_format"`, `"x.log_format"`, 1), `"flowq.layout"`, `"x.layout"`, 1)
	hand = strings.Replace(hand, `"Name": "flow_logs"`, `"Name": "by_hand"`, 1)
	f.srv.Glue.PutTable(database, []byte(hand))
	o.Table = "by_hand"
	if db := f.open(t, o); db.Table().FormatFrom != "the table's columns" || !db.Table().Format.Equal(f.table.Format) || db.Table().Layout != f.table.Layout {
		t.Errorf("by hand: %+v", db.Table())
	}

	injected := f.table
	injected.Name, injected.Injected = "injected", true
	f.putTable(t, injected)
	o.Table = "injected"
	if _, err := athenadb.Open(context.Background(), f.srv.Config(), o); err == nil ||
		err.Error() != "table vpc_flow_logs.injected projects aws_account_id as injected: every query must name the accounts: pass --accounts" {
		t.Errorf("injected: %v", err)
	}
	o.Accounts, o.Regions = []string{f.truth.Account}, []string{f.truth.Region}
	if _, err := queries.Run(context.Background(), f.open(t, o), q, vals); err != nil {
		t.Fatal(err)
	}
	if sql := f.srv.Athena.Starts()[len(f.srv.Athena.Starts())-1].SQL; !strings.Contains(sql, "aws_account_id = '"+f.truth.Account+"' AND aws_region = '"+f.truth.Region+"'") {
		t.Errorf("injected SQL:\n%s", sql)
	}

	o.Table, o.Accounts, o.Regions = "nope", nil, nil
	if _, err := athenadb.Open(context.Background(), f.srv.Config(), o); err == nil || !strings.HasPrefix(err.Error(), "no table vpc_flow_logs.nope in the Glue Data Catalog: create it with flowq ddl apply") {
		t.Errorf("missing table: %v", err)
	}
	foreign := strings.Replace(hand, `"Name": "day"`, `"Name": "dt"`, 1)
	foreign = strings.Replace(foreign, `"Name": "by_hand"`, `"Name": "foreign"`, 1)
	f.srv.Glue.PutTable(database, []byte(foreign))
	o.Table = "foreign"
	if _, err := athenadb.Open(context.Background(), f.srv.Config(), o); err == nil || !strings.Contains(err.Error(), "its partition columns (aws_account_id, aws_region, dt) are not those of a flowq layout") {
		t.Errorf("foreign partitions: %v", err)
	}
}

// TestReuse: with reuse on, Athena is asked to reuse results up to the age
// given, and a reused result is said to be one, scanning and costing nothing.
func TestReuse(t *testing.T) {
	f := small(t)
	o := f.options(nil)
	o.Reuse = 90 * time.Minute
	db := f.open(t, o)
	q, vals := rejectsOnPort(t, "22")
	first, err := queries.Run(context.Background(), db, q, vals)
	if err != nil {
		t.Fatal(err)
	}
	second, err := queries.Run(context.Background(), db, q, vals)
	if err != nil {
		t.Fatal(err)
	}
	st := f.srv.Athena.Starts()
	if st[0].ReuseMaxAge != 90 || first.Provenance.Reused || !second.Provenance.Reused || second.Provenance.CostUSD != 0 ||
		second.Provenance.ScannedBytes != 0 || fmt.Sprint(first.Rows) != fmt.Sprint(second.Rows) || first.Provenance.ScannedBytes == 0 {
		t.Errorf("starts %+v\nfirst %+v\nsecond %+v", st, first.Provenance, second.Provenance)
	}
	o.Reuse = 90 * time.Second
	if _, err := athenadb.Open(context.Background(), f.srv.Config(), o); err == nil {
		t.Error("reuse of 90s accepted")
	}
}

// TestProvenance: a result says which execution answered it, in which
// workgroup, what it scanned, the engine's time, the estimated cost and
// where Athena keeps the result.
func TestProvenance(t *testing.T) {
	f := small(t)
	db := f.open(t, f.options(nil))
	q, vals := rejectsOnPort(t, "22")
	res, err := queries.Run(context.Background(), db, q, vals)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Provenance
	id := f.srv.Athena.Starts()[0].ExecutionID
	if p.Engine != "athena" || p.ExecutionID != id || p.Workgroup != "primary" || p.ScannedBytes <= 0 || p.CostUSD != athenadb.Cost(p.ScannedBytes) ||
		p.ResultLocation != "s3://results/flowq/"+id+".csv" || p.Query != "rejects-on-port@1" {
		t.Errorf("provenance %+v", p)
	}
}

func TestCost(t *testing.T) {
	for _, tc := range []struct {
		scanned int64
		want    float64
	}{{0, 0.000048}, {10 << 20, 0.000048}, {1 << 40, 5}, {1<<40 + 1, 5.000005}, {3 << 40, 15}} {
		if got := athenadb.Cost(tc.scanned); got != tc.want {
			t.Errorf("Cost(%d) = %v, want %v", tc.scanned, got, tc.want)
		}
	}
}

// TestReadsOnly: SQL that would change a table or write to S3 is refused
// before anything starts; queries that read, after comments, run.
func TestReadsOnly(t *testing.T) {
	f := small(t)
	db := f.open(t, f.options(nil))
	for _, sql := range []string{"DROP TABLE vpc_flow_logs.flow_logs", "CREATE TABLE x AS SELECT 1", "insert into t values (1)",
		"UNLOAD (SELECT 1) TO 's3://x/' WITH (format = 'CSV')", "EXPLAIN ANALYZE INSERT INTO t VALUES (1)", "-- a comment\nMSCK REPAIR TABLE t", "", "?"} {
		_, err := queries.RunSQL(context.Background(), db, sql)
		if _, ok := errors.AsType[*queries.RefusedError](err); !ok {
			t.Errorf("%q: %v, want a refusal", sql, err)
		}
	}
	if n := len(f.srv.Athena.Starts()); n != 0 {
		t.Errorf("%d queries started", n)
	}
	for _, sql := range []string{"-- why\n/* how */ (SELECT 1)", "with x AS (SELECT 1) SELECT * FROM x", "EXPLAIN ANALYZE SELECT 1", "VALUES (1)"} {
		if _, err := queries.RunSQL(context.Background(), db, sql); err != nil {
			t.Errorf("%q: %v", sql, err)
		}
	}
}

// TestStopWhileStarting: when the context ends while a start is being
// retried (Athena started the query, its answer was lost), the start is made
// again with its token to learn the execution, which is then stopped.
func TestStopWhileStarting(t *testing.T) {
	f := small(t)
	cfg := f.srv.Config()
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Second, nil })
		})
	}
	db, err := athenadb.Open(context.Background(), cfg, f.options(nil))
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Athena.Inject("StartQueryExecution", 1, awsfake.Drop)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = queries.RunSQL(ctx, db, "SELECT count(*) FROM vpc_flow_logs.flow_logs")
	starts := f.srv.Athena.Starts()
	var stopped *athenadb.StoppedError
	if len(starts) != 1 || !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &stopped) || stopped.ExecutionID != starts[0].ExecutionID ||
		f.srv.Athena.State(starts[0].ExecutionID) != "CANCELLED" {
		t.Errorf("error %v, starts %+v, stops %v", err, starts, f.srv.Athena.Stops())
	}
}

// TestWindowBeforeProjection: a window that starts before the table's
// projection covers anything is said to, since Athena reads nothing there.
func TestWindowBeforeProjection(t *testing.T) {
	f := small(t)
	w, _ := partitions.NewWindow(f.truth.Start.AddDate(0, 0, -3), f.truth.End)
	db := f.open(t, f.options(&w))
	want := "the window starts at " + w.From.Format(time.RFC3339) + ", before the first day the table's partition projection covers (" +
		f.truth.Start.Format(time.DateOnly) + "): records before it are not read; to read them, apply the table again with an earlier --since"
	if strings.Join(db.Notes(), "\n") != want {
		t.Errorf("notes %q\nwant %q", db.Notes(), want)
	}
	if db := f.open(t, f.options(nil)); len(db.Notes()) != 0 {
		t.Errorf("no window: notes %q", db.Notes())
	}
}

// TestStopWhileReading: a context that ends while the result is read leaves
// no query to stop, and the error says where the whole result is.
func TestStopWhileReading(t *testing.T) {
	f := small(t)
	f.srv.Athena.PageRows = 10
	db := f.open(t, f.options(nil))
	ctx, cancel := context.WithCancel(context.Background())
	_, err := queries.StreamSQL(ctx, db, "SELECT n FROM range(100) t(n)", nil, func(queries.Page) error {
		cancel()
		return nil
	})
	id := f.srv.Athena.Starts()[0].ExecutionID
	want := "Athena query " + id + " had finished; reading its result was stopped (the whole result is at s3://results/flowq/" + id + ".csv)"
	if !errors.Is(err, context.Canceled) || err == nil || err.Error() != want || len(f.srv.Athena.Stops()) != 0 {
		t.Errorf("error %v\nwant %s", err, want)
	}
}
