"""Qogam settings: one file, configured by environment variables, none of them required.

DATABASE_URL (dj-database-url syntax) selects the database; the default is a SQLite file
in the working directory. QOGAM_DATA_DIR holds the generated development secrets.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("QOGAM_DATA_DIR", Path.cwd())).resolve()


def _development_secret_key() -> str:
    """Generated once and kept in the data directory, so sessions survive restarts."""
    path = DATA_DIR / ".qogam-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(64)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()
DEBUG = os.environ.get("QOGAM_DEBUG", "") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()] or [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "testserver",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "qogam.core",
    "qogam.accounts",
    "qogam.registry",
    "qogam.reporting",
    "qogam.funding",
    "qogam.recommendations",
    "qogam.councils",
    "qogam.analytics",
    "qogam.opendata",
    "qogam.web",
    "qogam.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "qogam.core.memo.RequestMemoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qogam.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qogam.urls"
WSGI_APPLICATION = "qogam.wsgi.application"

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
                "qogam.web.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'qogam.sqlite3'}",
        conn_max_age=int(os.environ.get("QOGAM_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock instead of failing with "database is locked", queued on a
    # file lock beside the database rather than in SQLite's sleeping busy handler (qogam.core.backends).
    DATABASES["default"]["ENGINE"] = "qogam.core.backends.sqlite3"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("QOGAM_TEST_SQLITE_NAME") or ":memory:"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:cabinet"
LOGOUT_REDIRECT_URL = "web:home"

# Rate-limited login (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("QOGAM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Two-factor sign-in (django-otp TOTP): the name shown in authenticator apps; secrets hidden in the admin.
OTP_TOTP_ISSUER = "Qogam"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
QOGAM_MAX_UPLOAD_BYTES = int(os.environ.get("QOGAM_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Key for keyed hashes of personal identifiers (IIN). Kept beside the data, never in the database.
QOGAM_PERSONAL_KEY_FILE = Path(os.environ.get("QOGAM_PERSONAL_KEY_FILE", DATA_DIR / "qogam-personal.key"))

EMAIL_BACKEND = os.environ.get("QOGAM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("QOGAM_FROM_EMAIL", "noreply@qogam.kz")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "qogam.core.api.Pagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "qogam.core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {"anon": "600/min", "user": "1200/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Qogam API",
    "DESCRIPTION": "Open API of Qogam: the register of organisations and state bodies, and the mechanisms "
    "of interaction between the state and civil society in Kazakhstan. Errors have one shape: "
    '{"code": "<stable code>", "message": "<text in the request language>", "fields": {...}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrganisationStatusEnum": "qogam.registry.models.Organisation.Status",
        "StateBodyKindEnum": "qogam.registry.models.StateBody.Kind",
        "RegionKindEnum": "qogam.core.models.Region.KIND_CHOICES",
        "RepresentationStatusEnum": "qogam.accounts.models.Representation.Status",
        "ReportStatusEnum": "qogam.reporting.models.AnnualReport.Status",
        "ReportKindEnum": "qogam.reporting.models.ReportVersion.Kind",
        "ReviewDecisionEnum": "qogam.reporting.models.ReportReview.Decision",
        "ReportSourceEnum": "qogam.reporting.models.ReportVersion.Source",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("QOGAM_LOG_LEVEL", "WARNING")},
}

# Defaults of every configurable rule (DOMAIN.md: "configurable" means an administrator can
# change it without a code change). Overrides live in core.Parameter, edited in the admin.
QOGAM_DEFAULTS = {
    "registry.regional_min_branch_regions": 2,
    "registry.national_min_branch_regions": 8,
    # Register search: the pg_trgm word similarity a name needs to match a query with a typo.
    "registry.search_fuzzy_threshold": 0.4,
    # Annual report (Law on NPOs art. 41 p.5): due 31 March of the next year; a due date on a day off
    # moves to the next working day.
    "reporting.due_month": 3,
    "reporting.due_day": 31,
    # Administrative Offences Code art. 489-1, in MCI.
    "reporting.fine_late_mci": 100,
    "reporting.fine_error_mci": 200,
    # Calendar days before the due date on which reminders are e-mailed.
    "reporting.reminder_days": [30, 7, 1],
    # BIN of the state body that receives the reports; blank: the Committee on Civil Society Affairs.
    "reporting.receiving_body_bin": "",
    # The competition engine (issue 4; DOMAIN §4.2). Application window in calendar days.
    "funding.window_min_days": 20,
    "funding.window_max_days": 30,
    # Grants last 1–3 years.
    "funding.duration_min_months": 12,
    "funding.duration_max_months": 36,
    # Deadlines in working days: compliance check, expert evaluation, appeal.
    "funding.compliance_working_days": 10,
    "funding.evaluation_working_days": 15,
    "funding.appeal_working_days": 5,
    # The annual report for the last year whose deadline has passed must be filed to be admitted.
    "funding.require_annual_report": True,
    "funding.experts_per_application": 3,
    "funding.justification_min_chars": 20,
    # Strong disagreement: on a criterion the scores range over more than this share of the scale.
    "funding.disagreement_threshold": "0.40",
    # Funding down the ranking: skip an application that no longer fits; no partial funding.
    "funding.skip_to_fit": True,
    "funding.partial_funding": False,
    "funding.spending_tolerance_percent": 10,
    "funding.low_achievement": "0.5",
    # Working days before an expert's or operator's deadline on which `qogam daily` reminds them.
    "funding.reminder_working_days": 2,
    # State social order (issue 5): a bid under this share of the planned amount (more than 20% below it)
    # is price dumping and inadmissible; each call may set its own.
    "funding.sso_price_floor": "0.80",
    # Calendar days a proposed topic stays open for public discussion.
    "funding.topic_discussion_days": 30,
    # A tender commission or award working group: at least this many members without a conflict score
    # each application.
    "funding.panel_min_scorers": 3,
    # NGO awards: the working group shortlists this many applications per award of a category.
    "funding.shortlist_per_award": 2,
    # Public experts per contract for the evaluation of social effect, and their working days.
    "funding.effect_experts": 3,
    "funding.effect_working_days": 15,
    # OCDS: the prefix of every contracting process id (register a real one with the OCDS helpdesk).
    "opendata.ocid_prefix": "ocds-qogam",
    # Recommendation tracker (DOMAIN §5): the answer is due this many working days after sending;
    # the addressee is reminded this many working days before the due date; a rejection or a partial
    # acceptance gives reasons of at least this length.
    "recommendations.answer_working_days": 15,
    "recommendations.reminder_working_days": 3,
    "recommendations.reason_min_chars": 20,
    # The scoreboard ranks bodies that received at least this many recommendations before the others.
    "recommendations.rank_min_received": 3,
    # Public councils (Law "On public councils", 2015, amended 2021): members by level [min, max];
    # the civil-society share of the council and of the working group that selects its members; the
    # quorum of a meeting; the working days to publish minutes; the term of a convocation in years.
    "councils.size_limits": {"central": [9, 30], "quasi_public": [9, 30], "regional": [9, 25], "city": [7, 15],
                             "district": [5, 15]},
    "councils.civil_society_share": [2, 3],
    "councils.working_group_civil_society_share": [2, 3],
    "councils.working_group_min_members": 3,
    "councils.quorum_share": [2, 3],
    "councils.minutes_working_days": 5,
    "councils.term_years": 3,
    # A dashboard job (recomputation, PDF report) queued or running longer than this is taken as lost.
    "analytics.job_stale_minutes": 60,
}
