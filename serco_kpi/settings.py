"""Settings for the KPI tracker, all read from the environment.

Local development needs nothing set: `make run` sets DEBUG and uses a SQLite file. Production
sets DEBUG off, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; see docs/operations.md.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
import psycopg2.extensions
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from serco_kpi.env import env_bool, env_int, env_list, env_str
from serco_kpi.evidence_storage import evidence_storage
from serco_kpi.release import fingerprint

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used with DEBUG on, on a developer's own machine.
    SECRET_KEY = "insecure-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts; '*' is not accepted.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "contracts",
    "kpis",
    "packs",
    "reminders",
    "regime",
    "questions",
    "plans",
    "notices",
    "evidence",
    "api",
]

MIDDLEWARE = [
    # First, so that nothing reads a body too large to accept (the CSRF check would).
    "serco_kpi.body_limit.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before sessions or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside sessions and authentication, so that the whole request reads one snapshot.
    "serco_kpi.replicas.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside authentication, so that it sees who is signed in, by session or by API token.
    "serco_kpi.no_store.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Innermost, so that a database failure in any view becomes the 503 page.
    "serco_kpi.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "serco_kpi.urls"
WSGI_APPLICATION = "serco_kpi.wsgi.application"

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
                "kpis.pages.context_processors.site",
                "kpis.pages.context_processors.my_work",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code (JIT) once its estimated cost is high, as the
    # counts over every reading become at a million readings: compiling their status expression
    # took longer than running it (tools/bench/jit.py; docs/performance.md). No query here runs long
    # enough to win it back.
    # A page read from the index costs about what a page read in order does, as it does when the
    # tables are in memory or on SSD (PostgreSQL's default of 4 assumes spinning disks): told so,
    # PostgreSQL looks up the home page's 4,000 readings by KPI and quarter rather than reading
    # every reading of the quarter, 40,000 at a million readings (48 against 24 ms).
    # The statements prepared once per connection (contracts/compiled.py: the status of readings
    # and the small tables) are planned once, for any values: otherwise PostgreSQL plans each of
    # the first five runs afresh (8 to 12 ms each, against 4 to run one) before keeping a plan,
    # which is most of a new worker's first requests. Nothing else here is prepared.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c random_page_cost=1.1 -c plan_cache_mode=force_generic_plan"
    )
# Read replicas of the primary (PostgreSQL streaming replicas), for the requests that change
# nothing: serco_kpi/replicas.py says which reads go where. In the test suite they mirror the
# primary; the tests that need a real replica point them at one (tests/replicas/).
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    replica = dj_database_url.parse(
        url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    if replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS must name PostgreSQL replicas.")
    # One snapshot for the whole page: see serco_kpi/replicas.py.
    replica["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "isolation_level": psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ,
    }
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{number}"] = replica
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["serco_kpi.replicas.ReplicaRouter"]
# How long after their own write a person reads from the primary, so that they see it at once.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The page cache holds at most PAGE_CACHE_MB in each worker. Django's local-memory cache bounds
# entries, not bytes, so the budget is divided by the largest fragment it keeps: one over
# PAGE_FRAGMENT_MAX_BYTES, twice the largest page measured as it is first shown
# (docs/operations.md, "Growing past one machine"), is kept compressed, and built each time
# only if still bigger (kpis.pages.page_cache).
PAGE_CACHE_BYTES = env_int("PAGE_CACHE_MB", 64) * 1024 * 1024
PAGE_FRAGMENT_MAX_BYTES = 256 * 1024
if PAGE_CACHE_BYTES < PAGE_FRAGMENT_MAX_BYTES:
    raise ImproperlyConfigured("PAGE_CACHE_MB must be at least 1.")
# The release running (serco_kpi/release.py): the live packs' PDFs on disk are kept under it.
RELEASE = env_str("RELEASE") or fingerprint(BASE_DIR)
# The most live packs' PDFs kept on disk; a third of them, at random, go to make room for more.
PACK_PDF_FILES = env_int("PACK_PDF_FILES", 1000)
if PACK_PDF_FILES < 1:
    raise ImproperlyConfigured("PACK_PDF_FILES must be 1 or more.")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered parts of contracts' pages, per worker (kpis.pages.page_cache): their keys carry the
    # contract's data version, so no worker ever serves one built from older data.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": env_int("PAGE_CACHE_SECONDS", 24 * 60 * 60),
        "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_BYTES // PAGE_FRAGMENT_MAX_BYTES},
    },
    # Live committee packs' PDFs (packs.pdf.live_pdf), as files that a server's workers share,
    # each written whole before it is seen; kept for the day and the release each was made for.
    "packs": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("PACK_PDF_DIR", str(BASE_DIR / "var" / "pack-pdfs")),
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": PACK_PDF_FILES},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The site's own name, in the header of pages not about one contract (a contract's pages name its
# council instead) and in every page's title.
SITE_NAME = env_str("SITE_NAME", "Contract KPI tracker")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# A shared council PC must not stay signed in after the browser is closed.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# HTTPS: on whenever DEBUG is off. HTTPS_ONLY=0 is for a loopback trial without TLS only.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
# Behind a proxy or load balancer that terminates TLS and sets X-Forwarded-Proto. Never set it
# when clients reach gunicorn directly: they could then claim to be on HTTPS.
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS_ONLY
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60) if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: everything from this site only. The one inline script (the
# js-enabled class in base.html) carries the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Sign-in throttling (django-axes): a username is locked out from an address after
# LOGIN_FAILURE_LIMIT failures in a row, for LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    "serco_kpi.throttle.WebSignInThrottle",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Successful sign-ins are not logged row by row: the failures are what throttling needs.
AXES_DISABLE_ACCESS_LOG = True
# Keyed on the client's address: behind PROXY_COUNT proxies, read from X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "serco_kpi.throttle.client_address"
PROXY_COUNT = env_int("PROXY_COUNT", 1) if env_bool("BEHIND_TLS_PROXY", False) else 0
if env_bool("BEHIND_TLS_PROXY", False) and PROXY_COUNT < 1:
    raise ImproperlyConfigured("PROXY_COUNT must be 1 or more behind a TLS proxy.")

# Request bodies: the largest accepted is refused from its Content-Length before it is read
# (serco_kpi/body_limit.py); well above the import's 1 MB so that a file a little too big gets
# its message beside the upload, and a little above the 10 MB an evidence file may be, for the
# same reason. Uploads over 2.5 MB go to a temporary file; form fields alone, 2.5 MB.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 11_000_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# GOV.UK Frontend's compiled CSS, JavaScript and assets are served straight from the npm
# package that `make install` puts in node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk-frontend", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
# Hashed, compressed static files need `collectstatic` first (make serve runs it), so they are
# on by default only with DEBUG off; the test suite sets STATIC_MANIFEST=off in pyproject.toml.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "serco_kpi.storage.StaticStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Files attached to figures and plans: a private folder, or a private S3-compatible bucket
    # with EVIDENCE_S3_BUCKET (docs/operations.md). Only the evidence app's views serve them.
    "evidence": evidence_storage(os.environ, BASE_DIR),
}
# Hashed names never change content, so browsers may keep them for a year.
WHITENOISE_MAX_AGE = 365 * 24 * 60 * 60 if STATIC_MANIFEST else 60
# Without collected files, static files come straight from the app and node_modules folders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Source maps are fetched only by developer tools: compressing them doubles collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
]

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Days after a quarter ends before its return counts as overdue.
RETURN_OVERDUE_AFTER_DAYS = env_int("RETURN_OVERDUE_AFTER_DAYS", 30)

# Reminders (`manage.py send_return_reminders`): SMTP in production, the console in development.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds to wait for the SMTP server at each step. Without a limit, a server that accepts the
# connection and never answers would hold the reminder run (and its database connection) for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if EMAIL_TIMEOUT < 1:
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be 1 second or more.")
# Seconds one reminder email may take in all. EMAIL_TIMEOUT starts again at every answer, so a
# server that answers a byte at a time would otherwise hold the run for hours.
EMAIL_SEND_DEADLINE = env_int("EMAIL_SEND_DEADLINE", 60)
if EMAIL_SEND_DEADLINE < 1:
    raise ImproperlyConfigured("EMAIL_SEND_DEADLINE must be 1 second or more.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kpi-returns@localhost")
# The address people reach the site at, for the links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# History keeps every reason in full (a reopening's, an admin change's), not cut at 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Whoever submitted a return may not approve it, so that every approved quarter has had a second
# pair of eyes. A council with a single contract manager may turn this off.
ALLOW_SELF_APPROVAL = env_bool("ALLOW_SELF_APPROVAL", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# The read-only API at /api/v1/: machine clients send a token, people signed in use their session.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Figures as JSON numbers, so that spreadsheets and BI tools read them without converting.
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Contract KPI tracker API",
    "DESCRIPTION": "Read-only access to contracts, KPIs, quarterly readings with their status, "
    "and quarterly summaries. Send `Authorization: Token <key>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"StatusEnum": "kpis.rules.status.Status"},
    # The schema and its docs page need a sign-in, like the rest of the API.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
# An API token stops working this many days after it was issued; `drf_create_token -r` renews it.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
