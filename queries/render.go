package queries

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// tablePattern is the table names Render accepts: the name is written into the
// SQL, so it is checked, never quoted blindly.
var tablePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)

// CheckTable refuses a table name that would not be the table once in the SQL:
// one that is not a plain name or database.name, and one with a word the
// dialect reserves (FROM table, FROM order). Each refusal suggests a name.
func CheckTable(d Dialect, table string) error {
	if !tablePattern.MatchString(table) {
		msg := fmt.Sprintf("table %q: want a name or database.name of letters, digits and underscores", table)
		// Glue and S3 names often have hyphens or spaces, which Athena's SQL
		// names cannot.
		if s := strings.NewReplacer("-", "_", " ", "_").Replace(table); s != table && CheckTable(d, s) == nil {
			msg += "; did you mean " + s + "?"
		}
		return errors.New(msg)
	}
	db, name, qualified := strings.Cut(table, ".")
	if !qualified {
		db, name = "", db
	}
	if d.Reserved(name) {
		return fmt.Errorf("table %q: %s is a reserved word in %s SQL, so it cannot name the table here; give the flow-log table's name, e.g. %s",
			table, strings.ToLower(name), d.Name(), strings.TrimPrefix(db+".flow_logs", "."))
	}
	if db != "" && d.Reserved(db) {
		return fmt.Errorf("table %q: %s is a reserved word in %s SQL, so it cannot name the database here; give the database that holds %s",
			table, strings.ToLower(db), d.Name(), name)
	}
	return nil
}

// RenderOptions say where and how a query runs.
type RenderOptions struct {
	Dialect Dialect
	Table   string            // the flow-log table; "flow_logs" when empty
	Layout  partitions.Layout // the table's partition columns
	Window  *partitions.Window
	Params  Values // from Query.Resolve
	// Formats are the table's flow-log formats: a query that reads a field
	// one of them lacks is refused before it is rendered. Nil checks nothing.
	Formats []flowlog.Format
	// Accounts and Regions restrict the window's condition to these
	// partitions (see Scope).
	Accounts, Regions []string
	// Inline writes every value as a literal, none as a placeholder: SQL to
	// paste into a console (Athena's takes at most 25 placeholders). Its
	// LIMIT is the limit as asked, with no row more (Rendered.Limit is 0).
	Inline bool
}

// Rendered is a query ready to run: SQL with ? placeholders and the values to
// bind to them, in order. An engine runs it in three steps:
//
//  1. Bind Args in placeholder order (DuckDB), or pass ExecutionParameters
//     (Athena). Run SQL as it is.
//  2. Read every row the SQL returns into a Result, with the provenance only
//     the engine knows: Engine, files or bytes read, ExecutionID, timing.
//  3. Call Finish on that Result, once.
//
// Do not cut or count rows yourself: when the query has a limit, the SQL asks
// for one row more than Limit, and Finish removes it and records that the
// limit cut the result. Finish also fills the provenance that comes from the
// query (name@version, hashes, parameters, window) and the row count.
type Rendered struct {
	Query   *Query
	Dialect Dialect
	SQL     string
	Args    []any
	Params  Values
	Window  *partitions.Window
	// Limit is the value of the query's LimitParam, 0 when it has none. The
	// SQL is bound to return up to Limit+1 rows.
	Limit int64
}

// SHA256 is the hash of the rendered SQL, Provenance.RenderedSQLSHA256. The
// query's published source has its own, Query.SourceSHA256.
func (r *Rendered) SHA256() string { return sha256Hex(r.SQL) }

// ExecutionParameters are Athena's: each bound value as an SQL literal, in
// placeholder order.
func (r *Rendered) ExecutionParameters() ([]string, error) {
	out := make([]string, len(r.Args))
	for i, a := range r.Args {
		lit, err := r.Dialect.Literal(a)
		if err != nil {
			return nil, fmt.Errorf("%s: parameter %d: %w", r.Query.Ref(), i+1, err)
		}
		out[i] = lit
	}
	return out, nil
}

// Render writes the query's SQL for a dialect. A parameter or window bound
// becomes a ? placeholder with its value in Args wherever the dialect binds
// values there (Athena only in WHERE); elsewhere the dialect writes it as a
// literal with its one escaping function, after the value was validated by
// its type. Nothing the user typed reaches the SQL any other way.
func (q *Query) Render(opts RenderOptions) (*Rendered, error) {
	if opts.Dialect == nil {
		return nil, errors.New("render: no dialect")
	}
	if opts.Table == "" {
		opts.Table = "flow_logs"
	}
	if err := CheckTable(opts.Dialect, opts.Table); err != nil {
		return nil, err
	}
	if err := q.CheckFields(opts.Formats); err != nil {
		return nil, err
	}
	if err := partitions.CheckScope(opts.Accounts, opts.Regions); err != nil {
		return nil, err
	}
	r := &Rendered{Query: q, Dialect: opts.Dialect, Params: opts.Params, Window: opts.Window}
	t, err := q.tmpl.Clone()
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if err := t.Funcs(renderFuncs(&renderer{opts: opts, out: r, sql: &b})).Execute(&b, nil); err != nil {
		return nil, fmt.Errorf("render %s for %s: %w", q.Ref(), opts.Dialect.Name(), err)
	}
	r.SQL = b.String() + "\n"
	return r, nil
}

// renderer collects the bound values while the template runs; out is the
// SQL written so far, which says what clause a value stands in.
type renderer struct {
	opts RenderOptions
	out  *Rendered
	sql  *strings.Builder
}

// renderFuncs are the template's functions. With a nil renderer they only
// exist, so that templates parse when the library loads.
//
//	{{table}}                       the flow-log table
//	{{param "name"}}                a bound parameter
//	{{window}}                      the partition predicate and exact time condition
//	{{timestamp "start"}}           Unix seconds as a timestamp
//	{{in_network "param" "srcaddr"}} the address lies in a cidr parameter
//	{{approx_distinct "srcaddr"}}   an approximate distinct count
//	{{regexp_like "col" "param"}}   a regex parameter matches part of col
//	{{has "field"}}                 the table has an optional field (see Query.Optional)
//	{{bit_and "tcp_flags" 2}}       the bits of a column in a constant mask
//	{{window_from}}, {{window_to}}  the window's bounds, Unix seconds (NULL without one)
func renderFuncs(r *renderer) template.FuncMap {
	return template.FuncMap{
		"window_from":     func() (string, error) { return r.bound(func(w *partitions.Window) int64 { return w.From.Unix() }) },
		"window_to":       func() (string, error) { return r.bound(func(w *partitions.Window) int64 { return w.To.Unix() }) },
		"bit_and":         func(expr string, mask int) string { return r.opts.Dialect.BitAnd(expr, int64(mask)) },
		"has":             func(field string) (bool, error) { return r.has(field) },
		"table":           func() string { return r.opts.Table },
		"param":           func(name string) (string, error) { return r.param(name) },
		"window":          func() (string, error) { return r.window() },
		"timestamp":       func(expr string) string { return r.opts.Dialect.Timestamp(expr) },
		"approx_distinct": func(expr string) string { return r.opts.Dialect.ApproxDistinct(expr) },
		"in_network": func(param, addr string) (string, error) {
			p, err := r.param(param)
			if err != nil {
				return "", err
			}
			return r.opts.Dialect.InNetwork(p, addr), nil
		},
		"regexp_like": func(expr, param string) (string, error) {
			p, err := r.param(param)
			if err != nil {
				return "", err
			}
			return r.opts.Dialect.RegexpLike(expr, p), nil
		},
	}
}

// bind writes a value where the template stands: bound as a placeholder, or
// a literal, as the dialect does in that clause.
func (r *renderer) bind(v any) (string, error) { return r.bindIn(clauseAt(r.sql.String()), v) }

func (r *renderer) bindIn(c Clause, v any) (string, error) {
	if r.opts.Inline {
		return inline(r.opts.Dialect.Literal, v)
	}
	sql, bound, err := r.opts.Dialect.Param(v, c)
	if err != nil {
		return "", err
	}
	if bound {
		r.out.Args = append(r.out.Args, v)
	}
	return sql, nil
}

func (r *renderer) param(name string) (string, error) {
	v, ok := r.opts.Params[name]
	if !ok {
		if r.out.Query.Param(name) == nil {
			return "", fmt.Errorf("the SQL uses parameter %q, which the header does not declare", name)
		}
		return "", fmt.Errorf("parameter %q has no value (resolve the parameters first)", name)
	}
	if name == LimitParam {
		n, ok := v.(int64)
		if !ok || n < 1 || n > MaxLimit {
			return "", fmt.Errorf("parameter %s: %v is not a whole number from 1 to %d (resolve the parameters first)", name, v, MaxLimit)
		}
		if r.opts.Inline {
			return r.bind(n) // SQL for a console, which shows its rows: the limit as asked
		}
		// One row more than the limit tells Finish whether the limit cut the result.
		r.out.Limit = n
		return r.bind(n + 1)
	}
	return r.bind(v)
}

// bound writes a bound of the window as a value, for a query that speaks of
// the window itself (the minutes of it without records); NULL without one.
func (r *renderer) bound(of func(*partitions.Window) int64) (string, error) {
	if r.opts.Window == nil {
		return "NULL", nil
	}
	return r.bind(of(r.opts.Window))
}

// has reports whether every format of the table has an optional field of
// the query. Without formats (rendering for a table not described) the
// table is taken to have them.
func (r *renderer) has(field string) (bool, error) {
	fd, ok := flowlog.Lookup(field)
	if !ok || !slices.Contains(r.out.Query.Optional, fd.Name) {
		return false, fmt.Errorf("has %q: the header's optional fields do not list it", field)
	}
	for _, f := range r.opts.Formats {
		if !f.Has(fd.Name) {
			return false, nil
		}
	}
	return true, nil
}

// window is the scope's condition (see scope), then the time condition (see
// Dialect.Window). Without either every row qualifies.
func (r *renderer) window() (string, error) {
	conds, err := scope(r.opts.Dialect, r.opts.Accounts, r.opts.Regions)
	if err != nil {
		return "", err
	}
	if r.opts.Window != nil {
		// Every value of the window stands in the clause the template is in.
		c := clauseAt(r.sql.String())
		cond, err := r.opts.Dialect.Window(r.opts.Layout, *r.opts.Window, func(v any) (string, error) { return r.bindIn(c, v) })
		if err != nil {
			return "", err
		}
		conds = append(conds, cond)
	}
	if len(conds) == 0 {
		return "TRUE", nil
	}
	return strings.Join(conds, " AND "), nil
}

// scope is the condition that keeps the given accounts' and regions'
// partitions: aws_account_id IN ('111122223333', …), then aws_region. The
// values are literals, never placeholders, in every dialect: Athena's
// injected partition projection needs them in the SQL it plans ("static
// equality conditions"), and they were checked to be account IDs and region
// codes before (partitions.CheckScope).
func scope(d Dialect, accounts, regions []string) ([]string, error) {
	var conds []string
	for _, c := range []struct {
		column string
		values []string
	}{{partitions.AccountColumn, accounts}, {partitions.RegionColumn, regions}} {
		if len(c.values) == 0 {
			continue
		}
		lits := make([]string, len(c.values))
		for i, v := range c.values {
			lit, err := d.Literal(v)
			if err != nil {
				return nil, err
			}
			lits[i] = lit
		}
		if len(lits) == 1 {
			conds = append(conds, c.column+" = "+lits[0])
		} else {
			conds = append(conds, c.column+" IN ("+strings.Join(lits, ", ")+")")
		}
	}
	return conds, nil
}
