# The two commands of the README: `make book` and `make test`. Everything else is a helper.
# Prerequisite: Python 3.11 on PATH as python3.11 (override with `make PYTHON=/path/to/python3.11`).

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
STAMP  := $(VENV)/.installed
export PATH := $(BIN):$(PATH)
# Offline and reproducible: no telemetry, a fixed hash seed, a non-interactive plot backend.
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

JB_FLAGS := --all
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))

.PHONY: book test test-lib test-notebooks test-build outputs bench data clean help

help:
	@echo "make book   - set up .venv if missing, build the HTML book into _build/html"
	@echo "make test   - library tests, nbval on every chapter, strict book build (-W -n)"
	@echo "make outputs - re-execute every chapter in place (after editing a chapter)"
	@echo "make bench  - time each chapter's execution; writes benchmarks/results.md"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	$(BIN)/jupyter-book build $(JB_FLAGS) .

test: $(STAMP)
	$(MAKE) --no-print-directory test-lib test-notebooks test-build

test-lib: $(STAMP)
	$(BIN)/python -m pytest tests -q

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -q $(NOTEBOOKS)

test-build: $(STAMP)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	$(BIN)/jupyter-book build $(JB_FLAGS) -W -n --keep-going .

outputs: $(STAMP)
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=300 $$nb || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

data: $(STAMP)
	$(BIN)/python data/make_data.py

clean:
	rm -rf _build
