"""Every form of the credit app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.params import WindowDateField
from huiguang.projects.models import Competition, Project

from .explain import LABELS
from .models import CreditReview, Honor
from .scoring import COMPONENT_KEYS, DEFAULT_COMPONENTS
from .services.reviews import MAX_ADJUSTMENT

MAX_BANDS = 6

# The label of every policy parameter, for the policy form and the published page.
PARAM_LABELS = {
    "weight": _("weight"),
    "cap": _("cap (points)"),
    "per_month": _("points per active month"),
    "months": _("months counted"),
    "prior_attended": _("prior: shifts attended"),
    "prior_shifts": _("prior: shifts"),
    "prior_mean": _("prior: mean rating"),
    "prior_count": _("prior: number of ratings"),
    "city": _("points per city honor"),
    "province": _("points per province honor"),
    "national": _("points per national honor"),
    "per_qualification": _("points per valid qualification"),
    "qualification_cap": _("cap of the qualifications (points)"),
    "per_record": _("points per revoked record"),
}


class ReviewRequestForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("What should be reviewed, and why?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewAnswerForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (CreditReview.Status.KEPT, _("Keep the score")),
            (CreditReview.Status.CORRECTED, _("Correct it")),
        ],
        widget=forms.RadioSelect,
    )
    adjustment = forms.IntegerField(
        label=_("Adjustment in points (for a correction)"),
        required=False,
        min_value=-MAX_ADJUSTMENT,
        max_value=MAX_ADJUSTMENT,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class PolicyForm(BootstrapFormMixin, forms.Form):
    """Every weight, cap and prior as a number field named `<component>_<param>`, the base, up to
    six bands (lower bound + label) and the description."""

    base = forms.IntegerField(label=_("Base points"), min_value=0, max_value=1000)
    description = forms.CharField(
        label=_("Description (published)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key in COMPONENT_KEYS:
            current = (policy.components.get(key) if policy else None) or DEFAULT_COMPONENTS[key]
            for name in DEFAULT_COMPONENTS[key]:
                self.fields[f"{key}_{name}"] = forms.FloatField(
                    label=PARAM_LABELS[name], min_value=0, max_value=1000, initial=current.get(name)
                )
        bands = policy.bands if policy else []
        for i in range(MAX_BANDS):
            band = bands[i] if i < len(bands) else {}
            self.fields[f"band{i}_min"] = forms.IntegerField(
                label=_("From score"), min_value=0, max_value=1000, required=False, initial=band.get("min")
            )
            self.fields[f"band{i}_label"] = forms.CharField(
                label=_("Band name"), max_length=40, required=False, initial=band.get("label")
            )
        if policy:
            self.fields["base"].initial = policy.base
            self.fields["description"].initial = policy.description

    def component_fields(self):
        keys = COMPONENT_KEYS
        return [(LABELS[key], [self[f"{key}_{n}"] for n in DEFAULT_COMPONENTS[key]]) for key in keys]

    def band_fields(self):
        return [(self[f"band{i}_min"], self[f"band{i}_label"]) for i in range(MAX_BANDS)]

    def components(self) -> dict:
        data = self.cleaned_data

        def number(value):
            return int(value) if float(value).is_integer() else value

        return {
            key: {name: number(data[f"{key}_{name}"]) for name in DEFAULT_COMPONENTS[key]}
            for key in COMPONENT_KEYS
        }

    def bands(self) -> list[dict]:
        data = self.cleaned_data
        out = []
        for i in range(MAX_BANDS):
            low, label = data.get(f"band{i}_min"), (data.get(f"band{i}_label") or "").strip()
            if low is not None or label:
                out.append({"min": low, "label": label})
        return out


class HonorForm(BootstrapFormMixin, forms.Form):
    volunteer_number = forms.CharField(label=_("Volunteer number"), max_length=32, required=False)
    organization_code = forms.CharField(label=_("Organization code"), max_length=32, required=False)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.order_by("name", "pk"), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=Honor.Level.choices)
    issuer = forms.CharField(label=_("Issuer"), max_length=200)
    awarded_on = WindowDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    citation = forms.CharField(
        label=_("Citation"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF, JPEG or PNG, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class HonorImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Honors workbook (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class AwardHonorsForm(BootstrapFormMixin, forms.Form):
    competition = forms.ModelChoiceField(
        label=_("Competition with published results"),
        queryset=Competition.objects.filter(status=Competition.Status.PUBLISHED).order_by("-year", "name"),
    )
