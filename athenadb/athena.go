package athenadb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"

	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

// Options say which table an Athena engine queries, and how.
type Options struct {
	Workgroup string // "primary" when empty
	Catalog   string // the data catalog; AwsDataCatalog when empty
	Database  string
	Table     string
	// OutputLocation is where Athena writes results (s3://bucket/prefix/);
	// empty: the workgroup's. A workgroup that enforces its configuration
	// overrides it, as Athena does.
	OutputLocation string
	Window         *partitions.Window // nil: every record
	// Accounts and Regions restrict every library query to these partitions;
	// a table whose projection injects them needs them.
	Accounts, Regions []string
	// AdHoc says the engine runs SQL a user writes, which names its own
	// partitions: an injected projection's accounts and regions are then the
	// SQL's to give, and Athena's to require.
	AdHoc bool
	// Reuse lets Athena answer a query with the result of the same query run
	// at most this long ago (query result reuse): 0 turns it off; whole
	// minutes, at most 7 days.
	Reuse time.Duration
	// PollMin and PollMax bound the wait between two looks at a running
	// query: it starts at PollMin and grows by half up to PollMax (defaults
	// 250 ms and 3 s).
	PollMin, PollMax time.Duration
	// Progress, when set, is told how a query stands after each look.
	Progress func(Status)
}

// Status is how a query stands.
type Status struct {
	ExecutionID  string
	State        string // QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED
	Elapsed      time.Duration
	ScannedBytes int64
	CostUSD      float64 // an estimate, see Cost
}

// DB is the Athena engine: a queries.Engine over one table, through the real
// SDK clients. Open reads the workgroup's settings and the table's
// definition once; each Query starts an execution, waits for it and pages
// through its result.
type DB struct {
	athena     *athena.Client
	opts       Options
	table      *Table
	resultConf *athenatypes.ResultConfiguration // nil: the workgroup's own
	notes      []string
}

var _ queries.Engine = (*DB)(nil)

// Open opens the engine over a table. It checks, before any query runs, that
// the workgroup exists and says where results go (or --output-location
// does), that the table exists in Glue and is one flowq can query (its
// format and partition columns), and that the accounts and regions its
// projection injects are given.
func Open(ctx context.Context, cfg aws.Config, opts Options) (*DB, error) {
	d, err := connect(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	if d.table, err = ReadTable(ctx, glueClient(cfg), opts.Database, opts.Table); err != nil {
		return nil, err
	}
	if !opts.AdHoc {
		if err := d.table.CheckScope(opts.Accounts, opts.Regions); err != nil {
			return nil, err
		}
	}
	// Athena reads nothing before the projection's first day, without a word.
	if w, since := opts.Window, d.table.Since; w != nil && !since.IsZero() && w.From.Before(since) {
		d.notes = append(d.notes, fmt.Sprintf("the window starts at %s, before the first day the table's partition projection covers (%s): "+
			"records before it are not read; to read them, apply the table again with an earlier --since", w.From.Format(time.RFC3339), since.Format(time.DateOnly)))
	}
	return d, nil
}

// connect makes the Athena client and reads the workgroup: all but the
// table, which a DDL statement may be about to create.
func connect(ctx context.Context, cfg aws.Config, opts Options) (*DB, error) {
	if opts.Workgroup == "" {
		opts.Workgroup = "primary"
	}
	if opts.Catalog == "" {
		opts.Catalog = "AwsDataCatalog"
	}
	opts.PollMin = orDefault(opts.PollMin, 250*time.Millisecond)
	opts.PollMax = max(orDefault(opts.PollMax, 3*time.Second), opts.PollMin)
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	d := &DB{opts: opts, athena: athenaClient(cfg)}
	if err := d.readWorkgroup(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// retries gives a client five attempts unless the configuration sets its
// own (a poll that meets throttling should not end a query that took
// minutes), and retries an answer cut short (see dropRetryer).
func retries(cfg aws.Config, attempts *int, retryer *aws.Retryer) {
	if cfg.RetryMaxAttempts == 0 {
		*attempts = 5
	}
	*retryer = dropRetryer{*retryer}
}

func athenaClient(cfg aws.Config) *athena.Client {
	return athena.NewFromConfig(cfg, func(o *athena.Options) { retries(cfg, &o.RetryMaxAttempts, &o.Retryer) })
}

func glueClient(cfg aws.Config) *glue.Client {
	return glue.NewFromConfig(cfg, func(o *glue.Options) { retries(cfg, &o.RetryMaxAttempts, &o.Retryer) })
}

// dropRetryer retries what its retryer retries, and an answer whose body was
// cut short (the connection dropped after the status line), which the SDK
// does not: every call flowq makes is safe to send again (a start carries
// its ClientRequestToken, the rest only read).
type dropRetryer struct{ aws.Retryer }

func (r dropRetryer) IsErrorRetryable(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || r.Retryer.IsErrorRetryable(err)
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// MaxReuse is the longest result reuse Athena allows.
const MaxReuse = 7 * 24 * time.Hour

func checkOptions(o Options) error {
	if o.Database == "" || o.Table == "" {
		return errors.New("athena: a database and a table are required")
	}
	if err := queries.CheckTable(queries.Athena, o.Database+"."+o.Table); err != nil {
		return err
	}
	if o.OutputLocation != "" {
		if _, _, err := ParseS3URL(o.OutputLocation); err != nil {
			return fmt.Errorf("result location: %w", err)
		}
	}
	if o.Reuse < 0 || o.Reuse%time.Minute != 0 || o.Reuse > MaxReuse {
		return fmt.Errorf("result reuse %s: want whole minutes up to 7 days (Athena's limit)", o.Reuse)
	}
	return nil
}

// readWorkgroup reads the workgroup's result settings and decides what a
// start asks for: nothing when the workgroup enforces its own (Athena would
// override the request), else the location given or the workgroup's, with
// the workgroup's encryption, expected bucket owner and ACL, so that naming
// a location never writes a result less protected than the workgroup would.
func (d *DB) readWorkgroup(ctx context.Context) error {
	out, err := d.athena.GetWorkGroup(ctx, &athena.GetWorkGroupInput{WorkGroup: aws.String(d.opts.Workgroup)})
	if err != nil {
		return fmt.Errorf("read Athena workgroup %s: %w", d.opts.Workgroup, serviceError(err))
	}
	wg := out.WorkGroup
	if wg.State == athenatypes.WorkGroupStateDisabled {
		return fmt.Errorf("Athena workgroup %s is disabled: enable it or pass another --workgroup", d.opts.Workgroup)
	}
	var conf athenatypes.WorkGroupConfiguration
	if wg.Configuration != nil {
		conf = *wg.Configuration
	}
	var rc athenatypes.ResultConfiguration
	if conf.ResultConfiguration != nil {
		rc = *conf.ResultConfiguration
	}
	managed := conf.ManagedQueryResultsConfiguration != nil && conf.ManagedQueryResultsConfiguration.Enabled
	where := aws.ToString(rc.OutputLocation)
	switch {
	case aws.ToBool(conf.EnforceWorkGroupConfiguration):
		if d.opts.OutputLocation != "" && d.opts.OutputLocation != where {
			d.notes = append(d.notes, fmt.Sprintf("workgroup %s enforces its result location %s: --output-location %s is not used",
				d.opts.Workgroup, where, d.opts.OutputLocation))
		}
		return nil
	case d.opts.OutputLocation != "":
		d.resultConf = &athenatypes.ResultConfiguration{OutputLocation: aws.String(d.opts.OutputLocation),
			EncryptionConfiguration: rc.EncryptionConfiguration, ExpectedBucketOwner: rc.ExpectedBucketOwner, AclConfiguration: rc.AclConfiguration}
	case where == "" && !managed:
		return fmt.Errorf("Athena workgroup %s has no query result location: pass --output-location s3://BUCKET/PREFIX/ "+
			"(or set one in the workgroup's settings)", d.opts.Workgroup)
	}
	return nil
}

// Notes are what the user should know of how the engine runs queries (a
// location the workgroup overrides).
func (d *DB) Notes() []string { return d.notes }

// Table is the table the engine queries, as Glue describes it.
func (d *DB) Table() *Table { return d.table }

// Dataset describes the table: Athena's dialect, database.table, its layout
// and format, the window and the scope.
func (d *DB) Dataset() queries.Dataset {
	return queries.Dataset{Dialect: queries.Athena, Table: d.opts.Database + "." + d.opts.Table, Layout: d.table.Layout,
		Window: d.opts.Window, Formats: d.table.Formats(), Accounts: d.opts.Accounts, Regions: d.opts.Regions}
}

// Close releases nothing: the clients hold no connection of their own.
func (d *DB) Close() error { return nil }

// Query starts the SQL as a query execution, its arguments as
// ExecutionParameters (SQL literals, never pasted into the text), waits for
// it, and hands over its result a page at a time as Athena pages it. SQL
// that does more than read is refused (*queries.RefusedError) before it
// starts. When
// ctx is done first, the execution is stopped before Query returns. A
// failed or cancelled execution is an error with Athena's reason and the
// execution's ID.
func (d *DB) Query(ctx context.Context, sql string, args []any, page func(queries.Page) error) (queries.EngineProvenance, error) {
	prov := queries.EngineProvenance{Engine: "athena", Workgroup: d.opts.Workgroup}
	if err := checkReads(sql); err != nil {
		return prov, err
	}
	params := make([]string, len(args))
	for i, a := range args {
		lit, err := queries.Athena.Literal(a)
		if err != nil {
			return prov, fmt.Errorf("parameter %d: %w", i+1, err)
		}
		params[i] = lit
	}
	qe, err := d.exec(ctx, d.opts.Database, sql, params)
	if qe != nil {
		prov.ExecutionID = aws.ToString(qe.QueryExecutionId)
	}
	if err != nil {
		return prov, err
	}
	fillProvenance(&prov, qe)
	if err := d.results(ctx, prov.ExecutionID, qe.StatementType, page); err != nil {
		if ctx.Err() != nil {
			// The query is done: say where its whole result is.
			return prov, &StoppedError{ExecutionID: prov.ExecutionID, Cause: ctx.Err(), Finished: true, ResultLocation: prov.ResultLocation}
		}
		return prov, fmt.Errorf("read the result of Athena query %s: %w", prov.ExecutionID, err)
	}
	return prov, nil
}

// exec starts a statement in a database and waits for it to succeed. The
// execution comes back, with only its ID when it did not succeed.
func (d *DB) exec(ctx context.Context, database, sql string, params []string) (*athenatypes.QueryExecution, error) {
	in := &athena.StartQueryExecutionInput{
		QueryString: aws.String(sql),
		// One token for the call: the SDK retries it with the same one, and
		// Athena starts the query once.
		ClientRequestToken:    aws.String(newToken()),
		WorkGroup:             aws.String(d.opts.Workgroup),
		QueryExecutionContext: &athenatypes.QueryExecutionContext{Database: aws.String(database), Catalog: aws.String(d.opts.Catalog)},
		ResultConfiguration:   d.resultConf,
	}
	if len(params) > 0 {
		in.ExecutionParameters = params
	}
	if d.opts.Reuse > 0 {
		in.ResultReuseConfiguration = &athenatypes.ResultReuseConfiguration{ResultReuseByAgeConfiguration: &athenatypes.ResultReuseByAgeConfiguration{
			Enabled: true, MaxAgeInMinutes: aws.Int32(int32(d.opts.Reuse / time.Minute))}}
	}
	out, err := d.athena.StartQueryExecution(ctx, in)
	if err != nil && ctx.Err() != nil {
		return nil, d.abandon(ctx, in)
	}
	if err != nil {
		return nil, fmt.Errorf("start Athena query: %w", serviceError(err))
	}
	id := out.QueryExecutionId
	qe, err := d.wait(ctx, aws.ToString(id))
	if err != nil {
		return &athenatypes.QueryExecution{QueryExecutionId: id}, err
	}
	return qe, nil
}

// fillProvenance records what Athena says of a finished execution.
func fillProvenance(p *queries.EngineProvenance, qe *athenatypes.QueryExecution) {
	if st := qe.Statistics; st != nil {
		p.ScannedBytes = aws.ToInt64(st.DataScannedInBytes)
		p.EngineTime = time.Duration(aws.ToInt64(st.EngineExecutionTimeInMillis)) * time.Millisecond
		p.Reused = st.ResultReuseInformation != nil && st.ResultReuseInformation.ReusedPreviousResult
	}
	if !p.Reused && qe.StatementType != athenatypes.StatementTypeDdl {
		p.CostUSD = Cost(p.ScannedBytes)
	}
	if rc := qe.ResultConfiguration; rc != nil {
		p.ResultLocation = aws.ToString(rc.OutputLocation)
	}
}

// newToken is a ClientRequestToken: 32 random hex digits (Athena takes 32 to
// 128 characters).
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// wait polls the execution until it ends, with a growing pause between
// looks, telling Progress each time. When ctx is done first it stops the
// execution. A FAILED or CANCELLED end is an error.
func (d *DB) wait(ctx context.Context, id string) (*athenatypes.QueryExecution, error) {
	started := time.Now()
	pause := d.opts.PollMin
	for {
		out, err := d.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if ctx.Err() != nil {
			return nil, d.stopped(ctx, id)
		}
		if err != nil {
			// The query may still run: stop it rather than leave it billing.
			werr := fmt.Errorf("follow Athena query %s: %w", id, serviceError(err))
			if serr := d.stopExecution(ctx, id); serr != nil {
				return nil, fmt.Errorf("%w; it may still be running (stopping it failed: %v): aws athena stop-query-execution --query-execution-id %s", werr, serr, id)
			}
			return nil, fmt.Errorf("%w; the query was stopped", werr)
		}
		qe := out.QueryExecution
		state := qe.Status.State
		if d.opts.Progress != nil {
			st := Status{ExecutionID: id, State: string(state), Elapsed: time.Since(started)}
			if qe.Statistics != nil {
				st.ScannedBytes = aws.ToInt64(qe.Statistics.DataScannedInBytes)
			}
			st.CostUSD = Cost(st.ScannedBytes)
			d.opts.Progress(st)
		}
		switch state {
		case athenatypes.QueryExecutionStateSucceeded:
			return qe, nil
		case athenatypes.QueryExecutionStateFailed:
			return nil, &QueryError{ExecutionID: id, State: string(state), Reason: reason(qe.Status)}
		case athenatypes.QueryExecutionStateCancelled:
			return nil, &QueryError{ExecutionID: id, State: string(state), Reason: reason(qe.Status)}
		}
		select {
		case <-ctx.Done():
			return nil, d.stopped(ctx, id)
		case <-time.After(pause):
		}
		pause = min(pause*3/2, d.opts.PollMax)
	}
}

// reason is why an execution failed: Athena's StateChangeReason, or its
// error's message.
func reason(s *athenatypes.QueryExecutionStatus) string {
	r := aws.ToString(s.StateChangeReason)
	if r == "" && s.AthenaError != nil {
		r = aws.ToString(s.AthenaError.ErrorMessage)
	}
	return r
}

// QueryError is an execution that ended FAILED or CANCELLED.
type QueryError struct {
	ExecutionID string
	State       string
	Reason      string
}

func (e *QueryError) Error() string {
	verb := "failed"
	if e.State == string(athenatypes.QueryExecutionStateCancelled) {
		verb = "was cancelled"
	}
	if e.Reason == "" {
		return fmt.Sprintf("Athena query %s %s", e.ExecutionID, verb)
	}
	return fmt.Sprintf("Athena query %s %s: %s", e.ExecutionID, verb, e.Reason)
}

// StoppedError is a query stopped because its context was done: cancelled
// (Ctrl-C) or past its deadline. It unwraps to the context's error. Stop is
// the failure of StopQueryExecution, nil when the stop went through. A query
// that had Finished was not stopped: reading its result was.
type StoppedError struct {
	ExecutionID    string
	Cause          error
	Stop           error
	Finished       bool
	ResultLocation string
}

func (e *StoppedError) Error() string {
	if e.Finished {
		msg := fmt.Sprintf("Athena query %s had finished; reading its result was stopped", e.ExecutionID)
		if e.ResultLocation != "" {
			msg += " (the whole result is at " + e.ResultLocation + ")"
		}
		return msg
	}
	if e.Stop != nil {
		return fmt.Sprintf("Athena query %s may still be running: stopping it failed (%v); stop it with: aws athena stop-query-execution --query-execution-id %s",
			e.ExecutionID, e.Stop, e.ExecutionID)
	}
	return fmt.Sprintf("Athena query %s stopped", e.ExecutionID)
}

func (e *StoppedError) Unwrap() error { return e.Cause }

// abandon stops a query whose start was cut off when ctx ended: Athena may
// have started it, its answer lost, the SDK waiting to retry. The same start
// again, with the same ClientRequestToken, names that execution (or starts
// it, if the first never arrived), which is then stopped.
func (d *DB) abandon(ctx context.Context, in *athena.StartQueryExecutionInput) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
	defer cancel()
	out, err := d.athena.StartQueryExecution(sctx, in)
	if err != nil {
		return fmt.Errorf("a query may be running in Athena: its start was cut off (%w) and could not be checked (%v); "+
			"find it by its ClientRequestToken %s in the workgroup's history", ctx.Err(), serviceError(err), aws.ToString(in.ClientRequestToken))
	}
	return d.stopped(ctx, aws.ToString(out.QueryExecutionId))
}

// stopTimeout bounds the StopQueryExecution call made after ctx is done.
const stopTimeout = 15 * time.Second

// stopped stops an execution because ctx is done, and says so.
func (d *DB) stopped(ctx context.Context, id string) error {
	return &StoppedError{ExecutionID: id, Cause: ctx.Err(), Stop: d.stopExecution(ctx, id)}
}

// stopExecution calls StopQueryExecution on a context of its own, ctx being
// done or about to be.
func (d *DB) stopExecution(ctx context.Context, id string) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
	defer cancel()
	if _, err := d.athena.StopQueryExecution(sctx, &athena.StopQueryExecutionInput{QueryExecutionId: aws.String(id)}); err != nil {
		return serviceError(err)
	}
	return nil
}

// Athena's price: $5 per TB scanned, each query's bytes rounded up to the
// next MB, with 10 MB at least (most regions; "Athena pricing").
const (
	pricePerTB = 5.0
	minBilled  = 10 << 20
)

// Cost estimates what Athena charges for a query that scanned this many
// bytes. It is an estimate: prices differ by region and contract, and DDL,
// failed queries and reused results are not charged.
func Cost(scanned int64) float64 {
	mb := int64(1 << 20)
	billed := max((scanned+mb-1)/mb*mb, minBilled)
	usd := float64(billed) / (1 << 40) * pricePerTB
	return math.Round(usd*1e6) / 1e6 // to a millionth of a dollar, so that 10 MB is $0.000048
}
