# One venv per checkout; every target creates it when missing, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run demo test lint bench locale clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/lobby-tui $(ARGS)

demo: $(STAMP)
	$(BIN)/lobby-tui demo $(ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check lobby_tui tests bench
	$(BIN)/ruff format --check lobby_tui tests bench

test: lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py $(ARGS)

# Rebuild the message catalogs after changing a user-visible string.
locale: $(TEST_STAMP)
	$(BIN)/python -m lobby_tui.locale.build

clean:
	rm -rf $(VENV) build *.egg-info
