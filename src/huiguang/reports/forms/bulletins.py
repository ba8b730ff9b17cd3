from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin


class GenerateForm(BootstrapFormMixin, forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        help_text=_("A month that is over, as YYYY-MM."),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"}),
    )
