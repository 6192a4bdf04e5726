"""The one module that counts: every promotion figure, under the bureau's 统计口径.

Each figure is computed from the records (projects, signings, evidence, monthly funds) as of a
date, carries its definition in words, and keeps the rows behind it for the drill-down.

The unit is the *signing row*: a project's registered signings (Signing), or, for a signed
project with none registered yet, its own first signing (event, signing date, agreed amount).
Under the rule a project counts once, at its *counting signing*: the first signing whose
document the rule accepts (any agreement, or a formal contract only). That signing credits its
whole amount; a later upgrade credits only its increment; a re-signing credits nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from chainvest.engine.text import Money, format_yi
from chainvest.projects.models import (
    Evidence,
    Project,
    ProjectMonth,
    ProjectStage,
    Referral,
    Signing,
    SigningDocument,
    SigningKind,
)
from chainvest.reports.models import CountingRule, FulfilmentBasis, FundsBase, LandingBasis

ZERO = Decimal(0)


@dataclass(frozen=True)
class SigningRow:
    project_id: int
    event_id: int | None
    date: dt.date
    kind: str
    document: str
    amount: Money
    increment: Money
    signing_id: int | None = None  # None: the project's own first signing, not yet registered

    @property
    def kind_label(self) -> str:
        return SigningKind(self.kind).label


@dataclass
class Counted:
    """A project as the rule sees it on the as-of date."""

    project: Project
    signing: SigningRow  # the signing it counts at
    credits: list[tuple[SigningRow, Money]]  # every signing that adds to the total, with what
    rows: list[SigningRow] = field(default_factory=list)  # all its signings, in date order
    funds_wan: Decimal = ZERO
    reached: dict[str, dt.date] = field(default_factory=dict)

    @property
    def investment(self) -> Money:
        total = Money(ZERO, ZERO, "")
        for _, amount in self.credits:
            total = total + amount
        return total


@dataclass
class DrillRow:
    project: Project
    counted: bool
    detail: str
    amount: Money | None = None


@dataclass
class Figure:
    key: str
    label: str
    definition: str
    numerator: Decimal | int
    denominator: Decimal | int | None = None
    unit: str = "%"
    rows: list[DrillRow] = field(default_factory=list)
    money: Money | None = None

    @property
    def value(self) -> float | None:
        """The figure itself: a count, 亿元, or a percentage (None when nothing to divide by)."""
        if self.denominator is None:
            return float(self.numerator)
        if not self.denominator:
            return None
        return round(float(self.numerator) / float(self.denominator) * 100, 1)

    @property
    def display(self) -> str:
        if self.money is not None:
            return self.money.describe()
        value = self.value
        if value is None:
            return "-"
        return f"{value:.1f}%" if self.unit == "%" else f"{value:,.0f}{self.unit}"


# --- signing rows ---------------------------------------------------------------------------


def _money(lo, hi, text="") -> Money:
    return Money(lo, hi, text)


def signing_rows(projects: Iterable[Project]) -> dict[int, list[SigningRow]]:
    """Every project's signings in date order; its own first signing when none is registered."""
    projects = list(projects)
    rows: dict[int, list[SigningRow]] = defaultdict(list)
    registered = Signing.objects.filter(project__in=[p.pk for p in projects]).order_by("date", "id")
    for s in registered:
        rows[s.project_id].append(
            SigningRow(
                s.project_id,
                s.event_id,
                s.date,
                s.kind,
                s.document,
                s.amount,
                _money(s.increment_min_wan, s.increment_max_wan),
                s.pk,
            )
        )
    for p in projects:
        if p.pk not in rows and p.signed_date is not None:
            rows[p.pk].append(
                SigningRow(
                    p.pk,
                    p.event_id,
                    p.signed_date,
                    SigningKind.FIRST,
                    SigningDocument.PROTOCOL,
                    p.agreed,
                    p.agreed,
                )
            )
    return rows


def _evidence_index(project_ids: list[int]) -> set[tuple[int, str]]:
    return set(
        Evidence.objects.filter(project__in=project_ids, archived=False).values_list(
            "project_id", "stage"
        )
    )


def _funds(project_ids: list[int], as_of: dt.date) -> dict[int, Decimal]:
    rows = (
        ProjectMonth.objects.filter(project__in=project_ids, month__lte=as_of)
        .values("project_id")
        .annotate(total=Sum("funds_arrived_wan"))
    )
    return {r["project_id"]: r["total"] or ZERO for r in rows}


def _counting_signing(
    rows: list[SigningRow], rule: CountingRule, has_signed_evidence: bool, as_of: dt.date
) -> SigningRow | None:
    if rule.needs_evidence(ProjectStage.SIGNED) and not has_signed_evidence:
        return None
    for row in rows:
        if row.date > as_of:
            return None
        if rule.signing_basis == SigningDocument.PROTOCOL or row.document == rule.signing_basis:
            return row
    return None


def _credits(rows: list[SigningRow], first: SigningRow, as_of: dt.date) -> list:
    credits = [(first, first.amount)]
    after = rows[rows.index(first) + 1 :]
    upgrades = [r for r in after if r.kind == SigningKind.UPGRADE and r.date <= as_of]
    credits += [(r, r.increment) for r in upgrades]
    return credits


# What counted_projects() returns; pages that show several figures compute it once and pass it.
CountedAndLeftOut = tuple[list[Counted], list[DrillRow]]


def _reached(project: Project, rule: CountingRule, evidence: set, as_of: dt.date) -> dict:
    reached = {}
    for stage in ProjectStage:
        when = project.stage_date(stage)
        if when is None or when > as_of:
            continue
        if rule.needs_evidence(stage) and (project.pk, stage.value) not in evidence:
            continue
        reached[stage.value] = when
    return reached


def counted_projects(
    rule: CountingRule | None = None,
    as_of: dt.date | None = None,
    projects: Iterable[Project] | None = None,
) -> CountedAndLeftOut:
    """Projects that count under the rule by `as_of`, and the signed ones left out, with why."""
    rule = rule or CountingRule.current()
    as_of = as_of or timezone.localdate()
    if projects is None:
        projects = Project.objects.signed().with_relations()
    projects = [p for p in projects if p.signed_date is not None and not p.archived]
    ids = [p.pk for p in projects]
    rows, evidence, funds = signing_rows(projects), _evidence_index(ids), _funds(ids, as_of)
    counted, left_out = [], []
    for p in projects:
        first = _counting_signing(
            rows[p.pk], rule, (p.pk, ProjectStage.SIGNED.value) in evidence, as_of
        )
        if first is None:
            if p.signed_date <= as_of:
                left_out.append(DrillRow(p, False, _why_not_signed(rule)))
            continue
        credits = _credits(rows[p.pk], first, as_of)
        item = Counted(p, first, credits, rows[p.pk], funds.get(p.pk, ZERO))
        reason = _out_of_scope(item, rule)
        if reason:
            left_out.append(DrillRow(p, False, reason, item.investment))
            continue
        item.reached = _reached(p, rule, evidence, as_of)
        counted.append(item)
    return counted, left_out


def _why_not_signed(rule: CountingRule) -> str:
    if rule.needs_evidence(ProjectStage.SIGNED):
        return "未签订正式合同或缺少签约佐证材料，不计入"
    return "尚未签订正式合同，不计入"


def _out_of_scope(item: Counted, rule: CountingRule) -> str:
    p = item.project
    if not rule.admits_origin(p.investor_origin):
        return f"投资方来源（{p.get_investor_origin_display() or '未填报'}）不在统计范围内"
    if p.industry and p.industry in (rule.excluded_industries or []):
        return f"行业领域“{p.industry}”不计入"
    threshold = rule.min_investment_wan
    if threshold is not None and (item.investment.min_wan or ZERO) < threshold:
        return f"投资额低于计入门槛 {format_yi(threshold)}亿元"
    return ""


# --- filters --------------------------------------------------------------------------------


@dataclass
class Scope:
    """Which counted projects a figure covers: year and event of their counting signing, place."""

    year: int | None = None
    event_id: int | None = None
    county_id: int | None = None
    park_id: int | None = None
    chain_id: int | None = None
    date_from: dt.date | None = None  # the counting signing's date, inclusive
    date_to: dt.date | None = None

    def admits_place(self, p: Project) -> bool:
        return all(
            wanted is None or getattr(p, attr) == wanted
            for attr, wanted in [
                ("county_id", self.county_id),
                ("park_id", self.park_id),
                ("chain_id", self.chain_id),
            ]
        )

    def admits_signing(self, row: SigningRow) -> bool:
        return self.admits_date_event(row.date, row.event_id)

    def admits_date_event(self, date: dt.date | None, event_id: int | None) -> bool:
        if self.year is not None and (date is None or date.year != self.year):
            return False
        if self.date_from is not None and (date is None or date < self.date_from):
            return False
        if self.date_to is not None and (date is None or date > self.date_to):
            return False
        return self.event_id is None or event_id == self.event_id


def cohort(counted: list[Counted], scope: Scope) -> list[Counted]:
    return [c for c in counted if scope.admits_place(c.project) and scope.admits_signing(c.signing)]


def credited(counted: list[Counted], scope: Scope) -> list[tuple[Counted, SigningRow, Money]]:
    """The signings whose amounts the scope's total investment adds up."""
    return [
        (c, row, amount)
        for c in counted
        if scope.admits_place(c.project)
        for row, amount in c.credits
        if scope.admits_signing(row)
    ]


def money_total(amounts: Iterable[Money]) -> Money:
    """Sum of amounts; an open-ended one leaves the total open-ended; unknown ones are noted."""
    lo, hi, unknown = ZERO, ZERO, 0
    for m in amounts:
        if m.min_wan is None:
            unknown += 1
            continue
        lo += m.min_wan
        hi = None if hi is None or m.max_wan is None else hi + m.max_wan
    return Money(lo, hi, total_text(lo, hi, unknown))


def total_text(lo: Decimal, hi: Decimal | None, unknown: int) -> str:
    if hi is None:
        text = f"超过{format_yi(lo)}亿元"
    elif hi == lo:
        text = f"{format_yi(lo)}亿元"
    else:
        text = f"{format_yi(lo)}–{format_yi(hi)}亿元"
    if unknown:
        text += f"（另有{unknown}个项目未填报金额）"
    return text


# --- figures --------------------------------------------------------------------------------


def _scope_words(rule: CountingRule) -> str:
    words = [f"签约口径：{rule.get_signing_basis_display()}，同一项目只在首次签约时计入一次"]
    words.append(f"范围：{rule.get_investor_scope_display()}")
    if rule.excluded_industries:
        words.append(f"不含{'、'.join(rule.excluded_industries)}")
    if rule.min_investment_wan is not None:
        words.append(f"投资额{format_yi(rule.min_investment_wan)}亿元以上")
    if rule.evidence_stages:
        stages = "、".join(ProjectStage(s).label for s in rule.evidence_stages)
        words.append(f"{stages}须有佐证材料方可计入")
    return "；".join(words)


def _signed_rows(
    items: list[Counted], all_counted: list[Counted], left_out: list[DrillRow], scope: Scope
) -> list[DrillRow]:
    """Counted projects, then the signings in scope that do not count again, then the rest."""
    rows = [
        DrillRow(c.project, True, f"{c.signing.date:%Y-%m-%d} {c.signing.kind_label}", c.investment)
        for c in items
    ]
    for c in all_counted:
        if not scope.admits_place(c.project):
            continue
        for row in c.rows:
            if row is c.signing or row.date < c.signing.date or not scope.admits_signing(row):
                continue
            first = f"首次签约于{c.signing.date:%Y-%m-%d}"
            note = "只计增加部分" if row.kind == SigningKind.UPGRADE else "不重复计入"
            detail = f"{row.date:%Y-%m-%d} {row.kind_label}（{first}），{note}"
            rows.append(DrillRow(c.project, False, detail, row.increment))
    rows += [
        r
        for r in left_out
        if scope.admits_place(r.project)
        and scope.admits_date_event(r.project.signed_date, r.project.event_id)
    ]
    return rows


def _fulfilled(c: Counted, rule: CountingRule, as_of: dt.date) -> tuple[bool, str]:
    basis = rule.fulfilment_basis
    if basis == FulfilmentBasis.ACTIVE:
        ended = c.project.terminated_date
        if ended is not None and ended <= as_of:
            return False, f"已于{ended:%Y-%m-%d}终止"
        return True, "未终止，正在推进"
    if basis == FulfilmentBasis.FUNDS:
        return c.funds_wan > 0, f"到位资金{format_yi(c.funds_wan)}亿元"
    return _stage_fact(c, basis)


def _stage_fact(c: Counted, stage: str) -> tuple[bool, str]:
    label = ProjectStage(stage).label
    when = c.reached.get(stage)
    if when:
        return True, f"{label} {when:%Y-%m-%d}"
    claimed = c.project.stage_date(stage)
    if claimed:
        return False, f"{label} {claimed:%Y-%m-%d}（缺少佐证材料或晚于统计日）"
    return False, f"未{label}"


def _rate(key: str, label: str, definition: str, items: list[Counted], test) -> Figure:
    rows = []
    for c in items:
        ok, detail = test(c)
        rows.append(DrillRow(c.project, ok, detail, c.investment))
    hits = sum(r.counted for r in rows)
    return Figure(key, label, definition, hits, len(items), "%", rows)


def _funds_figure(rule: CountingRule, items: list[Counted]) -> Figure:
    base_label = rule.get_funds_base_display()
    rows, arrived, base = [], ZERO, ZERO
    for c in items:
        if rule.funds_base == FundsBase.FIXED_ASSET:
            denominator = c.project.fixed_asset_wan or ZERO
        else:
            denominator = c.investment.min_wan or ZERO
        arrived += c.funds_wan
        base += denominator
        detail = f"到位{format_yi(c.funds_wan)}亿元 / {base_label}{format_yi(denominator)}亿元"
        rows.append(DrillRow(c.project, c.funds_wan > 0, detail, c.investment))
    definition = (
        f"资金到位率 = 签约项目累计实际到位资金 ÷ 签约项目{base_label}（区间或“以上”取下限）"
    )
    return Figure("funds", "资金到位率", definition, arrived, base, "%", rows)


def kpi_figures(
    scope: Scope | None = None,
    as_of: dt.date | None = None,
    rule: CountingRule | None = None,
    counted: tuple[list[Counted], list[DrillRow]] | None = None,
) -> dict[str, Figure]:
    """签约项目数, 协议投资额, 履约率, 开工率, 投产率, 落地率, 资金到位率 under one rule."""
    rule = rule or CountingRule.current()
    as_of = as_of or timezone.localdate()
    scope = scope or Scope()
    all_counted, left_out = counted or counted_projects(rule, as_of)
    items = cohort(all_counted, scope)
    words = _scope_words(rule)
    signed_rows = _signed_rows(items, all_counted, left_out, scope)
    credits = credited(all_counted, scope)
    money = money_total(amount for _, _, amount in credits)
    invest_rows = [
        DrillRow(c.project, True, f"{row.date:%Y-%m-%d} {row.kind_label}", amount)
        for c, row, amount in credits
    ]
    landing = rule.landing_basis or LandingBasis.REGISTERED
    figures = [
        Figure("signed", "签约项目", f"签约项目数：{words}", len(items), None, "个", signed_rows),
        Figure(
            "investment",
            "协议投资额",
            "协议投资额：首次签约的协议金额，加上其后升级签约的增加部分；重复签约不计",
            money.min_wan or ZERO,
            None,
            "亿元",
            invest_rows,
            money,
        ),
        _rate(
            "fulfilment",
            "履约率",
            f"履约率 = 履约项目数 ÷ 签约项目数；履约口径：{rule.get_fulfilment_basis_display()}",
            items,
            lambda c: _fulfilled(c, rule, as_of),
        ),
        _rate(
            "start",
            "开工率",
            "开工率 = 已开工建设的签约项目数 ÷ 签约项目数（终止前已开工的仍计为开工）",
            items,
            lambda c: _stage_fact(c, ProjectStage.CONSTRUCTION),
        ),
        _rate(
            "production",
            "投产率",
            "投产率 = 已建成投产（含部分投产）的签约项目数 ÷ 签约项目数",
            items,
            lambda c: _stage_fact(c, ProjectStage.PRODUCTION),
        ),
        _rate(
            "landing",
            "落地率",
            f"落地率 = 落地项目数 ÷ 签约项目数；落地口径：{LandingBasis(landing).label}",
            items,
            lambda c: _stage_fact(c, landing),
        ),
        _funds_figure(rule, items),
    ]
    return {f.key: f for f in figures}


FIGURE_KEYS = ["signed", "investment", "fulfilment", "start", "production", "landing", "funds"]


@dataclass
class ReferrerRow:
    name: str
    kind: str
    projects: list[Counted] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.projects)

    @property
    def investment(self) -> Money:
        return money_total(c.investment for c in self.projects)


def referrer_figures(
    scope: Scope | None = None, as_of: dt.date | None = None, rule: CountingRule | None = None
) -> list[ReferrerRow]:
    """以商招商: per referrer, the signed projects they brought (counted as everywhere else)."""
    counted, _ = counted_projects(rule, as_of)
    items = {c.project.pk: c for c in cohort(counted, scope or Scope())}
    rows: dict[tuple[str, str], ReferrerRow] = {}
    for ref in Referral.objects.filter(project__in=list(items)).order_by("referrer_name"):
        key = (ref.referrer_name, ref.kind)
        row = rows.setdefault(key, ReferrerRow(ref.referrer_name, ref.get_kind_display()))
        row.projects.append(items[ref.project_id])
    return sorted(rows.values(), key=lambda r: (-r.count, -(r.investment.min_wan or 0), r.name))


FUNNEL_STAGES = [
    ProjectStage.SIGNED,
    ProjectStage.REGISTERED,
    ProjectStage.CONSTRUCTION,
    ProjectStage.PRODUCTION,
]


def stage_funnel(
    scope: Scope, as_of: dt.date | None = None, counted: CountedAndLeftOut | None = None
) -> list[dict]:
    """签约 → 注册落地 → 开工 → 投产: how many of the signed projects reached each stage."""
    items = cohort((counted or counted_projects(as_of=as_of))[0], scope)
    return [
        {"label": stage.label, "count": sum(1 for c in items if stage.value in c.reached)}
        for stage in FUNNEL_STAGES
    ]


def county_ranking(
    scope: Scope, as_of: dt.date | None = None, counted: CountedAndLeftOut | None = None
) -> list[dict]:
    """Counties by counted signings: count, investment, 开工率 and 资金到位率, best first.

    `counted`: counted_projects() under the current rule by `as_of`, when the caller has it."""
    as_of = as_of or timezone.localdate()
    rule = CountingRule.current()
    counted = counted or counted_projects(rule, as_of)
    counties = {c.project.county_id: c.project.county for c in cohort(counted[0], scope)}
    rows = []
    for county_id, county in counties.items():
        part = replace(scope, county_id=county_id)
        got = kpi_figures(part, as_of, rule, counted)
        rows.append(
            {
                "county": county,
                "signed": got["signed"].numerator,
                "investment": got["investment"].money,
                "start": got["start"].display,
                "funds": got["funds"].display,
            }
        )
    return sorted(rows, key=lambda r: (-(r["investment"].min_wan or 0), -r["signed"]))
