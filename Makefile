# Two entry points (see README.md): `make lab` runs the tour notebook in JupyterLab
# (`make lab HEADLESS=1` executes it headless and fails on any error), `make test` runs
# every check. Both set up what they need: a virtual environment in .venv, node_modules,
# the JS bundle, and Debian's Chromium for the browser tests.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.dev-stamp
NODE_STAMP := node_modules/.ci-stamp
BUNDLE := nbopt/static/widget.js
CHROMIUM ?= /usr/bin/chromium
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
JS_SOURCES := $(shell find js -type f 2>/dev/null)

.PHONY: setup test lab lint typecheck jstest pytest chromium clean

setup: $(PY_STAMP) $(BUNDLE) chromium

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(BUNDLE): $(NODE_STAMP) $(JS_SOURCES)
	npm run build

$(PY_STAMP): pyproject.toml $(BUNDLE)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(PY_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	npx biome ci .

typecheck: $(PY_STAMP)
	$(PY) -m mypy
	npx tsc --noEmit

jstest: $(NODE_STAMP)
	npx vitest run

pytest: setup
	$(PY) -m pytest

test: setup lint typecheck jstest pytest

lab: setup
ifeq ($(HEADLESS),1)
	$(PY) scripts/run_tour.py
else
	$(PY) -m jupyterlab notebooks/tour.ipynb --ServerApp.ip=127.0.0.1 $(ROOT_FLAG)
endif

clean:
	rm -rf $(VENV) node_modules nbopt/static artifacts dist
