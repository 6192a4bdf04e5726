"""Forms of the web pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from chainvest.accounts.models import Role
from chainvest.accounts.permissions import role_of
from chainvest.chains.models import Chain
from chainvest.events.models import Event
from chainvest.projects.models import InvestorOrigin, Project, ProjectStage
from chainvest.regions.models import Park, Region
from chainvest.web.lists import PAGE_SIZES

PREFECTURE_CODE = "652300"
RELATIONS = {"county", "park", "chain"}


def counties() -> Any:
    return Region.objects.counties_of(PREFECTURE_CODE)


class ChineseForm(forms.Form):
    """RuoYi's wording for the common errors: “XX不能为空”, “请输入正确的XX”."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"{field.label}不能为空"
            field.error_messages["invalid"] = f"请输入正确的{field.label}"
            field.error_messages["invalid_choice"] = f"请选择有效的{field.label}"

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a service's errors on the field they name ('county_id' → county), else on top."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            field = key.removesuffix("_id")
            self.add_error(field if field in self.fields else None, errors)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ProjectFilterForm(ChineseForm):
    """The RuoYi search form above the project table; codes keep the URLs readable."""

    name = forms.CharField(label="项目名称", required=False)
    county = forms.ModelChoiceField(
        label="所属县市",
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="请选择所属县市",
    )
    park = forms.ModelChoiceField(
        label="园区",
        queryset=Park.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="请选择园区",
    )
    chain = forms.ModelChoiceField(
        label="产业链",
        queryset=Chain.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="请选择产业链",
    )
    stage = forms.ChoiceField(
        label="项目阶段", choices=[("", "请选择项目阶段"), *ProjectStage.choices], required=False
    )
    event = forms.ModelChoiceField(
        label="签约活动",
        queryset=Event.objects.filter(archived=False).order_by("-date"),
        required=False,
        empty_label="请选择签约活动",
    )
    size = forms.TypedChoiceField(
        label="每页", choices=[(n, f"{n}条/页") for n in PAGE_SIZES], coerce=int, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties()
        self.fields["name"].widget.attrs["placeholder"] = "请输入项目名称"

    def criteria(self) -> dict[str, Any]:
        """The valid fields only: a stale code in a bookmarked URL narrows nothing."""
        self.is_valid()
        return getattr(self, "cleaned_data", {})


class ProjectForm(ChineseForm):
    """新增/修改项目. Officers see only their own county (or park) to choose from."""

    name = forms.CharField(label="项目名称", max_length=200)
    county = forms.ModelChoiceField(label="所属县市", queryset=Region.objects.none())
    park = forms.ModelChoiceField(
        label="所在园区", queryset=Park.objects.all(), required=False, empty_label="（无）"
    )
    chain = forms.ModelChoiceField(
        label="所属产业链", queryset=Chain.objects.all(), required=False, empty_label="（未定）"
    )
    investor_name = forms.CharField(label="投资方", max_length=200, required=False)
    investor_uscc = forms.CharField(label="投资方统一社会信用代码", max_length=18, required=False)
    investor_origin = forms.ChoiceField(
        label="投资方来源", choices=[("", "（未填报）"), *InvestorOrigin.choices], required=False
    )
    industry = forms.CharField(label="行业领域", max_length=64, required=False)
    agreed = forms.CharField(
        label="协议投资额",
        max_length=64,
        required=False,
        help_text="按协议原文填写，如“5亿元”“超过10亿元”“6到7亿元”",
    )
    planned = forms.CharField(label="计划投资", max_length=64, required=False)
    description = forms.CharField(label="建设内容", required=False, widget=forms.Textarea)
    responsible_unit = forms.CharField(label="责任单位", max_length=100, required=False)
    liaison_leader = forms.CharField(label="包联领导", max_length=64, required=False)
    planned_construction_date = forms.DateField(
        label="计划开工日期", required=False, widget=DateInput()
    )
    planned_production_date = forms.DateField(
        label="计划投产日期", required=False, widget=DateInput()
    )
    confirm_duplicate = forms.BooleanField(
        label="确认不是重复项目",
        required=False,
        help_text="同一投资方在同一园区已有名称相近的项目时，核实后勾选方可保存",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties()
        self.fields["county"].empty_label = "请选择所属县市"
        profile = getattr(user, "profile", None)
        if role_of(user) == Role.OFFICER and profile is not None:
            self._limit_to_scope(profile)

    def _limit_to_scope(self, profile: Any) -> None:
        if profile.park_id:
            self.fields["park"].queryset = Park.objects.filter(pk=profile.park_id)
            self.fields["park"].required = True
            self.fields["park"].empty_label = None
        elif profile.county_id:
            self.fields["county"].queryset = Region.objects.filter(pk=profile.county_id)
            self.fields["county"].empty_label = None

    @staticmethod
    def initial_for(project: Project) -> dict[str, Any]:
        """The form's starting values; an amount without its original text shows as described."""
        return {
            "name": project.name,
            "county": project.county_id,
            "park": project.park_id,
            "chain": project.chain_id,
            "investor_name": project.investor_name,
            "investor_uscc": project.investor_uscc,
            "investor_origin": project.investor_origin,
            "industry": project.industry,
            "agreed": project.agreed_text or _described(project.agreed),
            "planned": project.planned_text or _described(project.planned),
            "description": project.description,
            "responsible_unit": project.responsible_unit,
            "liaison_leader": project.liaison_leader,
            "planned_construction_date": project.planned_construction_date,
            "planned_production_date": project.planned_production_date,
        }

    def service_data(self, only_changed: bool = False) -> dict[str, Any]:
        """What the project services take; an edit sends only what the user changed."""
        data = dict(self.cleaned_data)
        if only_changed:
            data = {key: value for key, value in data.items() if key in self.changed_data}
        for relation in RELATIONS & set(data):
            value = data.pop(relation)
            data[f"{relation}_id"] = value.pk if value else None
        return data


def _described(money: Any) -> str:
    text = money.describe()
    return "" if text == "-" else text


class TransitionForm(ChineseForm):
    """阶段变更: one target, its date, and a reason when going back or ending the project."""

    to_stage = forms.ChoiceField(label="目标阶段", choices=ProjectStage.choices)
    date = forms.DateField(label="日期", required=False, widget=DateInput())
    reason = forms.CharField(label="原因", max_length=200, required=False)
    correction = forms.BooleanField(label="作为更正提交", required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [
            (value, label) for value, label in ProjectStage.choices if value != project.stage
        ]

    def dates(self) -> dict[str, Any]:
        when = self.cleaned_data.get("date")
        return {self.cleaned_data["to_stage"]: when} if when else {}


class FollowUpForm(ChineseForm):
    """跟进记录: what happened, the next step and its due date."""

    date = forms.DateField(label="跟进日期", widget=DateInput())
    note = forms.CharField(label="进展", widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label="下一步", max_length=200, required=False)
    due_date = forms.DateField(label="完成时限", required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
