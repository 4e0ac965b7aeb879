package localdb_test

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/sample"
)

const topRejected = `SELECT dstaddr, count(*) AS rejects FROM flow_logs WHERE action = 'REJECT' GROUP BY dstaddr ORDER BY rejects DESC, dstaddr LIMIT 10`

// BenchmarkTopRejected compares flowq's local engine, in process, with the
// same question hand-written against DuckDB's read_csv with explicit columns,
// over 2M records (7 days, 2,016 files) in AWS's layout: over files never
// read before (each one checked by flowq's reader as the query reads it),
// and over files checked before (read by DuckDB's CSV reader).
//
//	go test ./localdb -run '^$' -bench TopRejected -benchtime 3x
func BenchmarkTopRejected(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	if _, err := sample.Generate(ctx, dir, sample.Options{Days: 7, Seed: 1, Records: 2_000_000}); err != nil {
		b.Fatal(err)
	}
	openAndQuery := func(b *testing.B, cache func() string) {
		for b.Loop() {
			db, err := localdb.Open(ctx, []string{dir}, localdb.Options{CheckCache: cache()})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.RunSQL(ctx, topRejected); err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	}
	b.Run("flowq-first-read", func(b *testing.B) { openAndQuery(b, b.TempDir) })
	checked := b.TempDir()
	b.Run("flowq-checked-before", func(b *testing.B) { openAndQuery(b, func() string { return checked }) })
	b.Run("duckdb-read_csv", func(b *testing.B) {
		db, err := sql.Open("duckdb", "")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		q := `SELECT dstaddr, count(*) AS rejects FROM read_csv('` + dir + `/AWSLogs/*/vpcflowlogs/*/*/*/*/*.log.gz', delim = ' ', header = false, skip = 1,
			auto_detect = false, nullstr = '-', columns = {'version': 'INTEGER', 'account_id': 'VARCHAR', 'interface_id': 'VARCHAR',
			'srcaddr': 'VARCHAR', 'dstaddr': 'VARCHAR', 'srcport': 'INTEGER', 'dstport': 'INTEGER', 'protocol': 'INTEGER',
			'packets': 'BIGINT', 'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR', 'log_status': 'VARCHAR'})
			WHERE action = 'REJECT' GROUP BY dstaddr ORDER BY rejects DESC, dstaddr LIMIT 10`
		for b.Loop() {
			var dst string
			var n int64
			if err := db.QueryRowContext(ctx, q).Scan(&dst, &n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
