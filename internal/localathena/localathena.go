// Package localathena answers the Athena fake's queries with the local
// engine: DuckDB over the same flow-log files, so that a test of the Athena
// engine gets, for the SQL Athena would be sent, the answers the local engine
// gives. It runs that SQL itself, not a re-rendering for DuckDB, so the test
// proves the Athena rendering: its placement of values (literals outside
// WHERE), its partition predicates, its Trino functions.
//
// The few Trino functions flowq's Athena dialect writes are DuckDB macros with
// Trino's meaning (from_unixtime, contains on an IPADDRESS, approx_distinct,
// regexp_like, bitwise_and), IPADDRESS is a name for VARCHAR, and the table is a view
// named as in Athena (database.table). ExecutionParameters, SQL literals, are
// parsed back into values and bound. Results are typed and written as Athena
// writes them: every value a string, Trino's type names.
package localathena

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowq/flowq/internal/awsfake"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/queries"
)

// Backend answers queries over one dataset.
type Backend struct {
	db *localdb.DB
}

// trino defines, in DuckDB, what flowq's Athena SQL uses of Trino.
var trino = []string{
	// from_unixtime returns a timestamp with time zone, as Trino's does.
	"CREATE TEMP MACRO from_unixtime(s) AS to_timestamp(s)",
	"CREATE TEMP MACRO approx_distinct(x) AS approx_count_distinct(x)",
	"CREATE TEMP MACRO regexp_like(s, p) AS regexp_matches(s, p)",
	"CREATE TEMP MACRO bitwise_and(a, b) AS a & b",
	// contains(network, address): TRY_CAST(x AS IPADDRESS) is the text of
	// the address, or NULL.
	"CREATE TEMP MACRO contains(network, address) AS flowq_in_network(network, address)",
	"CREATE TYPE ipaddress AS VARCHAR",
}

// Open opens the local engine over paths (as localdb.Open) and gives its view
// the names of tables (database.table) that the fake's queries use.
func Open(ctx context.Context, paths []string, tables ...string) (*Backend, error) {
	db, err := localdb.Open(ctx, paths, localdb.Options{})
	if err != nil {
		return nil, err
	}
	stmts := slices.Clone(trino)
	for _, table := range tables {
		if schema, _, ok := strings.Cut(table, "."); ok {
			stmts = append(stmts, "CREATE SCHEMA IF NOT EXISTS "+schema)
		}
		stmts = append(stmts, "CREATE VIEW "+table+" AS SELECT * FROM main."+localdb.ViewName)
	}
	for _, s := range stmts {
		if _, err := db.Conn().ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}
	return &Backend{db: db}, nil
}

// Close closes the local engine.
func (b *Backend) Close() error { return b.db.Close() }

// Answer runs a query the Athena fake was sent.
func (b *Backend) Answer(ctx context.Context, q awsfake.Query) (*awsfake.Answer, error) {
	args := make([]any, len(q.Params))
	for i, p := range q.Params {
		v, err := literal(p)
		if err != nil {
			return nil, fmt.Errorf("INVALID_PARAMETER: parameter %d: %w", i+1, err)
		}
		args[i] = v
	}
	ans := &awsfake.Answer{}
	var convs []func(any) string
	ep, err := b.db.Query(ctx, q.SQL, args, func(p queries.Page) error {
		if convs == nil {
			for _, c := range p.Columns {
				typ, conv := trinoType(c.Type)
				ans.Columns = append(ans.Columns, awsfake.AnswerColumn{Name: c.Name, Type: typ})
				convs = append(convs, conv)
			}
		}
		for _, row := range p.Rows {
			out := make([]*string, len(row))
			for i, v := range row {
				if v != nil {
					s := convs[i](v)
					out[i] = &s
				}
			}
			ans.Rows = append(ans.Rows, out)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ans.Scanned = ep.InputBytes
	return ans, nil
}

// literal reads an ExecutionParameter: a quoted string or an integer, the
// literals queries.Literal writes.
func literal(s string) (any, error) {
	if inner, ok := strings.CutPrefix(s, "'"); ok {
		inner, ok = strings.CutSuffix(inner, "'")
		if !ok || strings.Contains(strings.ReplaceAll(inner, "''", ""), "'") {
			return nil, fmt.Errorf("%s is not a string literal", s)
		}
		return strings.ReplaceAll(inner, "''", "'"), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s is not a literal", s)
	}
	return n, nil
}

// trinoType is the Trino name of a DuckDB type, and how Athena writes its
// values.
func trinoType(duck string) (string, func(any) string) {
	text := func(v any) string { return fmt.Sprint(v) }
	switch base, _, _ := strings.Cut(duck, "("); base {
	case "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER":
		return "bigint", text
	case "INTEGER", "USMALLINT":
		return "integer", text
	case "SMALLINT", "UTINYINT":
		return "smallint", text
	case "TINYINT":
		return "tinyint", text
	case "DOUBLE":
		return "double", func(v any) string { return strconv.FormatFloat(v.(float64), 'g', -1, 64) }
	case "FLOAT":
		return "real", func(v any) string { return strconv.FormatFloat(v.(float64), 'g', -1, 32) }
	case "BOOLEAN":
		return "boolean", text
	case "DECIMAL":
		return "decimal", func(v any) string { return string(v.(json.Number)) }
	case "DATE":
		return "date", func(v any) string { return v.(time.Time).Format(time.DateOnly) }
	case "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S":
		return "timestamp", func(v any) string { return v.(time.Time).UTC().Format("2006-01-02 15:04:05.000") }
	case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
		return "timestamp with time zone", func(v any) string { return v.(time.Time).UTC().Format("2006-01-02 15:04:05.000") + " UTC" }
	case "VARCHAR":
		return "varchar", text
	}
	if strings.HasSuffix(duck, "[]") {
		return "array", text
	}
	return "varchar", func(v any) string {
		if b, ok := v.(*big.Int); ok {
			return b.String()
		}
		return fmt.Sprint(v)
	}
}

// Route answers each query with the backend of the table it names: several
// datasets, each its own table in the fake's catalog, in one Athena. A query
// that names none of the tables, or several, is an error.
func Route(tables map[string]*Backend) awsfake.Backend {
	return func(ctx context.Context, q awsfake.Query) (*awsfake.Answer, error) {
		var found []string
		for name := range tables {
			if mentions(q.SQL, name) {
				found = append(found, name)
			}
		}
		if len(found) != 1 {
			return nil, fmt.Errorf("TABLE_NOT_FOUND: the query names %d of the tables %v", len(found), slices.Collect(maps.Keys(tables)))
		}
		return tables[found[0]].Answer(ctx, q)
	}
}

// mentions reports whether SQL names a table, as a whole word.
func mentions(sql, table string) bool {
	for i := 0; ; {
		j := strings.Index(sql[i:], table)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(table)
		if (j == 0 || !isNameByte(sql[j-1])) && (end == len(sql) || !isNameByte(sql[end])) {
			return true
		}
		i = j + 1
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
