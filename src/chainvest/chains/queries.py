"""Reads of clusters, chains and their links, shared by the API and the web pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from chainvest.chains.models import Chain, Cluster, Link


def cluster_list() -> QuerySet[Cluster]:
    return Cluster.objects.annotate(chain_count=Count("chains")).order_by("order", "code")


def chain_list(cluster: str | None = None) -> QuerySet[Chain]:
    """Chains with their cluster and `link_count`, optionally of one cluster (by code)."""
    qs = Chain.objects.with_cluster().annotate(link_count=Count("links"))
    if cluster:
        qs = qs.filter(cluster__code=cluster)
    return qs.order_by("cluster__order", "order", "code")


def chain_detail(pk: int) -> Chain | None:
    return Chain.objects.with_cluster().filter(pk=pk).first()


def chain_by_code(code: str) -> Chain | None:
    return Chain.objects.with_cluster().filter(code=code).first()


def link_flows(chain: Chain) -> list[tuple[Link, Link]]:
    """The chain's flows (Link.feeds) as (supplier link, consumer link) pairs, in link order."""
    through = Link.feeds.through.objects.filter(from_link__chain=chain).select_related(
        "from_link", "to_link"
    )
    pairs = [(row.from_link, row.to_link) for row in through]
    return sorted(pairs, key=lambda p: (p[0].order, p[0].id, p[1].order, p[1].id))
