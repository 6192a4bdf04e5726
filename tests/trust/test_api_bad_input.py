"""What schemathesis found in the API, pinned: odd ids and years answer JSON errors, not 500s."""

import pytest
from django.test import Client

from chainvest.accounts.models import ApiToken
from chainvest.api.routes import api


@pytest.fixture
def admin_api(cast) -> Client:
    _, raw = ApiToken.issue(cast["admin"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize(
    "url",
    [
        "/api/projects/-5",
        "/api/projects/99999999999999999999",
        "/api/projects/abc/follow-ups",
        "/api/chains/0",
        "/api/events/-1",
        "/api/events?year=20000",
        "/api/summary?year=-189",
        "/api/kpis?event=99999999999999999999",
        "/api/projects?offset=99999999999999999999",
    ],
)
def test_out_of_range_ids_and_years_are_a_json_422(admin_api, url):
    response = admin_api.get(url)
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


def test_an_unknown_but_valid_id_is_a_json_404(admin_api):
    response = admin_api.get("/api/projects/123456789")
    assert response.status_code == 404 and "项目不存在" in response.json()["detail"]


def test_an_unknown_stage_filter_is_a_400_the_schema_declares(admin_api):
    response = admin_api.get("/api/projects?stage=nonsense")
    assert response.status_code == 400 and "stage" in response.json()["errors"]
    declared = api.get_openapi_schema()["paths"]["/api/projects"]["get"]["responses"]
    assert 400 in declared


def test_a_token_request_that_is_not_json_is_a_declared_400(client, cast):
    response = client.post("/api/auth/token", b"\x00", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]
    declared = api.get_openapi_schema()["paths"]["/api/auth/token"]["post"]["responses"]
    assert {400, 422, 429} <= set(declared)


def test_a_nul_character_in_api_text_is_a_422_naming_the_field(admin_api, changji):
    """PostgreSQL stores no NUL: schemathesis found POST /api/projects answering 500 there."""
    body = {"name": "风电\u0000项目", "county": changji["mulei"].code}
    response = admin_api.post("/api/projects", body, content_type="application/json")
    assert response.status_code == 422 and "name" in response.json()["errors"]
    assert "空字符" in response.json()["errors"]["name"][0]
    for url in ["/api/projects?search=a%00b", "/api/chains?cluster=%00"]:
        assert admin_api.get(url).status_code == 422
