"""Evidence files back stage claims; the counting rule decides which stages need them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chainvest.projects.models import Evidence
from chainvest.projects.services import add_evidence
from chainvest.reports.kpis import Scope, kpi_figures
from chainvest.reports.models import CountingRule
from tests.web import factories as f
from tests.web.factories import D

AS_OF = D(2023, 12, 31)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def started(cast, changji):
    """Two projects both claim 开工 (started); only one will carry a construction permit."""
    a = f.project(
        cast["qitai"], changji["qitai"], "有许可证项目", signed=D(2023, 3, 1), started=D(2023, 5, 1)
    )
    b = f.project(
        cast["qitai"], changji["qitai"], "无许可证项目", signed=D(2023, 3, 1), started=D(2023, 5, 1)
    )
    return a, b


def permit(name="施工许可证.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF" + b"0" * size, content_type="application/pdf")


def test_without_the_setting_a_claimed_start_counts(started):
    """Both claim 开工: 2/2 = 100%."""
    assert kpi_figures(Scope(), AS_OF, CountingRule())["start"].value == 100.0


def test_when_construction_needs_evidence_only_the_backed_claim_counts(cast, started):
    """With 开工 requiring evidence: only the project with a permit counts → 1/2 = 50%."""
    a, b = started
    add_evidence(cast["qitai"], a, "construction", "permit", permit())
    got = kpi_figures(Scope(), AS_OF, CountingRule(evidence_stages=["construction"]))
    assert got["start"].value == 50.0
    unbacked = [r for r in got["start"].rows if not r.counted]
    assert [r.project for r in unbacked] == [b] and "缺少佐证材料" in unbacked[0].detail


def test_signing_can_require_its_agreement(cast, started):
    """签约 needs evidence: with no agreement uploaded, nothing counts as signed."""
    a, _ = started
    rule = CountingRule(evidence_stages=["signed"])
    assert kpi_figures(Scope(), AS_OF, rule)["signed"].numerator == 0
    add_evidence(cast["qitai"], a, "signed", "agreement", permit("投资协议.pdf"))
    assert kpi_figures(Scope(), AS_OF, rule)["signed"].numerator == 1


def test_evidence_is_stored_with_its_name_and_uploader(cast, started):
    item = add_evidence(cast["qitai"], started[0], "construction", "photo", permit("现场.pdf"))
    assert item.original_name == "现场.pdf" and item.uploaded_by == cast["qitai"]
    assert item.file.read().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"upload": permit("病毒.exe")}, "file"),
        ({"stage": "flying"}, "stage"),
        ({"kind": "rumour"}, "kind"),
    ],
)
def test_bad_evidence_names_the_field_and_stores_nothing(cast, started, kwargs, field):
    args = {"stage": "construction", "kind": "permit", "upload": permit(), **kwargs}
    with pytest.raises(ValidationError) as exc:
        add_evidence(cast["qitai"], started[0], **args)
    assert field in exc.value.message_dict
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("协议.pdf", b"<html><script>x()</script>"), ("照片.png", b"%PDF-1.4"), ("表.xlsx", b"MZ")],
)
def test_evidence_whose_content_is_not_its_kind_is_refused(cast, started, name, content):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as exc:
        add_evidence(cast["qitai"], started[0], "construction", "permit", upload)
    assert "内容与扩展名" in exc.value.message_dict["file"][0]
    assert not Evidence.objects.exists()


def test_oversized_evidence_is_refused(cast, started, settings):
    settings.MAX_EVIDENCE_BYTES = 50
    with pytest.raises(ValidationError) as exc:
        add_evidence(cast["qitai"], started[0], "construction", "permit", permit(size=100))
    assert "file" in exc.value.message_dict


def test_other_county_and_leader_cannot_upload(cast, started):
    for who in ["mulei", "leader"]:
        with pytest.raises(PermissionDenied):
            add_evidence(cast[who], started[0], "construction", "permit", permit())
    assert not Evidence.objects.exists()
