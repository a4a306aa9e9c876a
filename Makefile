# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench clean setup browser ldes

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/advocacy-ld serve examples

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy --strict src

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# The browser tests drive Debian's Chromium (never a downloaded build); install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }

# The LDES harvester tests run ldes-client (npm, pinned by tests/ldes/package-lock.json) on
# Node.js; install Debian's nodejs and npm when node is missing, and the client when
# node_modules is missing or older than the lock.
LDES := tests/ldes
ldes: $(LDES)/node_modules/.installed

$(LDES)/node_modules/.installed: $(LDES)/package-lock.json $(LDES)/package.json
	@{ command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } || { \
	  SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm; }
	cd $(LDES) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The whole suite on the embedded store, then the web and store tests again with each
# deployment's archive and public dataset on two Oxigraph servers (the remote store).
test: lint browser ldes
	$(BIN)/pytest
	$(BIN)/pytest --store=server tests/web tests/store

# Not part of `make test`. Options: make bench BENCH_ARGS="--statements 500 --duration 3".
# Needs wrk (Debian) and bench/.venv (oxigraph, rdflib-endpoint, py-spy), installed here if missing.
bench: $(STAMP)
	@command -v wrk >/dev/null || { if [ "$$(id -u)" -eq 0 ]; then S=; else S=sudo; fi; \
	  $$S apt-get update -qq && $$S apt-get install -y -qq wrk; }
	@[ bench/.venv/.installed -nt bench/requirements.txt ] || { $(PYTHON) -m venv bench/.venv && \
	  bench/.venv/bin/pip install --quiet -r bench/requirements.txt && touch bench/.venv/.installed; }
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache $(LDES)/node_modules
