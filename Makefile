# Fellowship: `make run` starts the platform, `make test` proves it. Needs only Python >= 3.11.
#
# Everything installs into the project: uv (pinned) into .tools/, the locked dependencies into .venv/.

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install web-tools browser-tools i18n run test test-fast lint typecheck test-unit test-integration test-reliability test-e2e \
        test-fuzz test-deploy bench asyncapi asyncapi-validate contracts-snapshot clean

help:
	@echo "make run     start the whole platform on embedded PostgreSQL, Kafka-protocol broker and SMTP sink"
	@echo "make test    lint, type checks and every test"
	@echo "make test-fast  the inner loop: lint, unit and integration tests without the slow ones"
	@echo "make bench   benchmarks (ratios against baselines measured in the same run)"
	@echo "make i18n    after changing the web client's texts: update the French catalogue to translate"

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) uv.lock pyproject.toml $(wildcard services/*/pyproject.toml)
	$(UV) sync --frozen --all-packages --python $(PYTHON)
	@touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python deploy/local/stack.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check shared services tests bench deploy

typecheck: install
	$(BIN)/mypy shared services/*/src

test-unit: install web-tools
	$(BIN)/pytest -q tests/unit services/*/tests/unit

test-integration: install
	$(BIN)/pytest -q tests/integration services/*/tests/integration

test-reliability: install
	$(BIN)/pytest -q tests/reliability

test-e2e: install browser-tools
	$(BIN)/pytest -q tests/e2e

test-fuzz: install
	$(BIN)/pytest -q tests/fuzz

test-deploy: install
	$(BIN)/pytest -q tests/deploy

test: lint typecheck asyncapi-validate browser-tools
	$(BIN)/pytest -q --durations=25  # one process: on two cores two xdist workers were slower (CPU-bound); the slowest tests

test-fast: lint web-tools
	$(BIN)/pytest -q -m "not slow" tests/unit tests/integration services

bench: install
	$(BIN)/python bench/outbox_relay.py
	$(BIN)/python bench/consumer_path.py
	$(BIN)/python -P bench/matching.py
	$(BIN)/python bench/gateway_proxy.py

# AsyncAPI documents: written from each service's spec, checked by a test, validated by the AsyncAPI
# project's own parser (npm @asyncapi/parser, pinned in tools/asyncapi/package-lock.json).
ASYNCAPI_TOOL := tools/asyncapi
$(ASYNCAPI_TOOL)/node_modules/.installed: $(ASYNCAPI_TOOL)/package-lock.json
	npm ci --prefix $(ASYNCAPI_TOOL) --no-audit --no-fund --ignore-scripts
	@touch $@

asyncapi: install
	$(BIN)/fellowship-asyncapi write

asyncapi-validate: $(ASYNCAPI_TOOL)/node_modules/.installed
	node $(ASYNCAPI_TOOL)/validate.mjs services/*/asyncapi.yaml

contracts-snapshot: install
	$(BIN)/python -m shared.contracts.snapshots --write

# The web client's front-end pieces (npm, pinned in tools/web/package-lock.json): htmx, vendored into the
# gateway and checked against this pin by a test, and axe-core for the browser tests. The browser is Debian's
# Chromium, installed here when missing (as root; otherwise the command to run is printed).
WEB_TOOL := tools/web
$(WEB_TOOL)/node_modules/.installed: $(WEB_TOOL)/package-lock.json
	npm ci --prefix $(WEB_TOOL) --no-audit --no-fund --ignore-scripts
	@touch $@

CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core; \
	else \
	  echo "The browser tests need Debian's Chromium: sudo apt-get install chromium fonts-dejavu-core"; exit 1; \
	fi

web-tools: $(WEB_TOOL)/node_modules/.installed

browser-tools: web-tools $(CHROMIUM)

# After changing a text of the web client: extract the messages, update the French catalogue, then translate
# what is new or changed (a test fails while any message is untranslated or fuzzy).
GATEWAY_DIR := services/gateway
i18n: install
	cd $(GATEWAY_DIR) && ../../$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header \
	  -o ../../.tools/messages.pot .
	$(BIN)/pybabel update -i .tools/messages.pot -d $(GATEWAY_DIR)/src/gateway/locale -w 100 --ignore-obsolete --no-fuzzy-matching

clean:
	rm -rf $(VENV) $(TOOLS) $(ASYNCAPI_TOOL)/node_modules $(WEB_TOOL)/node_modules .pytest_cache .mypy_cache .ruff_cache
