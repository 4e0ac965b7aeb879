package ddl

import (
	"fmt"
	"strings"
	"time"
)

// PartitionBatch is how many partitions one ALTER TABLE adds: each partition
// becomes a Glue CreatePartition, which Glue takes 100 at a time
// (BatchCreatePartition), and it keeps a statement well under Athena's
// 256 KB query limit.
const PartitionBatch = 100

// AddPartitions returns ALTER TABLE … ADD IF NOT EXISTS PARTITION statements
// for every account, region and folder (day or hour) that starts in [from, to),
// for a table without partition projection.
func (t *Table) AddPartitions(from, to time.Time) ([]string, error) {
	if !from.Before(to) {
		return nil, fmt.Errorf("partitions: from %s is not before to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	if len(t.Accounts) == 0 || len(t.Regions) == 0 {
		return nil, fmt.Errorf("partitions: name the accounts and regions whose folders to add (--accounts, --regions)")
	}
	var parts []string
	for _, account := range t.Accounts {
		for _, region := range t.Regions {
			for start := t.Layout.FolderStart(from); start.Before(to); start = start.Add(t.Layout.Unit()) { // UTC days are 24 hours
				var values []string
				for _, c := range t.Layout.Columns() {
					values = append(values, fmt.Sprintf("%s = %s", ident(c.Name), literal(c.Value(account, region, start))))
				}
				loc := t.Layout.Folder(t.Location, account, region, start)
				parts = append(parts, fmt.Sprintf("  PARTITION (%s) LOCATION %s", strings.Join(values, ", "), literal(loc)))
			}
		}
	}
	var stmts []string
	for lo := 0; lo < len(parts); lo += PartitionBatch {
		batch := parts[lo:min(lo+PartitionBatch, len(parts))]
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s.%s ADD IF NOT EXISTS\n%s;\n", t.Database, t.Name, strings.Join(batch, "\n")))
	}
	return stmts, nil
}

// MSCKNote explains why flowq adds Hive-layout partitions with ALTER TABLE
// rather than MSCK REPAIR TABLE.
const MSCKNote = `-- The Hive-compatible layout also allows MSCK REPAIR TABLE, which lists every folder under the
-- table's location and adds the partitions it finds. It matches folder keys to column names, so it
-- needs partition columns named as the keys (aws-account-id, aws-service, aws-region, year, …);
-- flowq's are aws_account_id, aws_region, year, …, the names both of its engines share, so use the
-- statements above, or partition projection, which needs neither.
`
