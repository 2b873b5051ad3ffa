# CivicStat: the documented commands. Every target installs what it needs, so each works on a fresh clone.
#   make demo   - the Durham dashboard on http://127.0.0.1:8000 with computed measures
#   make test   - the whole test suite (installs Chromium and axe-core when missing)
#   make bench  - speed and memory benchmarks, printed as ratios against baselines run in the same process
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
CIVICSTAT := $(BIN)/civicstat
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: help install demo demo-data serve test test-fast browser bench lint format messages clean

help:
	@echo "make demo    set up everything and serve the Durham dashboard on http://$(HOST):$(PORT)"
	@echo "make test    set up everything (Chromium and axe-core included) and run the whole suite"
	@echo "make bench   run the benchmarks (time and peak memory against baselines)"
	@echo "make lint    ruff check and format check"
	@echo "make messages  refresh and compile the translation catalogues (Spanish: civicstat/locale/es)"

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium drives the browser tests; Playwright never downloads a browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium (needed by the browser tests)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is still missing: the browser tests cannot run"; exit 1; }

# The background worker runs beside the server (staff edits to events reach the warehouse, refreshes
# started from the admin run) and stops with it.
demo: install
	$(CIVICSTAT) migrate --noinput
	$(CIVICSTAT) demo
	@$(CIVICSTAT) db_worker --backend background --queue-name '*' & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(CIVICSTAT) runserver $(HOST):$(PORT)

# The demo content without serving it (used by CI-style smoke checks).
demo-data: install
	$(CIVICSTAT) migrate --noinput
	$(CIVICSTAT) demo

test: install browser node_modules/axe-core/axe.min.js
	$(BIN)/pytest $(PYTEST_ARGS)

# Development loop: keep the test database between runs (not used by CI).
test-fast: install
	$(BIN)/pytest --reuse-db -m "not browser" $(PYTEST_ARGS)

bench: install
	$(PY) -m bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check civicstat bench
	$(BIN)/ruff format --check civicstat bench

format: install
	$(BIN)/ruff format civicstat bench
	$(BIN)/ruff check --fix civicstat bench

# Refresh the translation catalogues from the code and compile them (civicstat/locale/*/LC_MESSAGES;
# the compiled .mo files are committed, so running the site never needs gettext).
messages: install
	@command -v xgettext >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >/dev/null; }
	cd civicstat && ../$(CIVICSTAT) makemessages --all --ignore "*/tests/*" && ../$(CIVICSTAT) compilemessages

clean:
	rm -rf $(VENV) node_modules var .pytest_cache test-output
