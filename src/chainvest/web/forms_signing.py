"""Forms of the counting, signing, money, alert and event pages: they parse, services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from chainvest.events.models import Event
from chainvest.projects.models import EvidenceKind, ProjectStage, ReferrerKind, SigningDocument
from chainvest.reports.models import (
    CountingRule,
    FulfilmentBasis,
    FundsBase,
    InvestorScope,
    LandingBasis,
    SigningBasis,
)
from chainvest.web.forms import ChineseForm, DateInput, counties


class KpiFilterForm(ChineseForm):
    """Which projects the figures cover and as of which date (default: today)."""

    year = forms.IntegerField(label="签约年度", required=False, min_value=2000, max_value=2100)
    event = forms.ModelChoiceField(
        label="签约活动", queryset=Event.objects.filter(archived=False), required=False
    )
    county = forms.ModelChoiceField(label="所属县市", queryset=None, required=False)
    as_of = forms.DateField(label="统计截止日", required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties()
        self.fields["event"].empty_label = "全部活动"
        self.fields["county"].empty_label = "全部县市"

    def scope_kwargs(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "year": data["year"],
            "event_id": data["event"].pk if data["event"] else None,
            "county_id": data["county"].pk if data["county"] else None,
        }

    def as_of_date(self):
        if self.is_bound and self.is_valid() and self.cleaned_data["as_of"]:
            return self.cleaned_data["as_of"]
        return timezone.localdate()


STAGES_FOR_EVIDENCE = [(s.value, s.label) for s in ProjectStage if s.value not in {"lead"}]


class CountingRuleForm(ChineseForm):
    name = forms.CharField(label="口径名称", max_length=64)
    signing_basis = forms.ChoiceField(label="签约口径", choices=SigningBasis.choices)
    fulfilment_basis = forms.ChoiceField(label="履约口径", choices=FulfilmentBasis.choices)
    landing_basis = forms.ChoiceField(label="落地口径", choices=LandingBasis.choices)
    funds_base = forms.ChoiceField(label="资金到位率分母", choices=FundsBase.choices)
    investor_scope = forms.ChoiceField(label="投资方范围", choices=InvestorScope.choices)
    excluded_industries = forms.CharField(
        label="不计入的行业领域",
        required=False,
        help_text="多个行业用顿号或逗号分隔，如：房地产、商业综合体",
    )
    min_investment_yi = forms.DecimalField(
        label="计入门槛(亿元)", required=False, min_value=0, decimal_places=4
    )
    evidence_stages = forms.MultipleChoiceField(
        label="须有佐证材料方可计入的阶段",
        choices=STAGES_FOR_EVIDENCE,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_for(cls, rule: CountingRule) -> dict:
        data = {name: getattr(rule, name) for name in cls.base_fields if hasattr(rule, name)}
        data["excluded_industries"] = "、".join(rule.excluded_industries or [])
        if rule.min_investment_wan is not None:
            data["min_investment_yi"] = rule.min_investment_wan / 10000
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        text = data.pop("excluded_industries").replace(",", "、").replace("，", "、")
        data["excluded_industries"] = [s for s in text.split("、") if s.strip()]
        yi = data.pop("min_investment_yi")
        data["min_investment_wan"] = None if yi is None else yi * 10000
        return data


class SigningForm(ChineseForm):
    event = forms.ModelChoiceField(
        label="签约活动", queryset=Event.objects.filter(archived=False), required=False
    )
    date = forms.DateField(label="签约日期", widget=DateInput())
    document = forms.ChoiceField(label="签约文本", choices=SigningDocument.choices)
    amount = forms.CharField(label="签约金额", max_length=64, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)


class EvidenceForm(ChineseForm):
    stage = forms.ChoiceField(label="对应阶段", choices=STAGES_FOR_EVIDENCE)
    kind = forms.ChoiceField(label="材料类型", choices=EvidenceKind.choices)
    file = forms.FileField(label="文件")
    note = forms.CharField(label="说明", max_length=200, required=False)


class MonthForm(ChineseForm):
    month = forms.DateField(
        label="月份", widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )  # fmt: skip
    funds_arrived_yi = forms.DecimalField(label="当月到位资金(亿元)", min_value=0, initial=0)
    fixed_asset_done_yi = forms.DecimalField(
        label="当月完成固定资产投资(亿元)", min_value=0, initial=0
    )
    jobs_created = forms.IntegerField(label="当月新增就业(人)", min_value=0, initial=0)
    note = forms.CharField(label="说明", max_length=200, required=False)


class InstructionForm(ChineseForm):
    text = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label="办理时限", required=False, widget=DateInput())


class InstructionReplyForm(ChineseForm):
    note = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 2}))
    close = forms.BooleanField(label="已办结", required=False)


class AlertRuleForm(ChineseForm):
    follow_up_yellow_days = forms.IntegerField(label="未跟进黄色预警(天)", min_value=1)
    follow_up_red_days = forms.IntegerField(label="未跟进红色预警(天)", min_value=1)
    start_warning_days = forms.IntegerField(label="临近计划开工提示(天)", min_value=0)
    start_grace_days = forms.IntegerField(label="超过计划开工宽限(天)", min_value=0)
    funds_tolerance_pct = forms.IntegerField(
        label="资金到位落后容差(百分点)", min_value=0, max_value=100
    )


class AsOfForm(ChineseForm):
    as_of = forms.DateField(label="统计截止日", required=False, widget=DateInput())

    def as_of_date(self):
        if self.is_bound and self.is_valid() and self.cleaned_data["as_of"]:
            return self.cleaned_data["as_of"]
        return timezone.localdate()


class ReferralForm(ChineseForm):
    kind = forms.ChoiceField(label="引荐方类型", choices=ReferrerKind.choices)
    referrer_name = forms.CharField(label="引荐方", max_length=200)
    supplies = forms.BooleanField(label="承诺配套供应", required=False)
    offtake = forms.BooleanField(label="承诺采购/包销", required=False)
    commitments = forms.CharField(
        label="承诺内容", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
