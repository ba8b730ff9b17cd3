"""Forms of 积分入学: the policy (console), the parent's application, the bureau's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.forms import DateInput
from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.params import WindowDateField

from ..models import PointsApplication, PointsPolicy


class PointsPolicyForm(BootstrapFormMixin, forms.ModelForm):
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
            self.fields["partner"].queryset = partners
        self.fields["year"].max_value = 2099
        self.fields["year"].widget.attrs["max"] = 2099
        self.fields["points_per_unit"].min_value = 0
        self.fields["cap"].min_value = 0

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2099:
            raise forms.ValidationError(_("Enter a year from 2000 to 2099."))
        return year

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
            self.fields["policy"].queryset = policies

    def application_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("agree")
        return data


class PointsDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input me-2"}),
    )
    reason = forms.CharField(label=_("Reason (needed for a refusal)"), max_length=300, required=False)


class CertificateCheckForm(BootstrapFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Points certificate"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("Paste the signed text of the certificate or scan its QR code."),
    )
