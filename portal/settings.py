"""Settings of the portal, read from the environment (see the README for every variable)."""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from portal.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_filters",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "portal",
    "portal.accounts",
    "portal.notifications",
    "portal.search",
    "portal.audit",
    "portal.printing",
    "groups",
    "meetings",
    "workplans",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "portal.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so that static files keep their long cache lifetime.
    "portal.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, this session has passed; SecondFactorMiddleware then
    # opens nothing but the second factor's own pages until a person who must (or chose
    # to) use one has passed it.
    "portal.middleware.SecondFactorPassedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends an idle, too old or ended session, and says why (so after the messages).
    "portal.middleware.SessionLifetimeMiddleware",
    "portal.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Records each page refused by an access helper (the 404 page itself is unchanged).
    "portal.audit.middleware.RefusalLogMiddleware",
    # Last, as django-axes requires: turns a refused sign-in into the "too many tries" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# On PostgreSQL a process may keep a pool of at most DATABASE_POOL_SIZE connections
# (psycopg's pool) instead of one per thread; 0 (the default) keeps one persistent
# connection per thread, which suits gunicorn's one-thread workers and Celery's pool.
DATABASE_POOL_SIZE = envint("DATABASE_POOL_SIZE", 0)
if DATABASE_POOL_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# History is read in the back office, never reverted past the services (portal/admin.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

AUTH_USER_MODEL = "accounts.User"
# The signed-in person comes with their unread notifications counted, for the header.
# Django's own backend stays second for the sessions signed in before it was added.
# django-axes comes first: it refuses a sign-in while the account or the address is locked,
# before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.notifications.backends.NotificationCountBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Long passwords and passphrases, no composition rules; a known common password is refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "portal.accounts.validators.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Failed sign-ins are counted per account and, apart, per address: after
# SIGN_IN_FAILURES_ALLOWED of them within SIGN_IN_LOCK_MINUTES, the next attempt is refused,
# the right password included, until that long has passed since the last failure.
AXES_ENABLED = envbool("SIGN_IN_THROTTLING", True)
SIGN_IN_FAILURES_ALLOWED = envint("SIGN_IN_FAILURES_ALLOWED", 10)
# django-axes refuses the failure that reaches its limit, hence one more.
AXES_FAILURE_LIMIT = SIGN_IN_FAILURES_ALLOWED + 1
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("SIGN_IN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Locks are read in the log and lifted by waiting or with `manage.py axes_reset`, not in
# the back office, whose rights come from the permissions module.
AXES_ENABLE_ADMIN = False
# Behind a proxy that sets it, the address of the person is the last one the proxy adds.
AXES_IPWARE_PROXY_COUNT = envint("SIGN_IN_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
# Wrong second-factor codes are throttled by django-otp: each failure doubles the wait.
OTP_TOTP_ISSUER = "Bali Process Secretariat Portal"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# The Regional Support Office sits in Bangkok; every date is stored in UTC.
TIME_ZONE = envstr("TIME_ZONE", "Asia/Bangkok")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# Papers larger than this are refused at upload.
DOCUMENT_MAX_BYTES = envint("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)


def file_storage() -> dict:
    """Where papers, PDFs and uploads are kept: an S3-compatible object store when a bucket
    is named, so that every web and worker machine sees the same files; MEDIA_ROOT otherwise.

    The portal serves every file itself, through views that check who may read it: nothing
    links to the store. ``querystring_auth`` is off so that a stray ``.url`` could only
    ever give an address the private bucket refuses, never a signed one that bypasses
    those checks."""
    bucket = envstr("STORAGE_S3_BUCKET")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from boto3.s3.transfer import TransferConfig

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # A folder of the bucket: deployments sharing one bucket keep apart by it.
            "location": envstr("STORAGE_S3_PREFIX", ""),
            # An S3-compatible store (MinIO, an emulator); unset means Amazon S3.
            "endpoint_url": envstr("STORAGE_S3_ENDPOINT_URL"),
            "region_name": envstr("STORAGE_S3_REGION"),
            # Unset means boto3's usual chain: environment, instance role, config files.
            "access_key": envstr("STORAGE_S3_ACCESS_KEY_ID"),
            "secret_key": envstr("STORAGE_S3_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": False,
            # Two uploads of the same name keep both files, as on the file system.
            "file_overwrite": False,
            # Files are moved in the calling thread: transfer threads would leave memory
            # arenas behind that a printing child (forked) reuses beyond PRINT_MEMORY_LIMIT_MB.
            "transfer_config": TransferConfig(use_threads=False),
        },
    }


STORAGES = {
    "default": file_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: the console in development, SMTP otherwise.
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Secretariat Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people reach the portal (scheme and host), for the links in its e-mails.
PORTAL_URL = envstr("PORTAL_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# Background jobs: Redis when configured, otherwise every task runs in-process.
REDIS_URL = envstr("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Deployments sharing one Redis keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = envstr("CELERY_QUEUE", "portal")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A job lost with a worker, a pool process or the broker's data is found and sent again
# by beat's sweep. Two numbers are set; the others follow from them, so they cannot
# disagree. A job is stopped at JOB_TIME_LIMIT (warned a quarter earlier, the soft limit,
# so that it fails with a reason), so one running longer than that plus a sweep is
# dead; the broker hands an unacknowledged job to another worker only after it could
# have run and waited out its longest retry. A job lost at its start is finished within
# JOB_STALE_AFTER + JOB_SWEEP_INTERVAL + the soft limit: 110 s with the defaults.
JOB_TIME_LIMIT = envint("JOB_TIME_LIMIT", 40)
JOB_SWEEP_INTERVAL = envint("JOB_SWEEP_INTERVAL", 20)
if JOB_TIME_LIMIT < 4:
    raise ImproperlyConfigured("JOB_TIME_LIMIT must be at least 4 (seconds)")
if JOB_SWEEP_INTERVAL < 1:
    raise ImproperlyConfigured("JOB_SWEEP_INTERVAL must be at least 1 (second)")
CELERY_TASK_TIME_LIMIT = JOB_TIME_LIMIT
CELERY_TASK_SOFT_TIME_LIMIT = JOB_TIME_LIMIT * 3 // 4
# Every PDF is laid out in a child process of the worker (portal/pdf.py), given at most
# PRINT_TIME_LIMIT seconds (by default a second less than a job's soft limit, so that the
# job fails with the reason) and PRINT_MEMORY_LIMIT_MB megabytes more than the worker holds.
PRINT_TIME_LIMIT = envint("PRINT_TIME_LIMIT", CELERY_TASK_SOFT_TIME_LIMIT - 1)
PRINT_MEMORY_LIMIT_MB = envint("PRINT_MEMORY_LIMIT_MB", 512)
if PRINT_TIME_LIMIT < 1 or PRINT_MEMORY_LIMIT_MB < 16:
    raise ImproperlyConfigured(
        "PRINT_TIME_LIMIT must be at least 1 (second), PRINT_MEMORY_LIMIT_MB at least 16"
    )
# The longest wait between two tries of a job after a passing error.
JOB_RETRY_BACKOFF_MAX = JOB_SWEEP_INTERVAL
JOB_STALE_AFTER = JOB_TIME_LIMIT + JOB_SWEEP_INTERVAL
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": JOB_TIME_LIMIT + JOB_RETRY_BACKOFF_MAX + JOB_SWEEP_INTERVAL
}
# Reminders of unanswered invitations go out this many days before the date answers are
# wanted by (the meeting's first day when none is set), e.g. "14,7,2".
INVITATION_REMINDER_DAYS = []
for _days in envlist("INVITATION_REMINDER_DAYS", ["14", "7", "2"]):
    if not _days.isdigit():
        raise ImproperlyConfigured(
            f"INVITATION_REMINDER_DAYS must be whole numbers of days, such as 14,7,2, not {_days!r}"
        )
    INVITATION_REMINDER_DAYS.append(int(_days))
CELERY_BEAT_SCHEDULE = {
    # Once a day; a run that could not start before the next is due is dropped, and the
    # next run makes up the missed reminder day.
    # Invitations' reminders, co-chair terms ending with no successor, stale actions.
    "send-daily-reminders": {
        "task": "portal.notifications.tasks.send_daily_reminders",
        "schedule": crontab(hour=6, minute=0),
        "options": {"expires": 12 * 3600.0},
    },
    # One sweep for every kind of job (portal/tasks.py); a sweep nobody ran in time is
    # replaced by the next one, not piled up.
    "requeue-stale-jobs": {
        "task": "portal.tasks.requeue_stale_jobs",
        "schedule": float(JOB_SWEEP_INTERVAL),
        "options": {"expires": float(JOB_SWEEP_INTERVAL)},
    },
    # A text under silence is adopted within a minute of its deadline (recorded as of the
    # deadline itself); a run missed is made up by the next one.
    "conclude-silence-procedures": {
        "task": "groups.tasks.conclude_silence_procedures",
        "schedule": crontab(),
        "options": {"expires": 60.0},
    },
    # Access-log lines older than AUDIT_RETENTION_DAYS go, once a day.
    "purge-access-log": {
        "task": "portal.audit.tasks.purge_access_log",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 12 * 3600.0},
    },
}

# Production hardening; each one can be relaxed from the environment behind a proxy.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
if envbool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]

# The access log (who signed in, was refused, downloaded restricted material) keeps each
# line this many days. Behind a proxy that sets X-Forwarded-For, the address it adds is
# the client's; without one the header is the client's own word and is ignored.
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 400)
if AUDIT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 1 (day)")
AUDIT_TRUST_X_FORWARDED_FOR = envbool(
    "AUDIT_TRUST_X_FORWARDED_FOR", envbool("TRUST_X_FORWARDED_PROTO", False)
)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Lax, not Strict: a link followed from an e-mail (another site) must arrive signed in.
# The cookies' Secure flag is relaxed only for the local demo over http (above).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The pages' scripts read the token from the form, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after
# signing in however busy (portal.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = envint("SESSION_MAX_HOURS", 12)
if SESSION_IDLE_MINUTES < 1 or SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be at least 1")
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Only the portal's own files, no inline script or style; a report's preview is a sandboxed
# frame of its own HTML (srcdoc, under this same policy).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "frame-src": ["'self'"],
    }
}
# No page of the portal uses a device or a payment; nothing embedded may ask either.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The sign-in throttling says it started, and each sign-in, at INFO: its lock-outs,
        # which matter, are warnings.
        "axes": {"level": "WARNING"},
    },
}
if not REDIS_URL:
    # With tasks run in-process, kombu's in-memory broker has no host, and says so.
    LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}
