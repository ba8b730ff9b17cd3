from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.models import Organization

from ..models import AwardLevel, Competition, Project, Round, Track
from .common import MultipleImageField, date_input, fen, yuan_field


def _organizations():
    return Organization.objects.filter(status=Organization.Status.ACTIVE).order_by("path")


class CompetitionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    entries_close_on = forms.DateField(label=_("Entries close"), widget=date_input())
    co_hosts = forms.ModelMultipleChoiceField(label=_("Co-hosts"), queryset=Organization.objects.none())
    tracks = forms.CharField(
        label=_("Tracks"),
        max_length=500,
        help_text=_("One a line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    entry_rules = forms.CharField(
        label=_("Entry rules"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    blind_review = forms.BooleanField(
        label=_("Blind review (judges do not see the entry's organization)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_hosts"].queryset = _organizations()  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["tracks"] = data["tracks"].splitlines()
        return data


class TrackForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Track"), max_length=60)


class RoundForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=40, help_text=_("E.g. preliminary, semi-final, final.")
    )
    starts_on = forms.DateField(label=_("Starts"), widget=date_input())
    ends_on = forms.DateField(label=_("Ends"), widget=date_input())
    venue = forms.CharField(label=_("Venue"), max_length=120, required=False)
    advance_count = forms.IntegerField(
        label=_("Entries advancing"), min_value=0, max_value=500, initial=0, help_text=_("0 in the final.")
    )


class CriterionForm(BootstrapFormMixin, forms.Form):
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none())
    name = forms.CharField(label=_("Criterion"), max_length=60)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100)

    def __init__(self, *args, competition: Competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = competition.rounds.filter(status=Round.Status.OPEN)  # type: ignore[attr-defined]


class JudgeForm(BootstrapFormMixin, forms.Form):
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none())
    phone = forms.CharField(label=_("Judge's mobile number"), max_length=20)
    conflicts = forms.ModelMultipleChoiceField(
        label=_("Declared conflicts of interest"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args, competition: Competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = competition.rounds.filter(status=Round.Status.OPEN)  # type: ignore[attr-defined]
        self.fields["conflicts"].queryset = _organizations()  # type: ignore[attr-defined]

    def clean_phone(self):
        user = (
            get_user_model().objects.filter(phone=self.cleaned_data["phone"].strip(), is_active=True).first()
        )
        if user is None:
            raise forms.ValidationError(_("No user has this mobile number."))
        return user


class AwardLevelForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Award"), max_length=60)
    prize = yuan_field(_("Prize money"), required=False)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=100, initial=1)

    def service_kwargs(self) -> dict:
        return {
            "name": self.cleaned_data["name"],
            "prize_fen": fen(self.cleaned_data["prize"]),
            "places": self.cleaned_data["places"],
        }


class EntryForm(BootstrapFormMixin, forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    track = forms.ModelChoiceField(label=_("Track"), queryset=Track.objects.none())
    summary = forms.CharField(label=_("Summary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    application_form = forms.FileField(
        label=_("Application form (PDF)"),
        help_text=_("A PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    images = MultipleImageField(label=_("Images"), required=False, help_text=_("Up to 6 photos."))

    def __init__(self, *args, competition: Competition, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]
        self.fields["track"].queryset = competition.tracks.all()  # type: ignore[attr-defined]


class ReviewForm(BootstrapFormMixin, forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Eligible")), ("0", _("Not eligible"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AwardForm(BootstrapFormMixin, forms.Form):
    level = forms.ModelChoiceField(label=_("Award"), queryset=AwardLevel.objects.none())

    def __init__(self, *args, competition: Competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = competition.award_levels.all()  # type: ignore[attr-defined]


class ScoreForm(BootstrapFormMixin, forms.Form):
    """One 0–100 field per criterion of the judge's round."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"c{c.pk}"] = forms.IntegerField(
                label=f"{c.name} ({c.weight})",
                min_value=0,
                max_value=100,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
            )

    def values(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}
