from django import forms
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.models import Organization, Site

from ..models import Brand, Project
from .common import IMAGE_ACCEPT, IMAGE_HELP, date_input, fen, yuan_field


class ProjectForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Project.Category.choices)
    brand = forms.ModelChoiceField(label=_("Brand"), queryset=Brand.objects.order_by("name"), required=False)
    co_organizations = forms.ModelMultipleChoiceField(
        label=_("Co-organizations"), queryset=Organization.objects.none(), required=False
    )
    beneficiaries = forms.CharField(label=_("Beneficiaries"), max_length=200, required=False)
    goals = forms.CharField(
        label=_("Goals"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    starts_on = forms.DateField(label=_("Starts"), widget=date_input())
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=date_input())
    budget = yuan_field(_("Budget"), required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=IMAGE_HELP,
        widget=forms.ClearableFileInput(attrs=dict(IMAGE_ACCEPT)),
    )

    def __init__(self, *args, organizations=None, brands=None, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if brands is not None:
            # The brands the user sees, and the one the project has (kept even when outside the scope).
            keep = Brand.objects.filter(pk=project.brand_id) if project and project.brand_id else None
            choices = Brand.objects.filter(pk__in=brands.values("pk"))
            if keep is not None:
                choices = choices | keep
            self.fields["brand"].queryset = choices.order_by("name")  # type: ignore[attr-defined]
        active = Organization.objects.filter(status=Organization.Status.ACTIVE).order_by("path")
        self.fields["co_organizations"].queryset = active  # type: ignore[attr-defined]
        if project is None:
            self.fields = {
                "organization": forms.ModelChoiceField(
                    label=_("Owning organization"),
                    queryset=organizations,
                    widget=forms.Select(attrs={"class": "form-select"}),
                ),
                **self.fields,
            }

    @staticmethod
    def initial_for(project: Project) -> dict:
        return {
            "name": project.name,
            "category": project.category,
            "brand": project.brand_id,
            "co_organizations": list(project.co_organizations.all()),
            "beneficiaries": project.beneficiaries,
            "goals": project.goals,
            "description": project.description,
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
            "budget": project.budget_fen / 100,
        }

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        data["budget_fen"] = fen(data.pop("budget"))
        if not data.get("logo"):
            data.pop("logo", None)
        return data


class ProjectStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)


class PhotoForm(BootstrapFormMixin, forms.Form):
    image = forms.FileField(
        label=_("Photo"), help_text=IMAGE_HELP, widget=forms.ClearableFileInput(attrs=dict(IMAGE_ACCEPT))
    )
    caption = forms.CharField(label=_("Caption"), max_length=120, required=False)


class BrandForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Owning organization"), queryset=Organization.objects.none()
    )
    name = forms.CharField(label=_("Brand name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sites = forms.ModelMultipleChoiceField(label=_("Sites"), queryset=Site.objects.none(), required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=IMAGE_HELP,
        widget=forms.ClearableFileInput(attrs=dict(IMAGE_ACCEPT)),
    )

    def __init__(self, *args, organizations, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]


class BrandSitesForm(BootstrapFormMixin, forms.Form):
    sites = forms.ModelMultipleChoiceField(label=_("Sites"), queryset=Site.objects.none(), required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]
