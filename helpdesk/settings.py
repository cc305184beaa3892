"""Settings for the helpdesk, read from environment variables once (see .env.example).

With nothing set the site runs on embedded defaults: SQLite and a file-system Celery broker under
var/. Production sets DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env("HELPDESK_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-never-in-production"  # noqa: S105 (DEBUG only)

SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
# Secrets stored in the database (mailbox passwords) are encrypted with these (helpdesk.crypto).
HELPDESK_ENCRYPTION_KEYS = env.list("HELPDESK_ENCRYPTION_KEYS", default=[])

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("HELPDESK_SITE_URL", default="http://127.0.0.1:8000")
# The product's name on every page (title, top bar, portal, knowledge base) and in the admin, per
# language; unset: "Helpdesk" / "میز خدمت". A company names it after itself, e.g. "Acme Support".
HELPDESK_SITE_NAME = env("HELPDESK_SITE_NAME", default="")
HELPDESK_SITE_NAME_FA = env("HELPDESK_SITE_NAME_FA", default="")

INSTALLED_APPS = [
    "helpdesk",
    "customers",
    "knowledgebase",
    "tickets",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "helpdesk.security.otp_apps.TOTPConfig",
    "helpdesk.security.otp_apps.StaticConfig",
    "simple_history",  # the audit trail of configuration and customer records (helpdesk.audit)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "helpdesk.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "helpdesk.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who: the request's user (DRF's too, once it authenticates)
    "helpdesk.middleware.UserPreferencesMiddleware",
    "helpdesk.security.middleware.TwoFactorMiddleware",
    "helpdesk.security.middleware.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.names.site_context",
            ],
            "builtins": ["helpdesk.templatetags.i18n_cached", "helpdesk.templatetags.static_kept"],
        },
    },
]

# The i18n builtin: Django's, each literal {% translate %} rendered once per language (helpdesk.templatetags).
# Widgets render through TEMPLATES (templates/django/forms/widgets/: number boxes take Persian digits).
FORM_RENDERER = "helpdesk.form_renderer.FastWidgetRenderer"  # TemplatesSetting, plain inputs in Python

# Database: PostgreSQL in production, a SQLite file under var/ when DATABASE_URL is unset.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'helpdesk.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not :memory:) so that a Celery worker started by the tests sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
else:
    # A web process keeps its connection for this many seconds, checked before each request (without a
    # round trip: helpdesk/postgresql); at 60 every worker paid for a new one (5-10 ms) each minute.
    DATABASES["default"].update(CONN_MAX_AGE=env.int("DATABASE_CONN_MAX_AGE", default=600), CONN_HEALTH_CHECKS=True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "helpdesk.postgresql"
    # A database host that stops answering costs a request seconds, not minutes: connecting gives up after
    # DATABASE_CONNECT_TIMEOUT seconds, a statement is cancelled after DATABASE_STATEMENT_TIMEOUT (0: never).
    _statement_ms = round(env.float("DATABASE_STATEMENT_TIMEOUT", default=60.0) * 1000)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(
        filter(None, [DATABASES["default"]["OPTIONS"].get("options", ""), f"-c statement_timeout={_statement_ms}"])
    )
# `manage.py import_tickets django-helpdesk` reads that helpdesk's database through a second alias, read
# only, never migrated (tickets.imports.django_helpdesk); configured only while IMPORT_DATABASE_URL is set.
if env.str("IMPORT_DATABASE_URL", default=""):
    DATABASES["helpdesk_source"] = env.db("IMPORT_DATABASE_URL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "helpdesk.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters, for every account; and none of the 20,000 most common.
    {"NAME": "helpdesk.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Languages: English and Persian ship together; Persian is right-to-left.
LANGUAGE_CODE = env("HELPDESK_LANGUAGE", default="en")
LANGUAGES = [("en", _("English")), ("fa", _("Persian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["helpdesk.formats"]  # our additions to Django's number formats (fa: thousands grouping)
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("HELPDESK_TIME_ZONE", default="UTC")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("HELPDESK_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("HELPDESK_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("HELPDESK_STATIC_MANIFEST", default=not DEBUG)
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("HELPDESK_STATIC_FINDERS", default=DEBUG)

# Redis: broker and shared cache when REDIS_URL is set; otherwise a file broker (helpdesk.file_broker) and file cache.
# A Redis that is down or stops answering costs a request at most these seconds: the cache
# (helpdesk.cache.RedisCache) then works without Redis (reads miss, writes are dropped: sign-in limits
# and presence are off) and the hand-off of a saved write to the broker is skipped (helpdesk.aftercommit;
# the outbox sweep sends it). The broker's read timeout stays above the worker's 1 s poll.
REDIS_URL = env("REDIS_URL", default="")
HELPDESK_REDIS_CONNECT_TIMEOUT = env.float("HELPDESK_REDIS_CONNECT_TIMEOUT", default=2.0)
HELPDESK_REDIS_SOCKET_TIMEOUT = env.float("HELPDESK_REDIS_SOCKET_TIMEOUT", default=2.0)
HELPDESK_REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": HELPDESK_REDIS_CONNECT_TIMEOUT,
    "socket_timeout": HELPDESK_REDIS_SOCKET_TIMEOUT,
}
HELPDESK_REDIS_BROKER_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": HELPDESK_REDIS_CONNECT_TIMEOUT,
    "socket_timeout": max(5.0, HELPDESK_REDIS_SOCKET_TIMEOUT),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": HELPDESK_REDIS_CACHE_OPTIONS,
        },
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = dict(HELPDESK_REDIS_BROKER_OPTIONS)
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        },
    }
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost//"  # with a host, so kombu does not warn about a missing one
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }

# Celery: JSON only, bounded tasks, a job acknowledged only once it has run.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="helpdesk")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=120)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_TIMEOUT = HELPDESK_REDIS_CONNECT_TIMEOUT
# /healthz: each check (database, broker, cache) gives up after this many seconds; they run side by side.
HELPDESK_HEALTH_TIMEOUT = env.float("HELPDESK_HEALTH_TIMEOUT", default=2.0)

# REST API: one API under /api/v1/, JSON errors with a stable code.
REST_FRAMEWORK = {
    # Token first: the first class names the scheme of the `WWW-Authenticate` header, so an anonymous or
    # wrongly authenticated call is a 401 saying `Token` (session auth has no header: DRF would say 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "helpdesk.authentication.ApiTokenAuthentication",
        "helpdesk.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "helpdesk.renderers.BrowsableAPIRenderer",
    ],
    # JSON bodies only; the endpoints that take files add multipart themselves (tickets, messages), the
    # email push endpoint takes raw MIME. One body type per operation keeps generated clients working.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["helpdesk.api_support.FilterBackend", "rest_framework.filters.OrderingFilter"],
    "DEFAULT_PAGINATION_CLASS": "helpdesk.api_support.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "helpdesk.schema.AutoSchema",
    "EXCEPTION_HANDLER": "helpdesk.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": "One REST API for tickets, customers and the knowledge base.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["helpdesk.api_support.only_api_paths"],
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.Status",
        "TicketTypeEnum": "tickets.models.TicketType",
        "TicketLinkKindEnum": "tickets.models.TicketLink.Kind",
        "ChannelEnum": "tickets.models.Channel",
        "PriorityEnum": "helpdesk.models.Priority",
        "ArticleStatusEnum": "knowledgebase.models.Status",
        "ArticleVisibilityEnum": "knowledgebase.models.Visibility",
        "FeedbackKindEnum": "tickets.models.FeedbackItem.Kind",
        "FeedbackStatusEnum": "tickets.models.FeedbackItem.Status",
        "OpportunityKindEnum": "tickets.models.Opportunity.Kind",
        "OpportunityStateEnum": "tickets.models.Opportunity.State",
        "ProblemStatusEnum": "tickets.models.Problem.Status",
        "TriggerEventEnum": "tickets.models.TriggerEvent",
        "BlockedSenderKindEnum": "tickets.models.BlockedSender.Kind",
    },
}

# Files: uploads stream to disk past FILE_UPLOAD_MAX_MEMORY_SIZE and are hashed as they arrive; one
# file may be HELPDESK_MAX_ATTACHMENT_BYTES, the files of one request HELPDESK_MAX_UPLOAD_BYTES together
# (refused while the body streams in, helpdesk.uploads). Fields other than files: DATA_UPLOAD_MAX_MEMORY_SIZE.
HELPDESK_MAX_ATTACHMENT_BYTES = env.int("HELPDESK_MAX_ATTACHMENT_BYTES", default=25 * 1024 * 1024)
HELPDESK_MAX_UPLOAD_BYTES = env.int("HELPDESK_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("HELPDESK_MAX_BODY_BYTES", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("HELPDESK_UPLOAD_MEMORY_BYTES", default=1024 * 1024)
FILE_UPLOAD_TEMP_DIR = env("HELPDESK_UPLOAD_TEMP_DIR", default=None)  # unset: the system's temporary directory
FILE_UPLOAD_HANDLERS = [
    "helpdesk.uploads.UploadLimitHandler",
    "helpdesk.uploads.HashingMemoryFileUploadHandler",
    "helpdesk.uploads.HashingTemporaryFileUploadHandler",
]

# Email: SMTP from EMAIL_URL (smtp://user:pass@host:587/?tls=True); the console when unset.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Helpdesk <support@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: secure by default whenever DEBUG is off.
SESSION_COOKIE_SECURE = env.bool("HELPDESK_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "helpdesk.session_store"  # the database store, its read compiled once (helpdesk/session_store.py)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE  # the language switcher's django_language cookie
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("HELPDESK_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("HELPDESK_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("HELPDESK_HSTS_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HELPDESK_BEHIND_PROXY = env.bool("HELPDESK_BEHIND_PROXY", default=False)
if HELPDESK_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# How many proxies stand in front of the site, each appending the address it got the request from to
# X-Forwarded-For: the client is that many entries from the right, and nothing further left is
# believed (helpdesk.ratelimit.client_ip; DRF throttles by the same rule). 0: REMOTE_ADDR only.
HELPDESK_TRUSTED_PROXIES = env.int("HELPDESK_TRUSTED_PROXIES", default=1 if HELPDESK_BEHIND_PROXY else 0)
if HELPDESK_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("HELPDESK_TRUSTED_PROXIES must be 0 or more.")
REST_FRAMEWORK["NUM_PROXIES"] = HELPDESK_TRUSTED_PROXIES
# HSTS preload is a per-site decision; SQLite (the try-it default) builds a covering index as a plain one.
SILENCED_SYSTEM_CHECKS = ["security.W021", *(["models.W040"] if "sqlite" in DATABASES["default"]["ENGINE"] else [])]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("HELPDESK_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Sign-in limits (helpdesk.signin), the same for the login page and the token login. Only failures
# count. An account is refused from one address after ACCOUNT_ADDRESS_FAILURES failures in a window,
# an address after ADDRESS_FAILURES (any accounts), each for one window. An account, from anywhere,
# is never locked: after ACCOUNT_FREE_FAILURES failures in a row each try waits a delay doubling from
# ACCOUNT_DELAY_SECONDS up to ACCOUNT_DELAY_MAX_SECONDS, except at an address the owner signed in
# from within KNOWN_ADDRESS_DAYS. A success clears the account's failures.
HELPDESK_SIGNIN_WINDOW_SECONDS = env.int("HELPDESK_SIGNIN_WINDOW_SECONDS", default=15 * 60)
HELPDESK_SIGNIN_ACCOUNT_ADDRESS_FAILURES = env.int("HELPDESK_SIGNIN_ACCOUNT_ADDRESS_FAILURES", default=10)
HELPDESK_SIGNIN_ADDRESS_FAILURES = env.int("HELPDESK_SIGNIN_ADDRESS_FAILURES", default=50)
HELPDESK_SIGNIN_ACCOUNT_FREE_FAILURES = env.int("HELPDESK_SIGNIN_ACCOUNT_FREE_FAILURES", default=10)
HELPDESK_SIGNIN_ACCOUNT_DELAY_SECONDS = env.int("HELPDESK_SIGNIN_ACCOUNT_DELAY_SECONDS", default=5)
HELPDESK_SIGNIN_ACCOUNT_DELAY_MAX_SECONDS = env.int("HELPDESK_SIGNIN_ACCOUNT_DELAY_MAX_SECONDS", default=5 * 60)
HELPDESK_SIGNIN_KNOWN_ADDRESS_DAYS = env.int("HELPDESK_SIGNIN_KNOWN_ADDRESS_DAYS", default=30)

# API tokens (helpdesk.ApiToken) stop working this many days after they are made; 0: never.
HELPDESK_API_TOKEN_DAYS = env.int("HELPDESK_API_TOKEN_DAYS", default=90)
if HELPDESK_API_TOKEN_DAYS < 0:
    raise ImproperlyConfigured("HELPDESK_API_TOKEN_DAYS must be 0 or more.")

# Tickets
HELPDESK_DEFAULT_TEAM = env("HELPDESK_DEFAULT_TEAM", default="first-line")  # slug of the team new tickets join
HELPDESK_SALES_TEAM = env("HELPDESK_SALES_TEAM", default="sales")  # slug of the team told about sales opportunities
HELPDESK_REFERRAL_TARGET_MINUTES = env.int("HELPDESK_REFERRAL_TARGET_MINUTES", default=480)
# Tickets need an owner: an agent's first public reply on an unowned ticket takes it, and an agent
# cannot solve an unowned one (tickets.services.status).
HELPDESK_REQUIRE_OWNER = env.bool("HELPDESK_REQUIRE_OWNER", default=False)
# An agent solving a ticket must give its root cause (page, API, bulk, problems: tickets.services.status).
HELPDESK_REQUIRE_ROOT_CAUSE = env.bool("HELPDESK_REQUIRE_ROOT_CAUSE", default=False)
# An agent's reply or note on the ticket page or through the API must carry the time spent
# (tickets.services.conversation.ticket_reply refuses it without; tickets.timetrack).
HELPDESK_REQUIRE_TIME = env.bool("HELPDESK_REQUIRE_TIME", default=False)
HELPDESK_REOPEN_DAYS = env.int("HELPDESK_REOPEN_DAYS", default=14)  # a customer may reopen a solved request this long
HELPDESK_RATING_CHANGE_DAYS = env.int("HELPDESK_RATING_CHANGE_DAYS", default=7)
HELPDESK_OPEN_SIGNUP = env.bool("HELPDESK_OPEN_SIGNUP", default=False)  # anyone may sign up, not only claimed domains
HELPDESK_REFERRAL_REMIND_MINUTES = env.int(
    "HELPDESK_REFERRAL_REMIND_MINUTES", default=60
)  # remind this long before due
# The email channel's own mails to one sender an hour: acknowledgements and notices of files not accepted.
HELPDESK_EMAIL_ACK_PER_HOUR = env.int("HELPDESK_EMAIL_ACK_PER_HOUR", default=5)
HELPDESK_EMAIL_MAX_BYTES = env.int("HELPDESK_EMAIL_MAX_BYTES", default=50 * 1024 * 1024)  # raw-MIME push limit
# Webhooks (tickets.webhooks): seconds to wait for an answer; whether private addresses may receive
# them (on in debug, so a local test receiver works; off in production against server-side forgery).
HELPDESK_WEBHOOK_TIMEOUT = env.float("HELPDESK_WEBHOOK_TIMEOUT", default=10.0)
HELPDESK_WEBHOOK_ALLOW_PRIVATE = env.bool("HELPDESK_WEBHOOK_ALLOW_PRIVATE", default=DEBUG)
HELPDESK_WEBHOOK_KEEP_DAYS = env.int("HELPDESK_WEBHOOK_KEEP_DAYS", default=30)  # delivery log kept this long

# seconds a worker's claim on an outbox row lasts unless renewed (it is, while sending): a dead
# worker's mail goes out again with the first notification sweep after this
HELPDESK_OUTBOX_CLAIM_LEASE = env.int("HELPDESK_OUTBOX_CLAIM_LEASE", default=60)

# Retention, satisfaction surveys, two-factor sign-in, signed-in sessions and single sign-on.
from helpdesk.settings_features import *  # noqa: E402, F403 (its upper-case names are settings)
