"""Settings of the portal, read from the environment (see the README for every variable)."""

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
    "portal",
    "portal.accounts",
    "portal.notifications",
    "portal.search",
    "groups",
    "meetings",
    "workplans",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# History is read in the back office, never reverted past the services (portal/admin.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

AUTH_USER_MODEL = "accounts.User"
# The signed-in person comes with their unread notifications counted, for the header.
# Django's own backend stays second for the sessions signed in before it was added.
AUTHENTICATION_BACKENDS = [
    "portal.notifications.backends.NotificationCountBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
    "requeue-stale-render-jobs": {
        "task": "reports.tasks.requeue_stale_jobs",
        "schedule": float(JOB_SWEEP_INTERVAL),
        # A sweep nobody ran in time is replaced by the next one, not piled up.
        "options": {"expires": float(JOB_SWEEP_INTERVAL)},
    },
    "requeue-stale-meeting-packs": {
        "task": "meetings.tasks.requeue_stale_meeting_packs",
        "schedule": float(JOB_SWEEP_INTERVAL),
        "options": {"expires": float(JOB_SWEEP_INTERVAL)},
    },
    # A text under silence is adopted within a sweep of its deadline (recorded as of the
    # deadline itself); a run missed is made up by the next one.
    "conclude-silence-procedures": {
        "task": "groups.tasks.conclude_silence_procedures",
        "schedule": float(JOB_SWEEP_INTERVAL),
        "options": {"expires": float(JOB_SWEEP_INTERVAL)},
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
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
if not REDIS_URL:
    # With tasks run in-process, kombu's in-memory broker has no host, and says so.
    LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}
