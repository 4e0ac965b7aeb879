package flowlog

import "slices"

// PresetNames lists the named formats, in the order they are shown.
var presetNames = []string{"default", "v3", "v4", "v5", "v7", "v8", "all", "tgw"}

// PresetNames returns the names Preset accepts.
func PresetNames() []string { return slices.Clone(presetNames) }

// Preset returns a named format:
//   - default (also v2): the 14 v2 fields, AWS's default format;
//   - v3 … v8: every VPC field up to that version, in AWS's table order (the
//     "all fields" order the console and AWS's Athena DDL use);
//   - all: every VPC field in the catalog, including the newest ones;
//   - tgw: the Transit Gateway default format (all Transit Gateway fields).
func Preset(name string) (Format, bool) {
	switch name {
	case "default", "v2":
		return vpcUpTo(2), true
	case "v3":
		return vpcUpTo(3), true
	case "v4":
		return vpcUpTo(4), true
	case "v5":
		return vpcUpTo(5), true
	case "v7":
		return vpcUpTo(7), true
	case "v8":
		return vpcUpTo(8), true
	case "all":
		return vpcUpTo(1 << 10), true
	case "tgw":
		f, err := NewFormat(tgwDefault...)
		if err != nil {
			panic("flowlog: tgw preset names an unknown field: " + err.Error()) // a broken build, caught by tests
		}
		return f, true
	}
	return Format{}, false
}

func vpcUpTo(version int) Format {
	var fields []*Field
	for i := range catalog {
		if f := &catalog[i]; !f.TGWOnly && f.Version <= version {
			fields = append(fields, f)
		}
	}
	return Format{fields: fields}
}

// tgwDefault is the field order of a Transit Gateway flow log created without a
// LogFormat (AWS Transit Gateway Guide, "Flow log records").
var tgwDefault = []string{
	"version", "resource-type", "account-id", "tgw-id", "tgw-attachment-id",
	"tgw-src-vpc-account-id", "tgw-dst-vpc-account-id", "tgw-src-vpc-id", "tgw-dst-vpc-id",
	"tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni", "tgw-dst-eni",
	"tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id",
	"srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
	"log-status", "type",
	"packets-lost-no-route", "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired",
	"tcp-flags", "region", "flow-direction", "pkt-src-aws-service", "pkt-dst-aws-service",
}
