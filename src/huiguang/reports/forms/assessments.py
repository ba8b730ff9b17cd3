"""Forms of the assessments and of the hourly rate (the services check every rule again)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin

from ..measures import measures_for
from ..models import AssessmentScheme, Indicator


class SchemeForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    unit_type = forms.ChoiceField(label=_("Units assessed"), choices=AssessmentScheme.UnitType.choices)
    name = forms.CharField(label=_("Name"), max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class IndicatorForm(BootstrapFormMixin, forms.Form):
    measure = forms.ChoiceField(label=_("Measure"))
    label = forms.CharField(
        label=_("Label"), max_length=80, required=False, help_text=_("Empty: the measure's name.")
    )
    period = forms.ChoiceField(label=_("Period"), choices=Indicator.Period.choices)
    weight = forms.DecimalField(label=_("Weight (points)"), max_digits=6, decimal_places=2, min_value=0)
    rule = forms.ChoiceField(label=_("Scoring rule"), choices=Indicator.Rule.choices)
    target = forms.DecimalField(
        label=_("Target"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Linear rule: the value that earns the whole weight."),
    )
    rank_step = forms.DecimalField(
        label=_("Points less per rank"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Rank rule: the first earns the whole weight, each next rank this much less."),
    )

    def __init__(self, *args, scheme: AssessmentScheme, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.key, f"{m.label} ({m.unit})") for m in measures_for(scheme.unit_type)]
        cast(forms.ChoiceField, self.fields["measure"]).choices = [
            *choices,
            (Indicator.MANUAL, _("manual (scored by a reviewer)")),
        ]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            k: data.get(k) for k in ("measure", "label", "period", "weight", "target", "rule", "rank_step")
        }


def _months_of(year: int) -> list[tuple[str, str]]:
    today = timezone.localdate()
    last = 12 if year < today.year else today.month
    return [(f"{year}-{m:02d}", f"{year}-{m:02d}") for m in range(last, 0, -1)]


class RunForm(BootstrapFormMixin, forms.Form):
    period = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, scheme: AssessmentScheme, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = _months_of(scheme.year)

    def clean_period(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["period"] + "-01")


class ManualScoreForm(BootstrapFormMixin, forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    unit = forms.ChoiceField(label=_("Unit"))
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, min_value=0)
    evidence = forms.CharField(label=_("Evidence"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence_file = forms.FileField(
        label=_("Evidence file"), required=False, help_text=_("A PDF or a picture, at most 10 MB.")
    )

    def __init__(self, *args, indicators, units, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["indicator"]).choices = [(str(i.pk), i.label) for i in indicators]
        cast(forms.ChoiceField, self.fields["unit"]).choices = [(r.unit_id, r.unit_name) for r in units]


class HourlyRateForm(BootstrapFormMixin, forms.Form):
    yuan_per_hour = forms.DecimalField(
        label=_("Yuan per hour"), max_digits=8, decimal_places=2, min_value=0, max_value=10000
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("For example: the average wage of urban non-private employers of the city in 2025."),
    )
