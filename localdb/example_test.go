package localdb_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/sample"
)

// Open a folder of downloaded flow logs (here: generated sample data) and ask it
// a question in SQL.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "flows")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if _, err := sample.Generate(ctx, dir, sample.Options{Seed: 1, Records: 2000, Scenarios: []string{"port-scan"}}); err != nil {
		log.Fatal(err)
	}

	db, err := localdb.Open(ctx, []string{dir}, localdb.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	res, err := db.RunSQL(ctx, `SELECT srcaddr, count(DISTINCT dstport) FROM flow_logs
		WHERE action = 'REJECT' AND srcaddr = ? GROUP BY srcaddr`, "203.0.113.66")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Rows[0][0], "probed", res.Rows[0][1], "closed ports")
	// Output: 203.0.113.66 probed 1022 closed ports
}

// Run a query from the library over a folder of flow logs, for one hour.
func ExampleDB_RunQuery() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "flows")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	truth, err := sample.Generate(ctx, dir, sample.Options{Seed: 1, Records: 2000, Scenarios: []string{"ssh-rejected"}})
	if err != nil {
		log.Fatal(err)
	}
	from := truth.Scenarios[0].From.Truncate(time.Hour) // the incident's hours
	window, err := partitions.NewWindow(from, from.Add(2*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	db, err := localdb.Open(ctx, []string{dir}, localdb.Options{Window: &window}) // reads only that window's files
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	q, err := queries.Default().Get("rejects-on-port@1")
	if err != nil {
		log.Fatal(err)
	}
	params, err := q.Resolve(map[string]string{"port": "22"}) // typed, validated, bound
	if err != nil {
		log.Fatal(err)
	}
	res, err := db.RunQuery(ctx, q, params) // over the window the DB was opened with
	if err != nil {
		log.Fatal(err)
	}
	for _, row := range res.Rows {
		fmt.Println(row[0], "refused", row[2], "SSH attempts from", row[3], "sources")
	}
	fmt.Println(res.Provenance.Query, "read", res.Provenance.Files, "files")
	// Output:
	// 10.0.1.200 refused 200 SSH attempts from 40 sources
	// rejects-on-port@1 read 28 files
}
