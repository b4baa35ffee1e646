# How to work on the KPI tracker. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= scrutiny-demo-2026
DEV := DEBUG=1

.PHONY: install run test test-postgres lint format migrations-check check chromium

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# GOV.UK Frontend (served as static files) and axe-core (for the accessibility tests).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The browser tests drive Debian's Chromium: Playwright's own browser download is not used.
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

run: install
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py load_seed_data
	@echo "Demo sign-ins (one per role):"
	@$(DEV) $(PY) manage.py create_demo_users --password "$(DEMO_PASSWORD)"
	@echo "Serving on http://127.0.0.1:8000"
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

test-postgres: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/serco_kpi $(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations-check: install
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

check: lint migrations-check
	$(DEV) $(PY) manage.py check
