"""The form of the channel preferences; the rules (e-mail needs an address) live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin


class PreferenceForm(BootstrapFormMixin, forms.Form):
    sms = forms.BooleanField(
        label=_("Text me (SMS) reminders before my shifts and urgent changes"),
        help_text=_("Promotion from the waitlist, approval, cancellation or a change of time or place."),
        required=False,
    )
    email = forms.BooleanField(label=_("Also send every notice by e-mail"), required=False)
    email_address = forms.EmailField(
        label=_("E-mail address"), max_length=254, required=False, widget=forms.EmailInput
    )
