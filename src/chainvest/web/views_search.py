"""企业检索 (/enterprises/): the RuoYi list page over the whole pool, and its cascading selects."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property

from chainvest.chains.models import Chain, Link
from chainvest.enterprises.models import EnterpriseLink
from chainvest.enterprises.search import count_capped, search_enterprises
from chainvest.regions.models import Region, RegionLevel
from chainvest.web import lists
from chainvest.web.forms import ChineseForm
from chainvest.web.views import crumbs, reader

STATUSES = ["存续", "在业", "迁入", "迁出", "停业", "清算", "吊销", "注销", "撤销"]


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.PROVINCE)


def cities_of(province: str | None) -> QuerySet[Region]:
    if not province:
        return Region.objects.none()
    return Region.objects.filter(parent__code=province, level=RegionLevel.CITY)


def counties_of(province: str | None, city: str | None) -> QuerySet[Region]:
    """A city's counties; without a city, the counties directly under the province
    (a municipality's districts, a province's directly administered county-level cities)."""
    parent = city or province
    if not parent:
        return Region.objects.none()
    return Region.objects.filter(parent__code=parent, level=RegionLevel.COUNTY)


def links_of(chain: str | None) -> QuerySet[Link]:
    if not chain:
        return Link.objects.none()
    return Link.objects.filter(chain__code=chain).order_by("order", "id")


def _select(label: str, queryset: QuerySet, empty: str, to_field: str = "code") -> Any:
    return forms.ModelChoiceField(
        label=label, queryset=queryset, to_field_name=to_field, required=False, empty_label=empty
    )


class EnterpriseSearchForm(ChineseForm):
    q = forms.CharField(label="企业名称/经营范围", required=False, max_length=100)
    province = _select("省份", Region.objects.none(), "请选择省份")
    city = _select("城市", Region.objects.none(), "请选择城市")
    county = _select("区县", Region.objects.none(), "请选择区县")
    code = forms.RegexField(
        label="区划代码", regex=r"^\d{2}(\d{2}){0,2}$", required=False, max_length=6
    )
    chain = _select("产业链", Chain.objects.order_by("order", "code"), "请选择产业链")
    link = _select("环节", Link.objects.none(), "请选择环节", to_field="pk")
    capital_min = forms.DecimalField(
        label="注册资本下限(万元)", required=False, min_value=0, widget=forms.TextInput
    )
    capital_max = forms.DecimalField(
        label="注册资本上限(万元)", required=False, min_value=0, widget=forms.TextInput
    )
    status = forms.ChoiceField(
        label="登记状态",
        choices=[("", "请选择登记状态")] + [(s, s) for s in STATUSES],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data
        self.fields["province"].queryset = provinces()
        self.fields["city"].queryset = cities_of(data.get("province"))
        self.fields["county"].queryset = counties_of(data.get("province"), data.get("city"))
        self.fields["link"].queryset = links_of(data.get("chain"))
        self.fields["q"].widget.attrs["placeholder"] = "请输入企业名称、曾用名或经营范围关键词"
        self.fields["code"].widget.attrs["placeholder"] = "如 652300"
        self.fields["code"].error_messages["invalid"] = "区划代码应为 2、4 或 6 位数字"
        self._cascade("province", "city")
        self._cascade("city", "county")
        self._cascade("chain", "link")

    def _cascade(self, name: str, target: str) -> None:
        """Choosing `name` reloads the options of `target` (htmx; no script of ours)."""
        self.fields[name].widget.attrs.update(
            {
                "hx-get": reverse("web:enterprise_search_options"),
                "hx-target": f"#id_{target}",
                "hx-include": "closest form",
                "hx-vals": json.dumps({"target": target}),
                "hx-trigger": "change",
                "hx-push-url": "false",  # the form's own setting would be inherited
            }
        )

    def criteria(self) -> dict[str, Any]:
        """Arguments of search_enterprises from the valid fields (a stale one narrows nothing)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        place = data.get("county") or data.get("city") or data.get("province")
        return {
            "q": data.get("q") or None,
            "region": place.code if place else data.get("code") or None,
            "chain": data["chain"].code if data.get("chain") else None,
            "link": data["link"].pk if data.get("link") else None,
            "capital_min": data.get("capital_min"),
            "capital_max": data.get("capital_max"),
            "status": data.get("status") or None,
        }


class CappedPaginator(Paginator):
    """Counts no further than search.COUNT_CAP: a count reads every matching row."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return count_capped(self.object_list)

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def capped(self) -> bool:
        return self._counted[1]


def _capital(enterprise: Any) -> str:
    value = enterprise.registered_capital_wan
    if value is None:
        return enterprise.registered_capital_text or "-"
    return f"{Decimal(value).normalize():,f}"


def _place(region: Region | None) -> str:
    names = []
    while region is not None:
        names.append(region.name)
        region = region.parent
    return " ".join(reversed(names)) or "-"


def _rows(enterprises: list) -> list[dict[str, Any]]:
    return [
        {
            "enterprise": e,
            "place": _place(e.region),
            "capital": _capital(e),
            "links": [a.link for a in e.link_set.all()],
        }
        for e in enterprises
    ]


def _page_query(qs: QuerySet) -> QuerySet:
    assignments = EnterpriseLink.objects.select_related("link__chain").order_by(
        "link__chain__order"
    )
    return qs.select_related("region__parent__parent").prefetch_related(
        Prefetch("link_set", queryset=assignments)
    )


@reader
def enterprise_search(request: HttpRequest) -> HttpResponse:
    form = EnterpriseSearchForm(request.GET or None)
    try:
        results = search_enterprises(**form.criteria()) if request.GET else search_enterprises()
    except ValidationError as exc:
        form.add_service_error(exc)
        results = search_enterprises().none()
    size = lists.page_size(request.GET.get("size"))
    page = CappedPaginator(_page_query(results), size).get_page(request.GET.get("page"))
    context = {
        "menu": "enterprises",
        "crumbs": crumbs(("企业检索", None)),
        "form": form,
        "page": page,
        "rows": _rows(page.object_list) if page.paginator.count else [],
        "page_links": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "ellipsis": page.paginator.ELLIPSIS,
        "size": size,
        "sizes": lists.PAGE_SIZES,
    }
    partial = request.headers.get("HX-Target") == "enterprise-table"
    template = "web/search_table.html" if partial else "web/search_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@reader
def enterprise_search_options(request: HttpRequest) -> HttpResponse:
    """<option>s of a cascading select: cities (and counties), counties, or a chain's links."""
    target = request.GET.get("target")
    province, city = request.GET.get("province"), request.GET.get("city")
    context: dict[str, Any] = {"target": target}
    if target == "city":
        context["options"] = [(r.code, r.name) for r in cities_of(province)]
        context["empty"] = "请选择城市"
        # The county select is replaced whole: swapping only its options leaves the browser
        # with the last one selected.
        form = EnterpriseSearchForm({"province": province or ""})
        context["county_select"] = form["county"].as_widget(attrs={"hx-swap-oob": "true"})
    elif target == "county":
        context["options"] = [(r.code, r.name) for r in counties_of(province, city)]
        context["empty"] = "请选择区县"
    else:
        context["options"] = [(lk.pk, lk.name) for lk in links_of(request.GET.get("chain"))]
        context["empty"] = "请选择环节"
    return render(request, "web/search_options.html", context)
