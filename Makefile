# Two commands do all set-up: `make run` and `make test`. Both create the virtualenv when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST_PORT ?= 127.0.0.1:8000
# `make test` runs the suite in this many processes (pytest-xdist): one per CPU, at least 2 and at most 8
# (each uses the next Redis database after REDIS_URL's: CI's /1 and 8 processes stay within Redis's
# default 16). `make test PYTEST_WORKERS=0` (or PYTEST_ARGS="-n 0") runs it in one process.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 2 ? 2 : n > 8 ? 8 : n )))

export DJANGO_DEBUG ?= 1

.PHONY: run test venv messages compilemessages lint typecheck format clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

compilemessages: venv
	@command -v msgfmt >/dev/null || { echo "GNU gettext (msgfmt) is needed: apt-get install gettext"; exit 1; }
	$(BIN)/python manage.py compilemessages --ignore '.venv/*' -v 0

# Refresh locale/fa from the code and templates (keeps existing translations).
messages: venv
	flock locale/.lock $(BIN)/python manage.py makemessages -l fa --ignore '.venv/*' --ignore 'bench/*' --no-obsolete -v 0
	flock locale/.lock $(BIN)/python manage.py makemessages -d djangojs -l fa --ignore '.venv/*' --ignore 'bench/*' --ignore 'var/*' --no-obsolete -v 0

run: compilemessages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo
	@echo
	@echo "  Helpdesk is starting at http://$(HOST_PORT)/  (Ctrl-C stops web, worker and beat)"
	@echo "  Database: $${DATABASE_URL:-SQLite in $${HELPDESK_VAR_DIR:-var}/}   Broker: $${REDIS_URL:-file broker in $${HELPDESK_VAR_DIR:-var}/}"
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" HELPDESK_BIND=$(HOST_PORT) HELPDESK_SITE_URL="$${HELPDESK_SITE_URL:-http://$(HOST_PORT)}" \
		$(BIN)/honcho start -f Procfile

test: compilemessages
	CELERY_QUEUE=helpdesk-test-$$$$ $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .

# mypy (django-stubs, djangorestframework-stubs) over the modules [tool.mypy] in pyproject.toml lists.
typecheck: venv
	DJANGO_DEBUG=1 $(BIN)/mypy  # the django-stubs plugin loads the settings (no secret key needed)

format: venv
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
