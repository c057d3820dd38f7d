# The two commands of the README: `make up` runs the platform, `make test` runs every test.
# Both create the virtual environment and fetch what they need (pip, Maven, apt) themselves.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
INFRA := $(PY) deploy/local/infra.py

.PHONY: up down status test faults lint schemas clean chromium

DASHBOARD := services/projections/dashboard
ECHARTS := $(DASHBOARD)/static/vendor/echarts.min.js

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found " + sys.version.split()[0] + "): install python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

## dashboard assets: from the npm registry at build time; the page loads nothing from the internet
$(ECHARTS): $(DASHBOARD)/package-lock.json
	cd $(DASHBOARD) && npm ci
	mkdir -p $(dir $@)
	cp $(DASHBOARD)/node_modules/echarts/dist/echarts.min.js $@

## the official AsyncAPI parser (npm), which checks schemas/asyncapi.json in lint and in the tests
ASYNCAPI_PARSER := tools/asyncapi/node_modules/.package-lock.json
$(ASYNCAPI_PARSER): tools/asyncapi/package-lock.json
	cd tools/asyncapi && npm ci --no-audit --no-fund

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work here).
chromium:
	@command -v chromium >/dev/null && fc-list | grep -q "Noto Sans CJK" || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; }

## up: run the platform in the foreground on local defaults (Kafka, PostgreSQL, every service, the demo
## on an empty platform); Ctrl-C stops it. ARGS=--no-demo skips the demo.
up: $(INSTALLED) $(ECHARTS)
	$(PY) deploy/local/supervisor.py $(ARGS)

down: $(INSTALLED)
	$(INFRA) stop

status: $(INSTALLED)
	$(INFRA) status

## test: lint, type-check, schema drift check, then every test (unit, integration, e2e) on real servers,
## the fuzzing of every OpenAPI document with Schemathesis among them (tests/fuzz)
test: $(INSTALLED) $(ECHARTS) chromium lint
	$(PY) -m pytest

## faults: the fault-injection suite alone (tests/faults: a 3-broker Kafka cluster, replicas, processes
## killed under load; about 10 minutes). `make test` runs it too.
faults: $(INSTALLED)
	$(PY) -m pytest tests/faults -s

lint: $(INSTALLED) $(ASYNCAPI_PARSER)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy govgrid services demo deploy bench tests conftest.py
	$(PY) -m govgrid.catalogue.export --check
	node tools/asyncapi/validate.mjs schemas/asyncapi.json

schemas: $(INSTALLED)
	$(PY) -m govgrid.catalogue.export

clean:
	-$(INFRA) stop
	rm -rf $(VENV) .local $(DASHBOARD)/node_modules tools/asyncapi/node_modules $(dir $(ECHARTS))
