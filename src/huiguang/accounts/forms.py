from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.models import AuditEntry
from huiguang.core.params import WindowDateField
from huiguang.core.phone import normalize_phone, validate_mobile

from .models import User


class PhoneLoginForm(BootstrapFormMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The mobile number or the password is wrong."),
        "inactive": _("This account is disabled."),
    }

    def clean_username(self):
        return normalize_phone(self.cleaned_data["username"])


class ExistingAccountField(forms.CharField):
    """A mobile number that belongs to an existing account; cleans to the User."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        phone = validate_mobile(value)
        user = User.objects.filter(phone=phone).first()
        if user is None:
            raise ValidationError(
                _("No account has this mobile number. The person must register first."), code="unknown"
            )
        if not user.is_active:
            raise ValidationError(_("This account is disabled."), code="inactive")
        return user


class TokenCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What will use it, e.g. “my phone” or “bank loan system”."),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor's mobile number"), max_length=20, required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("all outcomes")), *AuditEntry.Outcome.choices], required=False
    )
    date_from = WindowDateField(label=_("From"), required=False, widget=DateInput())
    date_to = WindowDateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, action_choices, object_type_choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", _("all actions")), *action_choices]
        cast(forms.ChoiceField, self.fields["object_type"]).choices = [
            ("", _("all object types")),
            *object_type_choices,
        ]

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters only: a wrong field is reported and ignored, the others still apply."""
        data = getattr(self, "cleaned_data", {})
        return {k: data[k] for k in self.fields if data.get(k) not in (None, "")}
