# Mozaika: `make run` starts the product, `make test` proves it. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help run test lint lock test-servers browser bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# Exact versions and hashes from the lock (`make lock` renews it after a change to pyproject.toml).
$(STAMP): pyproject.toml requirements/development.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/development.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP) ## serve the API on http://127.0.0.1:8000 with a worker (embedded PostgreSQL, Redis, archive)
	$(PY) -m mozaika serve

test: $(STAMP) lint browser ## lint, then the whole test suite on the embedded runtime (or the configured servers)
	$(PY) -m pytest

lint: $(STAMP) ## ruff, the import flow, mypy and a migrations check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=platform:. $(VENV)/bin/lint-imports --no-cache
	# A configured DATABASE_URL keeps mypy's settings import from starting the embedded server.
	DATABASE_URL=postgres://lint@127.0.0.1/lint BROKER_URL=redis://127.0.0.1:1 $(VENV)/bin/mypy
	$(PY) -m mozaika makemigrations --check --dry-run --verbosity 0

# The contract, the generated client and the browser prove the API, not a server: `make test` runs them.
test-servers: $(STAMP) ## the suite against PostgreSQL, RabbitMQ and Redis on 127.0.0.1 (what CI adds)
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/mozaika \
	BROKER_URL=amqp://guest:guest@127.0.0.1:5672/%2F \
	COUNTER_STORE_URL=redis://127.0.0.1:6379/0 \
	$(PY) -m pytest -m "not one_configuration"

# Debian's Chromium and its driver for the browser tests (tests/e2e/test_docs_browser.py); quick
# when they are there. CI runs as root; elsewhere apt-get goes through sudo.
browser: ## install headless Chromium and chromedriver from the system's packages if missing
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver; }

lock: $(STAMP) ## renew the locked versions (development: embedded + dev extras; production: the image's)
	$(VENV)/bin/uv pip compile pyproject.toml --extra embedded --extra dev --python-version 3.11 --generate-hashes --quiet -o requirements/development.txt
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet -o requirements/production.txt

clean: ## remove the virtualenv and the embedded data
	rm -rf $(VENV) .mozaika
