# statewright: `make run` starts the local stack, the orchestrator and the example; `make test`
# installs what the tests need and runs them all. Everything runs on Node >= 22: when the Node on
# PATH is older, a pinned Node 24 from the npm registry is installed under .tools/ and used.
SHELL := /bin/bash
.DEFAULT_GOAL := help

NODE_VERSION := 24.21.0
NODE22_VERSION := 22.23.3
TOOLS := $(CURDIR)/.tools
SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
ifeq ($(shell [ "$(SYSTEM_NODE_MAJOR)" -ge 22 ] 2>/dev/null && echo ok),ok)
NODE_BIN :=
else
NODE_BIN := $(TOOLS)/node-$(NODE_VERSION)/bin
endif
export PATH := $(if $(NODE_BIN),$(NODE_BIN):)$(CURDIR)/node_modules/.bin:$(PATH)
STACK := deploy/local/stack.sh

.PHONY: help node install deps build typecheck lint up down status logs test test-tools test-unit-node22 run bench soak clean confluent-client

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

node: ## install the pinned Node when the system one is older than 22
ifneq ($(NODE_BIN),)
	@deploy/node/install-node.sh $(NODE_VERSION) $(TOOLS)/node-$(NODE_VERSION)
endif

node_modules/.installed: package.json package-lock.json | node
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed ## npm packages from the lock file

confluent-client: install ## build the optional second Kafka client (librdkafka; minutes from source) for STATEWRIGHT_KAFKA_CLIENT=confluent
	@deploy/node/build-confluent-client.sh

deps: ## system packages and Maven artifacts of the local stack
	@$(STACK) deps

build: install ## compile TypeScript to dist/ and bundle the operator UI into dist/ui
	tsc -p tsconfig.build.json
	node ui/build.mjs

typecheck: install ## type-check everything, type tests included
	tsc -p tsconfig.json --noEmit
	tsc -p ui/tsconfig.json

lint: install ## eslint and prettier
	eslint .
	prettier --check .

up: deps ## start Kafka, the schema registry and Redis on 127.0.0.1
	@$(STACK) up

down: ## stop what `make up` started
	@$(STACK) down

status: ## print where the stack is; non-zero when something is down
	@$(STACK) status

logs: ## tail the stack's logs
	@$(STACK) logs

test: install deps test-tools typecheck lint build ## everything: unit, packaging, integration, e2e, observability, security, chaos and cluster (reduced size), unit on Node 22
	@test/run.sh unit packaging integration e2e observability security chaos cluster
	@$(MAKE) --no-print-directory test-unit-node22

test-tools: ## Debian's prometheus and promtool (observability tests) and chromium (UI tests), installed as root when missing
	@command -v prometheus >/dev/null && command -v promtool >/dev/null || { \
	  [ "$$(id -u)" = 0 ] || { echo "install Debian's prometheus package (prometheus, promtool)" >&2; exit 1; }; \
	  apt-get update -qq >/dev/null && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
	@command -v chromium >/dev/null || { \
	  [ "$$(id -u)" = 0 ] || { echo "install Debian's chromium package (the UI tests drive it headless)" >&2; exit 1; }; \
	  apt-get update -qq >/dev/null && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

test-unit-node22: install ## the unit suite on Node 22, so `engines` tells the truth
	@deploy/node/install-node.sh $(NODE22_VERSION) $(TOOLS)/node-$(NODE22_VERSION)
	@PATH=$(TOOLS)/node-$(NODE22_VERSION)/bin:$$PATH RESULTS_SUFFIX=-node22 test/run.sh unit

run: up build ## the local stack, the orchestrator, workers and gateway, and the order saga live (Ctrl-C stops)
	@set -a && eval "$$($(STACK) env)" && set +a && node dist/examples/order-saga/demo.js

bench: up build ## benchmarks against the local stack; figures printed, bench/results/*.json written
	@set -a && eval "$$($(STACK) env)" && set +a && node dist/bench/main.js

soak: up build ## a long steady load with periodic kills (SOAK_MINUTES, 30); RSS, lag, dead letters in bench/results/soak.json
	@set -a && eval "$$($(STACK) env)" && set +a && \
	  NODE_OPTIONS="$${NODE_OPTIONS---max-semi-space-size=8}" MALLOC_ARENA_MAX="$${MALLOC_ARENA_MAX-2}" node dist/bench/soak.js

clean: down ## stop the stacks and remove build output, stack data and the demo's KEK
	SECURE=1 $(STACK) down
	rm -rf dist .stack .stack-secure .run test-results
