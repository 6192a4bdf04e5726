"""Sign-in hardening: lock-out after repeated failures, the password rules, session and CSRF
cookies, security headers, and the production settings that `check --deploy` approves."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from chainvest.accounts.models import ApiToken
from chainvest.accounts.services import create_user
from tests.conftest import PASSWORD

SRC = Path(__file__).resolve().parents[2] / "src"


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def fail_until_locked(client: Client, username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert sign_in(client, username, "wrong-Password-1").status_code in {200, 429}


# --- lock-out ------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, cast):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail_until_locked(client, "t_qitai")
    response = sign_in(client, "t_qitai", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:dashboard")).status_code == 302  # still signed out


def test_four_wrong_passwords_do_not_lock_and_success_resets_the_count(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "t_qitai", "wrong-Password-1")
    assert sign_in(client, "t_qitai", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "t_qitai", "wrong-Password-1")
    assert sign_in(client, "t_qitai", PASSWORD).status_code == 302


def test_lockout_is_per_user_name_and_address(client, cast):
    fail_until_locked(client, "t_qitai")
    assert sign_in(client, "t_mulei", PASSWORD).status_code == 302  # other user, same address
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert sign_in(elsewhere, "t_qitai", PASSWORD).status_code == 302  # same user, other address


def test_lockout_ends_after_the_cool_off_time(client, cast, settings):
    fail_until_locked(client, "t_qitai")
    assert sign_in(client, "t_qitai", PASSWORD).status_code == 429
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time.replace(
        year=2000
    ))  # fmt: skip
    assert sign_in(client, "t_qitai", PASSWORD).status_code == 302


def test_token_endpoint_is_locked_out_too_with_a_json_error(client, cast):
    url = "/api/auth/token"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        body = {"username": "t_analyst", "password": "wrong-Password-1"}
        assert client.post(url, body, content_type="application/json").status_code in {401, 429}
    body = {"username": "t_analyst", "password": PASSWORD}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json()["detail"]
    assert not ApiToken.objects.exists()


# --- password rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-short", "至少需要 10 个字符"),
        ("onlylowercaseletters", "至少 3 种"),
        ("lowercase-only-and-dash", "至少 3 种"),
        ("1234567890123", "不能全是数字"),
        ("Password123", "过于常见"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(db, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_password_like_the_user_name_is_refused(db):
    from django.contrib.auth import get_user_model

    user = get_user_model()(username="zhangwei-qitai")
    with pytest.raises(ValidationError, match="过于相似"):
        validate_password("Zhangwei-qitai1", user)


@pytest.mark.parametrize(
    "password", ["Changji-2026", "changji-demo-2026", PASSWORD, "招商局Zs-2026"]
)
def test_strong_passwords_pass(db, password):
    validate_password(password)


def test_creating_a_user_with_a_weak_password_is_refused_and_creates_nothing(changji):
    from django.contrib.auth import get_user_model

    with pytest.raises(ValidationError):
        create_user("t_weak", "weakpass", "analyst")
    assert not get_user_model().objects.filter(username="t_weak").exists()


def test_the_demo_password_satisfies_the_rules(db):
    validate_password(settings.DEMO_PASSWORD)


# --- session and CSRF cookies, security headers --------------------------------------------


def test_session_cookie_is_http_only_lax_and_ends_with_the_browser(client, cast):
    response = sign_in(client, "t_qitai", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 3600  # and the server forgets it after 8 h


def test_csrf_cookie_is_http_only_and_lax(client):
    response = client.get(reverse("web:login"))
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_login_form_refuses_a_post_without_csrf_token(cast):
    strict = Client(enforce_csrf_checks=True)
    assert sign_in(strict, "t_qitai", PASSWORD).status_code == 403


@pytest.mark.parametrize("url", ["/login/", "/"])
def test_pages_carry_the_security_headers(client, cast, url):
    client.force_login(cast["leader"])
    response = client.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


# --- production settings -------------------------------------------------------------------


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHAINVEST_", "DJANGO_"))}
    env.update(
        PYTHONPATH=str(SRC),
        CHAINVEST_ENV="production",
        CHAINVEST_SECRET_KEY="k3y-" + "x7Q9!vR2@mZ5#wL8$" * 4,
        CHAINVEST_ALLOWED_HOSTS="zhaoshang.example.gov.cn",
        CHAINVEST_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    env.update(extra)
    return env


def chainvest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "chainvest", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    done = chainvest(production_env(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout and "WARNING" not in done.stderr + done.stdout


def test_check_deploy_warns_on_development_settings(tmp_path):
    env = production_env(tmp_path, CHAINVEST_ENV="development")
    done = chainvest(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0 and "security.W" in done.stderr + done.stdout


@pytest.mark.parametrize("missing", ["CHAINVEST_SECRET_KEY", "CHAINVEST_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_key_or_hosts(tmp_path, missing):
    env = production_env(tmp_path)
    del env[missing]
    done = chainvest(env, "check")
    assert done.returncode != 0
    assert f"生产环境必须设置环境变量 {missing}" in done.stderr


def test_production_cookies_are_secure_and_hsts_is_sent(tmp_path):
    env = production_env(tmp_path)
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS)"
    )
    done = chainvest(env, "shell", "--no-imports", "-c", code)
    assert done.stdout.split() == ["False", "True", "True", "True", "31536000"], done.stderr
