# How to work on the KPI tracker. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= scrutiny-demo-2026
DEV := DEBUG=1
PORT ?= 8000
# The suite runs in parallel, one worker per core; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS)

.PHONY: serve backup restore bench loadtest loadtest-servers haproxy faulttest mutation
.PHONY: install run test test-fast test-browser test-postgres test-replicas replica coverage
.PHONY: lint format migrations-check check chromium pango

install: $(VENV)/.installed node_modules/.installed

# Installs exactly the versions in the lock files (requirements/), which `make lock` writes.
$(VENV)/.installed: pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# Production: the runtime dependencies only, without the test and lint tools of the dev extra.
.PHONY: install-runtime
install-runtime: $(VENV)/.runtime node_modules/.runtime

$(VENV)/.runtime: pyproject.toml requirements/base.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/base.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# The lock files, from pyproject.toml's ranges at their newest releases.
LOCK := $(VENV)/bin/pip-compile --quiet --upgrade --strip-extras --no-emit-index-url --no-emit-find-links
.PHONY: lock
lock: install
	$(LOCK) --extra dev -o requirements/dev.txt pyproject.toml
	$(LOCK) -o requirements/base.txt pyproject.toml

node_modules/.runtime: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund
	touch $@

# GOV.UK Frontend (served as static files) and axe-core (for the accessibility tests).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The browser tests drive Debian's Chromium: Playwright's own browser download is not used.
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

# WeasyPrint, which renders the committee packs as PDF, lays text out with the system's Pango.
pango:
	@test -e /usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0 || (apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0)

run: install
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py load_seed_data
	$(DEV) $(PY) manage.py load_notices_demo
	@echo "Demo sign-ins (one per role):"
	@$(DEV) $(PY) manage.py create_demo_users --password "$(DEMO_PASSWORD)"
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite. It brings what its tests need: Chromium for the browser tests, Pango for the
# committee packs' PDFs.
test: install chromium pango
	$(PYTEST)

# Everything but the browser tests, which are the slow part.
test-fast: install pango
	$(PYTEST) -m "not browser"

test-browser: install chromium pango
	$(PYTEST) -m browser

test-postgres: install chromium pango
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/serco_kpi $(PYTEST)

# A PostgreSQL primary and a streaming replica of it on this machine (tools/replica/up.sh).
replica:
	bash tools/replica/up.sh

# The tests of reads from replicas, against a real one.
test-replicas: install replica
	DATABASE_URL=postgres://postgres@127.0.0.1:5434/serco_kpi \
	DATABASE_REPLICA_URLS=postgres://postgres@127.0.0.1:5435/serco_kpi \
	$(PY) -m pytest -p no:cacheprovider tests/replicas

# Line and branch coverage of every app, printed by file (the suite in one process).
coverage: install chromium pango
	$(PY) -m coverage run -m pytest
	$(PY) -m coverage report --skip-covered --sort=cover

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations-check: install
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

check: lint migrations-check typecheck
	$(DEV) $(PY) manage.py check

# mypy with the Django and DRF stubs. Errors the code had when checking began are listed in
# mypy-baseline.txt: any other error fails, and so does one listed that is gone (run
# `make typecheck-baseline` to take it off the list, which may only shrink).
.PHONY: typecheck typecheck-baseline
typecheck: install
	$(DEV) $(PY) -m mypy . | $(VENV)/bin/mypy-baseline filter --no-colors --hide-stats

typecheck-baseline: install
	$(DEV) $(PY) -m mypy . | $(VENV)/bin/mypy-baseline sync

# GOV.UK Frontend's package also holds its Sass and Nunjucks sources, which no page serves.
STATIC_IGNORE := --ignore '*.scss' --ignore '*.njk' --ignore '*.md' --ignore 'components/*'

# Production: DEBUG off, with SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS and DATABASE_URL set
# (see docs/operations.md, "Deploying"). Refuses to start if `check --deploy` finds anything.
serve: install-runtime
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --clear --verbosity 0 $(STATIC_IGNORE)
	$(VENV)/bin/gunicorn --config serco_kpi/gunicorn.conf.py

# PostgreSQL only. `make backup` writes backups/<database>-<time>.dump (or BACKUP=file), and
# beside it <dump>.evidence.tar.gz: the evidence files kept on the file system (EVIDENCE_ROOT,
# var/evidence by default; a bucket, EVIDENCE_S3_BUCKET, is backed up by its own versioning).
# `make restore BACKUP=file` loads one into DATABASE_URL's database, replacing what is there, and
# puts the evidence files back (their names are random, so nothing already there is overwritten).
BACKUP_DIR ?= backups
EVIDENCE_ROOT ?= var/evidence
BACKUP_FILE := $(or $(BACKUP),$(BACKUP_DIR)/$(notdir $(firstword $(subst ?, ,$(DATABASE_URL))))-$(shell date +%Y%m%d-%H%M%S).dump)
backup:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to the PostgreSQL database to back up."; exit 1; }
	@mkdir -p $(dir $(BACKUP_FILE))
	pg_dump --format=custom --no-owner --no-privileges --file="$(BACKUP_FILE)" "$(DATABASE_URL)"
	@if [ -z "$(EVIDENCE_S3_BUCKET)" ] && [ -d "$(EVIDENCE_ROOT)" ]; then \
		tar -czf "$(BACKUP_FILE).evidence.tar.gz" -C "$(EVIDENCE_ROOT)" . && \
		echo "Evidence files: $(BACKUP_FILE).evidence.tar.gz"; fi

restore:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to the PostgreSQL database to restore into."; exit 1; }
	@test -f "$(BACKUP)" || { echo "Set BACKUP to the .dump file to restore."; exit 1; }
	pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
		--dbname="$(DATABASE_URL)" "$(BACKUP)"
	@if [ -f "$(BACKUP).evidence.tar.gz" ]; then \
		mkdir -p "$(EVIDENCE_ROOT)" && tar -xzf "$(BACKUP).evidence.tar.gz" --skip-old-files -C "$(EVIDENCE_ROOT)" && \
		echo "Evidence files restored into $(EVIDENCE_ROOT)"; fi

# Speed at three data sizes on PostgreSQL, printed as one JSON document (see docs/performance.md).
# Half the KPIs are monthly, with three months beneath each of their readings; each size says how
# many months it holds. BENCH_SIZES=small,medium,large picks sizes; BENCH_SIZES=small (10,000
# readings) is the quick check; large (a million readings) takes a few minutes.
bench: install
	$(PY) tools/bench/run.py

# One minute of 32 users reading and saving; faulttest restarts PostgreSQL in the middle.
loadtest: install
	$(PY) tools/loadtest/run.py

# The same on one app server, then two, behind HAProxy, with a primary and a streaming replica.
loadtest-servers: install haproxy replica
	$(PY) tools/loadtest/servers.py

haproxy:
	@command -v haproxy >/dev/null || { apt-get update -qq && apt-get install -y -qq haproxy; }

faulttest: install
	$(PY) tools/loadtest/run.py --restart-postgres

# Mutation testing of the modules that hold the rules and the numbers (docs/testing.md, "Mutation testing"):
# mutmut changes them one small step at a time and the non-browser tests must notice. It works in
# mutants/ and remembers its results, so a second run re-tests only the functions that changed.
# MUTANTS='kpis.rules.status*' narrows a run to one module. Each mutant's tests build their own SQLite
# test database in memory, so the parallel runs never share one (DATABASE_URL is ignored here).
# Fails when a mutant survives that tests/mutation_equivalents.md does not explain.
MUTANTS ?=
mutation: install
	@mkdir -p mutants && ln -sfn ../node_modules mutants/node_modules
	env -u DATABASE_URL nice -n 10 $(VENV)/bin/mutmut run --max-children 2 $(MUTANTS)
	@$(VENV)/bin/mutmut results --all true | $(PY) tests/mutation_report.py
