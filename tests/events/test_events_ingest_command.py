"""`chainvest ingest FILE --format json`: the issue's JSON shape, null where the text is silent."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chainvest.events.models import Event

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "000_b27b06e6fa13e9ad.txt"
EVENT_KEYS = {"name", "date", "place", "organiser", "signed_count", "investment_yi", "projects"}
PROJECT_KEYS = {"company", "project", "location", "amount_yi", "industry"}


def ingest(*args) -> dict:
    out = StringIO()
    call_command("ingest", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_seed_page_prints_one_event_and_writes_nothing():
    if not SEED.exists():
        pytest.skip("seed page not present")
    out = ingest(str(SEED))
    [ev] = out["events"]
    assert EVENT_KEYS | {"evidence"} <= set(ev)
    assert (ev["date"], ev["place"], ev["signed_count"]) == ("2023-08-18", "新疆国际会展中心", 17)
    assert ev["investment_yi"] == {"min": 1026.0, "max": 1026.0, "text": "1026亿元"}
    assert all(PROJECT_KEYS <= set(p) for p in ev["projects"])
    [cum] = out["cumulative"]
    assert (cum["count"], cum["investment_yi"]["min"], cum["investment_yi"]["max"]) == (
        59,
        1110.0,
        None,
    )
    assert Event.objects.count() == 0


def test_silent_text_gives_nulls(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("现场签约项目5个。", encoding="utf-8")
    [ev] = ingest(str(f), "--date", "2024-05-06")["events"]
    assert ev["signed_count"] == 5
    assert ev["investment_yi"] is None and ev["date"] is None and ev["place"] is None


def test_document_date_completes_month_and_day(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("3月2日，某县举行集中签约仪式，签约项目4个，总投资12亿元。", encoding="utf-8")
    assert ingest(str(f), "--date", "2024-03-05")["events"][0]["date"] == "2024-03-02"


def test_bad_date_names_the_option(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(CommandError, match="--date"):
        ingest(str(f), "--date", "2024-13-45")


def test_missing_file_names_it(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        ingest(str(tmp_path / "none.txt"))
