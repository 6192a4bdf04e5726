"""All settings in one file; anything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("CHAINVEST_HOME", str(PACKAGE_DIR.parent.parent)))
DATA_DIR = Path(env_str("CHAINVEST_DATA_DIR", str(BASE_DIR / "data")))
VAR_DIR = Path(env_str("CHAINVEST_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("CHAINVEST_DEBUG", True)
# The development key is only good for a laptop; production sets CHAINVEST_SECRET_KEY.
SECRET_KEY = env_str("CHAINVEST_SECRET_KEY", "dev-only-insecure-key-change-me-chainvest")
ALLOWED_HOSTS = env_list("CHAINVEST_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
DEMO_PASSWORD = env_str("CHAINVEST_DEMO_PASSWORD", "changji-demo")
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
    "chainvest.accounts",
    "chainvest.regions",
    "chainvest.chains",
    "chainvest.enterprises",
    "chainvest.events",
    "chainvest.projects",
    "chainvest.reports",
    "chainvest.web",
    "chainvest.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Web uploads import in a background thread so the page can show progress; the tests turn
# this off to run imports inside their own transaction.
IMPORT_IN_BACKGROUND = env_bool("CHAINVEST_IMPORT_IN_BACKGROUND", True)

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
