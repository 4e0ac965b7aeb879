package awsfake

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flowq/flowq/queries"
)

// Athena fakes Athena's query API over its JSON 1.1 protocol:
// StartQueryExecution, GetQueryExecution, GetQueryResults, StopQueryExecution
// and GetWorkGroup. A query's answer comes from its Backend (localathena runs
// it in DuckDB over sample files); the fake does what Athena does around it:
//   - a ClientRequestToken seen before returns the first start's execution
//     instead of starting another;
//   - the result location is the workgroup's when it enforces its
//     configuration, else the request's, else the workgroup's; with none the
//     start is refused, as Athena refuses it;
//   - the number of ExecutionParameters must be the number of ? in the SQL;
//   - an execution is QUEUED, then RUNNING for Outcome.Polls polls of
//     GetQueryExecution, then ends as its Outcome says;
//   - results come in pages of at most 1,000 rows, the header row first,
//     every value a string and NULL a Datum without VarCharValue;
//   - result reuse answers an identical query that succeeded within the age
//     asked for with that result, scanning nothing.
type Athena struct {
	jsonService
	// Backend answers the queries; nil fails every query.
	Backend Backend
	// PageRows is the most rows a page of results holds, the header row
	// included, as Athena's 1,000 (0); a client asks for at most that.
	PageRows   int
	workgroups map[string]WorkGroup
	executions map[string]*execution
	tokens     map[string]string // ClientRequestToken → execution ID
	outcomes   []Outcome
	starts     []Start
	stops      []string
	nextID     atomic.Int64
}

// Backend answers a query the fake was sent; an error fails the execution
// with the error's text as its StateChangeReason.
type Backend func(ctx context.Context, q Query) (*Answer, error)

// Query is what StartQueryExecution asked.
type Query struct {
	SQL       string
	Params    []string // ExecutionParameters, SQL literals
	Database  string
	Catalog   string
	Workgroup string
}

// Answer is a query's result: its columns with their Athena types, rows of
// values as Athena writes them (nil for NULL), and the bytes it scanned.
type Answer struct {
	Columns []AnswerColumn
	Rows    [][]*string
	Scanned int64
}

// AnswerColumn is a result column: its name and its Trino type name.
type AnswerColumn struct {
	Name, Type       string
	Precision, Scale int
}

// WorkGroup is a workgroup's configuration, as GetWorkGroup answers it.
type WorkGroup struct {
	OutputLocation string
	Enforce        bool   // EnforceWorkGroupConfiguration
	Encryption     string // SSE_S3, SSE_KMS, CSE_KMS; "" for none
	KMSKey         string
	Disabled       bool
	ManagedResults bool  // Athena keeps the results itself: no location needed
	BytesCutoff    int64 // BytesScannedCutoffPerQuery; 0 for none
}

// Outcome is how a started query ends: after Polls polls of
// GetQueryExecution while RUNNING (at least 1), it SUCCEEDS with its
// Backend's answer, unless Running keeps it running until stopped, or Fail
// or Cancel ends it FAILED or CANCELLED with that reason.
type Outcome struct {
	Polls   int
	Running bool
	Fail    string
	Cancel  string
}

// Start is a StartQueryExecution the fake accepted: what it asked, the
// execution it got, and the result configuration in effect.
type Start struct {
	Query
	Token          string
	ExecutionID    string
	OutputLocation string
	Encryption     string
	ReuseMaxAge    int // minutes; -1 when reuse was not asked
}

type execution struct {
	id          string
	start       Start
	outcome     Outcome
	state       string
	reason      string
	polls       int
	answer      *Answer
	statement   string // DML, DDL, UTILITY
	submitted   time.Time
	completed   time.Time
	reused      bool
	errCategory int
}

// NewAthenaFake returns an Athena with one workgroup, primary, which has no
// result location; New serves one.
func NewAthenaFake() *Athena {
	a := &Athena{workgroups: map[string]WorkGroup{"primary": {}}, executions: map[string]*execution{}, tokens: map[string]string{}}
	a.jsonService = jsonService{service: "athena", prefix: "AmazonAthena", throttle: "TooManyRequestsException", internal: "InternalServerException"}
	a.operation = map[string]func([]byte) (any, error){
		"StartQueryExecution": a.startQueryExecution,
		"GetQueryExecution":   a.getQueryExecution,
		"GetQueryResults":     a.getQueryResults,
		"StopQueryExecution":  a.stopQueryExecution,
		"GetWorkGroup":        a.getWorkGroup,
	}
	return a
}

// SetWorkGroup adds or replaces a workgroup.
func (a *Athena) SetWorkGroup(name string, wg WorkGroup) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.workgroups[name] = wg
}

// Next queues how the next started queries end, one outcome each.
func (a *Athena) Next(o ...Outcome) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.outcomes = append(a.outcomes, o...)
}

// Starts are the StartQueryExecution calls that started a query, in order
// (a repeated token starts none).
func (a *Athena) Starts() []Start {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Start(nil), a.starts...)
}

// Stops are the executions StopQueryExecution was called for.
func (a *Athena) Stops() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.stops...)
}

// State is an execution's state.
func (a *Athena) State(id string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if e := a.executions[id]; e != nil {
		return e.state
	}
	return ""
}

type startInput struct {
	QueryString           string
	ClientRequestToken    string
	WorkGroup             string
	ExecutionParameters   []string
	QueryExecutionContext struct{ Database, Catalog string }
	ResultConfiguration   *struct {
		OutputLocation          string
		EncryptionConfiguration *struct{ EncryptionOption, KmsKey string }
	}
	ResultReuseConfiguration *struct {
		ResultReuseByAgeConfiguration struct {
			Enabled         bool
			MaxAgeInMinutes *int
		}
	}
}

func (a *Athena) startQueryExecution(body []byte) (any, error) {
	var in startInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.QueryString == "" {
		return nil, invalid("QueryString is required")
	}
	if n := len(in.ClientRequestToken); in.ClientRequestToken != "" && (n < 32 || n > 128) {
		return nil, invalid("ClientRequestToken must be 32 to 128 characters, not %d", n)
	}
	if in.WorkGroup == "" {
		in.WorkGroup = "primary"
	}
	a.mu.Lock()
	if id, ok := a.tokens[in.ClientRequestToken]; ok && in.ClientRequestToken != "" {
		a.mu.Unlock()
		return map[string]string{"QueryExecutionId": id}, nil
	}
	wg, ok := a.workgroups[in.WorkGroup]
	a.mu.Unlock()
	if !ok {
		return nil, invalid("WorkGroup %s is not found.", in.WorkGroup)
	}
	if wg.Disabled {
		return nil, invalid("WorkGroup %s is disabled.", in.WorkGroup)
	}
	st := Start{Query: Query{SQL: in.QueryString, Params: in.ExecutionParameters, Database: in.QueryExecutionContext.Database,
		Catalog: in.QueryExecutionContext.Catalog, Workgroup: in.WorkGroup}, Token: in.ClientRequestToken, ReuseMaxAge: -1}
	st.OutputLocation, st.Encryption = wg.OutputLocation, wg.Encryption
	if rc := in.ResultConfiguration; rc != nil && !wg.Enforce {
		if rc.OutputLocation != "" {
			st.OutputLocation = rc.OutputLocation
		}
		st.Encryption = ""
		if rc.EncryptionConfiguration != nil {
			st.Encryption = rc.EncryptionConfiguration.EncryptionOption
		}
	}
	if st.OutputLocation == "" && !wg.ManagedResults {
		return nil, invalid("No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.")
	}
	if rr := in.ResultReuseConfiguration; rr != nil && rr.ResultReuseByAgeConfiguration.Enabled {
		st.ReuseMaxAge = 60
		if m := rr.ResultReuseByAgeConfiguration.MaxAgeInMinutes; m != nil {
			st.ReuseMaxAge = *m
		}
	}
	if n := len(queries.Placeholders(in.QueryString)); n != len(in.ExecutionParameters) {
		return nil, invalid("Incorrect number of parameters: expected %d but found %d", n, len(in.ExecutionParameters))
	}

	id := fmt.Sprintf("fa4e%04x-0000-4000-8000-%012d", a.nextID.Add(1), time.Now().UnixNano()%1e12)
	st.ExecutionID = id
	e := &execution{id: id, start: st, state: "QUEUED", submitted: time.Now(), statement: statementType(in.QueryString)}
	a.mu.Lock()
	if len(a.outcomes) > 0 {
		e.outcome, a.outcomes = a.outcomes[0], a.outcomes[1:]
	}
	e.outcome.Polls = max(e.outcome.Polls, 1)
	if prev := a.reusable(st); prev != nil {
		e.answer, e.reused = &Answer{Columns: prev.answer.Columns, Rows: prev.answer.Rows}, true
	}
	a.executions[id] = e
	if st.Token != "" {
		a.tokens[st.Token] = id
	}
	a.starts = append(a.starts, st)
	a.mu.Unlock()
	return map[string]string{"QueryExecutionId": id}, nil
}

// reusable is an execution whose result a start may reuse: the same query,
// parameters and workgroup, succeeded within the age it allows.
func (a *Athena) reusable(st Start) *execution {
	if st.ReuseMaxAge < 0 {
		return nil
	}
	for _, e := range a.executions {
		if e.state == "SUCCEEDED" && e.answer != nil && e.start.SQL == st.SQL && strings.Join(e.start.Params, "\x00") == strings.Join(st.Params, "\x00") &&
			e.start.Workgroup == st.Workgroup && time.Since(e.completed) <= time.Duration(st.ReuseMaxAge)*time.Minute {
			return e
		}
	}
	return nil
}

// statementType is Athena's StatementType for the SQL's first word.
func statementType(sql string) string {
	word := strings.ToUpper(strings.Fields(strings.TrimLeft(sql, "( \t\n"))[0])
	switch word {
	case "SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UNLOAD", "EXPLAIN":
		return "DML"
	case "CREATE", "ALTER", "DROP", "MSCK":
		return "DDL"
	}
	return "UTILITY" // SHOW, DESCRIBE: rows of text, no header row
}

// advance moves an execution on by one poll: QUEUED at the first, then
// RUNNING for its outcome's polls, then its outcome (the answer is computed
// then).
func (a *Athena) advance(e *execution) {
	e.polls++
	switch {
	case e.state == "QUEUED" && e.polls == 1:
		return
	case e.state == "QUEUED":
		e.state = "RUNNING"
		return
	case e.state != "RUNNING" || e.outcome.Running || e.polls-1 <= e.outcome.Polls:
		return
	}
	e.completed = time.Now()
	switch {
	case e.outcome.Fail != "":
		e.state, e.reason, e.errCategory = "FAILED", e.outcome.Fail, 2
	case e.outcome.Cancel != "":
		e.state, e.reason = "CANCELLED", e.outcome.Cancel
	case e.answer != nil: // reused
		e.state = "SUCCEEDED"
	case a.Backend == nil:
		e.state, e.reason, e.errCategory = "FAILED", "the fake has no backend to answer queries", 1
	default:
		ans, err := a.Backend(context.Background(), e.start.Query)
		wg := a.workgroups[e.start.Workgroup]
		switch {
		case err != nil:
			e.state, e.reason, e.errCategory = "FAILED", err.Error(), 2
		case wg.BytesCutoff > 0 && ans.Scanned > wg.BytesCutoff:
			e.state, e.errCategory = "FAILED", 2
			e.reason = fmt.Sprintf("Query exhausted resources at this scale factor: Bytes scanned limit was exceeded (%d > %d)", ans.Scanned, wg.BytesCutoff)
		default:
			e.state, e.answer = "SUCCEEDED", ans
		}
	}
}

func (a *Athena) execution(body []byte) (*execution, error) {
	var in struct{ QueryExecutionId string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	e := a.executions[in.QueryExecutionId]
	if e == nil {
		return nil, invalid("QueryExecution %s was not found", in.QueryExecutionId)
	}
	return e, nil
}

func (a *Athena) getQueryExecution(body []byte) (any, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, err := a.execution(body)
	if err != nil {
		return nil, err
	}
	a.advance(e)
	status := map[string]any{"State": e.state, "SubmissionDateTime": epoch(e.submitted)}
	if !e.completed.IsZero() {
		status["CompletionDateTime"] = epoch(e.completed)
	}
	if e.reason != "" {
		status["StateChangeReason"] = e.reason
	}
	if e.state == "FAILED" {
		status["AthenaError"] = map[string]any{"ErrorCategory": e.errCategory, "ErrorType": 1100, "Retryable": false, "ErrorMessage": e.reason}
	}
	var scanned int64
	if e.answer != nil && !e.reused {
		scanned = e.answer.Scanned
	}
	end := e.completed
	if end.IsZero() {
		end = time.Now()
	}
	engineMS := max(end.Sub(e.submitted).Milliseconds(), 1) // Athena's is never 0
	qe := map[string]any{
		"QueryExecutionId":      e.id,
		"Query":                 e.start.SQL,
		"StatementType":         e.statement,
		"WorkGroup":             e.start.Workgroup,
		"Status":                status,
		"QueryExecutionContext": map[string]string{"Database": e.start.Database, "Catalog": e.start.Catalog},
		"Statistics": map[string]any{
			"DataScannedInBytes": scanned, "EngineExecutionTimeInMillis": engineMS, "TotalExecutionTimeInMillis": engineMS,
			"ResultReuseInformation": map[string]bool{"ReusedPreviousResult": e.reused},
		},
		"EngineVersion": map[string]string{"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"},
	}
	if e.start.OutputLocation != "" {
		rc := map[string]any{"OutputLocation": strings.TrimSuffix(e.start.OutputLocation, "/") + "/" + e.id + ".csv"}
		if e.start.Encryption != "" {
			rc["EncryptionConfiguration"] = map[string]string{"EncryptionOption": e.start.Encryption}
		}
		qe["ResultConfiguration"] = rc
	}
	if len(e.start.Params) > 0 {
		qe["ExecutionParameters"] = e.start.Params
	}
	return map[string]any{"QueryExecution": qe}, nil
}

// pageRows is the most rows a GetQueryResults page holds.
const pageRows = 1000

func (a *Athena) getQueryResults(body []byte) (any, error) {
	var in struct {
		QueryExecutionId string
		NextToken        string
		MaxResults       *int
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	size := pageRows
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > pageRows {
			return nil, invalid("MaxResults must be between 1 and %d", pageRows)
		}
		size = *in.MaxResults
	}
	if a.PageRows > 0 {
		size = min(size, a.PageRows)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	e, err := a.execution(body)
	if err != nil {
		return nil, err
	}
	switch e.state {
	case "SUCCEEDED":
	case "QUEUED", "RUNNING":
		return nil, invalid("Query has not yet finished. Current state: %s", e.state)
	default:
		return nil, invalid("Query did not finish successfully. Final query state: %s", e.state)
	}
	ans := e.answer
	// The header row, then the data: one list, as Athena pages it.
	rows := make([]map[string]any, 0, len(ans.Rows)+1)
	if e.statement == "DML" {
		header := make([]map[string]string, len(ans.Columns))
		for i, c := range ans.Columns {
			header[i] = map[string]string{"VarCharValue": c.Name}
		}
		rows = append(rows, map[string]any{"Data": header})
	}
	for _, r := range ans.Rows {
		data := make([]map[string]string, len(r))
		for i, v := range r {
			data[i] = map[string]string{}
			if v != nil {
				data[i]["VarCharValue"] = *v
			}
		}
		rows = append(rows, map[string]any{"Data": data})
	}
	offset := 0
	if in.NextToken != "" {
		if offset, err = strconv.Atoi(strings.TrimPrefix(in.NextToken, "page-")); err != nil || offset <= 0 || offset > len(rows) {
			return nil, invalid("NextToken %q is not valid", in.NextToken)
		}
	}
	end := min(offset+size, len(rows))
	cols := make([]map[string]any, len(ans.Columns))
	for i, c := range ans.Columns {
		cols[i] = map[string]any{"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": c.Name, "Label": c.Name,
			"Type": c.Type, "Precision": c.Precision, "Scale": c.Scale, "Nullable": "UNKNOWN", "CaseSensitive": c.Type == "varchar"}
	}
	out := map[string]any{
		"ResultSet":   map[string]any{"Rows": rows[offset:end], "ResultSetMetadata": map[string]any{"ColumnInfo": cols}},
		"UpdateCount": 0,
	}
	if end < len(rows) {
		out["NextToken"] = "page-" + strconv.Itoa(end)
	}
	return out, nil
}

func (a *Athena) stopQueryExecution(body []byte) (any, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, err := a.execution(body)
	if err != nil {
		return nil, err
	}
	a.stops = append(a.stops, e.id)
	if e.state == "QUEUED" || e.state == "RUNNING" {
		e.state, e.reason, e.completed = "CANCELLED", "Query cancelled by user", time.Now()
	}
	return map[string]any{}, nil
}

func (a *Athena) getWorkGroup(body []byte) (any, error) {
	var in struct{ WorkGroup string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	a.mu.Lock()
	wg, ok := a.workgroups[in.WorkGroup]
	a.mu.Unlock()
	if !ok {
		return nil, invalid("WorkGroup %s is not found.", in.WorkGroup)
	}
	rc := map[string]any{}
	if wg.OutputLocation != "" {
		rc["OutputLocation"] = wg.OutputLocation
	}
	if wg.Encryption != "" {
		enc := map[string]string{"EncryptionOption": wg.Encryption}
		if wg.KMSKey != "" {
			enc["KmsKey"] = wg.KMSKey
		}
		rc["EncryptionConfiguration"] = enc
	}
	conf := map[string]any{
		"ResultConfiguration":              rc,
		"EnforceWorkGroupConfiguration":    wg.Enforce,
		"EngineVersion":                    map[string]string{"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"},
		"ManagedQueryResultsConfiguration": map[string]any{"Enabled": wg.ManagedResults},
	}
	if wg.BytesCutoff > 0 {
		conf["BytesScannedCutoffPerQuery"] = wg.BytesCutoff
	}
	state := "ENABLED"
	if wg.Disabled {
		state = "DISABLED"
	}
	return map[string]any{"WorkGroup": map[string]any{"Name": in.WorkGroup, "State": state, "Configuration": conf}}, nil
}

var _ http.Handler = (*Athena)(nil)
