# Agent Academy — two commands: `make run` (demo) and `make test` (every test).
# Both set everything up first and are fast the second time (stamp files).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup system-deps run test test-pg lint format messages check-deploy clean

help:
	@echo "make run    set up, migrate, load demo data and serve on http://$(HOST):$(PORT)/"
	@echo "make test   set up and run the whole test suite (SQLite)"
	@echo "make lint   ruff, import direction, migrations check"

# --- system packages (Debian) -----------------------------------------------------------
# gettext's msgfmt compiles the translations; WeasyPrint needs Pango, a CJK font and
# libharfbuzz-subset (without it a Chinese certificate takes ~12 s instead of ~0.14 s);
# the certificate tests read PDFs with poppler (pdftotext, pdftoppm) and QR codes with zbar.
# Installed with apt-get when we are root; otherwise we stop and say what to install.
.stamp-system: Makefile
	@missing=""; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v zbarimg >/dev/null 2>&1 || missing="$$missing zbar-tools"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Install them first, e.g.: sudo apt-get install$$missing  (macOS: brew install gettext node pango harfbuzz poppler zbar, and a Noto Sans CJK font)"; \
	    exit 1; \
	  fi; \
	fi
	@touch $@

system-deps: .stamp-system

# --- Python -------------------------------------------------------------------------------
$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(VENV)/bin/activate
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

# --- Front-end packages (htmx) from the npm registry --------------------------------------
node_modules/.installed: package.json package-lock.json .stamp-system
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# --- Translations -------------------------------------------------------------------------
locale/zh_Hans/LC_MESSAGES/django.mo: locale/zh_Hans/LC_MESSAGES/django.po $(VENV)/.installed .stamp-system
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

setup: $(VENV)/.installed node_modules/.installed locale/zh_Hans/LC_MESSAGES/django.mo

# Re-extract strings after changing code or templates; then translate the new entries.
messages: setup
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --no-obsolete
	$(PY) manage.py makemessages -l zh_Hans -d djangojs --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

# --- The two commands ---------------------------------------------------------------------
run: setup
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup lint
	$(PY) -m pytest

# The same suite against PostgreSQL (DATABASE_URL must point at it; see .ci/run).
test-pg: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run -v0

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# What production settings say about themselves (see README "Production").
check-deploy: setup
	DJANGO_SETTINGS_MODULE=lms.settings.production \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-academy.example.com} \
	DATABASE_URL=$${DATABASE_URL:-postgres://academy@127.0.0.1:5432/academy} \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules .stamp-system db.sqlite3 staticfiles .pytest_cache
