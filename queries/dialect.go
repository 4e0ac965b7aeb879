package queries

import (
	"fmt"
	"strconv"
	"strings"
)

// Dialect is where DuckDB and Athena (Trino) SQL differ. A query is written
// once; each method renders one construct the engines spell differently. Choose
// a dialect once, with ParseDialect, and pass it down.
type Dialect interface {
	// Name is "duckdb" or "athena".
	Name() string
	// Timestamp converts Unix seconds (start, "end") to a timestamp in UTC.
	Timestamp(seconds string) string
	// InNetwork is true when the address column lies in the network, a bound
	// CIDR string.
	InNetwork(network, addr string) string
	// ApproxDistinct counts distinct values approximately.
	ApproxDistinct(expr string) string
	// RegexpLike is true when the pattern matches part of the string.
	RegexpLike(expr, pattern string) string
	// Literal writes a bound value as an SQL literal.
	Literal(v any) (string, error)
}

// ParseDialect returns the dialect of an engine name.
func ParseDialect(name string) (Dialect, error) {
	switch name {
	case "duckdb":
		return DuckDB, nil
	case "athena":
		return Athena, nil
	}
	return nil, fmt.Errorf("unknown engine %q: want duckdb or athena", name)
}

var (
	DuckDB Dialect = duckdb{}
	Athena Dialect = athena{}
)

type duckdb struct{}

func (duckdb) Name() string { return "duckdb" }

// Timestamp: DuckDB's to_timestamp returns TIMESTAMP WITH TIME ZONE, shown in
// the session's zone; make_timestamp gives a plain UTC TIMESTAMP.
func (duckdb) Timestamp(s string) string { return "make_timestamp((" + s + ") * 1000000)" }

// InNetwork: DuckDB's inet extension is not in the bundled build (and flowq never
// downloads one), so the local engine registers flowq_in_network, a Go function
// that handles IPv4 and IPv6.
func (duckdb) InNetwork(network, addr string) string {
	return "flowq_in_network(" + network + ", " + addr + ")"
}

// ApproxDistinct: DuckDB calls it approx_count_distinct.
func (duckdb) ApproxDistinct(e string) string { return "approx_count_distinct(" + e + ")" }

// RegexpLike: DuckDB's regexp_matches searches, as Trino's regexp_like does.
func (duckdb) RegexpLike(e, p string) string { return "regexp_matches(" + e + ", " + p + ")" }

func (duckdb) Literal(v any) (string, error) { return Literal(v) }

type athena struct{}

func (athena) Name() string { return "athena" }

// Timestamp: Trino's from_unixtime returns a timestamp with time zone UTC.
func (athena) Timestamp(s string) string { return "from_unixtime(" + s + ")" }

// InNetwork: Trino's contains(network, address) on an IPADDRESS cast. A NULL
// address (NODATA records) casts to NULL and matches nothing.
func (athena) InNetwork(network, addr string) string {
	return "contains(" + network + ", CAST(" + addr + " AS IPADDRESS))"
}

func (athena) ApproxDistinct(e string) string { return "approx_distinct(" + e + ")" }
func (athena) RegexpLike(e, p string) string  { return "regexp_like(" + e + ", " + p + ")" }
func (athena) Literal(v any) (string, error)  { return Literal(v) }

// Literal is the one function that writes a value as an SQL literal, for
// Athena's ExecutionParameters (which are literals, not values). Strings are
// single-quoted with quotes doubled; Trino and DuckDB treat backslashes in
// string literals as ordinary characters, so nothing else needs escaping.
// Control characters are refused: no parameter needs them and they hide text.
func Literal(v any) (string, error) {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10), nil
	case int:
		return strconv.Itoa(v), nil
	case string:
		for _, r := range v {
			if r < 0x20 || r == 0x7f {
				return "", fmt.Errorf("string %q: control characters are not allowed in a parameter", v)
			}
		}
		return "'" + strings.ReplaceAll(v, "'", "''") + "'", nil
	}
	return "", fmt.Errorf("no SQL literal for %T", v)
}
