// Package sample writes synthetic flow-log data exactly as AWS lays it out in S3
// (keys, file names, gzip, header line), with background traffic and named
// incident scenarios, and the truth those scenarios imply.
package sample

import (
	"fmt"
	"math/rand/v2"
)

// host is a network interface in the sample VPC.
type host struct {
	addr     string
	eni      string
	subnet   string
	instance string
	az       string
}

// world is the fixed network the traffic runs in. Background traffic only uses
// the hosts and peers below; each scenario has hosts and peers of its own, so a
// scenario's truth is not blurred by background records.
type world struct {
	account, region, vpc, flowLogID string
	tgwID, tgwAttachment            string  // the transit gateway and the VPC's attachment to it
	clients, servers                []*host // background
	internetPeers                   []string
	noisePeers                      []string // background sources of rejected probes
}

const (
	defaultAccount = "111122223333"
	defaultRegion  = "us-east-1"
	vpcID          = "vpc-0a1b2c3d4e5f60718"
)

var subnets = []struct{ id, prefix, az string }{
	{"subnet-0aa1111111111111a", "10.0.1.", "use1-az1"},
	{"subnet-0bb2222222222222b", "10.0.2.", "use1-az2"},
	{"subnet-0cc3333333333333c", "10.0.3.", "use1-az4"},
}

// newHost makes the interface for address 10.0.<subnet>.<n>. IDs derive from
// the address, so they are stable across seeds.
func newHost(subnet, n int) *host {
	s := subnets[subnet]
	id := subnet*256 + n
	return &host{
		addr:     fmt.Sprintf("%s%d", s.prefix, n),
		eni:      fmt.Sprintf("eni-0%016x", mix(uint64(id)+1)>>4),
		subnet:   s.id,
		instance: fmt.Sprintf("i-0%016x", mix(uint64(id)+7777)>>4),
		az:       s.az,
	}
}

func newWorld(seed uint64) *world {
	w := &world{
		account:       defaultAccount,
		region:        defaultRegion,
		vpc:           vpcID,
		flowLogID:     fmt.Sprintf("fl-0%016x", rand.New(rand.NewPCG(seed, 0xf10)).Uint64()>>4),
		tgwID:         "tgw-0" + fmt.Sprintf("%016x", mix(0x7c9)>>4),
		tgwAttachment: "tgw-attach-0" + fmt.Sprintf("%016x", mix(0xa77)>>4),
	}
	for n := 10; n < 26; n++ {
		w.clients = append(w.clients, newHost(0, n), newHost(1, n))
		w.servers = append(w.servers, newHost(2, n))
	}
	r := rand.New(rand.NewPCG(seed, 0xbee))
	for range 64 {
		// 34.0.0.0/8 and 35.0.0.0/8 stand for ordinary internet services.
		w.internetPeers = append(w.internetPeers, fmt.Sprintf("%d.%d.%d.%d", 34+r.IntN(2), r.IntN(256), r.IntN(256), 1+r.IntN(254)))
	}
	for range 256 {
		w.noisePeers = append(w.noisePeers, fmt.Sprintf("45.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254)))
	}
	return w
}

// mix scrambles n into a well-spread 64-bit value (SplitMix64's finaliser), so
// that IDs made from small numbers look like AWS's.
func mix(n uint64) uint64 {
	n += 0x9e3779b97f4a7c15
	n = (n ^ n>>30) * 0xbf58476d1ce4e5b9
	n = (n ^ n>>27) * 0x94d049bb133111eb
	return n ^ n>>31
}
