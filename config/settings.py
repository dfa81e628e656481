"""One settings module, every setting read from the environment.

Unset variables give the embedded defaults: a SQLite file under ``var/`` and
Celery tasks run eagerly in-process. See the configuration table in README.md.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)


def _secret_key() -> str:
    key = env("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development key, generated once per checkout and kept out of the repo.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "viewflow",
    "viewflow.workflow",
    # The layers, from the ground up (docs/architecture.md): the organisations and people,
    # the notification centre, the case domain, verification, the engine, the processes (in
    # the order their task kinds are listed), and the read sides and edges.
    "roles",
    "notifications",
    "cases",
    "verification",
    "workflows",
    "processes.registration",
    "processes.leave",
    "processes.targeted",
    "processes.changes",
    "processes.spotchecks",
    "processes.filings",
    "stats",
    "sync",
    "api",
    "portal",
    "drf_spectacular",
    # Last, for its message catalogue: the API's own errors ("Authentication credentials
    # were not provided.", "This field may not be blank.") in Chinese.
    "rest_framework",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "api.middleware.ApiCallLogMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "roles.context_processors.scope",
                "notifications.context_processors.unread",
                "sync.context_processors.node",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=envint("DB_CONN_MAX_AGE", 60),
            test_options={"NAME": env("TEST_DATABASE_NAME")} if env("TEST_DATABASE_NAME") else None,
        )
    }
    # Server-side parameter binding lets psycopg prepare a query the fifth time a connection
    # runs it: the planner's work (milliseconds for a join of eight tables) is then done once
    # per connection, not once per request. Off behind PgBouncer in transaction mode, which
    # cannot keep prepared statements (DB_SERVER_SIDE_BINDING=0).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool(
        "DB_SERVER_SIDE_BINDING", True
    ):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait
                # (up to the timeout) instead of failing half-way with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Authentication ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "roles.backends.ActivationCodeBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Log-in attempts are rate-limited per username and per address (django-axes).
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Activation attempts (ID number + code) are counted like log-ins, under a digest.
AXES_USERNAME_CALLABLE = "roles.backends.axes_username"

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded evidence is never served from MEDIA_URL: a view checks scope first.
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ROSTER_MAX_BYTES = envint("ROSTER_MAX_BYTES", 20 * 1024 * 1024)
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@localhost")

# --- Celery ---------------------------------------------------------------------------------
# Unset: tasks run eagerly in-process, through kombu's in-memory transport (never used for
# sending, but it keeps Celery from reaching for an AMQP server on localhost).
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = not CELERY_RESULT_BACKEND
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Domain settings ----------------------------------------------------------------------
# Verification lookups (核验): per-account and per-address rates (django-ratelimit), and the
# lock after repeated failed lookups.
VERIFY_RATE_USER = env("VERIFY_RATE_USER", "30/m")
VERIFY_RATE_IP = env("VERIFY_RATE_IP", "120/m")
VERIFY_FAILURE_LIMIT = envint("VERIFY_FAILURE_LIMIT", 10)
VERIFY_FAILURE_WINDOW_MINUTES = envint("VERIFY_FAILURE_WINDOW_MINUTES", 30)
VERIFY_LOCK_MINUTES = envint("VERIFY_LOCK_MINUTES", 30)

# Default workflow page size for inboxes and lists.
PAGE_SIZE = envint("PAGE_SIZE", 50)

# --- Notifications --------------------------------------------------------------------------
# The SMS gateway adapter (a notifications.transports.SmsTransport); the default only logs.
SMS_TRANSPORT = env("SMS_TRANSPORT", "notifications.transports.LoggingSmsTransport")
SMS_SIGNATURE = env("SMS_SIGNATURE", "【毕业去向登记】")
# Failed e-mail/SMS sends are retried with exponential backoff from this many seconds,
# up to this many attempts per channel.
NOTIFICATION_RETRY_BACKOFF = envint("NOTIFICATION_RETRY_BACKOFF", 60)
NOTIFICATION_MAX_ATTEMPTS = envint("NOTIFICATION_MAX_ATTEMPTS", 8)

# --- Deadlines, sweeps and supervision --------------------------------------------------------
# An overdue task goes to the university supervisor this long after its handlers were told.
OVERDUE_ESCALATION_HOURS = envint("OVERDUE_ESCALATION_HOURS", 48)
# Reminders this many days before the registration deadline and before a task's due date.
REMINDER_DAYS = sorted({int(d) for d in envlist("REMINDER_DAYS", "7,1")}, reverse=True)
# The registration deadline of every cohort, month-day in its graduation year.
REGISTRATION_DEADLINE = env("REGISTRATION_DEADLINE", "08-31")
# Supervision lists count a task as soon due this many hours before its due date.
SOON_DUE_HOURS = envint("SOON_DUE_HOURS", 48)
# Rows per transaction in the sweeps, and how often beat runs them.
SWEEP_BATCH_SIZE = envint("SWEEP_BATCH_SIZE", 500)
SWEEP_INTERVAL_MINUTES = envint("SWEEP_INTERVAL_MINUTES", 15)

_sweep_every = timedelta(minutes=SWEEP_INTERVAL_MINUTES)
CELERY_BEAT_SCHEDULE = {
    # A sweep message left in the queue while workers are down expires instead of piling up.
    name: {"task": task, "schedule": every, "options": {"expires": every.total_seconds()}}
    for name, task, every in [
        ("workflow-timers", "workflows.tasks.fire_workflow_timers", timedelta(minutes=1)),
        ("overdue-tasks", "workflows.tasks.sweep_overdue_tasks", _sweep_every),
        ("escalations", "workflows.tasks.sweep_escalations", _sweep_every),
        ("due-reminders", "workflows.tasks.sweep_due_reminders", _sweep_every),
        ("registration-deadline", "workflows.tasks.sweep_registration_deadline", _sweep_every),
        ("leave-confirmations", "workflows.tasks.open_leave_confirmations", timedelta(hours=1)),
        ("notification-relay", "notifications.tasks.relay_unsettled_notifications", _sweep_every),
    ]
}

# --- Node role: standalone, national, or a provincial system ---------------------------------
# A provincial node syncs its province's cases to the national node through the REST API
# (an outbox relayed by Celery); the national node holds them next to its own cases.
NODE_ROLE = env("NODE_ROLE", "standalone")
if NODE_ROLE not in ("standalone", "national", "provincial"):
    raise ImproperlyConfigured("NODE_ROLE must be standalone, national or provincial.")
NODE_PROVINCE = env("NODE_PROVINCE")
if NODE_ROLE == "provincial" and not (
    len(NODE_PROVINCE) == 6 and NODE_PROVINCE.isdigit() and NODE_PROVINCE.endswith("0000")
):
    raise ImproperlyConfigured("A provincial node needs NODE_PROVINCE, e.g. 110000 (GB/T 2260).")
# Where a provincial node sends its events, and its machine-client key there.
NATIONAL_URL = env("NATIONAL_URL").rstrip("/")
NATIONAL_API_KEY_ID = env("NATIONAL_API_KEY_ID")
NATIONAL_API_KEY = env("NATIONAL_API_KEY")
# "hmac" signs every request with the key; "token" sends the key as a bearer token.
NATIONAL_API_AUTH = env("NATIONAL_API_AUTH", "hmac")
SYNC_BATCH_SIZE = envint("SYNC_BATCH_SIZE", 200)
SYNC_TIMEOUT = envint("SYNC_TIMEOUT", 30)
# A failed relay is retried after this many seconds, doubled each time (at most an hour).
SYNC_RETRY_BACKOFF = envint("SYNC_RETRY_BACKOFF", 30)
SYNC_MAX_RETRIES = envint("SYNC_MAX_RETRIES", 10)
SYNC_RELAY_SECONDS = envint("SYNC_RELAY_SECONDS", 60)
SYNC_RECONCILE_MINUTES = envint("SYNC_RECONCILE_MINUTES", 60)
# Signed API requests older or newer than this many seconds are refused.
API_SIGNATURE_MAX_AGE = envint("API_SIGNATURE_MAX_AGE", 300)

CELERY_BEAT_SCHEDULE.update(
    {
        "sync-relay": {
            "task": "sync.tasks.relay_outbox",
            "schedule": timedelta(seconds=SYNC_RELAY_SECONDS),
            "options": {"expires": SYNC_RELAY_SECONDS},
        },
        "sync-reconcile": {
            "task": "sync.tasks.reconcile_with_national",
            "schedule": timedelta(minutes=SYNC_RECONCILE_MINUTES),
            "options": {"expires": SYNC_RECONCILE_MINUTES * 60},
        },
    }
)

# --- REST API (/api/v1/) -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": PAGE_SIZE,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "毕业去向登记 API",
    "DESCRIPTION": (
        "Provincial systems sync their cases to the national system; users read their task "
        "inbox and cases. Machine clients authenticate with a bearer key or an HMAC signature."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.CaseStatus",
        "TaskStatusEnum": "workflows.models.ScopeStatus",
        "SyncedRegistrationStatusEnum": "api.serializers.SYNCED_REGISTRATION_STATUSES",
        "InboxStatusEnum": "api.serializers.INBOX_STATUSES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
