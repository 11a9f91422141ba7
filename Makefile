# mpp-metrics: one entry point per task. `make run` and `make test` work on a fresh machine (Python 3.11).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/var/dagster_home
# uv must never download a Python: use this machine's 3.11.
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup run test dev lint bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# expectations/__init__.py: a venv made before that package existed must re-install the editable project
$(BIN)/uv-sync.stamp: pyproject.toml uv.lock expectations/__init__.py
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(PYTHON) -m uv sync --frozen --extra dev --python $(PYTHON) --reinstall-package mpp-metrics
	@touch $@

# Byte-compile the environment once (uv installs sources only): a process then never compiles a module when it
# starts, even where PYTHONDONTWRITEBYTECODE keeps Python from caching what it compiled (importing Dagster, dbt
# and GE took 18-21 s instead of 12 s on a busy 2-core machine). Files that do not compile are left to Python.
$(BIN)/bytecode.stamp: $(BIN)/uv-sync.stamp
	@$(BIN)/python -m compileall -q -j 0 $(VENV)/lib orchestration expectations >/dev/null || true
	@touch $@

target/manifest.json: $(BIN)/uv-sync.stamp dbt_project.yml $(shell find models seeds macros -type f 2>/dev/null)
	$(BIN)/python -m orchestration.project

# the bundled SYNTHETIC inputs of a default run (EOIR release + linked NRI extract), generated once at setup
BUNDLED := var/generated/.bundled.stamp
$(BUNDLED): $(BIN)/uv-sync.stamp orchestration/eoir/generator.py orchestration/uscis/generator.py
	$(BIN)/mpp-metrics generate bundled
	@touch $@

setup: $(BIN)/uv-sync.stamp $(BIN)/bytecode.stamp target/manifest.json $(BUNDLED) ## Install the pinned environment (uv.lock), parse the dbt project, generate the bundled synthetic inputs
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

run: setup ## Install, then run the whole pipeline on the bundled data (as of 2020-12-31)
	$(BIN)/mpp-metrics run

test: setup ## Install, then run the whole test suite
	$(BIN)/python -m pytest

DEV_PORT ?= 3000
dev: setup ## Start the Dagster UI on http://127.0.0.1:3000 (DEV_PORT=3001 for another port; Ctrl-C stops it)
	$(BIN)/dagster dev -h 127.0.0.1 -p $(DEV_PORT)

SCALE ?= 1.0
bench: setup ## Benchmark at release size (SCALE=1.0; SCALE=0.002 for a quick look; WORK_DIR= a folder with a generated release) -> benchmarks/results/
	$(PYTHON) -m uv sync --frozen --extra dev --extra bench --python $(PYTHON)
	$(BIN)/python -m benchmarks.run --scale $(SCALE) $(if $(WORK_DIR),--work-dir $(WORK_DIR))

lint: setup ## Static checks
	$(BIN)/ruff check orchestration expectations tests benchmarks

clean: ## Remove everything generated (warehouse, outputs, Dagster home, dbt target)
	rm -rf var target
