package localdb

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/internal/golden"
	"github.com/flowq/flowq/partitions"
)

// TestViewSQL keeps the SQL of each read the view is made of under
// testdata/view/, one file a case, for review; every builder is a pure
// function of its inputs. Regenerate with: go test ./localdb -run ViewSQL -update
func TestViewSQL(t *testing.T) {
	def, _ := flowlog.Preset("default")
	v5, _ := flowlog.Preset("v5")
	parquet := []parquetColumn{{field: mustField(t, "version")}, {field: mustField(t, "srcaddr"), string: true},
		{field: mustField(t, "packets"), string: true}, {field: mustField(t, "end")}}
	cases := map[string]string{
		"csv-gzip-header-placed":      csvSelect(def, []string{"/d/a.log.gz", "/d/*.log.gz"}, true, true, partitionsFromName(partitions.Layout{})),
		"csv-plain-noheader-unplaced": csvSelect(v5, []string{"/d/a[[]1].log"}, false, false, partitionsFromEnd(partitions.Layout{PerHour: true}, v5)),
		"scan":                        scanSelect(3),
		"parquet-placed":              parquetSelect(parquet, []string{"/c/x.log.parquet"}, partitionsFromName(partitions.Layout{Hive: true, PerHour: true})),
		"empty":                       emptySelect(partitions.Layout{Hive: true}),
		"view":                        viewSQL([]string{scanSelect(0), scanSelect(1)}),
	}
	for _, l := range partitions.Layouts() {
		cases["partitions-from-name-"+l.String()] = strings.Join(partitionsFromName(l), ",\n")
		cases["partitions-from-end-"+l.String()] = strings.Join(partitionsFromEnd(l, def), ",\n")
	}
	for name, sql := range cases {
		golden.Compare(t, filepath.Join("testdata", "view", name+".sql"), sql+"\n")
	}
}

func mustField(t *testing.T, name string) *flowlog.Field {
	fd, ok := flowlog.Lookup(name)
	if !ok {
		t.Fatalf("no field %s", name)
	}
	return fd
}
