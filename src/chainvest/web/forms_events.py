"""Forms of the yearly event plan and the invitation lists: they parse input only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from chainvest.chains.models import Chain, Cluster
from chainvest.enterprises.models import Enterprise
from chainvest.events.invitation_services import MAX_TOP, officers
from chainvest.events.models import Event, InvitationStatus, PlanStatus
from chainvest.regions.models import Park, Region
from chainvest.web.forms import ChineseForm, DateInput, counties

OPEN_CHOICES = [(PlanStatus.PLANNED, "计划"), (PlanStatus.PREPARING, "筹备")]


class OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class PlanCreateForm(ChineseForm):
    owner = forms.ModelChoiceField(label="主办单位", queryset=Region.objects.none())
    title = forms.CharField(label="计划名称", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Region.objects.filter(
            Q(code="652300") | Q(pk__in=counties())
        ).order_by("code")


class MonthForm(ChineseForm):
    theme = forms.CharField(label="主题", max_length=100)
    chains = forms.ModelMultipleChoiceField(
        label="目标产业链", queryset=Chain.objects.none(), required=False
    )
    clusters = forms.ModelMultipleChoiceField(
        label="目标产业集群", queryset=Cluster.objects.none(), required=False
    )
    host_county = forms.ModelChoiceField(
        label="承办县市", queryset=Region.objects.none(), required=False
    )
    host_park = forms.ModelChoiceField(
        label="承办园区", queryset=Park.objects.none(), required=False
    )
    planned_date = forms.DateField(label="计划日期", required=False, widget=DateInput())
    status = forms.ChoiceField(label="状态", choices=OPEN_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chains"].queryset = Chain.objects.order_by("cluster__order", "order", "code")
        self.fields["clusters"].queryset = Cluster.objects.all()
        self.fields["host_county"].queryset = counties()
        self.fields["host_park"].queryset = Park.objects.order_by("code")


class HeldForm(ChineseForm):
    event = forms.ModelChoiceField(label="举办的活动", queryset=Event.objects.none())

    def __init__(self, year: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.filter(archived=False).in_year(year)


class CancelForm(ChineseForm):
    reason = forms.CharField(label="取消原因", max_length=500)


class InviteTargetsForm(ChineseForm):
    top = forms.IntegerField(label="每个环节推荐数", min_value=1, max_value=MAX_TOP, initial=3)


class InviteeForm(ChineseForm):
    enterprise = forms.CharField(label="企业名称或统一社会信用代码", max_length=200)
    reason = forms.CharField(label="邀请理由", max_length=1000, required=False)
    officer = OfficerChoice(label="责任人", queryset=officers(), required=False)

    def enterprise_record(self) -> Enterprise | None:
        """The pool's enterprise of that exact name or USCC (None: the service says so)."""
        text = self.cleaned_data["enterprise"].strip()
        pool = Enterprise.objects.filter(merged_into__isnull=True, archived=False)
        return pool.filter(Q(name=text) | Q(uscc=text.upper())).order_by("pk").first()


class InvitationUpdateForm(ChineseForm):
    status = forms.ChoiceField(label="状态", choices=InvitationStatus.choices, required=False)
    officer = OfficerChoice(label="责任人", queryset=officers(), required=False)
