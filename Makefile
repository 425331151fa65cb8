# The two commands of the README: `make book` and `make test`. Everything else is a helper.
# Prerequisite: Python 3.11 on PATH as python3.11 (override with `make PYTHON=/path/to/python3.11`).

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
STAMP  := $(VENV)/.installed
export PATH := $(BIN):$(PATH)
# Reproducible: a fixed hash seed. (No MPLBACKEND here: it would override the kernels' inline
# backend, and figures would leave no output for nbval to compare.)
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

JB_FLAGS := --all
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))

# JavaScript for offline reading, fetched once at set-up from the npm registry (pinned versions,
# checked against tools/assets.sha256) into git-ignored folders: MathJax for the book's maths,
# reveal.js for the slide decks. Nothing is loaded from a CDN at read time.
MATHJAX := _extra/mathjax/tex-mml-chtml.js
REVEAL  := _vendor/reveal.js/dist/reveal.js
ASSETS  := $(MATHJAX) $(REVEAL)

.PHONY: book test test-lib test-notebooks test-build test-browser outputs bench data slides assets clean help

help:
	@echo "make book   - set up .venv if missing, build the HTML book into _build/html"
	@echo "make test   - library tests, nbval on every chapter, strict book build (-W -n), browser test"
	@echo "make outputs - re-execute every chapter in place (after editing a chapter)"
	@echo "make bench  - time each chapter's execution; writes benchmarks/results.md"
	@echo "make slides - one reveal.js deck per chapter into _build/slides (offline)"
	@echo "make test-browser - headless Chromium checks every page of _build/html"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	touch $(STAMP)

$(ASSETS): tools/fetch_assets.sh tools/assets.sha256
	tools/fetch_assets.sh
	touch $(ASSETS)

assets: $(ASSETS)

book: $(STAMP) $(ASSETS)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	$(BIN)/jupyter-book build $(JB_FLAGS) .

test: $(STAMP)
	$(MAKE) --no-print-directory test-lib test-notebooks test-build test-browser

test-lib: $(STAMP)
	$(BIN)/python -m pytest tests -q --ignore=tests/test_browser.py

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -q $(NOTEBOOKS)

test-build: $(STAMP) $(ASSETS)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	$(BIN)/jupyter-book build $(JB_FLAGS) -W -n --keep-going .

# Needs the book built by test-build (or `make book`); VRP_BUILD_DIR points it elsewhere.
test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/test_browser.py -q

outputs: $(STAMP)
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=300 $$nb || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

slides: $(STAMP) $(ASSETS)
	$(BIN)/python tools/make_slides.py --out _build/slides $(NOTEBOOKS)

data: $(STAMP)
	$(BIN)/python data/make_data.py

clean:
	rm -rf _build
