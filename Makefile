# Quick start: `make demo` (install + scan the demo corpus), `make test` (install dev + pytest).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= synthwatch.duckdb
# The shared corpus, when it is beside the clone (our checkouts, CI): the tests over it run then.
# From a clone alone it is not set, and `make test` deselects those tests (tests/conftest.py).
ifeq ($(origin SYNTHWATCH_CORPUS),undefined)
ifneq ($(wildcard ../shared/corpora/labels-dev.csv),)
SYNTHWATCH_CORPUS := $(abspath ../shared/corpora)
export SYNTHWATCH_CORPUS
endif
endif

.PHONY: demo test lint format bench bench-scale install install-dev clean wheel-check

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "synthwatch needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# compileall: an editable install leaves the package as source; byte-compiling it once spares
# every worker process the compile (PYTHONDONTWRITEBYTECODE would stop Python doing it itself).
# The report extra (matplotlib): the README's next step after `make demo` is `synthwatch report`.
$(VENV)/.installed: pyproject.toml pipeline/sources/pdf/_pdfium_lines.c | $(BIN)/python
	$(BIN)/pip install -q -e '.[report]'
	$(BIN)/python -m compileall -q pipeline
	@touch $@

$(VENV)/.installed-dev: pyproject.toml pipeline/sources/pdf/_pdfium_lines.c | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -m compileall -q pipeline
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/synthwatch scan corpora/demo --db $(DB)

test: install-dev
	$(BIN)/python -m pytest -q

# sdist + wheel, the wheel installed in a clean venv outside the clone and run there (needs PyPI)
wheel-check:
	.ci/wheel-check $(PYTHON)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Figures, never pass/fail: see benchmarks/README.md. The dask extra (in dev) adds the Dask row.
BENCH_CORPUS = $(or $(SYNTHWATCH_CORPUS),$(abspath ../shared/corpora))
bench: install-dev
	$(BIN)/python benchmarks/extract.py --corpus $(BENCH_CORPUS) --pdfminer-limit 10
	$(BIN)/python benchmarks/scan.py --corpus $(BENCH_CORPUS)
	$(BIN)/python benchmarks/query.py
	$(BIN)/python benchmarks/snapshot.py
	$(BIN)/python benchmarks/accuracy.py --corpus $(BENCH_CORPUS)

# Issues 15 and 18: every scale target in one run (about 40 minutes on 2 cores; keep the
# machine otherwise idle). Outputs and summary.txt in benchmarks/results/scale/.
bench-scale: install-dev
	$(BIN)/python benchmarks/scale.py --corpus $(BENCH_CORPUS) --out benchmarks/results/scale

clean:
	rm -rf $(VENV) $(DB) reports/out .pytest_cache
