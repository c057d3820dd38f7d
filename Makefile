# The two commands of the README: `make up` runs the platform, `make test` runs every test.
# Both create the virtual environment and fetch what they need (pip, Maven, apt) themselves.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
INFRA := $(PY) deploy/local/infra.py

.PHONY: up down status test lint schemas token clean

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found " + sys.version.split()[0] + "): install python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

## up: run the platform in the foreground on local defaults (Kafka, PostgreSQL, every service); Ctrl-C stops it
up: $(INSTALLED)
	$(PY) deploy/local/supervisor.py

down: $(INSTALLED)
	$(INFRA) stop

status: $(INSTALLED)
	$(INFRA) status

## test: lint, type-check, schema drift check, then every test (unit, integration, e2e) on real servers
test: $(INSTALLED) lint
	$(PY) -m pytest

lint: $(INSTALLED)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy govgrid deploy bench tests conftest.py
	$(PY) -m govgrid.catalogue.export --check

schemas: $(INSTALLED)
	$(PY) -m govgrid.catalogue.export

clean:
	-$(INFRA) stop
	rm -rf $(VENV) .local
