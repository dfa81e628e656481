# The two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
EMBEDDED := env -u DATABASE_URL -u CELERY_BROKER_URL DEBUG=1
# The suite runs on every core (pytest-xdist), a test file to a worker; PYTEST_ARGS replaces it.
PYTEST_ARGS ?= -n auto --dist loadfile

.PHONY: run test setup bench schema

$(VENV)/.installed: pyproject.toml scripts/bootstrap
	scripts/bootstrap
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py compilemessages --ignore '.venv' -v 0

# Serve the embedded system: SQLite, eager Celery, demo data and demo accounts.
run: setup
	$(EMBEDDED) $(PY) manage.py migrate --noinput -v 0
	$(EMBEDDED) $(PY) manage.py load_demo
	$(EMBEDDED) $(PY) manage.py runserver $(HOST):$(PORT)

# The test suite, on whatever DATABASE_URL / CELERY_BROKER_URL say (SQLite and eager by default).
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) -m pytest $(PYTEST_ARGS)


# The benchmark harness: PostgreSQL only; BENCH_SCALE graduates (default 100000). See docs/benchmarks.md.
bench: setup
	scripts/bootstrap bench
	$(PY) -m bench.run

# Regenerate the committed OpenAPI schema of the REST API (tests fail while it is stale).
schema: setup
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py spectacular --validate --fail-on-warn --file api/openapi.yaml
