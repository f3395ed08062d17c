# Pendataan Non-ASN — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes for the non-browser tests (pytest-xdist; each has its own test database).
TEST_WORKERS ?= auto
# The address printed in QR codes, cards and e-mails by `make run`: where this server really listens,
# unless SITE_URL is given (e.g. the machine's LAN address, for a phone scanning a QR code).
SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

# Python keeps the compiled form of each module it imports (__pycache__, ignored by git) even where
# the environment says not to (PYTHONDONTWRITEBYTECODE): every test process, the task worker and
# each gunicorn worker would otherwise compile the project, and pytest rewrite every test module,
# again at each start (a test process collects in 2.8 s instead of 7 s; docs/performance.md).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run serve test test-fast e2e bench lint format messages clean-db

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
	@bash scripts/system-deps.sh

## Set up everything, load demo data, serve on http://$(HOST):$(PORT) (with the task worker).
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --workers-file var/demo-workers.tsv
	DEBUG=1 SITE_URL="$(SITE_URL)" $(PY) manage.py run_dev --addrport $(HOST):$(PORT)

## Production-like server: gunicorn + whitenoise (set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL).
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn nonasn.wsgi:application --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} \
		--access-logfile - --logger-class nonasn.access_log.MaskingLogger

## Set up everything and run the whole test suite, browser tests included, in parallel processes
## (each its own test database, live server and Chromium). Tests are handed out a few at a time, so
## that the processes finish together.
test: install
	@bash scripts/system-deps.sh --with-browser
	$(PY) -m pytest -n $(TEST_WORKERS) --maxschedchunk 2

test-fast: install
	$(PY) -m pytest -n $(TEST_WORKERS) --maxschedchunk 2 -m "not e2e"

bench: install
	$(PY) -m bench

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## Compile the translation catalogues (needs GNU gettext; the compiled .mo files are committed).
messages: install
	cd $(CURDIR) && $(PY) manage.py compilemessages --ignore=.venv

clean-db:
	rm -rf var/postgres var/postgres-test
