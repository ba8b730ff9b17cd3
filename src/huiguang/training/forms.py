"""Forms of the training console and pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.models import Organization

from .models import Course, QualificationType
from .permissions import providers_q


class DateInput(forms.DateInput):
    input_type = "date"


class CourseForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Course.Category.choices)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Organization.objects.none())
    hours = forms.DecimalField(label=_("Hours"), min_value=0.1, max_value=999, decimal_places=1, max_digits=5)
    syllabus = forms.CharField(
        label=_("Syllabus"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    pass_rule = forms.CharField(label=_("Pass rule"), required=False, max_length=200)
    grants = forms.ModelChoiceField(
        label=_("Qualification granted"), required=False, queryset=QualificationType.objects.all()
    )
    validity_months = forms.IntegerField(
        label=_("Valid for (months)"), required=False, min_value=1, max_value=240
    )
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        q = providers_q(user)
        self.fields["provider"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.none()
            if q is None
            else Organization.objects.filter(q, status=Organization.Status.ACTIVE).order_by("path")
        )


class QualificationTypeForm(BootstrapFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=32, help_text=_("Letters, digits and hyphens, such as first-aid.")
    )
    name = forms.CharField(label=_("Name"), max_length=64)
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


class QualificationRecordForm(BootstrapFormMixin, forms.Form):
    volunteer_number = forms.CharField(label=_("Volunteer number"), max_length=32)
    type = forms.ModelChoiceField(label=_("Qualification"), queryset=QualificationType.objects.all())
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=64)
    issuer = forms.CharField(label=_("Issued by"), max_length=120)
    issued_on = forms.DateField(label=_("Issued"), widget=DateInput())
    expires_on = forms.DateField(
        label=_("Expires"), required=False, widget=DateInput(), help_text=_("Empty: never expires.")
    )
    evidence = forms.FileField(
        label=_("Photo or scan of the certificate"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class RevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PolicyForm(BootstrapFormMixin, forms.Form):
    count_hours = forms.BooleanField(
        label=_("Training time counts as volunteer hours (non-credit)"), required=False
    )
