GO ?= go

.PHONY: build test bench demo fuzz

build:
	$(GO) build -o bin/flowq ./cmd/flowq

# test: formatting, vet, and every test. This is the command CI runs.
test:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./... ./cmd/flowq/testdata/readcsv
	$(GO) test ./...

# bench: the benchmarks behind BENCHMARKS.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

demo:
	$(GO) run ./cmd/flowq demo

# fuzz: each fuzz target for FUZZTIME (default 1m).
FUZZTIME ?= 1m
fuzz:
	$(GO) test ./flowlog -run '^$$' -fuzz '^FuzzParseFormat$$' -fuzztime $(FUZZTIME)
	$(GO) test ./flowlog -run '^$$' -fuzz '^FuzzParseRecord$$' -fuzztime $(FUZZTIME)
	$(GO) test ./partitions -run '^$$' -fuzz '^FuzzParseKey$$' -fuzztime $(FUZZTIME)
	$(GO) test ./partitions -run '^$$' -fuzz '^FuzzSplitName$$' -fuzztime $(FUZZTIME)
	$(GO) test ./localdb -run '^$$' -fuzz '^FuzzCSVAgreesWithReader$$' -fuzztime $(FUZZTIME)
