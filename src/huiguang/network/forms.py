"""Forms of the network's pages. They parse input; the rules live in services/."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.forms import ExistingAccountField
from huiguang.core.forms import BootstrapFormMixin

from .models import Grant, Membership, Organization, Region, Site
from .selectors import organization_managed_by, organization_parent_options, region_options


def _label(model, name):
    return model._meta.get_field(name).verbose_name


class RegionChoiceField(forms.ModelChoiceField):
    """Regions indented by depth, so that the tree reads in a plain select."""

    def label_from_instance(self, obj):
        return "\u3000" * max(obj.depth - 1, 0) + obj.name


class RegionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_label(Region, "name"), max_length=64)
    population = forms.IntegerField(label=_label(Region, "population"), min_value=0)


class OrganizationForm(BootstrapFormMixin, forms.Form):
    """Create and edit in the console; `creating` adds the code and the parent organization."""

    code = forms.CharField(
        label=_label(Organization, "code"),
        max_length=32,
        required=False,
        help_text=_(
            "Letters, digits, '-' or '_'; it appears in the organization's public address. "
            "Leave empty to generate one."
        ),
    )
    name = forms.CharField(label=_label(Organization, "name"), max_length=120)
    kind = forms.ChoiceField(label=_label(Organization, "kind"), choices=Organization.Kind.choices)
    parent = forms.ModelChoiceField(
        label=_label(Organization, "parent"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )
    region = RegionChoiceField(label=_label(Organization, "region"), queryset=Region.objects.none())
    tier = forms.ChoiceField(
        label=_label(Organization, "tier"), choices=Organization.Tier.choices, required=False
    )
    specialty = forms.CharField(
        label=_label(Organization, "specialty"),
        max_length=64,
        required=False,
        help_text=_(
            "For example: medical guide, culture, emergency rescue, anti-fraud, agriculture, disability aid."
        ),
    )
    description = forms.CharField(
        label=_label(Organization, "description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    staff_count = forms.IntegerField(
        label=_label(Organization, "staff_count"),
        min_value=0,
        initial=0,
        help_text=_("For departments: the number of staff, the base of the registration rate."),
    )
    contact_name = forms.CharField(label=_label(Organization, "contact_name"), max_length=64, required=False)
    contact_phone = forms.CharField(
        label=_label(Organization, "contact_phone"),
        max_length=20,
        required=False,
        help_text=_("Seen in the console only, never on public pages."),
    )
    address = forms.CharField(label=_label(Organization, "address"), max_length=200, required=False)
    seal = forms.FileField(
        label=_label(Organization, "seal"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 1 MB and 2000 × 2000 pixels; printed on certificates."),
    )

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = region_options()
        if creating:
            cast(forms.ModelChoiceField, self.fields["parent"]).queryset = organization_parent_options()
        else:
            del self.fields["code"]
            del self.fields["parent"]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["tier"] = data.get("tier") or ""
        if not data.get("seal"):
            data.pop("seal", None)
        return data


class OrganizationApplyForm(OrganizationForm):
    """A volunteer's application to register a new organization (no code, no seal, no staff count)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, creating=True, **kwargs)
        for name in ("code", "seal", "staff_count", "tier"):
            del self.fields[name]
        self.fields["parent"].help_text = _(
            "If the organization belongs to another one, that organization's admin decides on your "
            "application; otherwise the region's admin does."
        )


class SiteForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_label(Site, "name"), max_length=120)
    kind = forms.ChoiceField(label=_label(Site, "kind"), choices=Site.Kind.choices)
    region = RegionChoiceField(label=_label(Site, "region"), queryset=Region.objects.none())
    organization = forms.ModelChoiceField(
        label=_label(Site, "organization"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )
    address = forms.CharField(label=_label(Site, "address"), max_length=200, required=False)
    # Plain decimals: the range rule and its message live in the service.
    lat = forms.DecimalField(
        label=_label(Site, "lat"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Decimal degrees, e.g. 30.6987."),
    )
    lng = forms.DecimalField(
        label=_label(Site, "lng"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Decimal degrees, e.g. 121.0145."),
    )
    is_active = forms.BooleanField(label=_label(Site, "is_active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = region_options()
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = (
            organization_managed_by(user).select_related(None).only("id", "name", "path")
        )


class GrantRegionField(forms.ModelChoiceField):
    """Regions as "— name (code)", indented by depth; posted as codes."""

    def label_from_instance(self, obj):
        return f"{'— ' * (obj.depth - 1)}{obj.name} ({obj.code})"


class GrantOrganizationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class GrantCreateForm(BootstrapFormMixin, forms.Form):
    """Region and organization are posted as codes: chosen from the list or typed by a client."""

    user = ExistingAccountField(label=_("Mobile number"))
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Grant.Role.choices])
    region = GrantRegionField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
        help_text=_("Only for a region administrator."),
        error_messages={"invalid_choice": _("No region has this code.")},
    )
    organization = GrantOrganizationField(
        label=_("Organization"),
        queryset=Organization.objects.all(),
        to_field_name="code",
        required=False,
        help_text=_("Only for an organization administrator or a team leader."),
        error_messages={"invalid_choice": _("No organization has this code.")},
    )


class GrantFilterForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")  # shares a page with GrantCreateForm
        super().__init__(*args, **kwargs)

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("all roles")), *Grant.Role.choices],
        required=False,
        widget=forms.Select(attrs={"aria-label": _("Role")}),
    )
    q = forms.CharField(label=_("Name or mobile number"), max_length=40, required=False)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_label(Membership, "role"), choices=Membership.Role.choices)


def parse_ids(values) -> list[int]:
    """Ticked row ids from a bulk form; anything that is not a number is ignored (the service
    decides only rows in the actor's scope anyway)."""
    return sorted({int(v) for v in values if str(v).isdigit()})
