from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

IMAGE_HELP = _("JPEG, PNG or WebP, at most 5 MB, 200 to 6000 pixels a side.")
IMAGE_ACCEPT = {"accept": "image/jpeg,image/png,image/webp"}


def yuan_field(label, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01") if required else Decimal("0"),
        max_value=Decimal("100000000"),
        max_digits=11,
        decimal_places=2,
        help_text=_("In yuan."),
    )


def fen(value) -> int:
    """Whole fen of a cleaned yuan amount (two decimals at most, checked by the field)."""
    return int((value or Decimal("0")) * 100)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several images in one input; each is checked by the service (core/images.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs=dict(IMAGE_ACCEPT)))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
