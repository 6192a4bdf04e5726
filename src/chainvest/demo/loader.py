"""Load the Changji demo dataset (data/demo/*.yaml) into the database.

Every record is keyed by a natural key and skipped when it already exists, so a second run
changes nothing at all: no new rows (history included) and no updates. Reference data must be
loaded first (`load_reference`); the chain templates are loaded here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from chainvest.accounts.services import ensure_user
from chainvest.chains.loaders import load_chain_templates
from chainvest.chains.models import (
    Chain,
    ChainChief,
    ChainLeader,
    ChainSnapshot,
    Cluster,
    Link,
)
from chainvest.chains.snapshots import take_history
from chainvest.engine.text import AmountError, parse_money
from chainvest.enterprises.models import (
    AssignmentSource,
    Enterprise,
    EnterpriseLink,
    EnterpriseRelation,
    RelationKind,
)
from chainvest.events.models import (
    Event,
    EventPlan,
    Invitation,
    InvitationSource,
    InvitationStatus,
    PlanMonth,
    PlanStatus,
)
from chainvest.indicators.services import load_demo_indicators
from chainvest.projects.models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    Engagement,
    EngagementKind,
    Project,
    ProjectStage,
    Signing,
    SigningDocument,
    SigningKind,
    StageChange,
)
from chainvest.regions.models import IndustryCode, Park, Region

HISTORY_REASON = "加载示例数据"
# The campaign year of the demo: the monthly chain snapshots show its gaps being filled.
HISTORY_MONTHS = (dt.date(2023, 3, 1), dt.date(2023, 12, 1))
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
TABLE_KEYS = {"table", "columns", "rows"}
FILES = [
    "sources", "users", "enterprises", "events", "projects", "engagements", "chains", "plans",
]  # fmt: skip


class DemoDataError(ValueError):
    """A demo file or row is wrong; the message names the file and row. Nothing was loaded."""


@dataclass
class Record:
    """One record of a demo file, flattened from a table row or a mapping."""

    where: str
    data: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.data.get(key)
        return default if value is None else value

    def require(self, key: str) -> Any:
        value = self.data.get(key)
        if value is None or value == "":
            raise DemoDataError(f"{self.where}：缺少字段 {key}")
        return value

    @property
    def is_demo(self) -> bool:
        return bool(self.data["demo"])


@dataclass
class Lookups:
    """Codes and keys of the files resolved to database ids, each failing with the row's name."""

    regions: dict[str, int]
    parks: dict[str, Park]
    chains: dict[str, int]
    links: dict[tuple[str, str], int]
    industries: dict[str, int]
    sources: dict[str, str]
    enterprises: dict[str, int] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    officers: dict[int, Any] = field(default_factory=dict)

    def find(self, table: dict, code: Any, what: str, rec: Record) -> Any:
        if code is None or code == "":
            return None
        try:
            return table[str(code)]
        except KeyError:
            raise DemoDataError(f"{rec.where}：未知的{what}「{code}」") from None

    def source_text(self, rec: Record) -> str:
        text = self.find(self.sources, rec.get("source", "demo"), "资料来源", rec)
        note = rec.get("source_note", "")
        return f"{text}；{note}" if note else text


def load_demo(data_dir: Path | None = None) -> dict:
    """Create whatever of the demo dataset is missing; return counts and the users created now."""
    data_dir = Path(data_dir or Path(settings.DATA_DIR) / "demo")
    files = {name: _read(data_dir / f"{name}.yaml") for name in FILES}
    with transaction.atomic():
        load_chain_templates()
        look = _lookups(files)
        created: dict[str, int] = {}
        created["users"], new_users = _load_users(files["users"], look)
        created["enterprises"] = _load_enterprises(files["enterprises"], look)
        created["relations"] = _load_relations(files["enterprises"], look)
        created["placements"] = _load_placements(files["enterprises"], look)
        created["events"] = _load_events(files["events"], look)
        created["projects"], created["stage_changes"] = _load_projects(files["projects"], look)
        created["engagements"] = _load_engagements(files["engagements"], look)
        created["chain_chiefs"] = _load_chiefs(files["chains"], look)
        created["chain_leaders"] = _load_leaders(files["chains"], look)
        created["signings"] = _load_signings(files["projects"], look)
        created["event_plans"], created["plan_months"] = _load_plans(files["plans"], look)
        created["invitations"] = _load_invitations(files["plans"], look)
        created["indicators"] = _load_indicators(data_dir / "indicators.csv")
    return {"created": created, "new_users": new_users}


def _load_indicators(path: Path) -> int:
    """经济指标: published figures with their source, the rest marked 示例 (a 示例 column)."""
    return load_demo_indicators(path) if path.exists() else 0


def load_demo_history() -> int:
    """Monthly chain snapshots over the demo year, derived from the records (first run only).

    Run after the enterprises are placed on links; a database that has any snapshot keeps it."""
    if ChainSnapshot.objects.exists():
        return 0
    with transaction.atomic():
        return take_history(*HISTORY_MONTHS)


# --- reading -------------------------------------------------------------------------------


def _read(path: Path) -> dict:
    if not path.exists():
        raise DemoDataError(f"缺少示例数据文件：{path}")
    with path.open(encoding="utf-8") as fh:
        try:
            data = yaml.load(fh, Loader=YamlLoader) or {}
        except yaml.YAMLError as exc:
            raise DemoDataError(f"{path} 不是有效的 YAML：{exc}") from exc
    return {"_path": path.name, **data}


def records(doc: dict, section: str) -> list[Record]:
    """A section's items: mappings as they are, tables (columns + rows) one record per row.

    Keys of a table other than columns/rows (e.g. demo, source) apply to every row.
    """
    out = []
    for i, item in enumerate(doc.get(section) or [], 1):
        where = f"{doc['_path']} {section} 第{i}项"
        if "columns" in item:
            out.extend(_table_rows(item, where))
        else:
            out.append(Record(where, dict(item)))
    for rec in out:
        if not isinstance(rec.data.get("demo"), bool):
            raise DemoDataError(f"{rec.where}：必须写明 demo: true 或 demo: false")
    return out


def _table_rows(item: dict, where: str) -> Iterable[Record]:
    columns = item["columns"]
    shared = {k: v for k, v in item.items() if k not in TABLE_KEYS}
    label = f"{where}（{item.get('table', '')}）"
    for j, row in enumerate(item.get("rows") or [], 1):
        if len(row) != len(columns):
            raise DemoDataError(f"{label} 第{j}行：有{len(row)}列，应为{len(columns)}列")
        yield Record(f"{label} 第{j}行", {**shared, **dict(zip(columns, row, strict=True))})


def _date(rec: Record, key: str, required: bool = False) -> dt.date | None:
    value = rec.require(key) if required else rec.get(key)
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DemoDataError(f"{rec.where}：{key} 日期「{value}」应写成 YYYY-MM-DD") from None


def _lookups(files: dict) -> Lookups:
    if not Region.objects.filter(code="652300").exists():
        raise DemoDataError("尚未加载参考数据（行政区划、园区）：请先运行 chainvest load_reference")
    return Lookups(
        regions=dict(Region.objects.values_list("code", "id")),
        parks={p.code: p for p in Park.objects.select_related("region")},
        chains=dict(Chain.objects.values_list("code", "id")),
        links={
            (chain, code): pk
            for pk, chain, code in Link.objects.values_list("id", "chain__code", "code")
        },
        industries=dict(IndustryCode.objects.values_list("code", "id")),
        sources={str(k): v for k, v in (files["sources"].get("sources") or {}).items()},
    )


# --- users ---------------------------------------------------------------------------------


def _load_users(doc: dict, look: Lookups) -> tuple[int, list[str]]:
    new_users = []
    for rec in records(doc, "users"):
        county_id = look.find(look.regions, rec.get("county"), "区划代码", rec)
        park = look.find(look.parks, rec.get("park"), "园区代码", rec)
        user, created = ensure_user(
            rec.require("username"),
            settings.DEMO_PASSWORD,
            rec.require("role"),
            county=Region.objects.get(pk=county_id) if county_id else None,
            park=park,
            display_name=rec.get("display_name", ""),
        )
        if created:
            new_users.append(user.username)
    _index_officers(look)
    return len(new_users), new_users


def _index_officers(look: Lookups) -> None:
    """The first county officer of each county: the demo records its county's work under them."""
    officers = (
        get_user_model()
        .objects.filter(
            profile__role="officer", profile__county__isnull=False, profile__park__isnull=True
        )
        .order_by("id")
    )
    for user in officers.select_related("profile"):
        look.officers.setdefault(user.profile.county_id, user)


# --- enterprises ---------------------------------------------------------------------------


def _load_enterprises(doc: dict, look: Lookups) -> int:
    recs = records(doc, "enterprises")
    names = [rec.require("name") for rec in recs]
    existing = set(Enterprise.objects.filter(name__in=names).values_list("name", flat=True))
    new, seen = [], set(existing)
    for rec in recs:
        if rec.data["name"] not in seen:
            seen.add(rec.data["name"])
            new.append(_enterprise(rec, look))
    bulk_create_with_history(new, Enterprise, default_change_reason=HISTORY_REASON)
    ids = dict(Enterprise.objects.filter(name__in=names).order_by("-id").values_list("name", "id"))
    look.enterprises = {str(rec.require("key")): ids[rec.data["name"]] for rec in recs}
    return len(new)


def _enterprise(rec: Record, look: Lookups) -> Enterprise:
    park = look.find(look.parks, rec.get("park"), "园区代码", rec)
    return Enterprise(
        name=rec.data["name"],
        uscc=rec.get("uscc"),
        region_id=look.find(look.regions, rec.require("region"), "区划代码", rec),
        park=park,
        industry_id=look.find(look.industries, rec.get("industry"), "国标行业代码", rec),
        registered_capital_wan=rec.get("registered_capital_wan"),
        business_scope=rec.get("business_scope", ""),
        is_chain_leader=bool(rec.get("is_chain_leader", False)),
        is_demo=rec.is_demo,
    )


def _load_relations(doc: dict, look: Lookups) -> int:
    existing = set(EnterpriseRelation.objects.values_list("source_id", "target_id", "kind"))
    new = []
    for rec in records(doc, "relations"):
        kind = rec.require("kind")
        if kind not in RelationKind.values:
            raise DemoDataError(f"{rec.where}：未知的关系类型「{kind}」")
        key = (
            look.find(look.enterprises, rec.require("source"), "企业键", rec),
            look.find(look.enterprises, rec.require("target"), "企业键", rec),
            kind,
        )
        if key not in existing:
            existing.add(key)
            new.append(
                EnterpriseRelation(
                    source_id=key[0], target_id=key[1], kind=kind, note=rec.get("note", "")
                )
            )
    EnterpriseRelation.objects.bulk_create(new)
    return len(new)


def _load_placements(doc: dict, look: Lookups) -> int:
    """Enterprises placed on links by hand (source manual): those the classifier cannot place."""
    existing = set(EnterpriseLink.objects.values_list("enterprise_id", "link_id"))
    new = []
    for rec in records(doc, "placements"):
        enterprise = look.find(look.enterprises, rec.require("enterprise"), "企业键", rec)
        key = (str(rec.require("chain")), str(rec.require("link")))
        link = look.links.get(key)
        if link is None:
            raise DemoDataError(f"{rec.where}：未知的产业链环节「{key[0]}:{key[1]}」")
        if (enterprise, link) not in existing:
            existing.add((enterprise, link))
            reason = rec.get("reason", "人工归入")
            new.append(
                EnterpriseLink(
                    enterprise_id=enterprise,
                    link_id=link,
                    source=AssignmentSource.MANUAL,
                    confidence=1.0,
                    reasons=[f"{reason}（示例）" if rec.is_demo else reason],
                )
            )
    EnterpriseLink.objects.bulk_create(new)
    return len(new)


# --- events --------------------------------------------------------------------------------


def _load_events(doc: dict, look: Lookups) -> int:
    recs = records(doc, "events")
    wanted = {(rec.require("name"), _date(rec, "date", required=True)): rec for rec in recs}
    found = {(e.name, e.date): e for e in Event.objects.filter(name__in=[k[0] for k in wanted])}
    new = [_event(rec, look) for key, rec in wanted.items() if key not in found]
    bulk_create_with_history(new, Event, default_change_reason=HISTORY_REASON)
    found = {(e.name, e.date): e for e in Event.objects.filter(name__in=[k[0] for k in wanted])}
    look.events = {str(rec.require("key")): found[key] for key, rec in wanted.items()}
    return len(new)


def _event(rec: Record, look: Lookups) -> Event:
    return Event(
        name=rec.data["name"],
        theme=rec.get("theme", ""),
        date=_date(rec, "date"),
        place=rec.get("place", ""),
        organiser_id=look.find(look.regions, rec.get("organiser"), "区划代码", rec),
        occasion=rec.get("occasion", ""),
        sequence=rec.get("sequence"),
        source=look.source_text(rec),
        is_demo=rec.is_demo,
    )


# --- 一月一主题: the yearly event plan --------------------------------------------------------


def _load_plans(doc: dict, look: Lookups) -> tuple[int, int]:
    """Plans keyed by (year, owner), months by (plan, month); existing ones are left alone."""
    plans, created = {}, 0
    for rec in records(doc, "plans"):
        owner = look.find(look.regions, rec.require("owner"), "区划代码", rec)
        plan = EventPlan.objects.filter(year=rec.require("year"), owner_id=owner).first()
        if plan is None:
            plan = EventPlan(
                year=rec.data["year"],
                owner_id=owner,
                title=rec.get("title", ""),
                source=look.source_text(rec),
                is_demo=rec.is_demo,
            )
            _save_with_history(plan)
            created += 1
        plans[str(plan.year)] = plan
    months = [_plan_month(rec, plans, look) for rec in records(doc, "months")]
    return created, sum(1 for made in months if made)


def _save_with_history(record) -> None:
    record._change_reason = HISTORY_REASON
    record.save()


def _plan_month(rec: Record, plans: dict, look: Lookups) -> bool:
    plan = look.find(plans, rec.require("plan"), "计划年度", rec)
    month = int(rec.require("month"))
    if plan.months.filter(month=month).exists():
        return False
    status = rec.require("status")
    if status not in PlanStatus.values:
        raise DemoDataError(f"{rec.where}：未知的计划状态「{status}」")
    park = look.find(look.parks, rec.get("host_park"), "园区代码", rec)
    slot = PlanMonth(
        plan=plan,
        month=month,
        theme=rec.require("theme"),
        host_county_id=look.find(look.regions, rec.get("host_county"), "区划代码", rec),
        host_park=park,
        planned_date=_date(rec, "planned_date"),
        status=status,
        event=look.find(look.events, rec.get("event"), "活动键", rec),
        cancel_reason=rec.get("cancel_reason", ""),
        is_demo=rec.is_demo,
    )
    _save_with_history(slot)
    slot.chains.set([look.find(look.chains, c, "产业链代码", rec) for c in rec.get("chains", [])])
    codes = dict(Cluster.objects.values_list("code", "id"))
    slot.clusters.set([look.find(codes, c, "产业集群代码", rec) for c in rec.get("clusters", [])])
    return True


def _load_invitations(doc: dict, look: Lookups) -> int:
    """Invitation lists keyed by (event, enterprise); the county's officer is responsible."""
    existing = set(Invitation.objects.values_list("event_id", "enterprise_id"))
    new = []
    for rec in records(doc, "invitations"):
        event = look.find(look.events, rec.require("event"), "活动键", rec)
        enterprise = look.find(look.enterprises, rec.require("enterprise"), "企业键", rec)
        if rec.require("status") not in InvitationStatus.values:
            raise DemoDataError(f"{rec.where}：未知的邀请状态「{rec.data['status']}」")
        if (event.pk, enterprise) in existing:
            continue
        existing.add((event.pk, enterprise))
        county = look.find(look.regions, rec.get("county"), "区划代码", rec)
        new.append(
            Invitation(
                event=event,
                enterprise_id=enterprise,
                source=InvitationSource.MANUAL,
                reason=rec.get("reason", ""),
                status=rec.data["status"],
                officer=look.officers.get(county),
                is_demo=rec.is_demo,
            )
        )
    bulk_create_with_history(new, Invitation, default_change_reason=HISTORY_REASON)
    return len(new)


# --- projects ------------------------------------------------------------------------------


def _load_projects(doc: dict, look: Lookups) -> tuple[int, int]:
    recs = records(doc, "projects")
    names = [rec.require("name") for rec in recs]
    existing = set(Project.objects.filter(name__in=names).values_list("name", flat=True))
    builder = _ProjectBuilder(doc, look)
    new = [builder.build(rec) for rec in recs if rec.data["name"] not in existing]
    bulk_create_with_history(new, Project, default_change_reason=HISTORY_REASON)
    saved = Project.objects.filter(name__in=[p.name for p in new]).order_by("id")
    changes = [change for project in saved for change in _stage_history(project)]
    StageChange.objects.bulk_create(changes)
    return len(new), len(changes)


class _ProjectBuilder:
    """Turns one project record into an unsaved Project, checking places, money and stages."""

    def __init__(self, doc: dict, look: Lookups):
        self.look = look
        self.defaults = doc.get("defaults") or {}
        self.targets = {
            rec.require("project"): (rec, str(rec.require("link")))
            for rec in records(doc, "targets")
        }
        units = doc.get("responsible_units") or {}
        self.park_units = {str(k): v for k, v in (units.get("parks") or {}).items()}
        self.county_units = {str(k): v for k, v in (units.get("counties") or {}).items()}

    def build(self, rec: Record) -> Project:
        look = self.look
        project = Project(
            name=rec.data["name"],
            investor_id=look.find(look.enterprises, rec.get("investor"), "企业键", rec),
            investor_name=rec.get("investor_name", ""),
            county_id=look.find(look.regions, rec.require("county"), "区划代码", rec),
            park=self._park(rec),
            chain_id=look.find(look.chains, rec.get("chain"), "产业链代码", rec),
            industry=rec.get("industry", ""),
            event=look.find(look.events, rec.get("event"), "活动键", rec),
            description=rec.get("description", ""),
            responsible_unit=rec.get("responsible_unit") or self._unit(rec),
            liaison_leader=rec.get("liaison_leader") or self.defaults.get("liaison_leader", ""),
            source=look.source_text(rec),
            is_demo=rec.is_demo,
        )
        project.officer = look.officers.get(project.county_id)
        project.link_id = self._link(rec)
        for prefix in ("agreed", "planned"):
            _set_money(project, prefix, rec)
        self._set_stage(project, rec)
        return project

    def _link(self, rec: Record) -> int | None:
        """The link the project aims at, from the targets section (within the project's chain)."""
        target = self.targets.get(rec.data["name"])
        if target is None:
            return None
        where, code = target
        chain = rec.get("chain")
        if (str(chain), code) not in self.look.links:
            raise DemoDataError(f"{where.where}：产业链「{chain}」没有环节「{code}」")
        return self.look.links[(str(chain), code)]

    def _park(self, rec: Record) -> Park | None:
        park = self.look.find(self.look.parks, rec.get("park"), "园区代码", rec)
        county = str(rec.data["county"])
        # A prefecture-wide park (准东) lies in several counties; a county park in its own.
        if park and park.region.level != "city" and park.region.code != county:
            raise DemoDataError(f"{rec.where}：园区「{park.code}」不在县市 {county} 内")
        return park

    def _unit(self, rec: Record) -> str:
        park, county = rec.get("park"), str(rec.data["county"])
        return self.park_units.get(str(park)) or self.county_units.get(county, "")

    def _set_stage(self, project: Project, rec: Record) -> None:
        stage = rec.require("stage")
        if stage not in STAGE_ORDER:
            raise DemoDataError(f"{rec.where}：阶段「{stage}」应为线索至达产之一")
        reached = [s.value for s in STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]]
        dates = self._given_dates(project, rec, reached)
        previous = None
        for name in reached:
            when = dates.pop(name)
            if when is None:
                raise DemoDataError(f"{rec.where}：阶段为 {stage}，缺少 {name} 日期")
            if previous and when < previous:
                raise DemoDataError(f"{rec.where}：{name} 日期 {when} 早于上一阶段日期 {previous}")
            if when > timezone.localdate():
                raise DemoDataError(f"{rec.where}：{name} 日期 {when} 晚于今天")
            setattr(project, STAGE_DATE_FIELD[ProjectStage(name)], when)
            previous = when
        beyond = [name for name, when in dates.items() if when is not None]
        if beyond:
            raise DemoDataError(f"{rec.where}：阶段为 {stage}，不应有 {beyond[0]} 日期")
        project.stage = stage

    def _given_dates(self, project: Project, rec: Record, reached: list[str]) -> dict:
        """Dates as written; 签约 defaults to the event's date, 线索/洽谈 to days before it."""
        given = {s.value: _date(rec, s.value) for s in STAGE_ORDER}
        if "signed" in reached:
            given["signed"] = given["signed"] or (project.event.date if project.event else None)
        if given["signed"]:
            for stage in ("lead", "negotiating"):
                given[stage] = given[stage] or self._days_before(given["signed"], stage, rec)
        return given

    def _days_before(self, signed: dt.date, stage: str, rec: Record) -> dt.date:
        days = self.defaults.get(f"{stage}_days_before_signing")
        if days is None:
            raise DemoDataError(f"{rec.where}：缺少 {stage} 日期（defaults 中也未设置天数）")
        return signed - dt.timedelta(days=int(days))


def _set_money(project: Project, prefix: str, rec: Record) -> None:
    text = rec.get(prefix)
    if text is None:
        return
    try:
        money = parse_money(str(text))
    except AmountError as exc:
        raise DemoDataError(f"{rec.where}：{prefix}「{text}」{exc}") from exc
    setattr(project, f"{prefix}_min_wan", money.min_wan)
    setattr(project, f"{prefix}_max_wan", money.max_wan)
    setattr(project, f"{prefix}_text", money.text)


def _stage_history(project: Project) -> list[StageChange]:
    """One StageChange per stage reached after 线索, dated as the stage, so the page shows it."""
    path = [s for s in STAGE_ORDER if project.stage_date(s) is not None]
    return [
        StageChange(
            project=project,
            from_stage=before,
            to_stage=after,
            date=project.stage_date(after),
            reason=HISTORY_REASON,
        )
        for before, after in zip(path, path[1:], strict=False)
    ]


# --- engagements ---------------------------------------------------------------------------


def _load_engagements(doc: dict, look: Lookups) -> int:
    summaries = doc.get("summaries") or {}
    chain_names = dict(Chain.objects.values_list("id", "name"))
    existing = set(Engagement.objects.values_list("enterprise_id", "date", "kind"))
    new = []
    for rec in records(doc, "engagements"):
        engagement = _engagement(rec, look)
        key = (engagement.enterprise_id, engagement.date, engagement.kind)
        if key in existing:
            continue
        existing.add(key)
        engagement.summary = summaries.get(engagement.kind, "").format(
            chain=chain_names.get(engagement.chain_id, ""),
            event=engagement.event.name if engagement.event else "",
        )
        new.append(engagement)
    Engagement.objects.bulk_create(new)
    return len(new)


def _engagement(rec: Record, look: Lookups) -> Engagement:
    kind = rec.require("kind")
    if kind not in EngagementKind.values:
        raise DemoDataError(f"{rec.where}：未知的对接方式「{kind}」")
    county_id = look.find(look.regions, rec.get("county"), "区划代码", rec)
    return Engagement(
        enterprise_id=look.find(look.enterprises, rec.require("enterprise"), "企业键", rec),
        chain_id=look.find(look.chains, rec.get("chain"), "产业链代码", rec),
        county_id=county_id,
        event=look.find(look.events, rec.get("event"), "活动键", rec),
        date=_date(rec, "date", required=True),
        kind=kind,
        officer=look.officers.get(county_id),
        is_demo=rec.is_demo,
    )


# --- chain chiefs and leaders --------------------------------------------------------------


def _load_chiefs(doc: dict, look: Lookups) -> int:
    existing = set(ChainChief.objects.values_list("chain_id", "name"))
    new = []
    for order, rec in enumerate(records(doc, "chiefs")):
        chain = look.find(look.chains, rec.require("chain"), "产业链代码", rec)
        if (chain, rec.require("name")) not in existing:
            existing.add((chain, rec.data["name"]))
            new.append(
                ChainChief(
                    chain_id=chain,
                    name=rec.data["name"],
                    title=rec.get("title", ""),
                    order=order,
                    is_demo=rec.is_demo,
                )
            )
    ChainChief.objects.bulk_create(new)
    return len(new)


def _load_leaders(doc: dict, look: Lookups) -> int:
    existing = set(ChainLeader.objects.values_list("chain_id", "enterprise_id"))
    new = []
    for order, rec in enumerate(records(doc, "leaders")):
        chain = look.find(look.chains, rec.require("chain"), "产业链代码", rec)
        enterprise = look.find(look.enterprises, rec.require("enterprise"), "企业键", rec)
        if (chain, enterprise) not in existing:
            existing.add((chain, enterprise))
            new.append(
                ChainLeader(
                    chain_id=chain,
                    enterprise_id=enterprise,
                    note=rec.get("note", ""),
                    order=order,
                    is_demo=rec.is_demo,
                )
            )
    ChainLeader.objects.bulk_create(new)
    return len(new)


# --- signing registry ----------------------------------------------------------------------


def _load_signings(doc: dict, look: Lookups) -> int:
    """Re-signings of demo projects: the project's own first signing, then the flagged one."""
    new = []
    for rec in records(doc, "signings"):
        project = Project.objects.filter(name=rec.require("project")).first()
        if project is None or project.signed_date is None:
            raise DemoDataError(f"{rec.where}：未知或未签约的项目「{rec.data['project']}」")
        if rec.require("kind") != SigningKind.RESIGN:
            raise DemoDataError(f"{rec.where}：示例数据只登记重复签约（kind: resign）")
        if project.signings.exists():
            continue
        event = look.find(look.events, rec.require("event"), "活动", rec)
        new += [
            _signing(project, project.event, project.signed_date, SigningKind.FIRST, True),
            _signing(project, event, _date(rec, "date", True), SigningKind.RESIGN, False),
        ]
        new[-1].note = rec.get("note", "")
    bulk_create_with_history(new, Signing, default_change_reason=HISTORY_REASON)
    return len(new)


def _signing(project: Project, event, date, kind: str, counts: bool) -> Signing:
    """The first signing adds the agreed amount; a re-signing adds nothing."""
    lo, hi = (project.agreed_min_wan, project.agreed_max_wan) if counts else (0, 0)
    return Signing(
        project=project,
        event=event,
        date=date,
        kind=kind,
        document=SigningDocument.PROTOCOL,
        amount_min_wan=project.agreed_min_wan,
        amount_max_wan=project.agreed_max_wan,
        amount_text=project.agreed_text,
        increment_min_wan=lo,
        increment_max_wan=hi,
        note="按项目签约信息登记" if counts else "",
    )
