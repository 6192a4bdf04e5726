"""Request and response shapes; the OpenAPI document at /api/docs is generated from these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Path, Query, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

# Ids are BIGINT keys: a larger number would overflow the database driver (a 500), and a path
# converter refusing negatives answered Django's HTML 404. Paths take any text, these bounds
# answer 422 in JSON, and an unknown id the view's own JSON 404.
MAX_ID = 2**63 - 1
FIRST_YEAR, LAST_YEAR = 1900, 2100  # beyond them the figures' date arithmetic fails

NUL = "\x00"
# Query text a database can hold: PostgreSQL stores no NUL character (a 500 without this).
QUERY_TEXT = r"^[^\x00]*$"


class InSchema(Schema):
    """What the API reads: no text field (nor dict key) may hold a NUL character.

    PostgreSQL refuses NUL in text, so such a value was a server error; Django's forms refuse
    it the same way (ProhibitNullCharactersValidator).
    """

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, dict) else [value]
        if any(isinstance(t, str) and NUL in t for t in texts):
            raise PydanticCustomError("nul_character", "不能含有空字符（\\0）")
        return value


def id_in_path():
    return Path(..., ge=1, le=MAX_ID)


def optional_id():
    return Query(None, ge=1, le=MAX_ID)


def optional_year():
    return Query(None, ge=FIRST_YEAR, le=LAST_YEAR)


class ErrorOut(Schema):
    detail: str = Field(..., description="错误说明（中文）")
    errors: dict[str, list[str]] | None = Field(None, description="按字段列出的错误")


class TokenIn(InSchema):
    username: str
    password: str


class TokenOut(Schema):
    token: str = Field(..., description="放在请求头 Authorization: Bearer <token> 中")
    expires_at: dt.datetime


class MoneyOut(Schema):
    min_wan: int | float | None = Field(..., description="下限（万元）；未填报为 null")
    max_wan: int | float | None = Field(..., description="上限（万元）；无上限（以上/超过）为 null")
    text: str = Field(..., description="原文或汇总说明，如“超过1110亿元”")


class CodeName(Schema):
    code: str
    name: str


class CodeLabel(Schema):
    code: str
    label: str


class ParkOut(Schema):
    code: str
    name: str
    short_name: str


class LinkRef(Schema):
    id: int
    code: str
    name: str


class StageDates(Schema):
    lead: dt.date | None
    negotiating: dt.date | None
    signed: dt.date | None
    registered: dt.date | None
    construction: dt.date | None
    production: dt.date | None
    capacity: dt.date | None
    terminated: dt.date | None


class ProjectOut(Schema):
    id: int
    name: str
    investor: str
    county: CodeName
    park: ParkOut | None
    chain: CodeName | None
    link: LinkRef | None
    industry: str
    stage: CodeLabel
    dates: StageDates
    terminated_reason: str
    agreed: MoneyOut
    planned: MoneyOut
    event: int | None
    description: str
    responsible_unit: str
    liaison_leader: str
    is_demo: bool
    archived: bool


class ProjectPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProjectOut]


class StageChangeOut(Schema):
    id: int
    from_stage: CodeLabel
    to_stage: CodeLabel
    date: dt.date
    is_correction: bool
    reason: str
    user: str | None
    at: dt.datetime


class FollowUpOut(Schema):
    id: int
    date: dt.date
    note: str
    next_step: str
    due_date: dt.date | None
    author: str | None
    created_at: dt.datetime


class ProjectDetailOut(ProjectOut):
    stage_changes: list[StageChangeOut]
    follow_ups: list[FollowUpOut]


class ProjectIn(InSchema):
    name: str
    county: str = Field(..., description="县市区划代码，如 652325")
    park: str | None = Field(None, description="园区代码，如 zhundong")
    chain: str | None = Field(None, description="产业链代码，如 wind-power")
    link: int | None = Field(None, description="目标环节 id（须属于所选产业链）")
    investor_name: str = ""
    industry: str = ""
    agreed: str | None = Field(None, description="协议投资额原文，如“5亿元”“百亿元以上”")
    planned: str | None = Field(None, description="计划投资原文")
    description: str = ""
    responsible_unit: str = ""
    liaison_leader: str = ""
    event: int | None = Field(None, description="签约活动 id")


class ProjectPatch(InSchema):
    """Every field optional: only the fields sent are changed."""

    name: str | None = None
    county: str | None = None
    park: str | None = None
    chain: str | None = None
    link: int | None = None
    investor_name: str | None = None
    industry: str | None = None
    agreed: str | None = None
    planned: str | None = None
    description: str | None = None
    responsible_unit: str | None = None
    liaison_leader: str | None = None
    event: int | None = None


class TransitionIn(InSchema):
    to_stage: str = Field(..., description="目标阶段代码，如 signed、construction、terminated")
    dates: dict[str, dt.date] = Field(
        default_factory=dict, description='各阶段日期，如 {"signed": "2023-08-01"}'
    )
    reason: str = Field("", description="终止原因或更正原因")
    correction: bool = Field(False, description="退回之前阶段时须为 true 并说明原因")


class TransitionOut(Schema):
    project: ProjectOut
    change: StageChangeOut


class FollowUpIn(InSchema):
    date: dt.date | None = Field(None, description="跟进日期，默认今天")
    note: str
    next_step: str = ""
    due_date: dt.date | None = None


class EventOut(Schema):
    id: int
    name: str
    theme: str
    date: dt.date
    place: str
    organiser: CodeName | None
    sequence: int | None
    signed_count: int
    investment: MoneyOut
    industries: list[str]
    summary_line: str
    is_demo: bool


class SummaryOut(Schema):
    year: int | None
    events: int
    signed_count: int
    investment: MoneyOut
    started_count: int
    engaged_enterprises: int
    engaged_chains: int
    engaged_clusters: int


class ChainOut(Schema):
    id: int
    code: str
    name: str
    cluster: CodeName
    link_count: int
    chief_title: str
    is_demo: bool


class LinkNode(Schema):
    id: int
    code: str
    name: str
    stage: CodeLabel
    weight: int
    keywords: list[str]
    products: list[str]
    industry_codes: list[str]
    children: list[LinkNode]


class FlowOut(Schema):
    from_: str = Field(..., alias="from", description="供给环节代码")
    to: str = Field(..., description="使用环节代码")


class ChainDetailOut(ChainOut):
    description: str
    sources: str
    links: list[LinkNode]
    flows: list[FlowOut]


LinkNode.model_rebuild()


class LinkDiagnosisOut(Schema):
    link_id: int
    code: str
    name: str
    stage: str
    weight: int
    local_count: int = Field(..., description="本地企业数（未归档、未合并）")
    local_capital_wan: float = Field(..., description="本地企业注册资本合计（万元）")
    leader_count: int = Field(..., description="其中链主企业数")
    national_count: int = Field(..., description="企业库中该环节企业数（含本地）")
    pipeline_signed: int = Field(..., description="瞄准该环节、已签约未开工的项目数")
    pipeline_building: int = Field(..., description="瞄准该环节、已开工及以后的项目数")
    location_quotient: float | None = Field(..., description="区位商；无法计算时为空")
    status: str = Field(..., description="strong | weak | missing | filling")
    status_label: str
    action: str = Field(..., description="补链 | 延链 | 强链 | 空")
    reasons: list[str]
    feeds: list[int]
    project_ids: list[int]


class ChainDiagnosisOut(Schema):
    chain_id: int
    code: str
    name: str
    region_code: str
    as_of: dt.date
    completeness: float = Field(..., description="完整度：有本地企业的环节按重要程度加权的占比")
    matching_rate: float | None = Field(..., description="本地配套率")
    relatedness: float | None = Field(..., description="与本地已有产业的关联度")
    action: str = Field(..., description="建链 或 空")
    reasons: list[str]
    chiefs: list[str]
    leaders: list[str]
    thresholds: dict[str, float]
    links: list[LinkDiagnosisOut]


# What a read of one record may answer besides 200: no token, no such id, an id out of range.
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
