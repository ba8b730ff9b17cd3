"""Forms of offers (city admins) and of the partner's code page."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.forms import RegionChoiceField
from huiguang.network.models import Region
from huiguang.network.selectors import region_options

from ..models import Offer
from . import field_label


def _label(name):
    return field_label(Offer, name)


class OfferForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_label("title"), max_length=100)
    category = forms.ChoiceField(label=_label("category"), choices=Offer.Category.choices)
    description = forms.CharField(
        label=_label("description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    min_star = forms.IntegerField(label=_label("min_star"), min_value=0, max_value=5, initial=0)
    min_score = forms.IntegerField(
        label=_label("min_score"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Empty: no minimum."),
    )
    new_residents_only = forms.BooleanField(label=_label("new_residents_only"), required=False)
    region = RegionChoiceField(
        label=_label("region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("(the whole city)"),
    )
    quota = forms.IntegerField(label=_label("quota"), min_value=1, max_value=100, initial=1)
    period = forms.ChoiceField(
        label=_label("period"), choices=Offer.Period.choices, initial=Offer.Period.MONTH
    )
    stock = forms.IntegerField(label=_label("stock"), min_value=0, max_value=1_000_000)
    valid_from = forms.DateTimeField(
        label=_label("valid_from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    valid_until = forms.DateTimeField(
        label=_label("valid_until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    code_days = forms.IntegerField(label=_label("code_days"), min_value=1, max_value=365, initial=7)
    active = forms.BooleanField(label=_label("active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = region_options()


class CodeForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Redemption code"),
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        help_text=_("The 8 characters on the volunteer's phone, or scan its QR code."),
    )
