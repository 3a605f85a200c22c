# Everyday commands for the course. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp
KERNEL := causal-course

NB ?=
SUBMISSIONS ?=
OUT ?=
JOBS ?= 2
PORT ?= 8888
LAB_ARGS ?=
# Jupyter refuses to run as root unless told to; containers and CI often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

export PYTHONHASHSEED := 0
# One BLAS/OpenMP thread: stored outputs then match what CI, the grader and a
# live lecture compute, and small linear algebra is not slowed by thread
# contention on a 2-core machine.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: help setup lab test execute sync exercises grade release lint lock bench clean

help: ## list the commands
	@echo "Causal inference course: everyday commands"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:[^#]*## /\t/' | \
		awk -F '\t' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv, install the pinned environment, the package and the course kernel
	@bash tools/ensure_graphviz.sh
	@echo "setup complete: kernel '$(KERNEL)' and package causalcourse in $(VENV)"

$(STAMP): requirements-lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else \
		"error: Python 3.11 is required (found %d.%d); set PYTHON=/path/to/python3.11" % sys.version_info[:2])'
	@bash tools/ensure_graphviz.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m pip check
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name "Python (causal course)" >/dev/null
	@touch $(STAMP)

lab: setup ## start JupyterLab on the course (PORT=8888)
	$(VENV)/bin/jupyter lab --port=$(PORT) --ServerApp.root_dir="$(CURDIR)" $(ALLOW_ROOT) $(LAB_ARGS)

test: setup ## run every check: unit, sync, exercises, grading, nbval over lectures and solutions
	$(PY) -m pytest -n 2 --dist loadfile --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg \
		tests lectures solutions

execute: setup ## re-execute notebooks in place, storing outputs (NB=path for one)
	$(PY) -m tools.notebooks execute $(NB)

sync: setup ## rewrite each .ipynb's cells from its paired .py (outputs of unchanged cells kept)
	$(PY) -m tools.notebooks sync $(NB)

exercises: setup ## regenerate exercises/ from solutions/
	$(PY) -m tools.exercises

grade: setup ## grade SUBMISSIONS=dir into OUT=dir (default gradebook/) with JOBS=n workers
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir [OUT=dir] [JOBS=n]" >&2; exit 2; }
	$(PY) -m causalcourse.grading "$(SUBMISSIONS)" --out "$(or $(OUT),gradebook)" --jobs $(JOBS)

release: setup ## build the student bundle in OUT=dir (default release/), no solutions or hidden checks
	$(PY) -m tools.release --out "$(or $(OUT),release)"

bench: setup ## time every lecture and solution notebook: wall time and slowest cell (NB=path for one)
	$(PY) -m tools.notebooks bench $(NB)

lint: setup ## ruff over the package, tools, tests and notebook sources
	$(VENV)/bin/ruff check shared tools tests lectures solutions exercises

lock: ## re-resolve requirements.in in a clean venv; rewrite requirements-lock.txt and environment.yml
	$(PYTHON) -m tools.lock

clean: ## remove caches and build output (keeps .venv; `rm -rf .venv` for a full reset)
	rm -rf .pytest_cache .ruff_cache .hypothesis build dist gradebook release
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -not -path './.venv/*' -exec rm -rf {} +
