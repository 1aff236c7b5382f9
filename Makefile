# Two commands matter (see README):
#   make run   set everything up, then serve the app at http://localhost:3000
#   make test  set everything up, then run every test (unit + end-to-end)
# Every step is stamped, so a second run with nothing changed reinstalls nothing.

SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := tools/node_modules
PORT ?= 3000

# Node ≥ 22.22 and bun come from the npm registry (Reflex's own downloads need the open internet).
export PATH := $(CURDIR)/$(TOOLS)/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export NPM_CONFIG_REGISTRY ?= https://registry.npmjs.org
export PORT

.PHONY: run prod test setup unit e2e lint i18n bench clean system-deps

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(TOOLS)/.installed: tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund --loglevel=error
	touch $@

# Compiled message catalogues (.mo) are build output of the .po files.
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(PY) -m babel.messages.frontend compile -d locales -D messages -l $* >/dev/null

CATALOGUES := locales/vi/LC_MESSAGES/messages.mo locales/en/LC_MESSAGES/messages.mo

setup: $(VENV)/.installed $(TOOLS)/.installed $(CATALOGUES)
	$(PY) -m citizen_app catalog check
	$(PY) -m citizen_app setup

run: setup
	$(VENV)/bin/reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

# The production profile on this machine (README, "Production"): PostgreSQL, Redis, WEB_WORKERS web workers
# and a job worker. Every value may be overridden from the environment: `WEB_WORKERS=4 make prod`.
prod: setup
	DATABASE_URL="$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/citizen}" \
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" \
	WEB_WORKERS="$${WEB_WORKERS:-2}" \
	LOG_FORMAT="$${LOG_FORMAT:-json}" \
	JOBS_IN_APP=false \
	$(PY) -m citizen_app prod

# Debian's chromium (Playwright cannot download its own browser here), zbar for QR decoding, and
# poppler-utils (pdftoppm) to render the PDFs the app issues so tests can read their QR codes.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ldconfig -p | grep -q libzbar.so || missing="$$missing libzbar0"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -qi "noto" || missing="$$missing fonts-noto-core"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Each e2e worker builds and serves its own copy of the app (tests/e2e/server.py), so files run side by side.
E2E_WORKERS ?= 2

test: setup system-deps
	$(PY) -m pytest tests/unit -q -n auto
	$(PY) -m pytest tests/e2e -q -n $(E2E_WORKERS) --dist loadfile

unit: setup system-deps
	$(PY) -m pytest tests/unit -q -n auto

e2e: setup system-deps
	$(PY) -m pytest tests/e2e -q -n $(E2E_WORKERS) --dist loadfile

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check citizen_app tests bench alembic rxconfig.py

# pybabel extract + update (then translate the new entries in both .po files).
i18n: $(VENV)/.installed
	$(PY) -m citizen_app i18n update
	$(PY) -m citizen_app i18n check

bench: setup system-deps
	$(PY) bench/run_all.py

clean:
	rm -rf .web var $(VENV) tools/node_modules locales/*/LC_MESSAGES/*.mo
