"""Forms of the economic-indicator page: they parse input; the service validates and saves."""

from __future__ import annotations

from django import forms

from chainvest.indicators.models import Indicator
from chainvest.indicators.services import allowed_regions
from chainvest.web.forms import ChineseForm

# The service names errors by the import file's columns; the form shows them on its fields.
COLUMN_FIELDS = {
    "地区": "region",
    "期间": "period",
    "指标": "indicator",
    "数值": "value",
    "来源": "source",
}


class IndicatorForm(ChineseForm):
    region = forms.ModelChoiceField(
        label="地区", queryset=allowed_regions(), empty_label="请选择地区"
    )
    period = forms.CharField(
        label="期间",
        max_length=20,
        help_text="2023（年）、2023-Q2（季度，累计）或 2023-06（月，累计）",
    )
    indicator = forms.ChoiceField(label="指标", choices=[("", "请选择指标"), *Indicator.choices])
    value = forms.CharField(label="数值", max_length=30, help_text="亿元或 %，按所选指标的单位")
    source = forms.CharField(
        label="来源", max_length=300, help_text="如：2023年统计公报、某报某日报道"
    )
    is_demo = forms.BooleanField(label="示例数据（非官方数字）", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = allowed_regions()

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "地区": data["region"].code,
            "期间": data["period"],
            "指标": data["indicator"],
            "数值": data["value"],
            "来源": data["source"],
        }

    def add_column_errors(self, errors: dict[str, list[str]]) -> None:
        for column, messages in errors.items():
            self.add_error(COLUMN_FIELDS.get(column), messages)


class IndicatorImportForm(ChineseForm):
    file = forms.FileField(
        label="文件", help_text="xlsx 或 csv，列：地区,期间,指标,数值,来源（可加“示例”列）"
    )
    is_demo = forms.BooleanField(label="整批为示例数据", required=False)
