# The README's commands: `make run` and `make test`; also `make bench` and `make lint`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/chainvest/web/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian's chromium drives the browser tests; test tools never download a browser of their own.
APT_PACKAGES := chromium fonts-noto-cjk

.PHONY: run test bench lint setup assets browser migrate demo clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.installed: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	touch $@

setup: $(BIN)/.installed assets
assets: $(VENDOR)/.installed

browser:
	@if ! command -v chromium >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

migrate: setup
	mkdir -p var
	$(BIN)/chainvest migrate --noinput -v 0

demo: migrate
	$(BIN)/chainvest demo

run: demo
	$(BIN)/chainvest runserver $(HOST):$(PORT)

test: setup browser
	$(BIN)/pytest

# The import benchmark's baseline is the sqlite3 shell's own `.import` (Debian package sqlite3).
# The load benchmark needs the [bench] extra (locust, gunicorn) and PostgreSQL on 127.0.0.1.
$(BIN)/.bench-installed: pyproject.toml $(BIN)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $@

bench: setup $(BIN)/.bench-installed
	@command -v sqlite3 >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null)
	@for f in bench/bench_*.py; do $(BIN)/python "$$f" || exit 1; done

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
