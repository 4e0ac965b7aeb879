// Package flowlog models the Amazon VPC (and Transit Gateway) flow-log record:
// the catalog of fields, format strings, header lines, and a parser and writer
// for one text record.
package flowlog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flowq/flowq/internal/suggest"
)

// Kind is the value type of a field once parsed. Text files hold every value
// as a string; the kind says what the string means.
type Kind int

const (
	String Kind = iota
	Int32       // ports, protocol, flags, codes
	Int64       // counters and Unix timestamps
)

// AthenaType is the Hive/Athena column type for the kind.
func (k Kind) AthenaType() string {
	switch k {
	case Int32:
		return "int"
	case Int64:
		return "bigint"
	}
	return "string"
}

// DuckDBType is the DuckDB column type for the kind.
func (k Kind) DuckDBType() string {
	switch k {
	case Int32:
		return "INTEGER"
	case Int64:
		return "BIGINT"
	}
	return "VARCHAR"
}

// ParquetType is the Parquet physical type (with logical annotation for strings)
// that AWS writes for the kind.
func (k Kind) ParquetType() string {
	switch k {
	case Int32:
		return "INT32"
	case Int64:
		return "INT64"
	}
	return "BYTE_ARRAY (STRING)"
}

// Status says how sure we are of a field's catalog entry.
type Status int

const (
	// Documented: name, version and meaning come from AWS documentation.
	Documented Status = iota
	// Unconfirmed: AWS documents the field but its version number (and, for
	// the newest fields, its Parquet type) was inferred from third-party use.
	Unconfirmed
	// Unlisted: a name found in a file header that this catalog does not know.
	// Such fields are read as strings so that newer AWS fields do not stop a read.
	Unlisted
)

func (s Status) String() string {
	switch s {
	case Unconfirmed:
		return "unconfirmed"
	case Unlisted:
		return "unlisted"
	}
	return "documented"
}

// Code is one documented value of a field and what it means.
type Code struct {
	Value   string
	Meaning string
}

// Field is one flow-log field.
type Field struct {
	Name        string // as in a format string: "pkt-srcaddr"
	Version     int    // flow-log version that introduced it (6 = Transit Gateway)
	Kind        Kind
	Description string
	Codes       []Code
	Status      Status
	TGWOnly     bool // exists only in Transit Gateway flow logs

	// Range and Closed, worked out once: the parser asks for every value.
	lo, hi int64
	closed bool
}

// Column is the table column name: hyphens become underscores.
func (f *Field) Column() string { return strings.ReplaceAll(f.Name, "-", "_") }

func (f *Field) AthenaType() string  { return f.Kind.AthenaType() }
func (f *Field) DuckDBType() string  { return f.Kind.DuckDBType() }
func (f *Field) ParquetType() string { return f.Kind.ParquetType() }

// Range is the inclusive range a numeric value must fall in, if the field has
// one. It is the narrower of what AWS writes (ports, protocol and TCP flags)
// and what the field's column type holds, so every value the parser accepts
// fits the column the engines read it into: a version of 3000000000 is a bad
// line, not a row that an INTEGER column silently drops.
func (f *Field) Range() (lo, hi int64, ok bool) {
	switch f.Name {
	case "srcport", "dstport":
		return 0, 65535, true
	case "protocol", "tcp-flags":
		return 0, 255, true
	}
	switch f.Kind {
	case Int32:
		return 0, 1<<31 - 1, true
	case Int64:
		return 0, 1<<63 - 1, true
	}
	return 0, 0, false
}

// Closed reports whether the field's documented codes are the only values it
// can hold, so that any other value is a bad line. Only action is closed: AWS
// adds codes to other fields (log-status, type) over time.
func (f *Field) Closed() bool { return f.Name == "action" }

// catalog lists every field in AWS's table order: VPC fields by version, then the
// Transit Gateway fields. Sources: AWS VPC User Guide "Flow log records", the Transit
// Gateway Guide "Flow log records", the Athena User Guide DDL (types), AWS CDK.
var catalog = []Field{
	{Name: "version", Version: 2, Kind: Int32, Description: "Flow-log version: 2 for the default format, else the highest version among the format's fields."},
	{Name: "account-id", Version: 2, Description: "AWS account that owns the source network interface; 'unknown' for some AWS-managed interfaces."},
	{Name: "interface-id", Version: 2, Description: "Network interface the traffic is recorded for."},
	{Name: "srcaddr", Version: 2, Description: "Source address (incoming traffic) or the interface's own address (outgoing)."},
	{Name: "dstaddr", Version: 2, Description: "Destination address (outgoing traffic) or the interface's own address (incoming)."},
	{Name: "srcport", Version: 2, Kind: Int32, Description: "Source port."},
	{Name: "dstport", Version: 2, Kind: Int32, Description: "Destination port."},
	{Name: "protocol", Version: 2, Kind: Int32, Description: "IANA protocol number.", Codes: []Code{
		{"1", "ICMP"}, {"6", "TCP"}, {"17", "UDP"}, {"47", "GRE"}, {"50", "ESP"}, {"58", "ICMPv6"}, {"132", "SCTP"}}},
	{Name: "packets", Version: 2, Kind: Int64, Description: "Packets in the flow during the aggregation interval."},
	{Name: "bytes", Version: 2, Kind: Int64, Description: "Bytes in the flow during the aggregation interval."},
	{Name: "start", Version: 2, Kind: Int64, Description: "Unix seconds when the first packet of the flow was received in the interval."},
	{Name: "end", Version: 2, Kind: Int64, Description: "Unix seconds when the last packet of the flow was received in the interval."},
	{Name: "action", Version: 2, Description: "Whether security groups and network ACLs allowed the traffic.", Codes: []Code{
		{"ACCEPT", "traffic was accepted"}, {"REJECT", "traffic was rejected (security group, network ACL, or packets after the connection closed)"}}},
	{Name: "log-status", Version: 2, Description: "Logging status of the record.", Codes: []Code{
		{"OK", "data is logging normally"}, {"NODATA", "no traffic to or from the interface in the interval"},
		{"SKIPDATA", "some records were skipped in the interval"}}},

	{Name: "vpc-id", Version: 3, Description: "VPC that contains the interface."},
	{Name: "subnet-id", Version: 3, Description: "Subnet that contains the interface."},
	{Name: "instance-id", Version: 3, Description: "Instance of the interface, if you own it; '-' for requester-managed interfaces."},
	{Name: "tcp-flags", Version: 3, Kind: Int32, Description: "Bitmask of TCP flags seen in the interval, OR-ed together.", Codes: []Code{
		{"1", "FIN"}, {"2", "SYN"}, {"4", "RST"}, {"18", "SYN-ACK"}, {"0", "no supported flag"}}},
	{Name: "type", Version: 3, Description: "Traffic type.", Codes: []Code{{"IPv4", ""}, {"IPv6", ""}, {"EFA", "Elastic Fabric Adapter"}}},
	{Name: "pkt-srcaddr", Version: 3, Description: "Packet-level (original) source address."},
	{Name: "pkt-dstaddr", Version: 3, Description: "Packet-level (original) destination address."},

	{Name: "region", Version: 4, Description: "Region that contains the interface."},
	{Name: "az-id", Version: 4, Description: "Availability Zone ID of the interface; '-' for sublocation traffic."},
	{Name: "sublocation-type", Version: 4, Description: "Sublocation type.", Codes: []Code{{"wavelength", ""}, {"outpost", ""}, {"localzone", ""}}},
	{Name: "sublocation-id", Version: 4, Description: "Sublocation ID."},

	{Name: "pkt-src-aws-service", Version: 5, Description: "AWS IP-range subset of pkt-srcaddr (e.g. S3, EC2, DYNAMODB), if any."},
	{Name: "pkt-dst-aws-service", Version: 5, Description: "AWS IP-range subset of pkt-dstaddr, if any."},
	{Name: "flow-direction", Version: 5, Description: "Direction relative to the interface.", Codes: []Code{{"ingress", ""}, {"egress", ""}}},
	{Name: "traffic-path", Version: 5, Kind: Int32, Description: "Path egress traffic takes to its destination; '-' for ingress.", Codes: []Code{
		{"1", "another resource in the same VPC"}, {"2", "internet gateway or gateway VPC endpoint"},
		{"3", "virtual private gateway"}, {"4", "intra-Region VPC peering"}, {"5", "inter-Region VPC peering"},
		{"6", "local gateway"}, {"7", "gateway VPC endpoint (Nitro)"}, {"8", "internet gateway (Nitro)"}}},

	{Name: "ecs-cluster-arn", Version: 7, Description: "ARN of the ECS cluster of the task."},
	{Name: "ecs-cluster-name", Version: 7, Description: "Name of the ECS cluster of the task."},
	{Name: "ecs-container-instance-arn", Version: 7, Description: "ARN of the ECS container instance; '-' on Fargate."},
	{Name: "ecs-container-instance-id", Version: 7, Description: "ID of the ECS container instance; '-' on Fargate."},
	{Name: "ecs-container-id", Version: 7, Description: "Docker runtime ID of the task's first container."},
	{Name: "ecs-second-container-id", Version: 7, Description: "Docker runtime ID of the task's second container."},
	{Name: "ecs-service-name", Version: 7, Description: "ECS service that started the task, if any."},
	{Name: "ecs-task-definition-arn", Version: 7, Description: "ARN of the task definition."},
	{Name: "ecs-task-arn", Version: 7, Description: "ARN of the task."},
	{Name: "ecs-task-id", Version: 7, Description: "ID of the task."},

	{Name: "reject-reason", Version: 8, Status: Unconfirmed, Description: "Why traffic was rejected; only BPA is reported, other reasons are '-'.", Codes: []Code{
		{"BPA", "VPC Block Public Access"}}},
	{Name: "resource-id", Version: 9, Status: Unconfirmed, Description: "ID of the resource behind the interface (e.g. a NAT gateway); version inferred from third-party formats."},
	{Name: "encryption-status", Version: 10, Kind: Int32, Status: Unconfirmed, Description: "Encryption in transit under VPC Encryption Controls; version and Parquet type inferred.", Codes: []Code{
		{"0", "not encrypted"}, {"1", "Nitro-encrypted"}, {"2", "application-encrypted"}, {"3", "Nitro and application encrypted"}}},

	{Name: "resource-type", Version: 6, TGWOnly: true, Description: "Resource the flow log is for.", Codes: []Code{
		{"TransitGateway", ""}, {"TransitGatewayAttachment", ""}}},
	{Name: "tgw-id", Version: 6, TGWOnly: true, Description: "Transit gateway the traffic is recorded for."},
	{Name: "tgw-attachment-id", Version: 6, TGWOnly: true, Description: "Transit gateway attachment the traffic is recorded for."},
	{Name: "tgw-src-vpc-account-id", Version: 6, TGWOnly: true, Description: "Account of the source VPC."},
	{Name: "tgw-dst-vpc-account-id", Version: 6, TGWOnly: true, Description: "Account of the destination VPC."},
	{Name: "tgw-src-vpc-id", Version: 6, TGWOnly: true, Description: "Source VPC."},
	{Name: "tgw-dst-vpc-id", Version: 6, TGWOnly: true, Description: "Destination VPC."},
	{Name: "tgw-src-subnet-id", Version: 6, TGWOnly: true, Description: "Source subnet."},
	{Name: "tgw-dst-subnet-id", Version: 6, TGWOnly: true, Description: "Destination subnet."},
	{Name: "tgw-src-eni", Version: 6, TGWOnly: true, Description: "Source transit gateway attachment ENI."},
	{Name: "tgw-dst-eni", Version: 6, TGWOnly: true, Description: "Destination transit gateway attachment ENI."},
	{Name: "tgw-src-az-id", Version: 6, TGWOnly: true, Description: "Availability Zone of the source."},
	{Name: "tgw-dst-az-id", Version: 6, TGWOnly: true, Description: "Availability Zone of the destination."},
	{Name: "tgw-pair-attachment-id", Version: 6, TGWOnly: true, Description: "The other attachment of the flow, by direction."},
	{Name: "packets-lost-no-route", Version: 6, Kind: Int64, TGWOnly: true, Description: "Packets lost for lack of a route."},
	{Name: "packets-lost-blackhole", Version: 6, Kind: Int64, TGWOnly: true, Description: "Packets lost to a blackhole route."},
	{Name: "packets-lost-mtu-exceeded", Version: 6, Kind: Int64, TGWOnly: true, Description: "Packets lost because they exceeded the MTU."},
	{Name: "packets-lost-ttl-expired", Version: 6, Kind: Int64, TGWOnly: true, Description: "Packets lost because their TTL expired."},
}

// byName indexes the catalog by format-string name and by column name.
var byName = func() map[string]*Field {
	m := make(map[string]*Field, 2*len(catalog))
	for i := range catalog {
		f := &catalog[i]
		m[f.Name] = f
		m[f.Column()] = f
	}
	return m
}()

// init gives each catalog field its range and closed set, which ParseLine
// judges every value by, once.
func init() {
	for i := range catalog {
		f := &catalog[i]
		f.lo, f.hi, _ = f.Range()
		f.closed = f.Closed()
	}
}

// Fields returns the catalog in table order (VPC fields by version, then the
// Transit Gateway fields). The returned fields must not be modified.
func Fields() []*Field {
	out := make([]*Field, len(catalog))
	for i := range catalog {
		out[i] = &catalog[i]
	}
	return out
}

// Lookup finds a field by its format-string name ("pkt-srcaddr") or its column
// name ("pkt_srcaddr").
func Lookup(name string) (*Field, bool) {
	f, ok := byName[name]
	return f, ok
}

// LookupField is Lookup with an error that suggests the closest known name.
func LookupField(name string) (*Field, error) {
	if f, ok := byName[name]; ok {
		return f, nil
	}
	return nil, &UnknownFieldError{Name: name, Suggestion: closestField(name)}
}

// UnknownFieldError reports a field name the catalog does not know.
type UnknownFieldError struct {
	Name       string
	Suggestion string // closest known name, if any is close
}

func (e *UnknownFieldError) Error() string {
	if e.Suggestion != "" {
		return fmt.Sprintf("unknown field %s; did you mean %s?", e.Name, e.Suggestion)
	}
	return fmt.Sprintf("unknown field %s (flowq formats lists the known fields)", e.Name)
}

// closestField returns the known field name closest to name, if it is close enough
// to be a typo.
func closestField(name string) string {
	name = strings.ReplaceAll(strings.ToLower(name), "_", "-")
	best, bestDist := "", len(name)/3+1
	for i := range catalog {
		if d := suggest.Distance(name, catalog[i].Name); d < bestDist || (d == bestDist && best == "" && d <= 2) {
			best, bestDist = catalog[i].Name, d
		}
	}
	return best
}

// Versions lists the flow-log versions present in the catalog, ascending.
func Versions() []int {
	var vs []int
	for i := range catalog {
		if !slices.Contains(vs, catalog[i].Version) {
			vs = append(vs, catalog[i].Version)
		}
	}
	slices.Sort(vs)
	return vs
}
