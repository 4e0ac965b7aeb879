package queries

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowq/flowq/internal/sqlwords"
	"github.com/flowq/flowq/partitions"
)

// Dialect is where DuckDB and Athena (Trino) SQL differ. A query is written
// once; each method renders one construct the engines spell differently. The
// behaviour both share is in base, which each dialect embeds and overrides
// where it differs. Choose a dialect once, with ParseDialect, and pass it
// down; Dialects lists them all (the golden tests range over it).
type Dialect interface {
	// Name is "duckdb" or "athena".
	Name() string
	// Timestamp converts Unix seconds (start, "end") to a timestamp in UTC.
	Timestamp(seconds string) string
	// InNetwork is true when the address column lies in the network, a
	// CIDR string (bound, or a literal: see Param).
	InNetwork(network, addr string) string
	// ApproxDistinct counts distinct values approximately.
	ApproxDistinct(expr string) string
	// RegexpLike is true when the pattern matches part of the string.
	RegexpLike(expr, pattern string) string
	// BitAnd is the bitwise AND of an integer expression and a mask, a
	// constant of the template (tcp_flags and 2: the SYN bit).
	BitAnd(expr string, mask int64) string
	// Param writes a value of the query at a place in its SQL, in clause:
	// a ? placeholder, with bound true, where the engine binds values there;
	// else the value as an SQL literal (Literal, the one escaping function).
	Param(v any, clause Clause) (sql string, bound bool, err error)
	// Ident quotes an identifier.
	Ident(name string) string
	// Window is the condition that keeps a window's records in a table of
	// the layout: partition predicates that select the folders that can hold
	// them (widened by the delivery slack), then the exact overlap on start
	// and "end". param writes each value (see Param).
	Window(layout partitions.Layout, w partitions.Window, param func(any) (string, error)) (string, error)
	// Literal writes a value as an SQL literal.
	Literal(v any) (string, error)
	// Reserved is true for a word that cannot be a table or database name
	// without quotes. Case does not matter.
	Reserved(word string) bool
}

// Dialects are the dialects flowq renders queries in.
var Dialects = []Dialect{DuckDB, Athena}

// ParseDialect returns the dialect of an engine name.
func ParseDialect(name string) (Dialect, error) {
	for _, d := range Dialects {
		if d.Name() == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("unknown engine %q: want duckdb or athena", name)
}

var (
	DuckDB Dialect = duckdb{}
	Athena Dialect = athena{}
)

// base is what both dialects do alike.
type base struct{}

// Param: a placeholder, wherever it stands.
func (base) Param(any, Clause) (string, bool, error) { return "?", true, nil }

// Ident: double quotes, doubled inside (SQL's standard, which both follow).
func (base) Ident(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func (base) Literal(v any) (string, error) { return Literal(v) }

// Window: a disjunction of ranges of partition values (few, see
// partitions.Layout.Filter), then end >= from and start < to.
func (b base) Window(layout partitions.Layout, w partitions.Window, param func(any) (string, error)) (string, error) {
	var terms []string
	for _, term := range layout.Filter(w) {
		var conds []string
		for _, c := range term {
			lo, err := param(c.Lo)
			if err != nil {
				return "", err
			}
			if c.Lo == c.Hi {
				conds = append(conds, c.Column+" = "+lo)
				continue
			}
			hi, err := param(c.Hi)
			if err != nil {
				return "", err
			}
			conds = append(conds, c.Column+" BETWEEN "+lo+" AND "+hi)
		}
		terms = append(terms, strings.Join(conds, " AND "))
	}
	part := terms[0]
	if len(terms) > 1 {
		part = "((" + strings.Join(terms, ") OR (") + "))"
	}
	from, err := param(w.From.Unix())
	if err != nil {
		return "", err
	}
	to, err := param(w.To.Unix())
	if err != nil {
		return "", err
	}
	return part + " AND " + b.Ident("end") + " >= " + from + " AND start < " + to, nil
}

type duckdb struct{ base }

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

// BitAnd: DuckDB's & operator (Trino has no operator, only bitwise_and).
func (duckdb) BitAnd(e string, mask int64) string {
	return "(" + e + " & " + strconv.FormatInt(mask, 10) + ")"
}

// Reserved: DuckDB's keywords of the categories "reserved" and "type_function"
// (SELECT keyword_name FROM duckdb_keywords()), the ones its parser refuses in
// FROM. DuckDB reserves words Trino does not (limit, offset, window, default).
func (duckdb) Reserved(w string) bool { return duckdbReserved.Has(w) }

var duckdbReserved = sqlwords.NewSet(`all analyse analyze and anti any array as asc asof asymmetric at
	authorization binary both by case cast check collate collation column concurrently constraint
	create cross default deferrable desc describe distinct do else end except false fetch for
	foreign freeze from full glob group having ilike in initially inner intersect into is isnull
	join lambda lateral leading left like limit map natural not notnull null offset on only or
	order outer overlaps pivot pivot_longer pivot_wider placing positional primary qualify
	references returning right select semi show similar some struct summarize symmetric table
	tablesample then to trailing true try_cast union unique unpack unpivot using variadic verbose
	when where window with`)

type athena struct{ base }

func (athena) Name() string { return "athena" }

// Timestamp: Trino's from_unixtime returns a timestamp with time zone UTC.
func (athena) Timestamp(s string) string { return "from_unixtime(" + s + ")" }

// InNetwork: Trino's contains(network, address) on an IPADDRESS. TRY_CAST,
// not CAST: CAST('-' AS IPADDRESS) fails the whole query, and a text table
// holds '-' (or whatever a damaged line has) where a record has no address.
// A NULL address, or one that is not an address, matches nothing.
func (athena) InNetwork(network, addr string) string {
	return "contains(" + network + ", TRY_CAST(" + addr + " AS IPADDRESS))"
}

func (athena) ApproxDistinct(e string) string { return "approx_distinct(" + e + ")" }
func (athena) RegexpLike(e, p string) string  { return "regexp_like(" + e + ", " + p + ")" }

// BitAnd: Trino's bitwise_and.
func (athena) BitAnd(e string, mask int64) string {
	return "bitwise_and(" + e + ", " + strconv.FormatInt(mask, 10) + ")"
}

// Param: Athena binds execution parameters only in a WHERE clause ("?" may
// stand nowhere else); elsewhere (a SELECT list, HAVING, LIMIT) the value is
// written as a literal by Literal, the one escaping function. A negative
// number is parenthesised there, so that a template's "x -{{param}}" cannot
// become "x --5", a comment.
func (athena) Param(v any, c Clause) (string, bool, error) {
	if c == WhereClause {
		return "?", true, nil
	}
	lit, err := inline(Literal, v)
	return lit, false, err
}

// inline writes a value as a literal where a template puts a value: a
// negative number in parentheses, so that "x -{{param}}" cannot become
// "x --5", a comment.
func inline(literal func(any) (string, error), v any) (string, error) {
	lit, err := literal(v)
	if strings.HasPrefix(lit, "-") {
		lit = "(" + lit + ")"
	}
	return lit, err
}

// Reserved: the words Athena reserves in queries (see sqlwords.AthenaQueries).
func (athena) Reserved(w string) bool { return sqlwords.AthenaQueries.Has(w) }

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
