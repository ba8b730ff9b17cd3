"""Forms of 积分入学: the policy (console), the parent's application, the bureau's decision."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.forms import DateInput
from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.params import WindowDateField

from ..models import PointsApplication, PointsPolicy


class PointsPolicyForm(BootstrapFormMixin, forms.ModelForm):
    year = forms.IntegerField(label=_("School year"), min_value=2000, max_value=2099)
    points_per_unit = forms.DecimalField(
        label=_("Points per step"), min_value=Decimal("0.01"), max_value=100, max_digits=5, decimal_places=2
    )
    cap = forms.DecimalField(
        label=_("Maximum points"), min_value=Decimal("0.01"), max_value=1000, max_digits=6, decimal_places=2
    )
    window_start = WindowDateField(label=_("Service counted from"), widget=DateInput())
    window_end = WindowDateField(label=_("Service counted until"), widget=DateInput())

    class Meta:
        model = PointsPolicy
        fields = [
            "partner",
            "year",
            "window_start",
            "window_end",
            "hours_per_unit",
            "points_per_unit",
            "cap",
            "credit_only",
            "new_residents_only",
            "open",
        ]

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partners is not None:
            cast(forms.ModelChoiceField, self.fields["partner"]).queryset = partners

    def policy_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PointsApplyForm(BootstrapFormMixin, forms.Form):
    policy = forms.ModelChoiceField(label=_("Points policy"), queryset=PointsPolicy.objects.none())
    child_name = forms.CharField(label=_("Child's name"), max_length=64)
    child_id_number = forms.CharField(
        label=_("Child's resident ID number"),
        max_length=24,
        help_text=_("Encrypted, and shown to no one in full."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    grade = forms.ChoiceField(label=_("School and grade wanted"), choices=PointsApplication.Grade.choices)
    guardian_declared = forms.BooleanField(
        label=_("I am this child's parent or legal guardian."),
        error_messages={
            "required": _("Only the child's parent or guardian may apply; confirm that you are.")
        },
    )
    agree = forms.BooleanField(
        label=_("As the guardian, I agree that the education bureau reads the data listed above."),
        error_messages={"required": _("An application needs your consent.")},
    )

    def __init__(self, *args, policies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if policies is not None:
            cast(forms.ModelChoiceField, self.fields["policy"]).queryset = policies

    def application_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("agree")
        return data


class PointsDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect(attrs={"class": "me-2"}),
    )
    reason = forms.CharField(label=_("Reason (needed for a refusal)"), max_length=300, required=False)


class CertificateCheckForm(BootstrapFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Points certificate"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("Paste the signed text of the certificate or scan its QR code."),
    )
