package localdb_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/flowq/flowq/localdb"
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

	var scanner string
	var ports int
	err = db.QueryRow(ctx, `SELECT srcaddr, count(DISTINCT dstport) FROM flow_logs
		WHERE action = 'REJECT' AND srcaddr = ? GROUP BY srcaddr`, "203.0.113.66").Scan(&scanner, &ports)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(scanner, "probed", ports, "closed ports")
	// Output: 203.0.113.66 probed 1022 closed ports
}
