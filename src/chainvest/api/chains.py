"""/api/chains: chains with their cluster, and one chain's link tree and flows."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from chainvest.api import serialize
from chainvest.api.schemas import (
    QUERY_TEXT,
    READ_ERRORS,
    ChainDetailOut,
    ChainDiagnosisOut,
    ChainOut,
    ErrorOut,
    id_in_path,
)
from chainvest.chains import queries
from chainvest.chains.diagnosis import diagnose_chain

router = Router(tags=["产业链"])


@router.get("", response={200: list[ChainOut], 401: ErrorOut, 422: ErrorOut})
def list_chains(request: HttpRequest, cluster: str | None = Query(None, pattern=QUERY_TEXT)):
    """产业链列表，含所属产业集群和环节数量（可按集群代码筛选）。"""
    return [serialize.chain(c) for c in queries.chain_list(cluster)]


@router.get(
    "/{chain_id}",
    response={200: ChainDetailOut, **READ_ERRORS},
    by_alias=True,
)
def read_chain(request: HttpRequest, chain_id: int = id_in_path()):
    """一条产业链：环节树（上中下游，逐级展开）和环节之间的供给关系。"""
    chain = queries.chain_detail(chain_id)
    if chain is None:
        raise HttpError(404, f"产业链不存在：{chain_id}")
    tree = [serialize.link_node(node) for node in chain.link_tree()]
    flows = [{"from": a.code, "to": b.code} for a, b in queries.link_flows(chain)]
    return {
        **serialize.chain(chain, link_count=chain.links.count()),
        "description": chain.description,
        "sources": chain.sources,
        "links": tree,
        "flows": flows,
    }


@router.get(
    "/{chain_id}/diagnosis",
    response={200: ChainDiagnosisOut, **READ_ERRORS},
)
def read_chain_diagnosis(request: HttpRequest, chain_id: int = id_in_path()):
    """产业链诊断：每个环节的优势/薄弱/缺失/在补状态、依据和建议，以及完整度、本地配套率（本州）。"""
    chain = queries.chain_detail(chain_id)
    if chain is None:
        raise HttpError(404, f"产业链不存在：{chain_id}")
    diagnosis = diagnose_chain(chain)
    links = [{**vars(link), "status_label": link.status_label} for link in diagnosis.links]
    return {**vars(diagnosis), "links": links}
