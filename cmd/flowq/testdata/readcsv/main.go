// Command readcsv is the benchmarks' reference: a library query hand-written
// against DuckDB's read_csv over a downloaded tree, with the format's columns
// spelled out and no sniffing, as a DuckDB user would write it. It prints the
// result as CSV. The benchmarks build it; it is not part of flowq.
//
//	readcsv ROOT QUERY
package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/queries"
)

func main() {
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "readcsv:", err)
		os.Exit(1)
	}
}

func run(root, name string) error {
	q, err := queries.Default().Get(name)
	if err != nil {
		return err
	}
	vals, err := q.Resolve(nil)
	if err != nil {
		return err
	}
	r, err := q.Render(queries.RenderOptions{Dialect: queries.DuckDB, Params: vals})
	if err != nil {
		return err
	}
	def, _ := flowlog.Preset("default")
	var cols []string
	for _, fd := range def.Fields() {
		cols = append(cols, fmt.Sprintf("'%s': '%s'", fd.Column(), fd.DuckDBType()))
	}
	from := fmt.Sprintf("FROM read_csv('%s/AWSLogs/*/vpcflowlogs/*/*/*/*/*.log.gz', delim = ' ', header = false, skip = 1, "+
		"auto_detect = false, nullstr = '-', columns = {%s})", root, strings.Join(cols, ", "))
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), strings.Replace(r.SQL, "FROM flow_logs", from, 1), r.Args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	names, _ := rows.Columns()
	w := csv.NewWriter(os.Stdout)
	w.Write(names)
	vals2 := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals2 {
		ptrs[i] = &vals2[i]
	}
	n := 0
	for rows.Next() && (r.Limit == 0 || n < int(r.Limit)) { // the rendered SQL asks one row more than a limit
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		rec := make([]string, len(vals2))
		for i, v := range vals2 {
			rec[i] = fmt.Sprint(v)
		}
		w.Write(rec)
		n++
	}
	w.Flush()
	return rows.Err()
}
