# The helpdesk's image: web (gunicorn), worker and beat run from it (see compose.yaml).
#   docker build -t helpdesk .
# Stage 1 builds wheels of every pinned runtime requirement and the virtualenv, compiles the
# translations and collects the static files; stage 2 is the runtime: no compiler, no gettext, no
# test tools (requirements.txt only), running as an unprivileged user.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# gettext: compilemessages turns locale/*.po into .mo files here, so the runtime needs no gettext.
# Debian packages are not pinned (DL3008): a stable release replaces a version with its security fix
# and the old one leaves the mirror, so a pin breaks the build instead of keeping it reproducible.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt ./
RUN pip wheel --wheel-dir /wheels -r requirements.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-index --find-links /wheels -r requirements.txt
COPY . .
# Settings need a secret key with debug off; this one exists only during the build.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret \
    HELPDESK_VAR_DIR=/tmp/build-var \
    HELPDESK_STATIC_ROOT=/app/staticfiles \
    HELPDESK_STATIC_MANIFEST=1 \
    /opt/venv/bin/python manage.py compilemessages --ignore 'venv/*' -v 0 \
    && DJANGO_SECRET_KEY=build-only-not-a-secret \
    HELPDESK_VAR_DIR=/tmp/build-var \
    HELPDESK_STATIC_ROOT=/app/staticfiles \
    HELPDESK_STATIC_MANIFEST=1 \
    /opt/venv/bin/python manage.py collectstatic --noinput -v 0 \
    && rm -rf /tmp/build-var

FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    HELPDESK_VAR_DIR=/var/lib/helpdesk \
    HELPDESK_MEDIA_ROOT=/var/lib/helpdesk/media \
    HELPDESK_STATIC_ROOT=/app/staticfiles \
    HELPDESK_STATIC_MANIFEST=1 \
    HELPDESK_BIND=0.0.0.0:8000
# postgresql-client: pg_dump, pg_restore and psql for manage.py backup and restore (Debian 12 ships
# version 15, the version of the postgres:15 service in compose.yaml). Not pinned: see above.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 helpdesk \
    && useradd --system --uid 10001 --gid helpdesk --home-dir /app --no-create-home --shell /usr/sbin/nologin helpdesk \
    && mkdir -p /var/lib/helpdesk/media \
    && chown -R helpdesk:helpdesk /var/lib/helpdesk
COPY --from=build /opt/venv /opt/venv
# The code stays owned by root: the site's user can read it, not change it.
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
VOLUME ["/var/lib/helpdesk"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "docker/healthcheck.py", "web"]
CMD ["sh", "-c", "exec gunicorn helpdesk.wsgi --bind \"$HELPDESK_BIND\" --workers \"${WEB_CONCURRENCY:-2}\" --access-logfile -"]
