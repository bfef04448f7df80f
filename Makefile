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

# The lowest versions pyproject.toml allows (tests/lowest.py: each `>=X` as `==X`), in a
# venv of their own, and a smoke subset that touches every runtime dependency (policy
# loading and schema, reports, coverage data, Gherkin, Markdown, JUnit, the PR stage);
# about 40 s. Left out: tests whose fixtures are made by the installed tool's own version
# (coverage.py's JSON before 7.14 lists executed lines `coverage report` does not count;
# gherkin's testdata of newer parsers) and the test of mdit-py-plugins (a test tool).
LOWEST := build/lowest
SMOKE := tests/policy/test_validate.py tests/policy/test_extends.py tests/report/test_html.py \
	tests/report/test_markdown.py tests/evidence/test_coverage_python.py tests/evidence/test_spec.py \
	tests/evidence/test_prmarkdown.py tests/evidence/test_junit.py tests/engine/test_check_pr.py
SMOKE_LEFT_OUT := not coverage.json and not every_testdata and not tasklists_plugin
.PHONY: test-lowest
test-lowest:
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet 'packaging>=24'
	$(LOWEST)/bin/python -m pip install --quiet $$($(LOWEST)/bin/python tests/lowest.py) \
		'pytest>=8' 'hypothesis>=6.100'
	$(LOWEST)/bin/python -m pip install --quiet --no-deps -e .
	$(LOWEST)/bin/python tests/lowest.py --check
	$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider -k '$(SMOKE_LEFT_OUT)' $(SMOKE)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
