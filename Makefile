# Every target sets up its own virtual environment first, so a fresh clone
# needs only Python 3.10+, git and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

# Mutation testing of the core with mutmut, on the modules and tests named in
# [tool.mutmut] (pyproject.toml); not part of `make test`. See docs/mutation.md.
.PHONY: mutation
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet 'mutmut>=3.8,<4'
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); print(s); assert s['killed'] >= 0.9 * s['total'], 'fewer than 90% of mutants killed'"

# The GitHub Action's lock (requirements/action.lock): pyproject.toml's runtime dependencies
# and its build backend, exact versions with the sha256 of every file of each release, for
# every Python from 3.10 and every platform (uv's universal resolution); then every runner the
# action supports is checked to find wheels among the hashes. Needs the package index.
# docs/github-action.md, "The lock".
LOCK_TOOLS := build/lock-tools
.PHONY: lock
lock:
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python -m pip install --quiet --isolated 'uv==0.13.9' 'packaging>=24'
	$(LOCK_TOOLS)/bin/uv pip compile pyproject.toml requirements/action-build.in --universal \
		--python-version 3.10 --generate-hashes --no-annotate --upgrade \
		--custom-compile-command 'make lock' -o requirements/action.lock
	$(LOCK_TOOLS)/bin/python requirements/check_wheels.py requirements/action.lock

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
