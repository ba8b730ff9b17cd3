"""Forms of the partner register (city admins)."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.phone import validate_mobile
from huiguang.network.forms import RegionChoiceField
from huiguang.network.models import Region
from huiguang.network.selectors import region_options

from ..models import Partner, PartnerStaff
from . import field_label as _label


class PartnerForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_label(Partner, "name"), max_length=100)
    kind = forms.ChoiceField(label=_label(Partner, "kind"), choices=Partner.Kind.choices)
    status = forms.ChoiceField(label=_label(Partner, "status"), choices=Partner.Status.choices)
    region = RegionChoiceField(label=_label(Partner, "region"), queryset=Region.objects.none())
    address = forms.CharField(label=_label(Partner, "address"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_label(Partner, "latitude"),
        required=False,
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Decimal degrees, e.g. 30.6987."),
    )
    longitude = forms.DecimalField(
        label=_label(Partner, "longitude"),
        required=False,
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Decimal degrees, e.g. 121.0145."),
    )
    contact_name = forms.CharField(label=_label(Partner, "contact_name"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_label(Partner, "contact_phone"), max_length=20, required=False)
    description = forms.CharField(
        label=_label(Partner, "description"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = region_options()


class StaffAddForm(BootstrapFormMixin, forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    display_name = forms.CharField(
        label=_("Name"),
        max_length=64,
        required=False,
        help_text=_("Needed only when no account has this number yet: one is created."),
    )
    role = forms.ChoiceField(label=_label(PartnerStaff, "role"), choices=PartnerStaff.Role.choices)

    def clean_phone(self):
        return validate_mobile(self.cleaned_data["phone"])
