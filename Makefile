# Two commands for a new user: `make run` (the app on a demo register) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := .demo/register.sqlite
LOWEST := .venv-lowest

.PHONY: run test install demo clean bench lint test-lowest test-nightly

$(BIN)/contract-tracker: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $@

install: $(BIN)/contract-tracker

$(DEMO_DB): | $(BIN)/contract-tracker
	mkdir -p .demo
	$(BIN)/contract-tracker --db $(DEMO_DB) demo

demo: $(DEMO_DB)

# The app on the demo register; afterwards, how to reach that register from the command line
# (without --db or CONTRACT_TRACKER_DB the command uses your own, empty, default register).
run: install demo
	$(BIN)/contract-tracker --db $(DEMO_DB)
	@echo "That was the demo register in $(DEMO_DB). To use it from the command line:"
	@echo "  export CONTRACT_TRACKER_DB=$(CURDIR)/$(DEMO_DB)"
	@echo "  $(BIN)/contract-tracker report upcoming"
	@echo "Without it, contract-tracker uses your own register: $(BIN)/contract-tracker db path"

test: install
	$(BIN)/python -m pytest -n 2 -q

# ruff, mypy and the import-linter contracts (see pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	.ci/lint-imports

# The whole suite with every direct dependency at the lowest version pyproject.toml allows.
test-lowest: install
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e ".[test]"
	$(LOWEST)/bin/python -m pytest -n 2 -q -p no:cacheprovider

# A longer search by the property tests, for scheduled runs.
test-nightly: install
	HYPOTHESIS_PROFILE=nightly $(BIN)/python -m pytest -n 2 -q

# Benchmarks at council and national scale (docs/performance.md): SIZES=1000,10000,100000 for all three.
SIZES ?= 1000,10000
bench: install
	$(BIN)/python benchmarks/run.py --sizes $(SIZES)

clean:
	rm -rf $(VENV) $(LOWEST) .demo build
