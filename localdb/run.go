package localdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/flowq/flowq/queries"
)

// The DB is a queries.Engine: queries.Run and queries.RunSQL run library
// queries and SQL over it.
var _ queries.Engine = (*DB)(nil)

// Dataset describes the view: DuckDB's dialect, its name, the layout of its
// partition columns, the window it was opened with, and its formats.
func (d *DB) Dataset() queries.Dataset {
	return queries.Dataset{Dialect: queries.DuckDB, Table: ViewName, Layout: d.layout, Window: d.opts.Window, Formats: d.Formats()}
}

// VerifyFormats reads the header of every text file whose format was taken
// from another file of its flow log, so that Formats holds every format.
func (d *DB) VerifyFormats(ctx context.Context) error {
	_, err := d.verifyAssumed(ctx)
	return err
}

// RunQuery runs a library query over the view (queries.Run).
func (d *DB) RunQuery(ctx context.Context, q *queries.Query, params queries.Values) (*queries.Result, error) {
	return queries.Run(ctx, d, q, params)
}

// RunSQL runs SQL over the view with bound arguments (queries.RunSQL).
func (d *DB) RunSQL(ctx context.Context, sql string, args ...any) (*queries.Result, error) {
	return queries.RunSQL(ctx, d, sql, args...)
}

// Conn is DuckDB's connection, with the view, for Go users who want
// database/sql. It is raw: Query is the checked path (read-only statements,
// a query run again when a file's header or a folder differs from the plan,
// errors naming the file that failed), and what a first read learns of the
// files is saved only by Query or Close.
func (d *DB) Conn() *sql.Conn { return d.duck.conn }

// maxReplans bounds how often a query is planned again after a file turned
// out to have another format than its flow log's other files.
const maxReplans = 3

// pageRows is how many rows Query hands over at a time.
const pageRows = 2048

// Query runs SQL over the view with bound arguments (the engine contract's
// step 3). Only a query may run (SELECT, WITH, VALUES, DESCRIBE, SUMMARIZE,
// SHOW, EXPLAIN of a query), one statement at a time; anything else is a queries.RefusedError. A
// file that fails while the query reads it (a corrupt gzip stream, a bad line
// in strict mode) is the error, with its name. The pages come once the query
// has succeeded: it may run again when a file or folder turns out otherwise
// than planned.
func (d *DB) Query(ctx context.Context, query string, args []any, page func(queries.Page) error) (queries.EngineProvenance, error) {
	var none queries.EngineProvenance
	verified := false
	for attempt := 0; ; attempt++ {
		res, err := d.query(ctx, query, args...)
		failure, misfits := d.scans.takeFailure()
		switch {
		case errors.As(err, new(*queries.RefusedError)):
			return none, err
		case err == nil && d.checkGlobs():
			d.remember()
			for i := 0; i == 0 || i < len(res.Rows); i += pageRows {
				if err := page(queries.Page{Columns: res.Columns, Rows: res.Rows[i:min(i+pageRows, len(res.Rows))]}); err != nil {
					return none, err
				}
			}
			return queries.EngineProvenance{Engine: "duckdb", Files: len(d.files), InputBytes: d.size(), BadLines: d.BadLineCount()}, nil
		case err == nil:
			// A globbed folder changed while the query ran: read the files
			// planned, one by one, and run it again.
			if attempt == maxReplans {
				return none, errors.New("the dataset's folders kept changing while the query ran: run it again when the download is done")
			}
			if err := d.plan(ctx); err != nil {
				return none, err
			}
			continue
		case ctx.Err() != nil:
			return none, ctx.Err()
		case len(misfits) > 0:
			if attempt == maxReplans {
				return none, fmt.Errorf("files of one flow log kept turning out to have other headers than planned: %w", errMisfit)
			}
			if err := d.replan(ctx, misfits); err != nil {
				return none, err
			}
			continue
		case failure != nil:
			d.remember()
			return none, failure
		case !verified:
			// The query may name a column that only files whose format was
			// assumed have: read their headers and try once more.
			verified = true
			if found, verr := d.verifyAssumed(ctx); verr != nil {
				return none, verr
			} else if found {
				continue
			}
		}
		if errors.As(err, new(*SQLError)) {
			return none, err
		}
		if msg, _, _ := strings.Cut(err.Error(), "\n"); strings.HasPrefix(msg, "Permission Error") {
			// DuckDB's confinement refused a file that is not the dataset's.
			return none, &queries.RefusedError{Reason: "the SQL may read the dataset's files and nothing else: " + msg}
		}
		return none, &SQLError{Err: err}
	}
}

func (d *DB) size() int64 {
	var n int64
	for _, f := range d.files {
		n += f.Size
	}
	return n
}

// query prepares SQL, which binds it, refuses it unless it is a query, and
// runs that same prepared statement, reading its whole result: one bind, and
// no window between the check and the run. Prepare takes exactly one
// statement, so nothing can hide behind a first harmless one.
func (d *DB) query(ctx context.Context, query string, args ...any) (*queries.Result, error) {
	var res *queries.Result
	err := d.duck.conn.Raw(func(dc any) error {
		stmt, err := dc.(*duckdb.Conn).Prepare(query)
		switch {
		case err != nil && strings.Contains(err.Error(), "multi-statement"):
			return &queries.RefusedError{Reason: "flowq runs one SQL statement at a time: remove the others (and the ';' between them); " +
				"a PIVOT without an IN list is several, so list the values it pivots on"}
		case err != nil && !startsLikeQuery(query):
			return &queries.RefusedError{Reason: notAQuery} // refused by DuckDB's confinement; said plainly
		case err != nil:
			return err
		}
		defer stmt.Close()
		ds := stmt.(*duckdb.Stmt)
		kind, err := ds.StatementType()
		if err != nil {
			return err
		}
		switch kind {
		case duckdb.STATEMENT_TYPE_SELECT:
		case duckdb.STATEMENT_TYPE_EXPLAIN:
			// EXPLAIN ANALYZE runs the statement it explains: that one must be
			// a query too.
			if err := checkExplained(dc.(*duckdb.Conn), query); err != nil {
				return err
			}
		case duckdb.STATEMENT_TYPE_LOAD:
			return &queries.RefusedError{Reason: "INSTALL and LOAD are refused: flowq never downloads or loads DuckDB extensions (parquet, json and icu are built in)"}
		default:
			return &queries.RefusedError{Reason: notAQuery}
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := ds.QueryContext(ctx, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		res, err = readRows(rows)
		return err
	})
	return res, err
}

// readRows reads a driver's rows into a Result.
func readRows(rows driver.Rows) (*queries.Result, error) {
	res := &queries.Result{}
	names := rows.Columns()
	typed, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	for i, name := range names {
		col := queries.Column{Name: name}
		if typed != nil {
			col.Type = typed.ColumnTypeDatabaseTypeName(i)
		}
		res.Columns = append(res.Columns, col)
	}
	vals := make([]driver.Value, len(names))
	for {
		err := rows.Next(vals)
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			return nil, err
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = normalize(v, res.Columns[i].Type)
		}
		res.Rows = append(res.Rows, row)
	}
}

const notAQuery = "only queries run over flow_logs (SELECT, WITH, VALUES, DESCRIBE, SUMMARIZE, SHOW, EXPLAIN): " +
	"flowq does not create, change, copy, attach or export anything"

// startsLikeQuery reports whether SQL's first word is one a query starts with.
// It only chooses the message for SQL DuckDB could not prepare; what may run
// is decided by the prepared statement's type.
func startsLikeQuery(query string) bool {
	word := strings.ToUpper(strings.TrimLeft(query, " \t\r\n("))
	if i := strings.IndexFunc(word, func(r rune) bool { return !(r >= 'A' && r <= 'Z') }); i >= 0 {
		word = word[:i]
	}
	switch word {
	case "SELECT", "WITH", "VALUES", "DESCRIBE", "DESC", "SUMMARIZE", "SHOW", "EXPLAIN", "FROM", "TABLE", "PIVOT", "UNPIVOT":
		return true
	}
	return strings.HasPrefix(strings.TrimSpace(query), "--") || strings.HasPrefix(strings.TrimSpace(query), "/*")
}

// SQLError is DuckDB's error for a query. Its message is DuckDB's first line;
// the excerpt of the SQL that follows it is in Err.
type SQLError struct{ Err error }

func (e *SQLError) Error() string {
	msg, _, _ := strings.Cut(e.Err.Error(), "\n")
	return msg
}
func (e *SQLError) Unwrap() error { return e.Err }

// normalize maps the driver's values to the result's few Go types: sums of
// BIGINT are HUGEINT in DuckDB, which the driver returns as *big.Int; a
// DECIMAL keeps its exact digits as a json.Number (a number in JSON, its
// digits in text), never its unscaled integer. A UUID, which the driver
// returns as its 16 bytes, is its text.
func normalize(v any, dbType string) any {
	switch v := v.(type) {
	case duckdb.Decimal:
		if v.Value == nil {
			return nil
		}
		return json.Number(v.String())
	case duckdb.Interval:
		return intervalText(v)
	case []byte:
		if dbType == "UUID" && len(v) == 16 {
			var id duckdb.UUID
			copy(id[:], v)
			return id.String()
		}
		return string(v)
	case int8:
		return int64(v)
	case int16:
		return int64(v)
	case int32:
		return int64(v)
	case uint8:
		return int64(v)
	case uint16:
		return int64(v)
	case uint32:
		return int64(v)
	case uint64:
		if v > math.MaxInt64 {
			return new(big.Int).SetUint64(v)
		}
		return int64(v)
	case float32:
		return float64(v)
	case *big.Int:
		if v.IsInt64() {
			return v.Int64()
		}
		return v // a sum beyond int64, exact
	case time.Time:
		return v.UTC()
	}
	return v
}

// intervalText writes an INTERVAL as DuckDB prints it: "1 year 2 months
// 3 days 04:05:06.5".
func intervalText(v duckdb.Interval) string {
	var parts []string
	unit := func(n int64, name string) {
		if n == 0 {
			return
		}
		if n == 1 || n == -1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
			return
		}
		parts = append(parts, fmt.Sprintf("%d %ss", n, name))
	}
	unit(int64(v.Months/12), "year")
	unit(int64(v.Months%12), "month")
	unit(int64(v.Days), "day")
	if v.Micros != 0 || len(parts) == 0 {
		d := time.Duration(v.Micros) * time.Microsecond
		sign := ""
		if d < 0 {
			sign, d = "-", -d
		}
		clock := fmt.Sprintf("%s%02d:%02d:%02d", sign, int64(d/time.Hour), int64(d/time.Minute%60), int64(d/time.Second%60))
		if frac := d % time.Second; frac != 0 {
			clock += strings.TrimRight(fmt.Sprintf(".%06d", int64(frac/time.Microsecond)), "0")
		}
		parts = append(parts, clock)
	}
	return strings.Join(parts, " ")
}

// registerFunctions adds the Go functions the view and the DuckDB dialect rely on.
func registerFunctions(ctx context.Context, d *duck, s *scans) error {
	if err := duckdb.RegisterScalarUDF(d.conn, "flowq_in_network", inNetwork{}); err != nil {
		return err
	}
	return registerScan(ctx, d.conn, s)
}

// inNetwork is flowq_in_network(network VARCHAR, addr VARCHAR) BOOLEAN: whether
// an IPv4 or IPv6 address lies in a CIDR network. DuckDB's inet extension would
// do this, but it is not in the bundled build and flowq never downloads one.
// NULL in gives NULL out (DuckDB's default for scalar functions), and so does
// an address that is not one.
type inNetwork struct{}

func (inNetwork) Config() duckdb.ScalarFuncConfig {
	varchar, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	boolean, _ := duckdb.NewTypeInfo(duckdb.TYPE_BOOLEAN)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{varchar, varchar}, ResultTypeInfo: boolean}
}

func (inNetwork) Executor() duckdb.ScalarFuncExecutor {
	// The network is nearly always one bound value: keep its parse. DuckDB
	// calls this from several threads, so the cache is swapped atomically
	// rather than locked on every row.
	type parsed struct {
		text   string
		prefix netip.Prefix
	}
	var last atomic.Pointer[parsed]
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		text, _ := values[0].(string)
		network := last.Load()
		if network == nil || network.text != text {
			p, err := netip.ParsePrefix(text)
			if err != nil {
				return nil, fmt.Errorf("flowq_in_network: %q is not a CIDR network", text)
			}
			network = &parsed{text, p}
			last.Store(network)
		}
		a, err := netip.ParseAddr(values[1].(string))
		if err != nil {
			// Not an address (a malformed field): NULL, as Trino's
			// TRY_CAST(… AS IPADDRESS) makes it in Athena, so that
			// NOT flowq_in_network(…) does not take it for a public one.
			return nil, nil
		}
		return network.prefix.Contains(a.Unmap()), nil
	}}
}

// checkExplained refuses an EXPLAIN whose statement is not a query.
func checkExplained(conn *duckdb.Conn, query string) error {
	inner, ok := explained(query)
	if !ok {
		return &queries.RefusedError{Reason: notAQuery}
	}
	stmt, err := conn.Prepare(inner)
	if err != nil {
		return &queries.RefusedError{Reason: notAQuery}
	}
	defer stmt.Close()
	if kind, err := stmt.(*duckdb.Stmt).StatementType(); err != nil || kind != duckdb.STATEMENT_TYPE_SELECT {
		return &queries.RefusedError{Reason: notAQuery}
	}
	return nil
}

// explained is the statement an EXPLAIN explains: the SQL after EXPLAIN, an
// ANALYZE (or ANALYSE) and a parenthesised option list, comments skipped.
func explained(query string) (string, bool) {
	rest := skipSpace(query)
	word := func(w string) bool {
		if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) &&
			(len(rest) == len(w) || !isWordByte(rest[len(w)])) {
			rest = skipSpace(rest[len(w):])
			return true
		}
		return false
	}
	if !word("EXPLAIN") {
		return "", false
	}
	if !word("ANALYZE") {
		word("ANALYSE")
	}
	if strings.HasPrefix(rest, "(") {
		depth := 0
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case '(':
				depth++
			case ')':
				depth--
			}
			if depth == 0 {
				rest = skipSpace(rest[i+1:])
				break
			}
		}
		if depth != 0 {
			return "", false
		}
	}
	return rest, rest != ""
}

// skipSpace drops white space and comments from the start of SQL.
func skipSpace(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		switch {
		case strings.HasPrefix(s, "--"):
			if i := strings.IndexByte(s, '\n'); i >= 0 {
				s = s[i+1:]
			} else {
				return ""
			}
		case strings.HasPrefix(s, "/*"):
			if i := strings.Index(s, "*/"); i >= 0 {
				s = s[i+2:]
			} else {
				return ""
			}
		default:
			return s
		}
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
