import datetime as dt

from django.test import Client
from django.utils import timezone

from chainvest.accounts.models import ApiToken

PASSWORD = "test-pass-123"


def issue(client: Client, username: str, password: str):
    return client.post(
        "/api/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_token_is_issued_for_valid_credentials_and_opens_the_api(cast):
    response = issue(Client(), "t_leader", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token"] and body["expires_at"]
    authorised = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert authorised.get("/api/events").status_code == 200
    stored = ApiToken.objects.get(user=cast["leader"])
    assert stored.key_hash != body["token"]
    assert stored.last_used_at is not None


def test_token_is_refused_for_a_wrong_password_in_chinese(cast):
    response = issue(Client(), "t_leader", "wrong")
    assert response.status_code == 401
    assert response.json()["detail"] == "用户名或密码错误"
    assert not ApiToken.objects.exists()


def test_token_request_without_password_is_422_naming_the_field(cast):
    response = Client().post(
        "/api/auth/token", {"username": "t_leader"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"password": ["必须填写"]}


def test_outsider_without_token_gets_401_everywhere(cast, mulei_project):
    outsider = Client()
    for url in [
        "/api/events",
        "/api/summary",
        "/api/projects",
        "/api/chains",
        f"/api/projects/{mulei_project.id}",
    ]:
        response = outsider.get(url)
        assert response.status_code == 401, url
        assert "令牌" in response.json()["detail"]
    response = outsider.post("/api/projects", {}, content_type="application/json")
    assert response.status_code == 401


def test_unknown_expired_or_revoked_tokens_get_401(cast):
    expired, raw_expired = ApiToken.issue(cast["admin"])
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    revoked, raw_revoked = ApiToken.issue(cast["admin"])
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    for raw in ["not-a-token", raw_expired, raw_revoked]:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert client.get("/api/projects").status_code == 401


def test_browser_session_may_read_but_not_write(cast, changji):
    browser = Client()
    browser.force_login(cast["admin"])
    assert browser.get("/api/projects").status_code == 200
    response = browser.post(
        "/api/projects", {"name": "x", "county": "652325"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_openapi_schema_and_docs_render():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/projects/{project_id}/transition" in paths
    assert "/api/auth/token" in paths
    assert Client().get("/api/docs").status_code == 200


def test_a_token_call_looks_the_token_up_once(cast):
    """The route-rule check and the API's bearer auth share one lookup of the token row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = issue(Client(), "t_leader", PASSWORD).json()["token"]
    authorised = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with CaptureQueriesContext(connection) as queries:
        assert authorised.get("/api/events").status_code == 200
    table = ApiToken._meta.db_table
    lookups = [q for q in queries if "SELECT" in q["sql"] and f'FROM "{table}"' in q["sql"]]
    assert len(lookups) == 1
