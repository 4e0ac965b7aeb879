GO ?= go

.PHONY: build test bench demo fuzz check-sql

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

# check-sql: every query of the library rendered for Athena (every layout,
# several windows, bound, inline and scoped) checked with Trino's grammar, and
# the DDL and ALTER statements flowq prints with Hive's. The checker is pinned
# in tools/sqlcheck (package-lock.json); it needs node and npm.
SQLCHECK_OUT ?= $(CURDIR)/tools/sqlcheck/out
check-sql:
	cd tools/sqlcheck && npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(SQLCHECK_OUT)
	$(GO) run ./tools/sqlcheck/render $(SQLCHECK_OUT)
	cd tools/sqlcheck && node --import ./register.mjs check.mjs --trino $(SQLCHECK_OUT)/queries
	cd tools/sqlcheck && node --import ./register.mjs check.mjs --hive $(SQLCHECK_OUT)/ddl
