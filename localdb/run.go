package localdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/big"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

// Render renders a library query for this dataset: DuckDB's dialect, the view,
// and the layout's partition columns. It first checks that the data's formats
// have the fields the query reads.
func (d *DB) Render(q *queries.Query, params queries.Values, w *partitions.Window) (*queries.Rendered, error) {
	if err := q.CheckFields(d.formats); err != nil {
		return nil, err
	}
	return q.Render(queries.RenderOptions{Dialect: queries.DuckDB, Table: ViewName, Layout: d.layout, Window: w, Params: params})
}

// RunQuery renders a library query for this dataset and runs it.
func (d *DB) RunQuery(ctx context.Context, q *queries.Query, params queries.Values, w *partitions.Window) (*queries.Result, error) {
	r, err := d.Render(q, params, w)
	if err != nil {
		return nil, err
	}
	return d.Run(ctx, r)
}

// Run runs a rendered query and returns its rows with provenance.
func (d *DB) Run(ctx context.Context, r *queries.Rendered) (*queries.Result, error) {
	res, err := d.RunSQL(ctx, r.SQL, r.Args...)
	if err != nil {
		return nil, fmt.Errorf("%s (sql %.12s): %w", r.Query.Ref(), r.SHA256(), err)
	}
	r.Finish(res)
	return res, nil
}

// RunSQL runs ad-hoc SQL over the view with bound arguments.
func (d *DB) RunSQL(ctx context.Context, query string, args ...any) (*queries.Result, error) {
	started := time.Now()
	rows, err := d.conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, &SQLError{Err: err}
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	res := &queries.Result{}
	for _, t := range types {
		res.Columns = append(res.Columns, queries.Column{Name: t.Name(), Type: t.DatabaseTypeName()})
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = normalize(v)
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var size int64
	for _, f := range d.files {
		size += f.Size
	}
	res.Provenance = queries.Provenance{
		Engine: "duckdb", Files: len(d.files), BadLines: len(d.badLines), BytesRead: size,
		Rows: len(res.Rows), Started: started.UTC(), Elapsed: time.Since(started),
	}
	res.Provenance.ElapsedMS = res.Provenance.Elapsed.Milliseconds()
	res.Provenance.AdHoc(query)
	return res, nil
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
// BIGINT are HUGEINT in DuckDB, which the driver returns as *big.Int.
func normalize(v any) any {
	switch v := v.(type) {
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
		return int64(v)
	case float32:
		return float64(v)
	case *big.Int:
		if v.IsInt64() {
			return v.Int64()
		}
		f, _ := new(big.Float).SetInt(v).Float64()
		return f
	case time.Time:
		return v.UTC()
	case []byte:
		return string(v)
	}
	return v
}

// registerFunctions adds the Go functions the DuckDB dialect relies on.
func registerFunctions(conn *sql.Conn) error {
	return duckdb.RegisterScalarUDF(conn, "flowq_in_network", inNetwork{})
}

// inNetwork is flowq_in_network(network VARCHAR, addr VARCHAR) BOOLEAN: whether
// an IPv4 or IPv6 address lies in a CIDR network. DuckDB's inet extension would
// do this, but it is not in the bundled build and flowq never downloads one.
// NULL in gives NULL out (DuckDB's default for scalar functions).
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
			return false, nil // not an address (a malformed field): not in any network
		}
		return network.prefix.Contains(a.Unmap()), nil
	}}
}
