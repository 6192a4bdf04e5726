"""Placing the pool's enterprises on chain links: the Django side of engine.classify.

The classifier is built from the Link rows (keywords, products, GB/T 4754 classes). Enterprises
are read in primary-key chunks as plain tuples, classified in one vectorised call per chunk, and
their automatic EnterpriseLink rows replaced in bulk. Manual decisions always win: manual rows are
never deleted or overwritten here, no automatic row is written beside a manual one, and none
where an analyst said "not on this link" (LinkExclusion, 人工排除).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, OuterRef

from chainvest.accounts.models import AuditEntry
from chainvest.accounts.permissions import can_write_enterprises, require
from chainvest.chains.models import Link
from chainvest.engine.classify import Classifier, LinkRule, Weights, evaluate_rows, read_labelled
from chainvest.enterprises.models import (
    AssignmentSource,
    Enterprise,
    EnterpriseLink,
    LinkExclusion,
)
from chainvest.regions.models import IndustryCode

CHUNK = 2000  # enterprises per read, classify and write; also bounds the IN (…) lists
WRITE_BATCH = 1000
FIELDS = ("pk", "name", "business_scope", "industry__code")


def build_classifier(weights: Weights | None = None) -> tuple[Classifier, list[int]]:
    """The classifier over every link, and the Link id of each of its link indices."""
    rows = list(
        Link.objects.order_by("chain__order", "chain__code", "order", "id").values_list(
            "id", "chain__code", "code", "name", "keywords", "products", "parent_id"
        )
    )
    classes: dict[int, list[str]] = defaultdict(list)
    through = Link.industry_codes.through.objects.values_list("link_id", "industrycode__code")
    for link_id, code in through:
        classes[link_id].append(code)
    key_of = {row[0]: f"{row[1]}:{row[2]}" for row in rows}
    rules = [
        LinkRule(
            key=key_of[link_id],
            name=name,
            keywords=tuple(keywords or ()),
            products=tuple(products or ()),
            industry_codes=tuple(sorted(classes[link_id])),
            parent=key_of.get(parent_id),
        )
        for link_id, _, _, name, keywords, products, parent_id in rows
    ]
    wanted = {code for codes in classes.values() for code in codes}
    names = dict(IndustryCode.objects.filter(code__in=wanted).values_list("code", "name"))
    return Classifier(rules, names, weights), [row[0] for row in rows]


def classify_enterprises(
    ids: Iterable[int] | None = None, only_unplaced: bool = False, chunk_size: int = CHUNK
) -> dict[str, int]:
    """Re-classify the given enterprises (None: the whole pool) and return the counts.

    `only_unplaced` limits a whole-pool run to enterprises without any link row yet.
    """
    classifier, link_ids = build_classifier()
    totals: Counter[str] = Counter()
    for rows in _chunks(ids, only_unplaced, chunk_size):
        totals += _classify_chunk(classifier, link_ids, rows)
    return {
        key: totals[key]
        for key in ("enterprises", "placed", "links", "manual_kept", "excluded", "removed")
    }


def _pool():
    return Enterprise.objects.filter(merged_into__isnull=True)


def _chunks(ids, only_unplaced: bool, size: int) -> Iterator[list[tuple]]:
    if ids is not None:
        wanted = sorted(set(ids))
        for lo in range(0, len(wanted), size):
            chunk = _pool().filter(pk__in=wanted[lo : lo + size])
            yield list(chunk.order_by("pk").values_list(*FIELDS))
        return
    pool = _pool()
    if only_unplaced:
        pool = pool.filter(~Exists(EnterpriseLink.objects.filter(enterprise=OuterRef("pk"))))
    last = 0
    while rows := list(pool.filter(pk__gt=last).order_by("pk").values_list(*FIELDS)[:size]):
        yield rows
        last = rows[-1][0]


def _classify_chunk(classifier: Classifier, link_ids: list[int], rows: list[tuple]) -> Counter:
    if not rows:
        return Counter()
    pks = [row[0] for row in rows]
    batch = classifier.classify_many(
        [row[1] for row in rows], [row[2] for row in rows], [row[3] for row in rows], reasons=True
    )
    found = [
        (pks[ent], link_ids[link], round(float(conf), 4), why)
        for ent, link, conf, why in zip(
            batch.enterprise.tolist(),
            batch.link.tolist(),
            batch.confidence,
            batch.reasons,
            strict=True,
        )
    ]
    with transaction.atomic():
        mine = EnterpriseLink.objects.filter(enterprise_id__in=pks)
        manual = set(
            mine.filter(source=AssignmentSource.MANUAL).values_list("enterprise_id", "link_id")
        )
        excluded = set(
            LinkExclusion.objects.filter(enterprise_id__in=pks).values_list(
                "enterprise_id", "link_id"
            )
        )
        removed, _ = mine.filter(source=AssignmentSource.AUTO).delete()
        fresh = [
            EnterpriseLink(
                enterprise_id=pk,
                link_id=link_id,
                source=AssignmentSource.AUTO,
                confidence=conf,
                reasons=why,
            )
            for pk, link_id, conf, why in found
            if (pk, link_id) not in manual and (pk, link_id) not in excluded
        ]
        EnterpriseLink.objects.bulk_create(fresh, batch_size=WRITE_BATCH)
    refused = sum(1 for pk, link_id, _, _ in found if (pk, link_id) in excluded)
    return Counter(
        enterprises=len(pks),
        placed=len({row.enterprise_id for row in fresh}),
        links=len(fresh),
        manual_kept=len(found) - len(fresh) - refused,
        excluded=refused,
        removed=removed,
    )


# ---------------------------------------------------------------- manual assignments


def _require_curator(user) -> None:
    require(can_write_enterprises(user), "只有系统管理员和招商分析员可以调整企业的环节归属")


def assign_manually(user, enterprise: Enterprise, link: Link, reasons: str = "") -> EnterpriseLink:
    """Put the enterprise on the link by hand; replaces an automatic row for the same link."""
    _require_curator(user)
    note = f"人工指定（{user.get_username()}）" + (
        f"：{reasons.strip()}" if reasons.strip() else ""
    )
    with transaction.atomic():
        # A later "on this link" by hand overrides an earlier "not on this link".
        LinkExclusion.objects.filter(enterprise=enterprise, link=link).delete()
        row, _ = EnterpriseLink.objects.update_or_create(
            enterprise=enterprise,
            link=link,
            defaults={"source": AssignmentSource.MANUAL, "confidence": 1.0, "reasons": [note]},
        )
        AuditEntry.record(user, enterprise, "人工指定环节", f"{link.chain_id}/{link.name}：{note}")
    return row


def remove_assignment(user, enterprise: Enterprise, link: Link) -> bool:
    """Take the enterprise off the link (a manual or an automatic row); False if it was not on.

    An automatic placement removed here comes back at the next classification if the evidence
    is still there; `exclude_from_link` records "not on this link" for good.
    """
    _require_curator(user)
    with transaction.atomic():
        deleted, _ = EnterpriseLink.objects.filter(enterprise=enterprise, link=link).delete()
        if deleted:
            AuditEntry.record(user, enterprise, "移出环节", f"{link.chain_id}/{link.name}")
    return deleted > 0


def exclude_from_link(user, enterprise: Enterprise, link: Link, note: str = "") -> LinkExclusion:
    """ "Not on this link" (人工排除): off the link now, and never put back by classification.

    Any row for the pair goes, a manual one too: the latest decision by hand wins, as
    `assign_manually` later would win over this.
    """
    _require_curator(user)
    with transaction.atomic():
        EnterpriseLink.objects.filter(enterprise=enterprise, link=link).delete()
        row, _ = LinkExclusion.objects.update_or_create(
            enterprise=enterprise,
            link=link,
            defaults={"note": note.strip()[:200], "created_by": user},
        )
    return row


def lift_exclusion(user, enterprise: Enterprise, link: Link) -> bool:
    """Withdraw a "not on this link"; the next classification may place it there again."""
    _require_curator(user)
    with transaction.atomic():
        deleted, _ = LinkExclusion.objects.filter(enterprise=enterprise, link=link).delete()
    return deleted > 0


# ---------------------------------------------------------------- evaluation


def evaluate(path: Path | str, weights: Weights | None = None) -> dict:
    """Precision and recall of the configured links on a labelled CSV (see data/labelled)."""
    classifier, _ = build_classifier(weights)
    rows = read_labelled(Path(path), {rule.key for rule in classifier.links})
    return evaluate_rows(classifier, rows)


def format_evaluation(result: dict) -> list[str]:
    """The evaluation as text lines: overall and per chain, at link and at chain level."""
    lines = [f"标注样本 {result['rows']} 家（其中无关行业企业 {result['negatives']} 家）"]
    for level, title in (("link", "环节级"), ("chain", "产业链级")):
        lines.append(f"{title}（微平均）：{_figures(result[level]['overall'])}")
        lines += [
            f"  {code:<22} {_figures(figures)}" for code, figures in result[level]["chains"].items()
        ]
    return lines


def _figures(f: dict) -> str:
    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    return (
        f"精确率 {pct(f['precision'])}  召回率 {pct(f['recall'])}  "
        f"(TP {f['tp']}, FP {f['fp']}, FN {f['fn']})"
    )
