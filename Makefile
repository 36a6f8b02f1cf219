# Two commands set everything up on a fresh machine with Python 3.11 (Linux, macOS, or Windows under WSL):
#   make lab    create .venv, install the learner's packages, prepare the data, open the course in JupyterLab
#   make test   the same set-up (offline data) plus the test tools, ruff, then every test and notebook (quick mode)
# Also: make course (run every notebook headless into build/), make solutions (the same with every
# exercise answered: an answer key in build/solutions/), make bench, make data, make clean.
# make course CPUS=1 (or make solutions CPUS=1) pins every notebook's kernel to 1 CPU (what Binder gives).
# make site: a static site of build/notebooks in build/site (run make course first; site never runs it).

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The test tools (requirements-test.txt) are installed on top, only for make test; a change to either file
# reinstalls, because this stamp depends on the first.
TEST_STAMP := $(VENV)/.installed-test
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# JupyterLab refuses to run as root without --allow-root (containers, CI).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
PYTEST_FLAGS ?=

.PHONY: help install data lab test course solutions site bench clean

help:
	@sed -n '1,8p' Makefile

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: '$(PYTHON)' was not found. Install Python 3.11, or run: make $(MAKECMDGOALS) PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "error: the course needs Python 3.11; $(PYTHON) is " + sys.version.split()[0] + ". Run: make $(MAKECMDGOALS) PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -r requirements.txt
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(PIP) -r requirements-test.txt
	touch $@

install: $(STAMP)

data: install
	$(BIN)/python -m course_utils.data prepare

lab: data
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/00_start_here.ipynb

test: $(TEST_STAMP)
	$(BIN)/python -m course_utils.data prepare --offline
	$(BIN)/ruff check .
	COURSE_QUICK=1 $(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env --nbval-cell-timeout=900 -p no:cacheprovider -n 2 --dist loadfile --no-loadscope-reorder $(PYTEST_FLAGS)

course: install
	$(BIN)/python -m course_utils.tools.runner $(if $(CPUS),--cpus $(CPUS))

solutions: install
	$(BIN)/python -m course_utils.tools.runner --solved $(if $(CPUS),--cpus $(CPUS))

site: install
	$(BIN)/python -m course_utils.tools.site

bench: install
	$(BIN)/python -m course_utils.tools.bench

clean:
	rm -rf build .pytest_cache
