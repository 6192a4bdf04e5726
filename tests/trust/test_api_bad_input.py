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
