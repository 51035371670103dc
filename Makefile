# One venv per checkout; every target creates it when missing, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run demo test lint snapshots bench locale clean

UV := $(BIN)/uv
# The first install is what a person waits for before the first frame. uv (itself a wheel from
# PyPI) installs the dependencies several times faster than pip; where it cannot be had, pip
# does it. Either way quietly: errors only.
#
# How lobby-tui itself is installed (issue 15): editable, so that `make run` and `make test` run
# the checkout as it is now, but in setuptools' "compat" mode: a plain path entry in a .pth file.
# The default ("strict") editable install adds an import hook that Python loads at every start,
# before anything else (importlib.util, pathlib, …): it cost about 20 ms of the first frame in
# tmux and 13 ms of CPU for `python -c pass`. A non-editable install for `make run` would cost
# the same as compat mode but go stale after every edit (or reinstall on every run), and would
# share the one venv with the editable install of `make test`; compat mode serves both. The
# stamps depend on this Makefile, so that a venv made before is installed again this way.
EDITABLE := --config-settings editable_mode=compat
INSTALL = if [ -x $(UV) ] && $(UV) pip install --quiet --python $(BIN)/python $(EDITABLE) -e '$(1)'; \
	then :; else $(BIN)/python -m pip install --quiet $(EDITABLE) -e '$(1)'; fi

$(BIN)/python:
	@echo "lobby-tui: first run: creating $(VENV) and installing the app's packages…"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet uv || echo "lobby-tui: no uv; installing with pip (slower)"

$(STAMP): pyproject.toml Makefile | $(BIN)/python
	@echo "lobby-tui: installing lobby-tui and what it needs into $(VENV)…"
	@$(call INSTALL,.)
	@touch $@

$(TEST_STAMP): pyproject.toml Makefile | $(BIN)/python
	@echo "lobby-tui: installing lobby-tui with its test tools into $(VENV)…"
	@$(call INSTALL,.[test])
	@touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/lobby-tui $(ARGS)

demo: $(STAMP)
	$(BIN)/lobby-tui demo $(ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check lobby_tui tests bench
	$(BIN)/ruff format --check lobby_tui tests bench

# On every core (pytest-xdist); a module whose fixture is built once keeps to one worker
# (xdist_group). PYTEST_ARGS="-n 0" runs it in one process.
test: lint
	$(BIN)/python -m pytest -q -n auto --dist loadgroup $(PYTEST_ARGS)

# After a deliberate change of a screen: new pictures for tests/test_snapshots.py, to look at.
snapshots: $(TEST_STAMP)
	$(BIN)/python -m pytest -q tests/test_snapshots.py --snapshot-update

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py $(ARGS)

# Rebuild the message catalogs after changing a user-visible string.
locale: $(TEST_STAMP)
	$(BIN)/python -m lobby_tui.locale.build

clean:
	rm -rf $(VENV) build *.egg-info
