"""All settings in one file; anything that differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or not value.strip() else int(value)


def env_required(name: str) -> str:
    """Production refuses to start on a laptop default: the deployer must say it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"生产环境必须设置环境变量 {name}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("CHAINVEST_HOME", str(PACKAGE_DIR.parent.parent)))
DATA_DIR = Path(env_str("CHAINVEST_DATA_DIR", str(BASE_DIR / "data")))
VAR_DIR = Path(env_str("CHAINVEST_VAR_DIR", str(BASE_DIR / "var")))

# CHAINVEST_ENV=production selects the deployed settings: no debug, a secret key and the host
# names from the environment, cookies only over HTTPS, HSTS (see docs/security.md).
PRODUCTION = env_str("CHAINVEST_ENV", "development").strip().lower() == "production"
DEBUG = False if PRODUCTION else env_bool("CHAINVEST_DEBUG", True)
if PRODUCTION:
    SECRET_KEY = env_required("CHAINVEST_SECRET_KEY")
    ALLOWED_HOSTS = env_list("CHAINVEST_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("生产环境必须设置环境变量 CHAINVEST_ALLOWED_HOSTS")
else:
    # The development key is only good for a laptop.
    SECRET_KEY = env_str("CHAINVEST_SECRET_KEY", "dev-only-insecure-key-change-me-chainvest")
    ALLOWED_HOSTS = env_list("CHAINVEST_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
# Satisfies the password rules below (AUTH_PASSWORD_VALIDATORS), like every other password.
DEMO_PASSWORD = env_str("CHAINVEST_DEMO_PASSWORD", "changji-demo-2026")
# The deploying prefecture (GB/T 2260): "local" in the chain diagnosis means inside it.
HOME_REGION_CODE = env_str("CHAINVEST_HOME_REGION", "652300")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "csp",
    "chainvest.accounts",
    "chainvest.regions",
    "chainvest.chains",
    "chainvest.enterprises",
    "chainvest.events",
    "chainvest.projects",
    "chainvest.reports",
    "chainvest.indicators",
    "chainvest.web",
    "chainvest.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every route's role rule (accounts/permissions.py ROUTE_RULES), before any view runs.
    "chainvest.accounts.middleware.RouteRuleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it turns a locked-out sign-in into the lock-out page (or JSON for the API).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chainvest.urls"
WSGI_APPLICATION = "chainvest.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chainvest.web.context.chainvest",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chainvest.sqlite3'}"),
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every password, the demo's included: at least 10 characters of 3 of the 4 kinds
# (lower case, upper case, digits, symbols), not like the user's name, not a common one.
# The messages are in Chinese whatever the browser's language (accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "chainvest.accounts.passwords.NotLikeUserValidator"},
    {
        "NAME": "chainvest.accounts.passwords.LengthValidator",
        "OPTIONS": {"min_length": env_int("CHAINVEST_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "chainvest.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "chainvest.accounts.passwords.NotCommonValidator"},
    {"NAME": "chainvest.accounts.passwords.NotNumericValidator"},
]
# django-axes watches every sign-in (pages, admin, POST /api/auth/token): after
# AXES_FAILURE_LIMIT wrong passwords for one user name from one address, that pair is locked
# for the cool-off time, even with the right password. Its backend must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("CHAINVEST_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CHAINVEST_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "chainvest.accounts.lockout.lockout_response"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，账号已暂时锁定，请稍后再试或联系系统管理员解锁"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，账号已锁定，请联系系统管理员解锁"
# Behind a reverse proxy the client's address is in X-Forwarded-For; say how many proxies.
if env_int("CHAINVEST_PROXY_COUNT", 0):
    AXES_IPWARE_PROXY_COUNT = env_int("CHAINVEST_PROXY_COUNT", 0)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Sessions: 8 working hours, and by default gone when the browser closes (a shared office PC).
SESSION_COOKIE_AGE = env_int("CHAINVEST_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("CHAINVEST_SESSION_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION

# Security headers (SecurityMiddleware, XFrameOptionsMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("CHAINVEST_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CHAINVEST_HSTS_SECONDS", 31_536_000)
    # Other hosts of a government domain may still serve plain HTTP, and preloading is a
    # promise to browser vendors: both are the deployer's choice, off unless asked for.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CHAINVEST_HSTS_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("CHAINVEST_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
    # TLS ends at the reverse proxy, which says so in X-Forwarded-Proto.
    if env_bool("CHAINVEST_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): scripts and styles only from our own static files, so
# every page keeps its behaviour in web/static/web/*.js (tests/web/test_csp.py walks the
# templates). style-src-attr admits style attributes only: ECharts' tooltips are HTML it builds
# with them; no <style> element and no script runs from the page itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Web uploads import in a background thread so the page can show progress; the tests turn
# this off to run imports inside their own transaction.
IMPORT_IN_BACKGROUND = env_bool("CHAINVEST_IMPORT_IN_BACKGROUND", True)

# What an officer (县市/园区招商专员) may read: "prefecture" = every county's projects,
# "own" = only their own county/park's.
OFFICER_READS = env_choice("CHAINVEST_OFFICER_READS", "prefecture", {"prefecture", "own"})

# History is the audit trail: the admin may browse it but not "revert" to an old version,
# which would write around the services' rules.
SIMPLE_HISTORY_REVERT_DISABLED = True
# The chain diagnosis's pool-wide facts (enterprise totals, local industry divisions, placements
# per link) read up to the whole pool; a server may keep them this many seconds (production: a
# few minutes, see docs/load.md; the chain pages then lag imports by that much). 0 reads them
# on every diagnosis.
POOL_FACTS_SECONDS = int(env_str("CHAINVEST_POOL_FACTS_SECONDS", "0"))

# API tokens live this long unless the request asks for less.
API_TOKEN_DAYS = int(env_str("CHAINVEST_API_TOKEN_DAYS", "30"))

# Uploaded evidence (佐证材料) lives under var/; it is served only through a permission check.
MEDIA_ROOT = VAR_DIR / "media"
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

# Uploads: a form's fields stay small; a file past FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary
# file, and an enterprise list larger than MAX_IMPORT_BYTES is refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_IMPORT_BYTES = env_int("CHAINVEST_MAX_IMPORT_MB", 512) * 1024 * 1024
