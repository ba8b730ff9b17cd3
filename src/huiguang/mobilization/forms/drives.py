"""The forms of the drive pages: shape only, every rule lives in services/drives.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.models import Organization, Region

from ..selectors.drives import drive_region_choices, unit_organization_choices, unit_region_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DriveForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2099)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    starts_on = forms.DateField(label=_("Start date"), widget=DATE)
    ends_on = forms.DateField(label=_("End date"), widget=DATE)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = drive_region_choices(user)


class UnitForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("A department, an enterprise, a school… Or choose a village or community below."),
    )
    region = forms.ModelChoiceField(
        label=_("Village or community"), queryset=Region.objects.none(), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Default team"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("For a village or community: the team its newcomers join."),
    )
    target = forms.IntegerField(label=_("Target"), min_value=1, max_value=1_000_000)
    enrolled_league_members = forms.IntegerField(
        label=_("Enrolled league members"),
        min_value=0,
        max_value=1_000_000,
        initial=0,
        required=False,
        help_text=_("Schools only: the Youth League members enrolled, the base of the registration rate."),
    )
    school_name = forms.CharField(
        label=_("School name"),
        max_length=120,
        required=False,
        help_text=_("As students write it on their profile; empty: the organization's name."),
    )
    auto_approve = forms.BooleanField(label=_("Members join without approval"), required=False, initial=True)

    def __init__(self, *args, drive, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = unit_organization_choices(drive)
        for name, qs in (("organization", orgs), ("team", orgs), ("region", unit_region_choices(drive))):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs
        if edit:
            del self.fields["organization"]
            del self.fields["region"]

    def clean_enrolled_league_members(self):
        return self.cleaned_data.get("enrolled_league_members") or 0


class EnrolledImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx)"),
        help_text=_('Two columns: "学校" (school name or organization code) and "在校团员" (count).'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
