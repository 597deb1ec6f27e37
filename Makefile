# The two commands a user needs: `make maps` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Stamps: reinstall only when pyproject.toml changes.
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP    := $(VENV)/.test-installed

.PHONY: maps test lint docs bench install browser postgis htmlcheck eslint clean boundaries

maps: $(RUNTIME_STAMP)
	$(BIN)/python -m geo build

install: $(RUNTIME_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml hatch_build.py | $(BIN)/python
	@# the distribution was named geo before it became iran-estates: drop a stale install of it
	@if $(BIN)/python -m pip show --quiet geo >/dev/null 2>&1; then $(BIN)/python -m pip uninstall --quiet -y geo; fi
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Debian's Chromium for the browser tests (playwright cannot download browsers here).
browser:
	@bash tools/ensure_chromium.sh

# Debian's PostgreSQL server and PostGIS for the PostGIS tests and bench (each starts a throw-away server of its own).
postgis:
	@bash tools/ensure_postgis.sh

# ESLint for the page script, as package-lock.json pins it (Node.js from Debian if missing).
eslint:
	@bash tools/ensure_eslint.sh

# Lint, format and type checks of geo/ (configured in pyproject.toml) and ESLint of
# geo/templates/ (eslint.config.mjs); `make test` runs them first.
lint: $(TEST_STAMP) eslint
	$(BIN)/ruff check geo
	$(BIN)/ruff format --check geo
	$(BIN)/mypy
	$(BIN)/python tools/page_scripts.py build/page-js
	npx --no-install eslint --max-warnings 0 geo/templates build/page-js

# The W3C Nu HTML checker (npm's vnu-jar, pinned in tools/vnu/package-lock.json) and a Java to run it.
htmlcheck:
	@bash tools/ensure_vnu.sh

# The API reference and user guide (docs/, Sphinx + numpydoc + MyST) into build/docs/html:
# offline (no intersphinx, no CDN), every warning an error, built anew each time.
docs: $(TEST_STAMP)
	rm -rf build/docs
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs build/docs/html

test: lint docs browser postgis htmlcheck
	$(BIN)/python -m pytest

bench: $(TEST_STAMP) postgis
	$(BIN)/python -m bench

# Rebuild data/boundaries from the OpenStreetMap files in ../shared and the npm land package (see data/boundaries/README.md).
boundaries: $(RUNTIME_STAMP)
	$(BIN)/python tools/build_boundaries.py

clean:
	rm -rf $(VENV) maps/*.html build dist third_party *.egg-info .pytest_cache node_modules
