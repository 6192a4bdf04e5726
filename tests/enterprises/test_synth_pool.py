"""`chainvest synth`: vendor headers, valid unique codes, relations, same seed → same bytes."""

import csv
import io
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from chainvest.engine.text import validate_uscc
from chainvest.enterprises.synth import (
    HEADERS,
    LAST_DAY,
    PoolGenerator,
    read_words,
    synth_uscc,
    write_pool,
)


@cache
def words():
    return read_words(Path(settings.DATA_DIR))


def pool(count=400, seed=7, relations=False) -> tuple[str, str]:
    out, rel = io.StringIO(), io.StringIO() if relations else None
    write_pool(words(), count, seed, out, rel)
    return out.getvalue(), rel.getvalue() if rel else ""


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_first_line_is_the_vendor_header_row():
    text, _ = pool(3)
    assert text.splitlines()[0].split(",") == HEADERS
    assert len(rows(text)) == 3


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes():
    assert pool(seed=7) == pool(seed=7)
    assert pool(seed=7)[0] != pool(seed=8)[0]


def test_asking_for_relations_leaves_the_enterprise_file_unchanged():
    assert pool(relations=True)[0] == pool(relations=False)[0]


def test_codes_are_valid_unique_and_carry_the_county_of_the_row():
    county_of = {c.name + c.city: c.code for c in words().counties}
    records = rows(pool(2000)[0])
    codes = [r["统一社会信用代码"] for r in records]
    assert len(set(codes)) == len(codes)
    for record in records:
        code = validate_uscc(record["统一社会信用代码"])
        assert code[2:8] == county_of[record["所属区县"] + record["所属城市"]]


def test_organisation_codes_stay_distinct_across_many_rows():
    codes = {synth_uscc("652301", i, 12345, i % 2 == 0) for i in range(50_000)}
    assert len(codes) == 50_000


def test_rows_look_like_vendor_data():
    records = rows(pool(1000)[0])
    capitals = [r["注册资本"] for r in records]
    assert any(c.endswith("万元人民币") for c in capitals)
    assert any(c.endswith("万美元") for c in capitals)
    assert all(r["成立日期"] <= LAST_DAY.isoformat() for r in records)
    assert any(r["曾用名"] for r in records)
    assert all(r["企业名称"].endswith("公司") for r in records)
    assert not any("合成" in r["企业名称"] or "合成" in r["曾用名"] for r in records)
    assert any(
        "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）" in r["经营范围"]
        for r in records
    )


def test_chain_enterprises_have_their_link_wording_and_an_industry_of_the_link():
    generator = PoolGenerator(words(), seed=3)
    on_links = [ent for ent, _ in generator.enterprises(500) if ent.link is not None]
    assert len(on_links) > 100
    for ent in on_links:
        assert any(keyword in ent.scope for keyword in ent.link.keywords)
        assert ent.industry in words().industries


def test_relations_point_at_enterprises_of_the_file():
    text, rel = pool(3000, relations=True)
    codes = {r["统一社会信用代码"] for r in rows(text)}
    ties = list(csv.DictReader(io.StringIO(rel)))
    assert ties
    assert {t["kind"] for t in ties} <= {"supplies", "buys_from", "invests_in"}
    for tie in ties:
        assert tie["source_uscc"] in codes and tie["target_uscc"] in codes
        assert tie["source_uscc"] != tie["target_uscc"]


def test_the_command_writes_both_files_and_warns_the_data_is_synthetic(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "synth",
        "--enterprises",
        "50",
        "--seed",
        "2",
        "--out",
        str(tmp_path / "pool.csv"),
        "--relations",
        str(tmp_path / "ties.csv"),
        stdout=out,
        stderr=err,
    )
    assert "合成" in err.getvalue()
    assert "50" in out.getvalue()
    first = (tmp_path / "pool.csv").read_bytes()
    call_command(
        "synth",
        "--enterprises",
        "50",
        "--seed",
        "2",
        "--out",
        str(tmp_path / "again.csv"),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert (tmp_path / "again.csv").read_bytes() == first
    assert (tmp_path / "ties.csv").read_text().startswith("source_uscc,target_uscc,kind")


def test_the_command_refuses_a_negative_count(tmp_path):
    with pytest.raises(CommandError, match="--enterprises"):
        call_command("synth", "--enterprises", "-1", "--out", str(tmp_path / "x.csv"))
