# The two commands of the README: `make book` and `make test`. Everything else is a helper.
# Prerequisite: Python 3.11 or newer. The Makefile uses the first of python3.13, python3.12,
# python3.11 and python3 on PATH that runs and is at least 3.11 (a pyenv shim of a version that
# is not installed does not run, and is passed over); override with `make PYTHON=/path/to/python`.

PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3
ifeq ($(origin PYTHON),undefined)
PYTHON := $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell command -v $(p) >/dev/null 2>&1 \
  && $(p) -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $(p))))
PYTHON_ERROR := $(if $(PYTHON),,no Python >= 3.11 found (tried $(PYTHON_CANDIDATES)); install one, or \
  name it: make PYTHON=/path/to/python3)
else
# A PYTHON named by the reader is checked too: it must run and be at least 3.11.
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
PYTHON_ERROR := $(if $(PYTHON_VERSION),$(if $(shell $(PYTHON) -c 'import sys; \
  sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo ok),,PYTHON=$(PYTHON) is Python \
  $(PYTHON_VERSION); the book needs 3.11 or newer),PYTHON=$(PYTHON) does not run (not found, or not \
  a Python); name an interpreter that runs: make PYTHON=/path/to/python3)
endif
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
STAMP  := $(VENV)/.installed
export PATH := $(BIN):$(PATH)
# Reproducible: a fixed hash seed. (No MPLBACKEND here: it would override the kernels' inline
# backend, and figures would leave no output for nbval to compare.)
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

JB_FLAGS := --all
# Every target but `make book VRP_DATA=latest` and `make refresh` runs on the embedded data.
EMBEDDED := env VRP_DATA=embedded
# The chapters record their named claims here during a book build; claims.ipynb lists them.
CLAIMS := VRP_CLAIMS_DIR=$(CURDIR)/_build/claims
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))

# JavaScript for offline reading, fetched once at set-up from the npm registry (pinned versions,
# checked against tools/assets.sha256) into git-ignored folders: MathJax for the book's maths,
# reveal.js for the slide decks. Nothing is loaded from a CDN at read time.
MATHJAX := _extra/mathjax/tex-mml-chtml.js
REVEAL  := _vendor/reveal.js/dist/reveal.js
AXE     := _vendor/axe-core/axe.min.js
ASSETS  := $(MATHJAX) $(REVEAL) $(AXE)

# Parts of `make test` that are not in test-lib (they need a build, or the package registry).
SLOW_TESTS := tests/test_browser.py tests/test_pdf.py tests/test_student.py tests/test_setup.py \
  tests/test_participants.py tests/test_latest.py
# The other supported Pythons found on this machine run test-lib and test-notebooks too
# (tools/test_pythons.py; each in its own .venv-3.X).

.PHONY: book test test-lib test-notebooks test-build test-browser test-pdf test-student \
	test-latest test-setup test-pythons outputs bench refresh data slides assets pdf student lab print-python clean help

help:
	@echo "make book   - set up .venv if missing, build the HTML book into _build/html"
	@echo "make test   - library tests, nbval on every chapter, strict book build (-W -n), browser test"
	@echo "make outputs - re-execute every chapter in place (after editing a chapter)"
	@echo "make bench  - time each chapter's execution; writes benchmarks/results.md"
	@echo "make slides - one reveal.js deck per chapter into _build/slides (offline)"
	@echo "make test-browser - headless Chromium checks every page of _build/html"
	@echo "make pdf    - two PDF editions: _build/pdf/vrp-book-participants.pdf (also vrp-book.pdf) and vrp-book-trainer.pdf (needs Chromium)"
	@echo "make student - student notebooks (no solutions, no hidden cells) into _build/student"
	@echo "make refresh - today's VIX, S&P 500 and rates into your own data folder (VRP_DATA_HOME), never committed"
	@echo "make test-pythons - library tests and nbval under the other Pythons 3.11-3.13 found here"
	@echo "make course - the participants' course folder (work/, COURSE_DIR=): student notebooks, never overwritten"
	@echo "make lab    - JupyterLab on the course folder (LAB_FLAGS= for extra flags; PYTHON=$(PYTHON))"
	@echo "make preflight - is this laptop ready for the course? one PASS/FAIL line per check"
	@echo "make wheelhouse - wheels for offline installs (PLATFORMS=, PYVERSIONS=) into wheelhouse/"

# The interpreter the venv is made from (tests/test_setup.py checks the choice).
print-python:
	@test -z "$(PYTHON_ERROR)" || { echo "$(PYTHON_ERROR)" >&2; exit 1; }
	@echo "$(PYTHON)"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || test -z "$(PYTHON_ERROR)" || { echo "$(PYTHON_ERROR)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	touch $(STAMP)

$(ASSETS): tools/fetch_assets.sh tools/assets.sha256
	tools/fetch_assets.sh
	touch $(ASSETS)

assets: $(ASSETS)

# `make book VRP_DATA=latest` builds a separate book on the refreshed data (make refresh) into
# _build/html-latest; the committed book, the tests and nbval always use the embedded data.
ifeq ($(VRP_DATA),latest)
book: $(STAMP) $(ASSETS)
	rm -rf _build/latest _build/html-latest _build/claims-latest
	VRP_DATA=latest VRP_CLAIMS_DIR=$(CURDIR)/_build/claims-latest \
	  $(BIN)/jupyter-book build $(JB_FLAGS) --path-output _build/latest .
	mv _build/latest/_build/html _build/html-latest && rm -rf _build/latest
	@echo "The book on refreshed data: _build/html-latest/index.html"
else
book: $(STAMP) $(ASSETS)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees _build/claims
	$(EMBEDDED) $(CLAIMS) $(BIN)/jupyter-book build $(JB_FLAGS) .
endif

# The PDF is built before the HTML book, so that the book's intro page links it (and the browser
# test checks that link); the PDF test reads it afterwards.
test: $(STAMP)
	$(MAKE) --no-print-directory test-lib test-notebooks pdf test-build test-browser test-pdf \
	  test-student test-latest test-setup test-pythons

test-lib: $(STAMP)
	$(EMBEDDED) $(BIN)/python -m pytest tests -q $(addprefix --ignore=,$(SLOW_TESTS))

test-notebooks: $(STAMP)
	$(EMBEDDED) $(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -q $(NOTEBOOKS)

test-build: $(STAMP) $(ASSETS)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees _build/claims
	$(EMBEDDED) $(CLAIMS) $(BIN)/jupyter-book build $(JB_FLAGS) -W -n --keep-going .

# Needs the book built by test-build (or `make book`); VRP_BUILD_DIR points it elsewhere.
test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/test_browser.py -q

# Needs the PDF written by `make pdf`.
test-pdf: $(STAMP)
	$(BIN)/python -m pytest tests/test_pdf.py -q

# Builds the student notebooks into a temporary folder and runs them.
test-student: $(STAMP)
	$(EMBEDDED) $(BIN)/python -m pytest tests/test_student.py -q

# `make refresh` against a local server (synthetic rows after the embedded data), then every
# chapter executed on VRP_DATA=latest in a temporary copy, and the claims page (tests/test_latest.py).
test-latest: $(STAMP)
	$(BIN)/python -m pytest tests/test_latest.py -q

# Resolves requirements.txt for Python 3.11, 3.12 and 3.13, and requirements-participants.txt for
# Windows, macOS (Intel and Apple silicon) and Linux on each (needs the package registry).
test-setup: $(STAMP)
	$(BIN)/python -m pytest tests/test_setup.py tests/test_participants.py -q

# Library tests and strict nbval under each other Python 3.11-3.13 installed here (not the venv's).
test-pythons: $(STAMP)
	$(EMBEDDED) $(BIN)/python tools/test_pythons.py --skip $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# The whole book as one PDF, printed by headless Chromium from a single-page HTML build of the
# stored (nbval-checked) outputs: no re-execution.
pdf: $(STAMP) $(ASSETS)
	$(EMBEDDED) $(BIN)/python tools/make_pdf.py --out _build/pdf/vrp-book.pdf

student: $(STAMP)
	$(BIN)/python tools/make_student.py --out _build/student $(NOTEBOOKS)

# JupyterLab on the participants' course folder (`make course`, never overwritten; the chapters
# themselves: `make lab LAB_DIR=chapters`). Extra JupyterLab flags: `make lab LAB_FLAGS="--no-browser
# --ip=127.0.0.1"`. Run as root (a container), Jupyter refuses to start without --allow-root: added.
COURSE_DIR ?= work
LAB_DIR ?= $(COURSE_DIR)
LAB_FLAGS ?=
LAB_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
lab: $(STAMP)
	test -d "$(LAB_DIR)" || $(MAKE) --no-print-directory course COURSE_DIR="$(LAB_DIR)"
	$(BIN)/jupyter lab --notebook-dir="$(LAB_DIR)" $(LAB_ROOT) $(LAB_FLAGS)

outputs: $(STAMP)
	for nb in $(NOTEBOOKS); do \
	  $(EMBEDDED) $(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=300 $$nb || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

slides: $(STAMP) $(ASSETS)
	$(BIN)/python tools/make_slides.py --out _build/slides $(NOTEBOOKS)

data: $(STAMP)
	$(BIN)/python data/make_data.py

# Today's VIX, S&P 500 and rates into the reader's own data folder (VRP_DATA_HOME; never the
# repository), checked against the embedded files (vrp_lib.refresh). Needs the network.
refresh: $(STAMP)
	$(BIN)/python -m vrp_lib.refresh

clean:
	rm -rf _build


# --- The course: participants' folder, offline wheels, pre-flight check (issue 17) ---
.PHONY: course wheelhouse preflight

# The participants' course folder (git-ignored): one student notebook per chapter, created once;
# a re-run adds what is missing and keeps every file that is there. COURSE_DIR= moves it.
course: $(STAMP)
	$(BIN)/python tools/make_course.py --out "$(COURSE_DIR)" $(NOTEBOOKS)

# The wheels of requirements-participants.txt for installing with no network (a USB stick), into
# WHEELHOUSE (default wheelhouse/, git-ignored). PLATFORMS="win_amd64 macosx_12_0_arm64 ..." and
# PYVERSIONS="3.11 3.12" choose them (defaults: tools/wheelhouse.py). Needs the package registry.
WHEELHOUSE ?= wheelhouse
wheelhouse: $(STAMP)
	$(BIN)/python tools/wheelhouse.py --dest "$(WHEELHOUSE)" $(if $(PLATFORMS),--platforms $(PLATFORMS)) \
	  $(if $(PYVERSIONS),--pythons $(PYVERSIONS))

# Is this machine ready for the course? Python, packages, data checksums, a computation,
# JupyterLab, the course folder: one line each, about 30 seconds (tools/preflight.py).
preflight: $(STAMP)
	$(BIN)/python tools/preflight.py --course "$(COURSE_DIR)"
