"""Huiguang settings: driven by the environment (see .env.example), development defaults."""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from huiguang.core.env import env_bool, env_int, env_list, env_secret, env_str

SRC_DIR = Path(__file__).resolve().parent.parent  # src/huiguang
BASE_DIR = SRC_DIR.parent.parent  # the checkout
VAR_DIR = Path(env_str("HUIGUANG_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", VAR_DIR)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "huiguang.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "huiguang.core",
    "huiguang.accounts",
    "huiguang.network",
    "huiguang.volunteers",
    "huiguang.projects",
    "huiguang.training",
    "huiguang.notifications",
    "huiguang.activities",
    "huiguang.attendance",
    "huiguang.mobilization",
    "huiguang.ledger",
    "huiguang.credit",
    "huiguang.benefits",
    "huiguang.reports",
    "huiguang.needs",
    "huiguang.web",
    "huiguang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huiguang.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "huiguang.core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huiguang.config.urls"
WSGI_APPLICATION = "huiguang.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huiguang.web.context_processors.navigation",
                "huiguang.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default, PostgreSQL through DATABASE_URL -----------------
DATABASE_URL = env_str("DATABASE_URL", "")
SQLITE_OPTIONS = {
    # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two
    # transactions never both read then deadlock on upgrade (the ledger relies on it).
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "huiguang.sqlite3")}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same options whether the file comes from DATABASE_URL=sqlite:///… or the default:
    # without them a sign-up race answers "database is locked".
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    # One test database per test process, next to the database, so two suites never collide.
    _db_path = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {
        "NAME": str(_db_path.with_name(f"test_{_db_path.stem}_{os.getpid()}.sqlite3"))
    }
else:
    # One test database per test process, so that two suites on one machine never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Authenticates nobody; answers the permissions accounts asks for from the network's roles.
    "huiguang.network.backends.ScopePermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "huiguang.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
# A console session: 8 hours, ended when the browser closes unless "remember me".
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock a username from one address, never an address alone (a school or a
# company shares one address).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "huiguang.accounts.views.lockout"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# --- i18n: Chinese first ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing directory
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("HUIGUANG_MANIFEST_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("HUIGUANG_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("HUIGUANG_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("HUIGUANG_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("HUIGUANG_BEHIND_PROXY") else None

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Huiguang --------------------------------------------------------------------------------
HUIGUANG_CITY_CODE = env_str("HUIGUANG_CITY_CODE", "330482")
HUIGUANG_CITY_NAME = env_str("HUIGUANG_CITY_NAME", "平湖市")
# Who issues the monthly bulletin: the header of its PDF (reports).
HUIGUANG_BULLETIN_ISSUER = env_str("HUIGUANG_BULLETIN_ISSUER", "共青团平湖市委员会 · 平湖市志愿者协会")
HUIGUANG_PRIVACY_POLICY_VERSION = env_str("HUIGUANG_PRIVACY_POLICY_VERSION", "2026-01")
HUIGUANG_IMPORT_MAX_ROWS = env_int("HUIGUANG_IMPORT_MAX_ROWS", 20000)
HUIGUANG_IMPORT_MAX_BYTES = env_int("HUIGUANG_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
HUIGUANG_IMPORT_FILE_TTL_HOURS = env_int("HUIGUANG_IMPORT_FILE_TTL_HOURS", 24)  # uploaded files (ID numbers)
HUIGUANG_GUARDIAN_AGE = env_int("HUIGUANG_GUARDIAN_AGE", 14)
# Sign-up rules (activities): overlap grace, and the block after repeated no-shows.
HUIGUANG_OVERLAP_GRACE_MINUTES = env_int("HUIGUANG_OVERLAP_GRACE_MINUTES", 15)
HUIGUANG_NO_SHOW_LIMIT = env_int("HUIGUANG_NO_SHOW_LIMIT", 3)
HUIGUANG_NO_SHOW_WINDOW_DAYS = env_int("HUIGUANG_NO_SHOW_WINDOW_DAYS", 90)
HUIGUANG_SERIES_HORIZON_MONTHS = env_int("HUIGUANG_SERIES_HORIZON_MONTHS", 3)
# Notifications: SMS goes through a backend (the console one prints, like Django's e-mail one).
HUIGUANG_SMS_BACKEND = env_str("HUIGUANG_SMS_BACKEND", "huiguang.notifications.sms.ConsoleSmsBackend")
HUIGUANG_REMINDER_HOURS = [int(h) for h in env_list("HUIGUANG_REMINDER_HOURS", ["24", "2"])]
HUIGUANG_SITE_URL = env_str("HUIGUANG_SITE_URL", "http://127.0.0.1:8000")
# The hours ledger (DESIGN §5).
HUIGUANG_CHECKIN_GRACE_MINUTES = env_int("HUIGUANG_CHECKIN_GRACE_MINUTES", 15)
HUIGUANG_DAILY_CAP_HOURS = env_int("HUIGUANG_DAILY_CAP_HOURS", 12)
HUIGUANG_MAKEUP_LIMIT_DAYS = env_int("HUIGUANG_MAKEUP_LIMIT_DAYS", 30)
HUIGUANG_MAX_CHECKIN_PAIRS = env_int("HUIGUANG_MAX_CHECKIN_PAIRS", 3)
HUIGUANG_QR_ROTATE_SECONDS = env_int("HUIGUANG_QR_ROTATE_SECONDS", 30)
# Keys: data encryption (AES-GCM), blind index (HMAC) and signing (Ed25519); see core/crypto.py.
HUIGUANG_KEY_DIR = Path(env_str("HUIGUANG_KEY_DIR", str(VAR_DIR / "keys")))
HUIGUANG_RETIRED_SIGNING_KEYS = env_list("HUIGUANG_RETIRED_SIGNING_KEYS", [])  # docs/ledger.md
HUIGUANG_CHECKIN_CODE_LIMIT = [int(n) for n in env_list("HUIGUANG_CHECKIN_CODE_LIMIT", ["5", "10"])]
HUIGUANG_ECARD_MAX_AGE_MINUTES = env_int("HUIGUANG_ECARD_MAX_AGE_MINUTES", 5)
HUIGUANG_API_TOKEN_DAYS = env_int("HUIGUANG_API_TOKEN_DAYS", 30)
# Residents' requests (needs): SMS codes, the rating link, nearby search, chasing overdue requests.
HUIGUANG_NEEDS_CODE_MINUTES = env_int("HUIGUANG_NEEDS_CODE_MINUTES", 10)
HUIGUANG_NEEDS_RATING_DAYS = env_int("HUIGUANG_NEEDS_RATING_DAYS", 14)
HUIGUANG_NEEDS_NEARBY_KM = env_int("HUIGUANG_NEEDS_NEARBY_KM", 10)
HUIGUANG_NEEDS_TAKE_HOURS = env_int("HUIGUANG_NEEDS_TAKE_HOURS", 24)
# The care register (needs): personal fields of an ended recipient are erased after this many days;
# a home visit is logged within this many metres of the recipient's address.
HUIGUANG_CARE_RETENTION_DAYS = env_int("HUIGUANG_CARE_RETENTION_DAYS", 730)
HUIGUANG_CARE_VISIT_RADIUS_M = env_int("HUIGUANG_CARE_VISIT_RADIUS_M", 300)

# --- Background tasks (django-tasks) ----------------------------------------------------------
# The database backend (django-tasks-db): no extra server; `huiguang db_worker` runs the queue.
# HUIGUANG_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs tasks in-process
# (tests, a single-process install without a worker).
TASKS = {
    "default": {"BACKEND": env_str("HUIGUANG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "huiguang@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

if env_bool("HUIGUANG_TESTING", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
