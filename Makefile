# One command per check. `make demo` and `make test` are the two commands the README opens with;
# .ci/run calls `make test`. Everything runs from a local virtualenv in .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install when pyproject.toml changes; a stamp file, because a directory's time changes on its own.
STAMP := $(VENV)/.installed

.PHONY: help .venv demo serve test lint clean

help:
	@echo "make demo    set up .venv, seed a demo organisation into SQLite and serve"
	@echo "make test    set up .venv, run the linters and the whole test suite"
	@echo "make lint    ruff, mypy and the import contract"
	@echo "make serve   serve with the settings in the environment / .env"

.venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/leavebot demo

serve: $(STAMP)
	$(BIN)/leavebot serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The suite in parallel, one worker per CPU; then the reliability scenarios alone, since they time
# real servers under load (an outage, a kill, a thousand retries) and must not share the CPUs.
# The code is compiled first, as an installed package is: the suite starts `leavebot` in many
# subprocesses, which would otherwise compile it again each time where PYTHONDONTWRITEBYTECODE is set.
test: lint
	$(BIN)/python -m compileall -q bot core storage scheduler bench
	$(BIN)/pytest -n auto --ignore=tests/reliability
	$(BIN)/pytest tests/reliability

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache *.egg-info
