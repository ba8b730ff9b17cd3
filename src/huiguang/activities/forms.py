"""Forms of the organizers' console. They parse and present; every rule is checked by the
services (services/activities.py, shifts.py, series.py, ...), whose FieldErrors land on these fields
(core.forms.show_errors)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from huiguang.core.errors import FieldErrors
from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.models import Site
from huiguang.network.selectors import region_options
from huiguang.projects.models import Project
from huiguang.projects.selectors.projects import projects_for_organization, projects_for_organizations
from huiguang.training.models import Course, QualificationType
from huiguang.volunteers.models import Skill, Volunteer

from .models import Activity, ActivityPhoto, Category, Series
from .selectors.console import organizations_for_new_activities
from .selectors.places import group_sites_by_town, town_names
from .services.shifts import parse_counted_lines, parse_time_slots


def _label(name: str):
    return getattr(Activity._meta.get_field(name), "verbose_name", name)


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def _style(form: forms.Form) -> None:
    """Bootstrap classes on fields built after BootstrapFormMixin ran (as it would set them)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _when(name: str, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(label=_label(name), required=required, widget=DateTimeLocal())


POLITICAL_CHOICES = [("", _("no requirement")), *Volunteer.Political.choices]
ORDINAL_CHOICES = [
    ("1", _("first")),
    ("2", _("second")),
    ("3", _("third")),
    ("4", _("fourth")),
    ("5", _("fifth")),
    ("6", _("sixth (week rule only)")),
    ("-1", _("last")),
]


class SitesByTown(ModelChoiceIterator):
    """The sites in one <optgroup> per town or street (a city has a few hundred sites): a plain
    select that works without JavaScript; select_filter.js adds a filter box above it."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for group in group_sites_by_town(self.queryset, town_names(), _("Whole city")):
            yield (group.name, [self.choice(site) for site in group.sites])


class SiteChoiceField(forms.ModelChoiceField):
    iterator = SitesByTown


def weekday_choices():
    return [(str(i + 1), WEEKDAYS[i]) for i in range(7)]


def _place_and_rules_fields() -> dict[str, forms.Field]:
    """The fields an activity and a whole series share (not the dates)."""
    return {
        "title": forms.CharField(label=_label("title"), max_length=120),
        "category": forms.ModelChoiceField(label=_label("category"), queryset=Category.objects.all()),
        "description": forms.CharField(
            label=_label("description"),
            required=False,
            max_length=10000,
            widget=forms.Textarea(attrs={"rows": 5}),
        ),
        "site": SiteChoiceField(
            label=_label("site"),
            required=False,
            queryset=Site.objects.filter(is_active=True)
            .select_related("region")
            .order_by("region__path", "name"),
            help_text=_("A site fills in the address, coordinates and region you leave empty."),
            widget=forms.Select(
                attrs={"data-filter-select": "", "data-filter-placeholder": _("Filter the places")}
            ),
        ),
        "region": forms.ModelChoiceField(
            label=_label("region"),
            required=False,
            queryset=region_options(),
            help_text=_("Empty: the site's region, else the organization's."),
        ),
        "address": forms.CharField(label=_label("address"), required=False, max_length=200),
        "lat": forms.DecimalField(label=_label("lat"), required=False, max_digits=9, decimal_places=6),
        "lng": forms.DecimalField(label=_label("lng"), required=False, max_digits=9, decimal_places=6),
        "checkin_radius_m": forms.IntegerField(label=_label("checkin_radius_m"), initial=300),
        "cancel_cutoff_hours": forms.IntegerField(label=_label("cancel_cutoff_hours"), initial=24),
        "visibility": forms.ChoiceField(label=_label("visibility"), choices=Activity.Visibility.choices),
        "signup_mode": forms.ChoiceField(label=_label("signup_mode"), choices=Activity.SignupMode.choices),
        "min_age": forms.IntegerField(label=_label("min_age"), required=False),
        "max_age": forms.IntegerField(label=_label("max_age"), required=False),
        "required_skills": forms.ModelMultipleChoiceField(
            label=_label("required_skills"), required=False, queryset=Skill.objects.all()
        ),
        "members_only": forms.BooleanField(label=_label("members_only"), required=False),
        "political_status": forms.ChoiceField(
            label=_label("political_status"), required=False, choices=POLITICAL_CHOICES
        ),
        "agreement_required": forms.BooleanField(label=_label("agreement_required"), required=False),
        "agreement_text": forms.CharField(
            label=_label("agreement_text"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Volunteers read and accept this text when they sign up (书面协议)."),
        ),
        "insurance_required": forms.BooleanField(label=_label("insurance_required"), required=False),
        "insurance_note": forms.CharField(label=_label("insurance_note"), required=False, max_length=200),
        "project": forms.ModelChoiceField(
            label=_label("project"),
            required=False,
            queryset=Project.objects.exclude(status=Project.Status.CLOSED).order_by("name"),
            help_text=_("A service project of the organization this activity belongs to."),
        ),
    }


class ActivityForm(BootstrapFormMixin, forms.Form):
    """Create (with an organization) or edit an activity."""

    def __init__(self, *args, user, activity: Activity | None = None, **kwargs):
        self.activity = activity
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        if activity is None:
            fields["organization"] = forms.ModelChoiceField(
                label=_label("organization"), queryset=organizations_for_new_activities(user)
            )
        base = _place_and_rules_fields()
        times = {
            "starts_at": _when("starts_at"),
            "ends_at": _when("ends_at"),
            "recruit_opens_at": _when("recruit_opens_at", required=False),
            "recruit_closes_at": _when("recruit_closes_at", required=False),
            "cancel_cutoff_hours": base.pop("cancel_cutoff_hours"),
        }
        for name, field in base.items():
            fields[name] = field
            if name == "description":
                fields.update(times)
        fields["required_qualifications"] = forms.ModelMultipleChoiceField(
            label=_label("required_qualifications"),
            required=False,
            queryset=QualificationType.objects.all(),
            help_text=_("Volunteers must hold each of them, valid until the shift ends."),
        )
        fields["course"] = forms.ModelChoiceField(
            label=_label("course"),
            required=False,
            # A course no longer offered stays on the activity that has it (services.fields.course_errors).
            queryset=Course.objects.filter(
                Q(is_active=True) | Q(pk=activity.course_id if activity is not None else None)
            ),
            help_text=_(
                "Choose a course to make this activity a session of it: the trainer marks pass or fail."
            ),
        )
        fields["cover"] = forms.FileField(
            label=_label("cover"),
            required=False,
            help_text=_("JPEG, PNG or WebP, at most 5 MB, 200 to 6000 pixels a side."),
            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        if activity is not None:
            if activity.cover:
                fields["remove_cover"] = forms.BooleanField(label=_("Remove the cover photo"), required=False)
            if activity.shifts.exists():
                fields["move_shifts"] = forms.BooleanField(
                    label=_("Move the shifts with the start time"), required=False, initial=True
                )
        # The projects of the activity's organization (a new one: of the organizations offered).
        fields["project"].queryset = (  # type: ignore[attr-defined]
            projects_for_organization(activity.organization_id)
            if activity is not None
            else projects_for_organizations(organizations_for_new_activities(user))
        )
        self.fields = fields
        _style(self)

    @staticmethod
    def initial_for(activity: Activity) -> dict:
        initial = {name: getattr(activity, name) for name in _place_and_rules_fields()}
        initial["required_skills"] = list(activity.required_skills.all())
        initial["required_qualifications"] = list(activity.required_qualifications.all())
        initial["course"] = activity.course
        for name in ("starts_at", "ends_at", "recruit_opens_at", "recruit_closes_at"):
            initial[name] = getattr(activity, name)
        initial["move_shifts"] = True
        return initial

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        data.pop("remove_cover", None)
        data.pop("move_shifts", None)
        if not data.get("cover"):
            data.pop("cover", None)
        for name in ("checkin_radius_m", "cancel_cutoff_hours"):
            if data.get(name) is None:
                data.pop(name)
        return data


class ShiftForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Position"), max_length=80, help_text=_("Such as 量血压, 理发 or 磨刀."))
    description = forms.CharField(label=_("Duties"), required=False, max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeLocal())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeLocal())
    capacity = forms.IntegerField(label=_("Places"), min_value=1, initial=1)
    waitlist_size = forms.IntegerField(label=_("Waitlist places"), min_value=0, initial=0)
    # Toggle buttons (shift_form.html): big enough to tap on a phone, no Ctrl-click as in <select multiple>.
    required_qualifications = forms.ModelMultipleChoiceField(
        label=_("Qualifications this position needs"),
        required=False,
        queryset=QualificationType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "On top of the activity's requirements: volunteers without them, or whose qualification "
            "expires before the shift ends, cannot take this position."
        ),
    )

    @staticmethod
    def initial_for(shift) -> dict:
        initial = {
            f: getattr(shift, f)
            for f in ("name", "description", "starts_at", "ends_at", "capacity", "waitlist_size")
        }
        initial["required_qualifications"] = [q.pk for q in shift.required_qualifications.all()]
        return initial


class ShiftGridForm(BootstrapFormMixin, forms.Form):
    positions = forms.CharField(
        label=_("Positions"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "量血压 × 4\n理发 × 2\n磨刀"}),
        help_text=_("One position per line; add × and a number for its own number of places."),
    )
    slots = forms.CharField(
        label=_("Time slots"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "08:30-10:00\n10:00-11:30"}),
        help_text=_("One time slot per line, such as 08:30-10:00."),
    )
    on = forms.DateField(label=_("Day"), widget=DateInput())
    capacity = forms.IntegerField(label=_("Places per shift"), min_value=1, initial=2)
    waitlist_size = forms.IntegerField(label=_("Waitlist places per shift"), min_value=0, initial=0)

    def clean_positions(self):
        rows = parse_counted_lines(self.cleaned_data["positions"], field="positions")
        if any(len(name) > 80 for name, _n in rows):
            raise forms.ValidationError(_("A position's name has at most 80 characters."))
        return rows

    def clean_slots(self):
        try:
            return parse_time_slots(self.cleaned_data["slots"])
        except FieldErrors as exc:
            raise forms.ValidationError(exc.errors["slots"]) from None


class CopyForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(
        label=_("New date"),
        widget=DateInput(),
        help_text=_("The copy keeps the times of day and the shifts."),
    )


class OutcomeForm(BootstrapFormMixin, forms.Form):
    people_served = forms.IntegerField(label=_("People served"), required=False, min_value=0)
    outputs = forms.CharField(
        label=_("Outputs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "爱心包 × 200\n理发 × 35"}),
        help_text=_("One per line, such as 爱心包 × 200."),
    )
    outcome_summary = forms.CharField(
        label=_("Outcome"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean_outputs(self):
        rows = parse_counted_lines(self.cleaned_data["outputs"], field="outputs")
        if any(count is None for _name, count in rows):
            raise forms.ValidationError(_("Give each output a whole number, such as 爱心包 × 200."))
        return [{"name": name, "count": count} for name, count in rows]

    @staticmethod
    def initial_for(activity: Activity) -> dict:
        return {
            "people_served": activity.people_served,
            "outcome_summary": activity.outcome_summary,
            "outputs": "\n".join(
                f"{o.get('name', '')} × {o.get('count', '')}" for o in activity.outputs or []
            ),
        }


class PhotoForm(BootstrapFormMixin, forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP, at most 5 MB, 200 to 6000 pixels a side."),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityPhoto.Kind.choices)


class SeriesForm(BootstrapFormMixin, forms.Form):
    rule = forms.ChoiceField(label=_("Repeats"), choices=Series.Rule.choices)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Day(s) of the week"),
        coerce=int,
        choices=weekday_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    ordinal = forms.TypedChoiceField(
        label=_("Which one in the month"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *ORDINAL_CHOICES],
        help_text=_(
            "Monthly rules: “second” Saturday is the 2nd Saturday of the month; the Saturday of the "
            "“second” week is the Saturday of the 2nd Monday-to-Sunday week, week 1 being the one that "
            "holds the 1st."
        ),
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until (optional)"), required=False, widget=DateInput())
    horizon_months = forms.IntegerField(label=_("Generate months ahead"), min_value=1, max_value=24)


class SeriesEditForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = _place_and_rules_fields()
        fields["starts_time"] = forms.TimeField(label=_("Start time"), widget=TimeInput())
        fields["ends_time"] = forms.TimeField(label=_("End time"), widget=TimeInput())
        fields["ends_on"] = forms.DateField(label=_("Until (optional)"), required=False, widget=DateInput())
        self.fields = fields
        _style(self)

    @staticmethod
    def initial_for(series: Series) -> dict:
        template = series.template
        assert template is not None  # the views answer 404 for a series without one
        initial = ActivityForm.initial_for(template)
        initial["starts_time"] = (
            timezone.localtime(template.starts_at).time().replace(second=0, microsecond=0)
        )
        initial["ends_time"] = timezone.localtime(template.ends_at).time().replace(second=0, microsecond=0)
        initial["ends_on"] = series.ends_on
        return initial

    def service_kwargs(self, series: Series) -> dict:
        data = dict(self.cleaned_data)
        template = series.template
        assert template is not None
        old_start = timezone.localtime(template.starts_at).time().replace(second=0, microsecond=0)
        old_end = timezone.localtime(template.ends_at).time().replace(second=0, microsecond=0)
        if data["starts_time"] == old_start and data["ends_time"] == old_end:
            data.pop("starts_time")
            data.pop("ends_time")
        if data["ends_on"] == series.ends_on:
            data.pop("ends_on")
        # Send only what changed, so that a series edit does not rewrite untouched fields.
        initial = ActivityForm.initial_for(template)
        for name in list(data):
            if name in initial and name != "required_skills" and initial[name] == data[name]:
                data.pop(name)
        if set(data.get("required_skills", [])) == set(initial["required_skills"]):
            data.pop("required_skills", None)
        return data


def default_series_start(activity: Activity) -> dt.date:
    return timezone.localtime(activity.starts_at).date() + dt.timedelta(days=1)
