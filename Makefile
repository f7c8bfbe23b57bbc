# audit: run `make help` for the targets.
GO      ?= go
BIN     ?= bin/audit
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: help build run test test-short lint bench fmt all update-golden

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/audit
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/audit

run: ## audit this checkout (ARGS="--format json" to pass flags)
	$(GO) run ./cmd/audit $(ARGS) .

test: ## run every test: unit, Rego and integration (real git), with the race detector
	$(GO) test -race -count=1 ./...

test-short: ## run the tests without the race detector
	$(GO) test -count=1 ./...

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

bench: ## run the benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

fmt: ## format the Go code
	gofmt -w $$(git ls-files '*.go')

all: lint test build ## lint, test and build

update-golden: ## regenerate golden files (reporters, policy fixtures)
	$(GO) test ./reporters -update
	$(GO) test ./policies -run TestFixtures -update
