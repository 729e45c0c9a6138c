# Herald — the README's commands. Everything a fresh Debian machine needs is installed here.
SHELL := /bin/bash
.DEFAULT_GOAL := build

SWIFT        ?= swift
PREFIX       ?= /usr/local
DESTDIR      ?=
STATE_DIR    ?= ./var
PEERS_VENV   ?= .build/peers-venv
SYSTEM_PACKAGES := libsqlite3-dev libcurl4-openssl-dev wrk curl systemd rsyslog rsyslog-openssl openssl
BIN          := .build/debug/herald
# Release builds carry the Swift runtime and Foundation inside the binary (it runs where no toolchain is installed,
# and the dynamic linker binds no Swift libraries at start) and export no symbols (a smaller resident set).
# Every release build uses the same flags, so that one does not rebuild what another built.
RELEASE_FLAGS := -c release --static-swift-stdlib -Xlinker --no-export-dynamic
export RELEASE_FLAGS

.PHONY: deps peers embed build release run test test-unit test-systemd test-schemathesis test-scim fuzz install bench-admin bench-queue bench-webhooks bench-scim bench-siem bench-smtp bench-tools clean

## deps: install the Debian packages the build and the tests need (only those missing)
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## peers: the Python test peers (schemathesis, …) in a virtualenv under .build/
peers: $(PEERS_VENV)/.installed
$(PEERS_VENV)/.installed: scripts/requirements-peers.txt
	python3 -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install -q --upgrade pip
	$(PEERS_VENV)/bin/pip install -q -r scripts/requirements-peers.txt
	touch $@

## embed: compile docs/openapi.yaml into the binary (served at /openapi.yaml)
embed:
	@scripts/embed-openapi.sh

build: deps embed
	$(SWIFT) build --product herald

release: deps embed
	$(SWIFT) build $(RELEASE_FLAGS) --product herald

## run: build and start the daemon on embedded SQLite under ./var
run: build
	@echo "Starting herald (state in $(STATE_DIR)). Authenticate with:"
	@echo "  curl -H \"Authorization: Bearer \$$(cat $(STATE_DIR)/bootstrap-admin-key)\" http://127.0.0.1:8081/api/platform/tiers"
	$(BIN) serve --state-dir $(STATE_DIR)

## test: unit, HTTP and end-to-end tests, the systemd unit checks and schemathesis against the live daemon
test: deps peers embed
	$(SWIFT) build --build-tests
	# One test at a time: the timing tests (rate limits, timeouts, shutdown) stay honest on two cores.
	$(SWIFT) test --skip-build --no-parallel
	$(MAKE) --no-print-directory test-systemd test-schemathesis test-scim

test-systemd:
	scripts/check-systemd.sh $(BIN)

test-schemathesis:
	PEERS_VENV=$(PEERS_VENV) scripts/schemathesis-live.sh $(BIN)

## test-scim: scim2-tester (135 checks) and scim-sanity (strict) against the SCIM 2.0 API of the live daemon
test-scim:
	PEERS_VENV=$(PEERS_VENV) scripts/scim-compliance.sh $(BIN)

## fuzz: the SCIM filter and PATCH-path parsers on arbitrary input for FUZZ_SECONDS (60) seconds
FUZZ_SECONDS ?= 60
fuzz: build
	$(SWIFT) build --build-tests
	HERALD_FUZZ_SECONDS=$(FUZZ_SECONDS) $(SWIFT) test --skip-build --filter ScimFilterFuzz

## install: the release binary, the systemd unit and the example configuration
install: release
	install -D -m 0755 .build/release/herald $(DESTDIR)$(PREFIX)/bin/herald
	install -D -m 0644 systemd/herald.service $(DESTDIR)/etc/systemd/system/herald.service
	install -D -m 0644 docs/operations.md $(DESTDIR)$(PREFIX)/share/doc/herald/operations.md
	install -D -m 0644 docs/openapi.yaml $(DESTDIR)$(PREFIX)/share/doc/herald/openapi.yaml
	install -d -m 0755 $(DESTDIR)$(PREFIX)/share/herald/connectors
	install -m 0644 connectors/*.json $(DESTDIR)$(PREFIX)/share/herald/connectors/
	@if [ ! -e $(DESTDIR)/etc/herald/credentials/master-key ]; then \
	  install -d -m 0700 $(DESTDIR)/etc/herald/credentials; \
	  (umask 077; head -c 32 /dev/urandom > $(DESTDIR)/etc/herald/credentials/master-key); \
	  echo "generated $(DESTDIR)/etc/herald/credentials/master-key (keep it: it unseals stored secrets)"; \
	fi
	@if [ ! -e $(DESTDIR)/etc/herald/herald.yaml ]; then \
	  install -D -m 0640 etc/herald.example.yaml $(DESTDIR)/etc/herald/herald.yaml; \
	else echo "keeping existing $(DESTDIR)/etc/herald/herald.yaml"; fi

## bench-admin: admin API throughput against the HTTP ceiling of the same process (release build)
bench-admin: release
	scripts/bench-admin.sh .build/release/herald

## bench-tools: herald-bench (receivers, sinks, the queue benchmark) in the release configuration
bench-tools:
	$(SWIFT) build $(RELEASE_FLAGS) --product herald-bench

## bench-queue: enqueue+claim+ack of 100,000 no-op jobs, jobs/s with synchronous=FULL and NORMAL (release build)
bench-queue:
	scripts/bench-queue.sh 100000

## bench-webhooks: N events to a local receiver, deliveries/s and latency against wrk's raw rate, RSS with 100,000 pending jobs (release build)
## (BENCH_EVENTS=50000 per run; the other knobs are listed at the top of scripts/bench-webhooks.sh)
bench-webhooks: release
	$(MAKE) --no-print-directory bench-tools
	BENCH_BIN_DIR=.build/release scripts/bench-webhooks.sh $(BENCH_EVENTS)

## bench-scim: SCIM filter/POST/PATCH/group-PATCH req/s and p50/p99 with 100,000 users beside the scim2-server reference
## (BENCH_SCIM_USERS=100000; the other knobs are listed at the top of scripts/bench-scim.sh)
bench-scim: release peers
	PEERS_VENV=$(PEERS_VENV) scripts/bench-scim.sh .build/release/herald

## bench-siem: events/s forwarded through the splunk-hec and syslog connectors (durable cursor) beside the receivers' raw rates and rsyslog omfwd (release build)
## (BENCH_EVENTS=200000 per run; the other knobs are listed at the top of scripts/bench-siem.sh)
bench-siem: release
	$(MAKE) --no-print-directory bench-tools
	BENCH_BIN_DIR=.build/release scripts/bench-siem.sh $(BENCH_EVENTS)

## bench-smtp: 10,000 templated mails through the relay into a local SMTP sink, messages/s against Python smtplib over one connection (release build)
bench-smtp: release
	$(MAKE) --no-print-directory bench-tools
	BENCH_BIN_DIR=.build/release scripts/bench-smtp.sh $(BENCH_MESSAGES)

clean:
	rm -rf .build var
