"""Monthly snapshots of the chain diagnosis, and what they tell over time.

`take_snapshots(month)` stores every chain's diagnosis for the month (one ChainSnapshot per chain,
region and month; its LinkSnapshots replaced), counted as of the month's last day or today,
whichever comes first: running it again in the same month gives the same rows, not more.
`gap_fills()` reads the history back: each month a link with no local enterprise the month
before got a signed project aimed at it (missing → filling) or local enterprises (landed), with
the projects that targeted it then.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from chainvest.chains.diagnosis import ChainDiagnosis, diagnose_all, region_code_of
from chainvest.chains.models import Chain, ChainSnapshot, LinkSnapshot, LinkStatus
from chainvest.projects.models import Project


def parse_month(text: str) -> dt.date:
    """'2024-03' → 2024-03-01; anything else is a ValueError naming the expected form."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ValueError(f"月份「{text}」应写成 YYYY-MM，如 2024-03") from None


def month_as_of(month: dt.date, today: dt.date | None = None) -> dt.date:
    """The day a month's snapshot is counted at: its last day, or today while it is running."""
    today = today or timezone.localdate()
    month = month.replace(day=1)
    if month > today:
        raise ValueError(f"月份 {month:%Y-%m} 尚未开始，不能生成快照")
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return min(last, today)


def take_snapshots(month: dt.date | None = None, region=None) -> dict[str, int]:
    """Store every chain's diagnosis for `month` (default: this month); idempotent per month.

    A handful of bulk queries whatever the number of chains: existing snapshots of the month are
    updated in place, missing ones created, and their link rows replaced."""
    month = (month or timezone.localdate()).replace(day=1)
    code = region_code_of(region)
    diagnoses = diagnose_all(code, as_of=month_as_of(month))
    with transaction.atomic():
        snapshots = _chain_rows(diagnoses, code, month)
        LinkSnapshot.objects.filter(snapshot__in=snapshots.values()).delete()
        rows = [_link_row(snapshots[d.chain_id], link) for d in diagnoses for link in d.links]
        LinkSnapshot.objects.bulk_create(rows, batch_size=1000)
    return {"chains": len(diagnoses), "links": len(rows), "month": month}


def take_history(first: dt.date, last: dt.date, region=None) -> int:
    """Snapshots for every month from `first` to `last` (inclusive); the number of months."""
    month, count = first.replace(day=1), 0
    while month <= last:
        take_snapshots(month, region)
        month, count = (month + dt.timedelta(days=32)).replace(day=1), count + 1
    return count


def _chain_rows(
    diagnoses: list[ChainDiagnosis], code: str, month: dt.date
) -> dict[int, ChainSnapshot]:
    found = {s.chain_id: s for s in ChainSnapshot.objects.filter(region_code=code, month=month)}
    fresh = []
    for d in diagnoses:
        values = {
            "as_of": d.as_of,
            "completeness": d.completeness,
            "matching_rate": d.matching_rate,
            "action": d.action,
        }
        snapshot = found.get(d.chain_id)
        if snapshot is None:
            fresh.append(
                ChainSnapshot(chain_id=d.chain_id, region_code=code, month=month, **values)
            )
        else:
            for key, value in values.items():
                setattr(snapshot, key, value)
    fields = ["as_of", "completeness", "matching_rate", "action", "taken_at"]
    now = timezone.now()
    for snapshot in found.values():
        snapshot.taken_at = now
    ChainSnapshot.objects.bulk_update(list(found.values()), fields)
    ChainSnapshot.objects.bulk_create(fresh)
    if any(s.pk is None for s in fresh):  # a backend that does not return ids
        found = {s.chain_id: s for s in ChainSnapshot.objects.filter(region_code=code, month=month)}
    else:
        found.update({s.chain_id: s for s in fresh})
    return found


def _link_row(snapshot: ChainSnapshot, link) -> LinkSnapshot:
    return LinkSnapshot(
        snapshot=snapshot,
        link_id=link.link_id,
        status=link.status,
        action=link.action,
        local_count=link.local_count,
        local_capital_wan=Decimal(str(round(link.local_capital_wan, 4))),
        leader_count=link.leader_count,
        pipeline_signed=link.pipeline_signed,
        pipeline_building=link.pipeline_building,
        location_quotient=link.location_quotient,
        project_ids=link.project_ids,
    )


@dataclass(frozen=True)
class GapFill:
    """A link that had no local enterprise and then moved on: targeted, landed or both."""

    chain_id: int
    chain_name: str
    link_id: int
    link_name: str
    month: dt.date
    from_status: str
    to_status: str
    landed: bool  # local enterprises on the link now (not only a project aimed at it)
    projects: list[dict] = field(default_factory=list)  # id, name, signed_date, construction_date


def gap_fills(chain: Chain | int | None = None, region=None) -> list[GapFill]:
    """Which gap was filled by which project, and when, from the monthly snapshots (2 queries)."""
    rows = LinkSnapshot.objects.filter(snapshot__region_code=region_code_of(region))
    if chain is not None:
        rows = rows.filter(snapshot__chain=chain)
    history: dict[int, list[dict]] = defaultdict(list)
    for row in rows.order_by("link_id", "snapshot__month").values(
        "link_id",
        "link__name",
        "snapshot__chain_id",
        "snapshot__chain__name",
        "snapshot__month",
        "status",
        "local_count",
        "project_ids",
    ):
        history[row["link_id"]].append(row)
    moves = [
        (before, after)
        for months in history.values()
        for before, after in zip(months, months[1:], strict=False)
        if _left_the_gap(before, after)
    ]
    wanted = {pk for before, after in moves for pk in after["project_ids"] or before["project_ids"]}
    projects = {
        p["id"]: p
        for p in Project.objects.filter(pk__in=wanted).values(
            "id", "name", "signed_date", "construction_date"
        )
    }
    fills = [_fill(before, after, projects) for before, after in moves]
    return sorted(fills, key=lambda f: (f.month, f.chain_id, f.link_id))


def _left_the_gap(before: dict, after: dict) -> bool:
    """Nothing was here before; now a project targets the link or an enterprise has landed."""
    return (
        before["local_count"] == 0
        and after["status"] != LinkStatus.MISSING
        and (after["status"] != before["status"] or after["local_count"] > 0)
    )


def _fill(before: dict, after: dict, projects: dict[int, dict]) -> GapFill:
    ids = after["project_ids"] or before["project_ids"]
    return GapFill(
        chain_id=after["snapshot__chain_id"],
        chain_name=after["snapshot__chain__name"],
        link_id=after["link_id"],
        link_name=after["link__name"],
        month=after["snapshot__month"],
        from_status=before["status"],
        to_status=after["status"],
        landed=after["local_count"] > 0,
        projects=[projects[pk] for pk in ids if pk in projects],
    )
