package sample

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// Truth is what the generated data implies: totals over every record written,
// the answers of the standard questions, and each scenario's facts. Query tests
// assert against it.
type Truth struct {
	Seed      uint64    `json:"seed"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Format    string    `json:"format"`
	Layout    string    `json:"layout"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	FlowLogID string    `json:"flow_log_id"`
	Files     int       `json:"files"`
	Records   int64     `json:"records"`

	ByAction    map[string]int64 `json:"by_action"`     // "-" for NODATA/SKIPDATA
	ByLogStatus map[string]int64 `json:"by_log_status"` //
	Packets     int64            `json:"packets"`
	Bytes       int64            `json:"bytes"`

	TopRejectedDestinations []DstCount      `json:"top_rejected_destinations"` // by rejected records, top 10
	TopTalkers              []PairBytes     `json:"top_talkers"`               // by bytes, top 10
	RejectsPerHour          []HourCount     `json:"rejects_per_hour"`
	BySubnet                []SubnetBytes   `json:"by_subnet"` // OK records by the AZ and subnet of the interface that logged them
	Scenarios               []ScenarioTruth `json:"scenarios"`
}

// DstCount is a destination and its rejected records and packets.
type DstCount struct {
	Dstaddr string `json:"dstaddr"`
	Rejects int64  `json:"rejects"`
	Packets int64  `json:"packets"`
}

// PairBytes is a source/destination pair and the bytes sent from one to the other.
type PairBytes struct {
	Srcaddr string `json:"srcaddr"`
	Dstaddr string `json:"dstaddr"`
	Bytes   int64  `json:"bytes"`
}

// HourCount is the number of rejected records whose start falls in an hour.
type HourCount struct {
	Hour    time.Time `json:"hour"`
	Rejects int64     `json:"rejects"`
}

// SubnetBytes is what the interfaces of one subnet logged (OK records): how
// many interfaces, records, packets and bytes, and the bytes by flow direction.
type SubnetBytes struct {
	AZ         string `json:"az"`
	Subnet     string `json:"subnet"`
	Interfaces int    `json:"interfaces"`
	Records    int64  `json:"records"`
	Packets    int64  `json:"packets"`
	Bytes      int64  `json:"bytes"`
	BytesOut   int64  `json:"bytes_out"` // egress records
	BytesIn    int64  `json:"bytes_in"`  // ingress records
}

// ScenarioTruth is one scenario's window (from the first record's start to one
// second after the last record's end) and facts.
type ScenarioTruth struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	From        time.Time      `json:"from"`
	To          time.Time      `json:"to"`
	Records     int            `json:"records"`
	Facts       map[string]any `json:"facts"`
}

// tally accumulates totals over the records of some files; tallies merge.
type tally struct {
	records     int64
	byAction    map[string]int64
	byStatus    map[string]int64
	packets     int64
	bytes       int64
	rejectedDst map[string]*DstCount
	pairs       map[[2]string]int64
	rejectsHour map[int64]int64
	interfaces  map[[3]string]*SubnetBytes // by AZ, subnet and interface
}

func newTally() *tally {
	return &tally{byAction: map[string]int64{}, byStatus: map[string]int64{}, rejectedDst: map[string]*DstCount{},
		pairs: map[[2]string]int64{}, rejectsHour: map[int64]int64{}, interfaces: map[[3]string]*SubnetBytes{}}
}

func (t *tally) add(f *flow) {
	t.records++
	t.byAction[cmp.Or(f.action, "-")]++
	t.byStatus[f.status]++
	if f.noData() {
		return
	}
	t.packets += f.packets
	t.bytes += f.bytes
	t.pairs[[2]string{f.src, f.dst}] += f.bytes
	t.iface([3]string{f.on.az, f.on.subnet, f.on.eni}).add(f)
	if f.action == "REJECT" {
		d := t.rejectedDst[f.dst]
		if d == nil {
			d = &DstCount{Dstaddr: f.dst}
			t.rejectedDst[f.dst] = d
		}
		d.Rejects++
		d.Packets += f.packets
		t.rejectsHour[f.start-f.start%3600]++
	}
}

func (t *tally) merge(o *tally) {
	t.records += o.records
	t.packets += o.packets
	t.bytes += o.bytes
	for k, v := range o.byAction {
		t.byAction[k] += v
	}
	for k, v := range o.byStatus {
		t.byStatus[k] += v
	}
	for k, v := range o.pairs {
		t.pairs[k] += v
	}
	for k, v := range o.rejectsHour {
		t.rejectsHour[k] += v
	}
	for k, v := range o.interfaces {
		t.iface(k).merge(v)
	}
	for k, v := range o.rejectedDst {
		d := t.rejectedDst[k]
		if d == nil {
			d = &DstCount{Dstaddr: k}
			t.rejectedDst[k] = d
		}
		d.Rejects += v.Rejects
		d.Packets += v.Packets
	}
}

// fill writes the tally into the truth. Ties are broken by address so the truth
// is the same on every run.
func (t *tally) fill(tr *Truth) {
	tr.Records, tr.Packets, tr.Bytes = t.records, t.packets, t.bytes
	tr.ByAction, tr.ByLogStatus = t.byAction, t.byStatus

	dsts := make([]DstCount, 0, len(t.rejectedDst))
	for _, d := range t.rejectedDst {
		dsts = append(dsts, *d)
	}
	slices.SortFunc(dsts, func(a, b DstCount) int {
		return cmp.Or(cmp.Compare(b.Rejects, a.Rejects), cmp.Compare(a.Dstaddr, b.Dstaddr))
	})
	tr.TopRejectedDestinations = dsts[:min(10, len(dsts))]

	pairs := make([]PairBytes, 0, len(t.pairs))
	for k, v := range t.pairs {
		pairs = append(pairs, PairBytes{Srcaddr: k[0], Dstaddr: k[1], Bytes: v})
	}
	slices.SortFunc(pairs, func(a, b PairBytes) int {
		return cmp.Or(cmp.Compare(b.Bytes, a.Bytes), cmp.Compare(a.Srcaddr, b.Srcaddr), cmp.Compare(a.Dstaddr, b.Dstaddr))
	})
	tr.TopTalkers = pairs[:min(10, len(pairs))]

	for _, h := range slices.Sorted(maps.Keys(t.rejectsHour)) {
		tr.RejectsPerHour = append(tr.RejectsPerHour, HourCount{Hour: time.Unix(h, 0).UTC(), Rejects: t.rejectsHour[h]})
	}

	// Per subnet, in order of AZ and subnet.
	subnets := map[[2]string]*SubnetBytes{}
	for k, v := range t.interfaces {
		s := subnets[[2]string{k[0], k[1]}]
		if s == nil {
			s = &SubnetBytes{AZ: k[0], Subnet: k[1]}
			subnets[[2]string{k[0], k[1]}] = s
		}
		s.merge(v)
		s.Interfaces++
	}
	for _, k := range slices.SortedFunc(maps.Keys(subnets), func(a, b [2]string) int { return slices.Compare(a[:], b[:]) }) {
		tr.BySubnet = append(tr.BySubnet, *subnets[k])
	}
}

// iface is the tally of an interface, by its AZ, subnet and ID.
func (t *tally) iface(k [3]string) *SubnetBytes {
	if t.interfaces[k] == nil {
		t.interfaces[k] = &SubnetBytes{AZ: k[0], Subnet: k[1]}
	}
	return t.interfaces[k]
}

func (s *SubnetBytes) add(f *flow) {
	s.Records++
	s.Packets += f.packets
	s.Bytes += f.bytes
	switch f.direction {
	case "egress":
		s.BytesOut += f.bytes
	case "ingress":
		s.BytesIn += f.bytes
	}
}

func (s *SubnetBytes) merge(o *SubnetBytes) {
	s.Records += o.Records
	s.Packets += o.Packets
	s.Bytes += o.Bytes
	s.BytesOut += o.BytesOut
	s.BytesIn += o.BytesIn
}
