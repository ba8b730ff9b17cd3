from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.phone import normalize_phone


class PhoneLoginForm(BootstrapFormMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Mobile number"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The mobile number or the password is wrong."),
        "inactive": _("This account is disabled."),
    }

    def clean_username(self):
        return normalize_phone(self.cleaned_data["username"])
