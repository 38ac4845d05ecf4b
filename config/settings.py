"""Aperture's settings: one module, driven by the environment (its longer pieces, the beat
schedule, the queues, logging and mail, are config/ modules it imports).

With nothing set, this is the first-run configuration: SQLite and a filesystem Celery broker
under var/, DEBUG on only if DJANGO_DEBUG says so. DJANGO_PRODUCTION=1 switches on everything
`manage.py check --deploy` asks for and refuses to start without a secret key, a database and
Redis. Importing this module reads the environment and at most var/secret_key; it writes nothing
(`manage.py preparelocal` makes var/ for the first run).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.beat import beat_schedule
from config.env import env_bool, env_list
from config.logging_config import logging_config
from config.mail import mailers

# Celery's queues and routes (config/queues.py): imported, so that Django reads them here.
from config.queues import (  # noqa: F401
    CELERY_TASK_DEFAULT_QUEUE,
    CELERY_TASK_QUEUES,
    CELERY_TASK_ROUTES,
    TASK_QUEUE_NAMES,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("APERTURE_VAR_DIR", BASE_DIR / "var"))


# --- Settings that cannot fail silently ----------------------------------------------------
PRODUCTION = env_bool("DJANGO_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG") and not PRODUCTION

# Without these a production deploy would quietly run on the first-run defaults: SQLite, the
# filesystem broker and a per-process cache (which makes every rate limit per process).
PRODUCTION_REQUIRED_ENV = ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL")
if PRODUCTION:
    _missing = [name for name in PRODUCTION_REQUIRED_ENV if not os.environ.get(name, "").strip()]
    if _missing:
        raise ImproperlyConfigured(
            f"DJANGO_PRODUCTION=1 needs {', '.join(_missing)} in the environment. Production "
            "never falls back to the first-run defaults (a generated key, SQLite, the filesystem "
            "broker, a per-process cache); see README.md, Production."
        )

# Outside production, without DJANGO_SECRET_KEY: the key `manage.py preparelocal` (run by
# `make run` and runlocal) wrote to var/secret_key, so the web server, the worker and beat all
# sign with the same one; before that exists, a fixed key that says what it is (public on
# purpose: production refuses to start without its own).
SECRET_KEY_FILE = VAR_DIR / "secret_key"
DEVELOPMENT_SECRET_KEY = "django-insecure-aperture-development-only-key-never-use-in-production"  # noqa: S105


def local_secret_key() -> str:
    try:
        return SECRET_KEY_FILE.read_text().strip() or DEVELOPMENT_SECRET_KEY
    except FileNotFoundError:
        return DEVELOPMENT_SECRET_KEY


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip() or local_secret_key()
# --- end of settings that cannot fail silently ------------------------------------------------

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Trigram lookups for search on PostgreSQL; harmless on the SQLite first run.
    "django.contrib.postgres",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # django-ninja: in INSTALLED_APPS so that its API docs load Swagger UI from our own static
    # files (the CSP allows no CDN).
    "ninja",
    "apps.accounts",
    "apps.catalog",
    "apps.claims",
    "apps.ingest",
    "apps.datasets",
    "apps.watch",
    "apps.alerts",
    "apps.exports",
    "apps.site",
    "apps.api",
]

MIDDLEWARE = [
    # First, so that every response (redirects included) and every log line carries the id.
    "apps.lib.request_id.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    # /api/ only: methods, CORS, the rate limit and conditional GET; before the text check,
    # which it runs itself to answer API clients with the API's JSON error.
    "apps.api.middleware.ApiEdgeMiddleware",
    "apps.lib.middleware.RequestTextMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # LocaleMiddleware, with the language in the URL of public pages (apps/lib/language_urls.py).
    "apps.lib.language_urls.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.site.context_processors.site",
                "apps.lib.language_urls.language_versions",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'aperture.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# System checks a deliberate choice below answers (each with its reason).
SILENCED_SYSTEM_CHECKS: list[str] = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, which also makes var/ on the first connection (apps/lib/sqlite).
    DATABASES["default"]["ENGINE"] = "apps.lib.sqlite"
    # The embedded default is shared by the web server, the worker and beat: wait for locks
    # instead of failing, and take the write lock at BEGIN so two writers never deadlock.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The covering timeline index (claims.Statement) is a PostgreSQL speed-up at a million rows;
    # SQLite builds it on its key columns alone, which is all the first run needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis, or this process's memory while Redis is unreachable (apps/lib/failsafe_cache.py):
    # pages, logins and rate limits keep working through a Redis outage. The timeouts bound
    # what a request waits for a Redis that hangs instead of refusing.
    CACHES = {
        "default": {
            "BACKEND": "apps.lib.failsafe_cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "aperture"),
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "1")),
                "socket_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", "2")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The audit trail is read, never reverted: a revert would save an old copy past the editorial
# rules. This hides the button; apps/lib/history_admin.py refuses the POST itself.
SIMPLE_HISTORY_REVERT_DISABLED = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production WhiteNoise looks files up per request, from the finders: STATIC_ROOT need not
# exist, so importing settings has no directory to make.
WHITENOISE_AUTOREFRESH = not PRODUCTION

LOGIN_URL = "admin:login"
# Where a login lands when its next= is missing or refused (an outside address, say).
LOGIN_REDIRECT_URL = "admin:index"

# Admin login throttle (django-axes; apps/accounts/throttle.py). Failed logins are counted in the
# default cache, one counter per username and one per client address (the address as
# TRUSTED_PROXY_COUNT says, apps/lib/client_ip.py); either reaching the limit refuses every
# login, the right password too, until the cool-off has passed since the last counted failure.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "apps.lib.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "apps.accounts.throttle.throttle_username"
AXES_LOCKOUT_CALLABLE = "apps.accounts.throttle.login_locked_out"
# Tries made while locked out are refused without restarting the cool-off, so the page can say
# how long to wait; a successful login clears that account's and that address's counts.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The cache handler writes no AccessAttempt rows, so their admin pages would only ever be empty.
AXES_ENABLE_ADMIN = False
if not REDIS_URL:
    # Without Redis the counters live in the local-memory cache, which only one process sees.
    # That holds for the first run (one runserver process); production sets REDIS_URL (compose
    # does) so that every gunicorn worker counts into the same place.
    SILENCED_SYSTEM_CHECKS.append("axes.W001")

# Second-factor login for staff, optional per user (django-otp; apps/accounts/services.py).
OTP_TOTP_ISSUER = "Aperture"
# The device admin (for a superuser removing a colleague's lost phone) never shows secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Content Security Policy: Django's own middleware; inline scripts only with the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
# The embeds under /embed/ (apps/site/embed_views.py), and only they, may be framed, by these
# origins (space-separated CSP sources; "*" is any site). Every other page keeps
# frame-ancestors 'none' and X-Frame-Options DENY. Browsers and proxies may keep an embed this
# many seconds before they ask again (with its ETag, answered 304 when nothing changed).
EMBED_FRAME_ANCESTORS = os.environ.get("EMBED_FRAME_ANCESTORS", "*")
EMBED_MAX_AGE_SECONDS = int(os.environ.get("EMBED_MAX_AGE_SECONDS", "600"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# How many reverse proxies in front of the site append to X-Forwarded-For (0: none, trust only
# REMOTE_ADDR). Per-reader limits (the alerts subscribe form) take the address that many entries
# from the right; set it to exactly the number of proxies you run, or readers can forge theirs.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Mail: Django 6.1's MAILERS, filled from the usual EMAIL_* environment variables. Without
# EMAIL_HOST, mail is printed to the console (first run only: production always uses SMTP, on
# localhost unless EMAIL_HOST says otherwise); tests point it at their own SMTP server.
APERTURE_EMAIL_HOST = os.environ.get("EMAIL_HOST", "") or ("localhost" if PRODUCTION else "")
MAILERS = mailers(host=APERTURE_EMAIL_HOST)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Aperture <alerts@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where labs and readers write to the editors (corrections, a lab's answer): named on /about/.
EDITORS_EMAIL = os.environ.get("EDITORS_EMAIL", "").strip()

# Fetching other people's pages (apps/lib/fetch/). Loopback and private addresses only when
# FETCH_ALLOW_PRIVATE is true: for tests and the local demo, never in production.
FETCH_ALLOW_PRIVATE = env_bool("FETCH_ALLOW_PRIVATE") and not PRODUCTION
# Contact loopback hosts only, refusing every other name before it is resolved: for runs that
# must stay on this machine whatever the data names (the soak, bench/soak). Off by default.
FETCH_LOOPBACK_ONLY = env_bool("FETCH_LOOPBACK_ONLY")
FETCH_USER_AGENT = os.environ.get(
    "FETCH_USER_AGENT", f"ApertureBot/0.1 (+{SITE_URL}/about/; open-AI ledger)"
)
FETCH_TIMEOUT_SECONDS = float(os.environ.get("FETCH_TIMEOUT_SECONDS", "15"))
FETCH_MAX_BYTES = int(os.environ.get("FETCH_MAX_BYTES", str(5 * 1024 * 1024)))
FETCH_MAX_REDIRECTS = int(os.environ.get("FETCH_MAX_REDIRECTS", "5"))

# Celery: Redis when REDIS_URL is set, otherwise a broker on the filesystem that needs no server
# (the first-run default; eager mode is not an option because it runs no schedule).
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # Above every retry countdown (alerts clamp theirs to 10 minutes, ingestion's article
        # retries stay under 20), so a late-acked task is never handed out twice by timeout.
        "visibility_timeout": 60 * 60 * 2,
    }
else:
    # The filesystem transport ignores the host; naming one keeps kombu from warning, in every
    # process of the first run, that it "reverted to localhost".
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
# Alert senders stop claiming after this many seconds and hand the rest to a fresh task, so the
# soft time limit above never cuts one off mid-batch.
ALERTS_SEND_BUDGET_SECONDS = float(os.environ.get("ALERTS_SEND_BUDGET_SECONDS", "75"))
# Deliveries a sender claims at a time, and the first wait after a failed mail or webhook (it
# doubles with each failure): apps/alerts/conf.py has their defaults and why.
ALERTS_SEND_BATCH = int(os.environ.get("ALERTS_SEND_BATCH", "50"))
ALERTS_RETRY_BASE_SECONDS = float(os.environ.get("ALERTS_RETRY_BASE_SECONDS", "30"))
# Instant alert mails one reader gets a day at most (apps/alerts/conf.py); the rest wait for the
# next day. From the environment so that the soak (bench/soak), which publishes a statement every
# 20 s, can raise it.
ALERTS_MAX_INSTANT_MAILS_PER_DAY = int(os.environ.get("ALERTS_MAX_INSTANT_MAILS_PER_DAY", "10"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Each worker also consumes a queue named after its hostname, so `manage.py workerlive` can send
# it a heartbeat that only it runs (apps/site/liveness.py). Redis only: the first run's
# filesystem broker has no healthcheck to serve.
CELERY_WORKER_DIRECT = bool(REDIS_URL)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
REVIEW_MAIL_INTERVAL_HOURS = float(os.environ.get("REVIEW_MAIL_INTERVAL_HOURS", "24"))


# --- Datasets (apps/datasets) -----------------------------------------------------------------
# Where each outside dataset is read from; every fetch goes through apps.lib.fetch. The weekly
# sync is off unless DATASETS_SYNC=1, so neither `make run` nor the tests contact an upstream.
DATASETS_EPOCH_URL = os.environ.get("DATASETS_EPOCH_URL", "https://epoch.ai/data/all_ai_models.csv")
DATASETS_MOT_URL = os.environ.get(
    "DATASETS_MOT_URL",
    "https://codeload.github.com/lfai/model_openness_tool/zip/refs/heads/main",
)
DATASETS_OSAI_URL = os.environ.get(
    "DATASETS_OSAI_URL",
    "https://codeload.github.com/opening-up-chatgpt/opening-up-chatgpt.github.io/zip/refs/heads/main",
)
DATASETS_MAX_BYTES = int(os.environ.get("DATASETS_MAX_BYTES", str(50 * 1024 * 1024)))
# An organisation no company answers to becomes a company only when a dataset names it for this
# many models (apps/datasets/conf.py says how the default was chosen).
DATASETS_NEW_COMPANY_MODELS = int(os.environ.get("DATASETS_NEW_COMPANY_MODELS", "20"))
DATASETS_SYNC = env_bool("DATASETS_SYNC")
# --- end of Datasets ---------------------------------------------------------------------------

# --- Exports (apps/exports) --------------------------------------------------------------------
# The bulk files under /data/: written by the maintenance worker to EXPORTS_DIR, served from it by
# the web process (or by the web server in front, README.md "Open data"). Beat's tick marks them
# out of date when the record changed and rebuilds them once it has been quiet for
# EXPORTS_DEBOUNCE_SECONDS (apps/exports/conf.py).
EXPORTS_DIR = os.environ.get("EXPORTS_DIR", "").strip() or str(VAR_DIR / "exports")
EXPORTS_DEBOUNCE_SECONDS = float(os.environ.get("EXPORTS_DEBOUNCE_SECONDS", "300"))
# `make backup` writes its archives here (apps/site/backup.py; README "Backup and restore").
BACKUP_DIR = os.environ.get("BACKUP_DIR", "").strip() or str(VAR_DIR / "backups")
# --- end of Exports ----------------------------------------------------------------------------

# --- Watched pages and source archives (apps/watch; defaults in apps/watch/conf.py) -----------
# Workers contact other people's hosts on their own (archiving newly cited sources, the weekly
# link-rot check, watched pages) only in production or with WATCH_SYNC=1: `make run`, the demo
# seed and the tests never do. `manage.py checksources` / `checkwatches` work either way.
WATCH_SYNC = env_bool("WATCH_SYNC", PRODUCTION)
WATCH_SOURCE_INTERVAL_DAYS = float(os.environ.get("WATCH_SOURCE_INTERVAL_DAYS", "7"))
# --- end of Watch -------------------------------------------------------------------------------

# Celery beat: config/beat.py.
CELERY_BEAT_SCHEDULE = beat_schedule(datasets_sync=DATASETS_SYNC, watch_sync=WATCH_SYNC)

# The demo feeds under /demo-feeds/ (apps/ingest/demo/), for the local first run only.
INGEST_DEMO_FEEDS = env_bool("INGEST_DEMO_FEEDS", DEBUG) and not PRODUCTION

# --- The read API (apps/api; defaults and reasons in apps/api/conf.py) -------------------------
# Requests per client address and window under /api/, counted in Redis across processes.
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "120"))
API_RATE_WINDOW_SECONDS = int(os.environ.get("API_RATE_WINDOW_SECONDS", "60"))
# --- end of the read API ----------------------------------------------------------------------

# --- Outages (apps/lib/outage.py) -----------------------------------------------------------
# While PostgreSQL cannot be reached pages answer 503 with this Retry-After; a worker waits this
# long for it to come back before giving up on recording a mail the server already accepted.
OUTAGE_RETRY_AFTER_SECONDS = int(os.environ.get("OUTAGE_RETRY_AFTER_SECONDS", "15"))
OUTAGE_WORKER_WAIT_SECONDS = float(os.environ.get("OUTAGE_WORKER_WAIT_SECONDS", "60"))
# --- end of outages -------------------------------------------------------------------------

# --- Logging --------------------------------------------------------------------------------
# JSON lines in production (one object per line, for the log collector), readable lines
# elsewhere; LOG_FORMAT=json|plain overrides. Every line carries the request id of the web
# request it belongs to, in the web process and in the tasks that request enqueued
# (apps/lib/request_id.py, config/celery.py); "-" when there is none (beat's own tasks).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "").strip().lower() or ("json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = logging_config(log_format=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "INFO"))
# --- end of logging -------------------------------------------------------------------------
