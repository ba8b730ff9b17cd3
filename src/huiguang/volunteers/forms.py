"""The forms of the volunteers' pages: shape only, every rule lives in the services."""

from dataclasses import fields as dc_fields

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.models import Organization, Region

from .importing import max_bytes, max_rows
from .models import Skill, Volunteer
from .selectors import import_organizations_for, region_residence_list
from .services import Registration

REGISTRATION_FIELDS = {f.name for f in dc_fields(Registration)}


class RegistrationForm(BootstrapFormMixin, forms.Form):
    """Field-level shape only; every rule lives in services.registration_validate."""

    real_name = forms.CharField(
        label=_("Real name"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=24,
        help_text=_(
            "18 characters as printed on your ID card. It is encrypted and never shown in full to others."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    region_code = forms.ChoiceField(label=_("Where you live"))
    political_status = forms.ChoiceField(
        label=_("Political status"), choices=Volunteer.Political.choices, initial=Volunteer.Political.MASSES
    )
    is_student = forms.BooleanField(label=_("I am a student"), required=False)
    school = forms.CharField(label=_("School"), max_length=120, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=64, required=False)
    skills = forms.MultipleChoiceField(label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple)
    is_new_resident = forms.BooleanField(label=_("I am a new resident (新居民)"), required=False)
    guardian_phone = forms.CharField(
        label=_("Guardian's mobile number"),
        max_length=20,
        required=False,
        help_text=_("Only for volunteers under 14: a parent or guardian who is a registered volunteer."),
    )
    consent = forms.BooleanField(label=_("I have read and agree to the privacy policy"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = region_residence_list()
        region_code = self.fields["region_code"]
        assert isinstance(region_code, forms.ChoiceField)
        region_code.choices = [("", _("Choose your town and village"))] + [
            (r.code, f"{r.parent.name} · {r.name}" if r.level != Region.Level.TOWN and r.parent else r.name)
            for r in regions
        ]
        skills = self.fields["skills"]
        assert isinstance(skills, forms.MultipleChoiceField)
        skills.choices = list(Skill.objects.values_list("code", "name"))
        skills.widget.attrs["class"] = "form-check-input"

    def registration(self) -> Registration:
        """The cleaned fields as the service takes them (call after is_valid())."""
        return Registration(**{k: v for k, v in self.cleaned_data.items() if k in REGISTRATION_FIELDS})


class VolunteerFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Name or volunteer number"), max_length=64, required=False)
    region = forms.CharField(label=_("Region code"), max_length=15, required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(Volunteer.Status.choices)
    )


class UploadForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Organization"))
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    consent = forms.BooleanField(
        label=_("Every person in this file has agreed to the privacy policy (on paper or online)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organization = self.fields["organization"]
        assert isinstance(organization, forms.ModelChoiceField)
        organization.queryset = import_organizations_for(user)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        self.fields["file"].help_text = gettext("At most %(rows)s rows and %(size)s.") % {
            "rows": max_rows(),
            "size": filesizeformat(max_bytes()),
        }
