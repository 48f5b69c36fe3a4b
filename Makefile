# Two commands for a new user: `make run` (the app on a demo register) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := .demo/register.sqlite

.PHONY: run test install demo clean bench

$(BIN)/contract-tracker: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/contract-tracker

$(DEMO_DB): | $(BIN)/contract-tracker
	mkdir -p .demo
	$(BIN)/contract-tracker --db $(DEMO_DB) demo

demo: $(DEMO_DB)

run: install demo
	$(BIN)/contract-tracker --db $(DEMO_DB)

test: install
	$(BIN)/python -m pytest -n 2 -q

# Benchmarks at council and national scale (docs/performance.md): SIZES=1000,10000,100000 for all three.
SIZES ?= 1000,10000
bench: install
	$(BIN)/python benchmarks/run.py --sizes $(SIZES)

clean:
	rm -rf $(VENV) .demo
