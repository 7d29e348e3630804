# Two entry points: `make run` (the embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

.PHONY: run test test-unit demo screenshots bench bench-scoring bench-field bench-tracker bench-alerting bench-dashboard
run: $(VENV)/.installed
	$(VENV)/bin/dregs serve

test: $(VENV)/.installed
	$(VENV)/bin/pytest

# A demo team with a month of labelled traffic (people and each kind of fraud) on the Dregs `make run` started.
demo: $(VENV)/.installed
	$(VENV)/bin/dregs demo

# A PNG of each dashboard page (docs/screenshots/), from a fresh embedded Dregs fed the demo's traffic, in Chromium.
screenshots: $(VENV)/.installed
	$(VENV)/bin/python docs/screenshots.py

# The pure tests (domain rules, analyzers, layer contracts): no PostgreSQL, no Redis, no server; well under a minute.
test-unit: $(VENV)/.installed
	$(VENV)/bin/pytest tests/unit

bench: $(VENV)/.installed
	$(VENV)/bin/python bench/ingest.py

# Scoring quality (ROC AUC per category on labelled synthetic traffic) and cycle cost vs history length.
bench-scoring: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e '.[bench]'
	$(VENV)/bin/python bench/scoring_quality.py

# Scoring quality on an independent labelled set (bench/field/: real-world names, lists and browsers) through a live
# server's HTTP API: ROC AUC per category, legit users scored <= 30, accented names vs ASCII twins; dev and held-out sets.
bench-field: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e '.[bench]'
	$(VENV)/bin/python bench/field_quality.py --both --json /tmp/dregs-bench-field.json

# Size of the browser tracker dregs.js: raw, minified as served, minified+gzip -9 (goal < 10 KB).
bench-tracker: $(VENV)/.installed
	$(VENV)/bin/python bench/tracker_size.py

# POST /api/events?decide=true latency, then event accepted → webhook received, alone and at half load;
# then what one decision and one projection round cost in-process (statements, CPU).
bench-alerting: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e '.[bench]'
	$(VENV)/bin/python bench/decide_latency.py
	$(VENV)/bin/python bench/webhook_latency.py
	$(VENV)/bin/python bench/cycle_cost.py
	$(VENV)/bin/python bench/projection_rounds.py

# Server time of every dashboard page (p50, p95, max; goal p95 <= 150 ms) on a team of 100,000 identities and
# 1,000,000 events sent through POST /api/events. Seeding that through HTTP takes well over an hour on 2 cores:
# BENCH_DASHBOARD_ARGS='--scale 0.1' for a tenth, '--keep-db' then '--reuse-db NAME' to measure it again.
BENCH_DASHBOARD_ARGS ?=
bench-dashboard: $(VENV)/.installed
	$(VENV)/bin/python bench/dashboard_pages.py $(BENCH_DASHBOARD_ARGS)

# `dregs audit replay`'s speed: decisions made by real scoring of the demo's traffic on PostgreSQL, more recorded from
# their profiles up to 50,000, then the log read and decoded (goal >= 30,000 events/s) and every decision verified.
BENCH_AUDIT_ARGS ?=
.PHONY: bench-audit
bench-audit: $(VENV)/.installed
	$(VENV)/bin/python bench/audit_replay.py $(BENCH_AUDIT_ARGS)
