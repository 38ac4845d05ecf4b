# Aperture: `make run` for a first look, `make test` for the whole suite. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python 3.12+. PYTHON=/path/to/python overrides the search below.
PYTHON ?=
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 \
	$(sort $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/3.1[2-9]*/bin/python3)) \
	$(sort $(wildcard /root/.pyenv/versions/3.1[2-9]*/bin/python3)) python3

# Keep compiled bytecode (__pycache__/, ignored by git) even where the machine turns it off:
# each test process and subprocess otherwise recompiles every module, about 4 s per process.
export PYTHONDONTWRITEBYTECODE :=

# Where `make run` serves: `make run ADDR=127.0.0.1:8080`; links in mail and the demo feeds follow.
ADDR ?= 127.0.0.1:8000

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/aperture
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: help venv run test test-fast lint check-deploy bench soak backup restore eval services clean

help:
	@echo "make run    - the site with demo data, a Celery worker and beat (SQLite, no servers needed)"
	@echo "make test   - lint, type-check, migrations check and the whole test suite (PostgreSQL, Redis, Chromium)"
	@echo "make test-fast - the in-process tests, the migrations check among them: no browser, worker, subprocess or slow test (PostgreSQL, Redis)"
	@echo "make lint   - ruff, mypy and the import layers (.importlinter) only"
	@echo "make bench  - benchmarks against a floor measured in the same run, at 1k..1M statements; tables to bench/results/ (BENCH_ARGS=\"lab_pages --sizes 1k,10k\", bench/README.md)"
	@echo "make soak   - ten minutes of steady load on the site while the worker and beat run their schedule; SOAK_SECONDS=60 for less"
	@echo "make backup - one archive of DATABASE_URL's database (pg_dump -Fc) and the export files; prints its path"
	@echo "make restore FROM=archive - put a backup back into DATABASE_URL's database and the export files"
	@echo "make eval   - the ingestion pipeline over the labelled evaluation sets (evaluation/), scored"
	@echo "make clean  - remove the virtual environment and local data in var/"

$(VENV)/.installed: pyproject.toml requirements.lock requirements-dev.lock
	@py="$(PYTHON)"; \
	if [ -z "$$py" ]; then \
	  for candidate in $(PYTHON_CANDIDATES); do \
	    if command -v "$$candidate" >/dev/null 2>&1 && "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	      py=$$(command -v "$$candidate"); break; \
	    fi; \
	  done; \
	fi; \
	if [ -z "$$py" ] || ! "$$py" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	  echo "error: Aperture needs Python 3.12 or newer and found none (tried: $${py:-$(PYTHON_CANDIDATES)})." >&2; \
	  echo "       Install one (for example with pyenv) or run: make PYTHON=/path/to/python3.12 ..." >&2; \
	  exit 1; \
	fi; \
	if [ -x "$(PY)" ] && ! "$(PY)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then rm -rf $(VENV); fi; \
	if [ ! -x "$(PY)" ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@

# Compiled translations (git-ignored), rebuilt when a .po file changes.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po apps/*/locale/*/LC_MESSAGES/*.po))
# compilemessages leaves an .mo file newer than its .po untouched, so the touch: without it an
# .mo older than the venv would be rebuilt by every make command.
$(MO_FILES): %.mo: %.po $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var --verbosity 0
	@touch $@

venv: $(VENV)/.installed $(MO_FILES)

run: venv
	$(PY) manage.py preparelocal
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed
	$(PY) manage.py create_local_editor
	$(PY) manage.py seed_demo_feeds
	$(PY) manage.py seed_demo_datasets
	FETCH_ALLOW_PRIVATE=1 DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runlocal --addr $(ADDR)

services:
	@bash .ci/services

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	$(VENV)/bin/lint-imports

test: venv services lint
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory eval

# The quick tier for while you work: no Chromium, no Celery worker, no other Python process, no
# large corpus. It assumes PostgreSQL and Redis are up (`make services`, which also installs
# Chromium, is left to `make test`).
# It runs in one pytest-xdist worker per core (at most 8), each with a test database of its own
# (copied from a migrated template: tests/support/databases.py) and a Redis database of its own:
# REDIS_URL's and the next ones (tests/support/run_settings.py).
# --dist load hands each worker its tests in pytest-django's order, database tests before the
# transactional ones that empty the tables after them (work stealing would not keep that order).
# TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
# The migrations check is tests/test_migrations.py here (in a worker, not a process of its own).
test-fast: venv
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m pytest -m "not browser and not worker and not slow and not process" \
	  --numprocesses $(TEST_WORKERS) --maxprocesses 8 --dist load $(PYTEST_ARGS)

bench: venv services
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m bench $(BENCH_ARGS)

# The soak (bench/soak): gunicorn, a Celery worker and beat on loopback, in a database of its own
# beside DATABASE_URL's (dropped after), under a steady load of page and API requests for
# SOAK_SECONDS (default 600) while ingestion, dataset sync, watched pages and alert fan-out run on
# their schedule. Prints p50/p95/p99 and errors per minute, the memory of each process and the
# verdicts on the targets; writes them to test-output/soak/soak.md. `make test` runs 60 seconds.
soak: venv services
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m bench.soak $(SOAK_ARGS)

# Backup and restore (apps/site/backup.py, README "Backup and restore"): the database named by
# DATABASE_URL and the export files, in one tar file under BACKUP_DIR (default var/backups).
backup: venv
	$(PY) manage.py backup

restore: venv
	@if [ -z "$(FROM)" ]; then echo "usage: make restore FROM=path/to/aperture-backup-....tar" >&2; exit 2; fi
	$(PY) manage.py restore "$(FROM)"

# The labelled evaluation sets (development: evaluation/pages, rules were tuned on it; held out:
# evaluation/heldout, written blind) through the real pipeline, each in a database of its own
# beside DATABASE_URL's, scored against issue 13's targets, one table per set. The figures are
# reported, not asserted; `make test` prints them after the suite. EVAL_ARGS=--details adds one
# line per page that differs from its label; EVAL_ARGS="--set heldout" runs one set.
eval: venv
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m evaluation $(EVAL_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-output
