package partitions

import "testing"

// FuzzSplitName: the hand-written name parser accepts exactly the names
// NamePattern matches, with the same parts.
func FuzzSplitName(f *testing.F) {
	for _, name := range []string{
		"123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
		"unknown_vpcflowlogs_eusc-de-east-1_fl-0AbC_20260105T0000Z_flowqfolder1a2b3c4d.log.parquet",
		"123456789012_vpcflowlogs_us-east-1_fl-1_20180620T1620Z_x.gz.parquet",
		"123456789012_vpcflowlogs_us-east-1_fl-1_20180620T1620Z_x.parquet",
		"123456789012_vpcflowlogs_us-east-1_fl-1_20180620T1620Z_x.log",
		"123456789012_vpcflowlogs_us-east-1_fl-1_20180620T1620Z_x.log.gz.tmp",
		"12345678901_vpcflowlogs_us-east-1_fl-1_20180620T1620Z_x.log.gz",
		"123456789012_vpcflowlogs_US_fl-1_20180620T1620Z_x.log.gz",
		"123456789012_vpcflowlogs_us-east-1_fl-_20180620T1620Z_x.log.gz",
		"123456789012_vpcflowlogs_us-east-1_fl-1_20180620T162Z_x.log.gz",
		"123456789012_vpcflowlogs_us-east-1_fl-1_20180620T1620Z_.log.gz",
		"123456789012_vpcflowlogs_us-east-1_fl-1_20180620T1620Z_a_b.log.gz",
		"x/123456789012_vpcflowlogs_us-east-1_fl-1_20180620T1620Z_x.log.gz",
	} {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		m := nameRE.FindStringSubmatch(name)
		o, ts, ok := splitName(name)
		if ok != (m != nil) {
			t.Fatalf("%q: splitName %v, NamePattern %v", name, ok, m != nil)
		}
		if !ok {
			return
		}
		wantFormat := Text
		if m[6] == ".log.parquet" || m[6] == ".gz.parquet" || m[6] == ".parquet" {
			wantFormat = Parquet
		}
		if o.Account != m[1] || o.Region != m[2] || o.FlowLogID != m[3] || ts != m[4] || o.Hash != m[5] || o.Format != wantFormat {
			t.Fatalf("%q: splitName %+v %s, NamePattern %q", name, o, ts, m[1:])
		}
	})
}
