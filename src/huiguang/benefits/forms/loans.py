"""Forms of 志愿贷: the product (console), the referral request, the bank's check and decision."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.forms import DateInput
from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.params import WindowDateField

from ..models import LoanProduct, Partner

CONSENT_DAYS = [(30, _("30 days")), (60, _("60 days")), (90, _("90 days"))]
MAX_TIERS = 10


def parse_tiers(text: str) -> list[dict]:
    """One band per line: "minimum score, quota in CNY, rate discount in percentage points"."""
    tiers = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p for p in re.split(r"[,，\s]+", line.strip()) if p]
        try:
            if len(parts) != 3:
                raise ValueError
            tiers.append({"min_score": int(parts[0]), "quota": int(parts[1]), "discount": Decimal(parts[2])})
        except (ValueError, InvalidOperation):
            raise forms.ValidationError(
                _("Line %(n)s: write the minimum score, the quota and the discount, e.g. 600, 300000, 0.5.")
                % {"n": number}
            ) from None
    if len(tiers) > MAX_TIERS:
        raise forms.ValidationError(_("At most %(n)s bands.") % {"n": MAX_TIERS})
    return tiers


def tiers_text(tiers: list[dict]) -> str:
    return "\n".join(f"{t['min_score']}, {t['quota']}, {t['discount']}" for t in tiers)


class LoanProductForm(BootstrapFormMixin, forms.ModelForm):
    tiers_text = forms.CharField(
        label=_("Score bands"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text=_(
            "One band per line: minimum score, quota in CNY, rate discount in percentage points "
            "(e.g. 335, 100000, 0 and 600, 300000, 0.5)."
        ),
    )
    max_amount = forms.IntegerField(label=_("Maximum amount (CNY)"), min_value=1, max_value=10_000_000)
    base_rate = forms.DecimalField(
        label=_("Base annual rate (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    valid_from = WindowDateField(label=_("Valid from"), widget=DateInput())
    valid_until = WindowDateField(label=_("Valid until"), widget=DateInput())

    class Meta:
        model = LoanProduct
        fields = [
            "partner",
            "name",
            "description",
            "max_amount",
            "base_rate",
            "valid_from",
            "valid_until",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = Partner.objects.filter(
            kind=Partner.Kind.BANK
        )
        if self.instance.pk and not self.is_bound:
            self.initial["tiers_text"] = tiers_text(self.instance.tiers)

    def clean_tiers_text(self):
        return parse_tiers(self.cleaned_data["tiers_text"])

    def product_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["tiers"] = self.cleaned_data["tiers_text"]
        return data


class ReferralRequestForm(BootstrapFormMixin, forms.Form):
    days = forms.TypedChoiceField(label=_("Consent lasts"), choices=CONSENT_DAYS, coerce=int, initial=30)
    agree = forms.BooleanField(
        label=_("I agree that this bank reads the data listed above for this referral."),
        error_messages={"required": _("A referral needs your consent.")},
    )


class AttestationForm(BootstrapFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Attestation"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("Paste the attestation the volunteer shows you, or scan its QR code."),
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approved and disbursed")), ("refuse", _("Refused"))],
        widget=forms.RadioSelect(attrs={"class": "me-2"}),
    )
    amount = forms.IntegerField(label=_("Amount (CNY)"), min_value=1, max_value=10_000_000, required=False)
    rate = forms.DecimalField(
        label=_("Annual rate (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False
    )
    disbursed_on = WindowDateField(label=_("Disbursed on"), widget=DateInput(), required=False)
    reason = forms.CharField(label=_("Reason for a refusal"), max_length=300, required=False)

    def decision_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["approve"] = data.pop("decision") == "approve"
        return data
