"""Every form of the needs app: the resident's sign-up and request, the console's decisions, the
taker's closing report, the rating and the nearby search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.activities.forms import DateTimeLocal
from huiguang.activities.models import Category
from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.models import Organization, Region
from huiguang.volunteers.models import Skill, Volunteer

from .models import CareRecipient, ServiceRequest, VisitPlan


def _set_queryset(form: forms.Form, name: str, queryset) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def communities():
    return Region.objects.filter(level=Region.Level.VILLAGE).order_by("path")


class PhoneForm(BootstrapFormMixin, forms.Form):
    phone = forms.CharField(label=_("mobile number"), max_length=20)


class ResidentSignupForm(BootstrapFormMixin, forms.Form):
    phone = forms.CharField(label=_("mobile number"), max_length=20)
    code = forms.CharField(label=_("code from the SMS"), max_length=6)
    name = forms.CharField(label=_("name"), max_length=64)
    region = forms.ModelChoiceField(label=_("village or community"), queryset=Region.objects.none())
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput, strip=False, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "region", communities())
        self.fields["code"].widget.attrs.update(inputmode="numeric", autocomplete="one-time-code")


class RequestForm(BootstrapFormMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("kind of help"), queryset=Category.objects.all())
    description = forms.CharField(
        label=_("what is needed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label=_("address"), max_length=200)
    lat = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    lng = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    window_start = forms.DateTimeField(label=_("from"), widget=DateTimeLocal)
    window_end = forms.DateTimeField(label=_("until"), widget=DateTimeLocal)
    phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)
    required_skill = forms.ModelChoiceField(
        label=_("required skill"), queryset=Skill.objects.all(), required=False
    )

    def __init__(self, *args, on_behalf: bool = False, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_behalf = on_behalf
        self.fields["phone"].widget.attrs.update(inputmode="tel")
        if on_behalf:
            self.fields["region"] = forms.ModelChoiceField(label=_("village or community"), queryset=regions)
            self.fields["resident_name"] = forms.CharField(label=_("resident's name"), max_length=64)
            self.fields["phone"].required = True
            for name in ("region", "resident_name"):
                self.fields[name].widget.attrs.setdefault(
                    "class", "form-select" if name == "region" else "form-control"
                )
        else:
            del self.fields["required_skill"]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["on_behalf"] = self.on_behalf
        return data


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason the resident reads"), max_length=200)


class MergeForm(BootstrapFormMixin, forms.Form):
    into = forms.ModelChoiceField(label=_("the same need as"), queryset=ServiceRequest.objects.none())

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "into", targets if targets is not None else ServiceRequest.objects.none())


class TeamForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("team"), queryset=Organization.objects.none())

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        _set_queryset(
            self, "organization", organizations if organizations is not None else Organization.objects.none()
        )


class AssignForm(BootstrapFormMixin, forms.Form):
    volunteer = forms.ModelChoiceField(label=_("volunteer"), queryset=Volunteer.objects.none())

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "volunteer", members if members is not None else Volunteer.objects.none())


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one field; each is checked by the service (core/images.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CloseForm(BootstrapFormMixin, forms.Form):
    notes = forms.CharField(
        label=_("what was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleImageField(label=_("photos"), required=False)


class RatingForm(BootstrapFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("your rating"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("comment"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NearbyForm(forms.Form):
    """The nearby search's query string: a position and a distance, bounded."""

    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)
    km = forms.IntegerField(required=False, min_value=1, max_value=50)


# --- the care register (point 2) and satisfaction (point 3) -------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RecipientForm(BootstrapFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=CareRecipient.Category.choices)
    name = forms.CharField(label=_("name"), max_length=64)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    region = forms.ModelChoiceField(label=_("village or community"), queryset=Region.objects.none())
    address = forms.CharField(label=_("address"), max_length=200)
    lat = forms.DecimalField(label=_("latitude"), required=False, max_digits=9, decimal_places=6)
    lng = forms.DecimalField(label=_("longitude"), required=False, max_digits=9, decimal_places=6)
    needs = forms.CharField(
        label=_("needs and notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    organization = forms.ModelChoiceField(label=_("assigned team"), queryset=Organization.objects.none())
    volunteers = forms.ModelMultipleChoiceField(
        label=_("named volunteers"), queryset=Volunteer.objects.none(), required=False
    )

    def __init__(self, *args, regions=None, teams=None, volunteers=None, **kwargs):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "region", regions if regions is not None else Region.objects.none())
        _set_queryset(self, "organization", teams if teams is not None else Organization.objects.none())
        _set_queryset(self, "volunteers", volunteers if volunteers is not None else Volunteer.objects.none())
        self.fields["phone"].widget.attrs.update(inputmode="tel")
        self.fields["id_number"].widget.attrs.update(autocomplete="off")


class EndForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("why the care ends"), max_length=200)


class PlanForm(BootstrapFormMixin, forms.Form):
    frequency = forms.ChoiceField(label=_("frequency"), choices=VisitPlan.Frequency.choices)
    festival_dates = forms.CharField(
        label=_("festival days"),
        max_length=400,
        required=False,
        help_text=_(
            "For visits on festival days: dates such as 2026-09-25, 2026-10-18, separated by commas."
        ),
    )
    starts_on = forms.DateField(label=_("from"), widget=DateInput())
    ends_on = forms.DateField(label=_("until"), required=False, widget=DateInput())
    volunteers = forms.ModelMultipleChoiceField(
        label=_("volunteers"), queryset=Volunteer.objects.none(), required=False
    )

    def __init__(self, *args, volunteers=None, **kwargs):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "volunteers", volunteers if volunteers is not None else Volunteer.objects.none())


class VisitForm(BootstrapFormMixin, forms.Form):
    notes = forms.CharField(
        label=_("how the visit went"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    needs_found = forms.CharField(
        label=_("needs found"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A need written here can become a service request in one tap."),
    )
    lat = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    lng = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)


class VisitRequestForm(BootstrapFormMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("kind of help"), queryset=Category.objects.all())


class SatisfactionForm(forms.Form):
    """The satisfaction page's query string: a month and a grouping."""

    month = forms.DateField(required=False, input_formats=["%Y-%m"])
    by = forms.ChoiceField(
        required=False,
        choices=[
            ("organization", _("team")),
            ("region", _("community")),
            ("category", _("service category")),
        ],
    )
