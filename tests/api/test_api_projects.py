import datetime as dt

import pytest

from chainvest.projects.models import FollowUp, Project, StageChange
from chainvest.projects.services import create_project
from chainvest.regions.models import Park


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def qitai_park(changji):
    return Park.objects.create(
        code="qitai-lamahu",
        name="奇台喇嘛湖梁工业园",
        short_name="喇嘛湖梁工业园",
        level="other",
        region=changji["qitai"],
    )


def test_officer_creates_a_project_in_own_county_by_codes(clients, qitai_park):
    response = post(
        clients["qitai"],
        "/api/projects",
        {
            "name": "奇台煤基新材料项目",
            "county": "652325",
            "park": "qitai-lamahu",
            "investor_name": "某新材料公司",
            "industry": "煤基新材料",
            "agreed": "6到7亿元",
            "planned": "百亿元以上",
            "responsible_unit": "奇台县商务局",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["county"] == {"code": "652325", "name": "奇台县"}
    assert body["park"]["code"] == "qitai-lamahu"
    assert body["stage"] == {"code": "lead", "label": "线索"}
    assert body["agreed"] == {"min_wan": 60000, "max_wan": 70000, "text": "6到7亿元"}
    assert body["planned"] == {"min_wan": 1000000, "max_wan": None, "text": "百亿元以上"}
    assert Project.objects.get(pk=body["id"]).park == qitai_park


def test_unknown_codes_and_bad_amounts_are_400_naming_the_field(clients):
    response = post(
        clients["admin"], "/api/projects", {"name": "x", "county": "999999", "chain": "nope"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"county", "chain"}
    assert "999999" in response.json()["detail"]
    response = post(
        clients["admin"], "/api/projects", {"name": "x", "county": "652325", "agreed": "很多钱"}
    )
    assert response.status_code == 400
    assert "协议投资额" in response.json()["errors"]["agreed"][0]
    assert not Project.objects.exists()


def test_missing_name_is_422_and_malformed_json_is_400(clients):
    response = post(clients["admin"], "/api/projects", {"county": "652325"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["必须填写"]}
    response = clients["admin"].post("/api/projects", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求体不是合法的 JSON"


def test_officer_cannot_create_a_project_in_another_county(clients):
    response = post(clients["qitai"], "/api/projects", {"name": "x", "county": "652328"})
    assert response.status_code == 403
    assert response.json()["detail"] == "只能在本县市/园区新增项目"
    assert not Project.objects.exists()


def test_analyst_and_leader_cannot_create_projects(clients):
    for role in ["analyst", "leader"]:
        response = post(clients[role], "/api/projects", {"name": "x", "county": "652325"})
        assert response.status_code == 403
    assert not Project.objects.exists()


def test_project_list_filters_and_pages(cast, changji, clients, mulei_project):
    for n in range(3):
        create_project(cast["admin"], {"name": f"奇台项目{n}", "county_id": changji["qitai"].id})
    response = clients["leader"].get("/api/projects?county=652325&limit=2&offset=0")
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3 and len(body["items"]) == 2
    assert {p["county"]["code"] for p in body["items"]} == {"652325"}
    second = clients["leader"].get("/api/projects?county=652325&limit=2&offset=2").json()
    assert len(second["items"]) == 1
    only = clients["leader"].get("/api/projects?stage=lead&county=652328").json()
    assert [p["id"] for p in only["items"]] == [mulei_project.id]
    assert clients["leader"].get("/api/projects?stage=flying").status_code == 400
    assert clients["leader"].get("/api/projects?event=abc").status_code == 422


def test_project_detail_and_unknown_id(clients, mulei_project):
    response = clients["leader"].get(f"/api/projects/{mulei_project.id}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "木垒风电装备制造项目"
    assert body["investor"] == "某风电装备公司"
    assert body["dates"]["lead"] == "2023-01-10"
    assert body["stage_changes"] == [] and body["follow_ups"] == []
    missing = clients["leader"].get("/api/projects/999999")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "项目不存在：999999"


def test_county_officer_edits_own_project(clients, mulei_project):
    response = patch(
        clients["mulei"],
        f"/api/projects/{mulei_project.id}",
        {"agreed": "超过8亿元", "liaison_leader": "县委副书记"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["agreed"] == {"min_wan": 80000, "max_wan": None, "text": "超过8亿元"}
    assert body["liaison_leader"] == "县委副书记"
    assert body["name"] == "木垒风电装备制造项目"


def test_leader_cannot_edit_a_project_and_row_is_unchanged(clients, mulei_project):
    response = patch(clients["leader"], f"/api/projects/{mulei_project.id}", {"name": "改名"})
    assert response.status_code == 403
    assert response.json()["detail"]
    assert Project.objects.get(pk=mulei_project.pk).name == "木垒风电装备制造项目"


def test_officer_cannot_edit_other_county_project(clients, mulei_project):
    response = patch(
        clients["qitai"], f"/api/projects/{mulei_project.id}", {"name": "改名", "agreed": "1亿元"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "只能修改本县市/园区的项目"
    row = Project.objects.get(pk=mulei_project.pk)
    assert (row.name, row.agreed_text) == ("木垒风电装备制造项目", "5亿元")


def test_officer_cannot_move_own_project_into_another_county(clients, mulei_project):
    response = patch(clients["mulei"], f"/api/projects/{mulei_project.id}", {"county": "652325"})
    assert response.status_code == 403
    assert Project.objects.get(pk=mulei_project.pk).county.code == "652328"


def test_officer_cannot_transition_other_county_project(clients, mulei_project):
    response = post(
        clients["qitai"],
        f"/api/projects/{mulei_project.id}/transition",
        {"to_stage": "negotiating", "dates": {"negotiating": "2023-02-01"}},
    )
    assert response.status_code == 403
    row = Project.objects.get(pk=mulei_project.pk)
    assert (row.stage, row.negotiating_date) == ("lead", None)
    assert not StageChange.objects.exists()


def test_forward_transition_without_date_is_400_and_changes_nothing(clients, mulei_project):
    response = post(
        clients["mulei"],
        f"/api/projects/{mulei_project.id}/transition",
        {"to_stage": "signed", "dates": {"negotiating": "2023-02-01"}},
    )
    assert response.status_code == 400
    body = response.json()
    assert "签约日期" in body["detail"]
    assert body["errors"] == {"to_stage": [body["detail"]]}
    row = Project.objects.get(pk=mulei_project.pk)
    assert (row.stage, row.negotiating_date, row.signed_date) == ("lead", None, None)
    assert not StageChange.objects.exists()


def test_forward_transition_with_dates_moves_the_project(clients, mulei_project):
    response = post(
        clients["mulei"],
        f"/api/projects/{mulei_project.id}/transition",
        {
            "to_stage": "signed",
            "dates": {"negotiating": "2023-02-01", "signed": "2023-03-15"},
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["project"]["stage"] == {"code": "signed", "label": "签约"}
    assert body["project"]["dates"]["signed"] == "2023-03-15"
    assert body["change"]["from_stage"]["code"] == "lead"
    assert body["change"]["to_stage"]["code"] == "signed"
    assert body["change"]["user"] == "t_mulei"
    assert Project.objects.get(pk=mulei_project.pk).signed_date == dt.date(2023, 3, 15)


def test_backward_transition_needs_a_correction_with_reason(clients, mulei_project):
    url = f"/api/projects/{mulei_project.id}/transition"
    post(clients["mulei"], url, {"to_stage": "negotiating", "dates": {"negotiating": "2023-02-01"}})
    response = post(clients["mulei"], url, {"to_stage": "lead", "reason": "录入错误"})
    assert response.status_code == 400
    assert "更正" in response.json()["detail"]
    assert Project.objects.get(pk=mulei_project.pk).stage == "negotiating"
    response = post(clients["mulei"], url, {"to_stage": "lead", "correction": True})
    assert response.status_code == 400
    response = post(
        clients["mulei"], url, {"to_stage": "lead", "correction": True, "reason": "录入错误"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["change"]["is_correction"] is True
    row = Project.objects.get(pk=mulei_project.pk)
    assert (row.stage, row.negotiating_date) == ("lead", None)


def test_transition_with_bad_dates_is_rejected_not_500(clients, mulei_project):
    url = f"/api/projects/{mulei_project.id}/transition"
    response = post(
        clients["mulei"], url, {"to_stage": "negotiating", "dates": {"negotiating": "2023-13-45"}}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"dates.negotiating": ["日期格式应为 YYYY-MM-DD"]}
    response = post(
        clients["mulei"], url, {"to_stage": "negotiating", "dates": {"launch": "2023-02-01"}}
    )
    assert response.status_code == 400
    assert "dates" in response.json()["errors"]
    response = post(clients["mulei"], url, {"to_stage": "flying"})
    assert response.status_code == 400
    assert Project.objects.get(pk=mulei_project.pk).stage == "lead"


def test_follow_up_is_recorded_and_listed(clients, mulei_project):
    url = f"/api/projects/{mulei_project.id}/follow-ups"
    response = post(
        clients["mulei"],
        url,
        {
            "date": "2023-02-03",
            "note": "赴企业总部洽谈",
            "next_step": "提交选址方案",
            "due_date": "2023-03-01",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["author"] == "t_mulei"
    listed = clients["leader"].get(url).json()
    assert [f["note"] for f in listed] == ["赴企业总部洽谈"]
    detail = clients["leader"].get(f"/api/projects/{mulei_project.id}").json()
    assert detail["follow_ups"][0]["next_step"] == "提交选址方案"


def test_follow_up_rules_and_permissions(clients, mulei_project):
    url = f"/api/projects/{mulei_project.id}/follow-ups"
    response = post(
        clients["mulei"], url, {"date": "2023-02-03", "note": " ", "due_date": "2023-01-01"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"note", "due_date"}
    assert post(clients["qitai"], url, {"note": "越权"}).status_code == 403
    assert post(clients["leader"], url, {"note": "越权"}).status_code == 403
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        "text",
        {"name": None},
        {"name": "长" * 500},
        {"county": 652325},
        {"county": None},
        {"link": 10**30},
        {"event": -1},
        {"park": "no-such-park"},
        {"agreed": "9" * 40 + "亿元"},
        {"agreed": "7到6亿元"},
    ],
)
def test_bad_patches_get_a_chinese_4xx_never_500(clients, mulei_project, payload):
    response = patch(clients["admin"], f"/api/projects/{mulei_project.id}", payload)
    assert 400 <= response.status_code < 500, response.content
    assert isinstance(response.json()["detail"], str)
    row = Project.objects.get(pk=mulei_project.pk)
    assert (row.name, row.county.code, row.agreed_text) == (
        "木垒风电装备制造项目",
        "652328",
        "5亿元",
    )


def test_huge_ids_and_odd_paging_are_handled(clients, mulei_project):
    assert clients["admin"].get(f"/api/projects/{10**30}").status_code in (404, 422)
    response = clients["admin"].get("/api/projects?limit=0&offset=-5")
    assert response.status_code == 200
    assert response.json()["limit"] == 1 and response.json()["offset"] == 0
    assert clients["admin"].get("/api/projects?limit=100000").json()["limit"] == 500


def test_null_text_fields_are_cleared_and_unsent_fields_kept(clients, mulei_project):
    url = f"/api/projects/{mulei_project.id}"
    patch(clients["admin"], url, {"industry": "风电装备", "planned": "10亿元"})
    response = patch(clients["admin"], url, {"industry": None, "planned": ""})
    assert response.status_code == 200
    body = response.json()
    assert body["industry"] == ""
    assert body["planned"] == {"min_wan": None, "max_wan": None, "text": ""}
    assert body["agreed"]["text"] == "5亿元"
