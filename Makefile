# Build scaffolding for instap. `make test` works on a fresh Debian machine as root.
SHELL := /bin/bash
.DEFAULT_GOAL := test

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: venv run test lint bench clean browser fuzz

# (Re)create the venv only if its interpreter is missing or broken.
$(PY):
	@if [ -e "$(VENV)" ]; then echo "Removing broken $(VENV)"; rm -rf "$(VENV)"; fi
	@set -e; py="$$(bash scripts/find_python.sh)"; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv "$(VENV)"

# Re-install whenever pyproject.toml changes, the venv was recreated, or a top-level
# package appears (setuptools' editable finder only maps packages present at install time).
PKG_INITS := $(wildcard sim/__init__.py instap/__init__.py)
$(STAMP): pyproject.toml $(PY) $(PKG_INITS)
	$(PY) -m pip install -e '.[dev]'
	@touch $@

venv: $(STAMP)
	@$(PY) -c 'import sys' || { echo "$(PY) does not run; run 'make clean venv'" >&2; exit 1; }

# Debian's chromium for Playwright browser tests (Playwright's own browser download
# does not work here), and Solara's page assets fetched from the npm registry once
# (the live page must work without a CDN).
browser: venv
	@if [ -x $(CHROMIUM) ]; then \
		echo "chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
		echo "WARNING: $(CHROMIUM) missing and not root; browser tests will fail" >&2; \
	fi
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm; \
	fi
	$(PY) -m instap.live.assets

run: venv
	$(VENV)/bin/instap run scenarios/baseline.yaml

test: venv browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_ARGS)

# The fuzz suite with a large budget and fresh random examples (make test runs it small
# and fixed): INSTAP_FUZZ_EXAMPLES examples per property.
fuzz: venv
	INSTAP_FUZZ_EXAMPLES=$${INSTAP_FUZZ_EXAMPLES:-500} INSTAP_FUZZ_RANDOM=1 \
		$(PY) -m pytest tests/fuzz $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: venv
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache test-artifacts dask-worker-space
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
