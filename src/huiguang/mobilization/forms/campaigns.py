"""Forms of rapid mobilization campaigns: field shapes only; the services hold the rules."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.activities.models import Shift
from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.models import Region
from huiguang.training.models import Course

from ..models.campaigns import Campaign, Recruit, ScreeningQuestion

YES_NO = [("yes", _("yes")), ("no", _("no"))]


def parse_questions(text: str) -> list[dict]:
    """One question a line: `question ; answers ; disqualifying ; needs review`, the lists split
    by "/" (no answers: a yes / no question, answered "yes" or "no")."""
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("；", ";").split(";")] + ["", "", ""]
        answers = [a.strip() for a in parts[1].split("/") if a.strip()]
        out.append(
            {
                "text": parts[0],
                "kind": ScreeningQuestion.Kind.CHOICE if answers else ScreeningQuestion.Kind.YES_NO,
                "choices": answers,
                "disqualifying": [a.strip() for a in parts[2].split("/") if a.strip()],
                "review": [a.strip() for a in parts[3].split("/") if a.strip()],
            }
        )
    return out


class CampaignForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    course = forms.ModelChoiceField(
        label=_("Induction course"), queryset=Course.objects.none(), required=False
    )
    target_recruited = forms.IntegerField(
        label=_("Target: recruited"), min_value=0, max_value=10**7, initial=0
    )
    target_screened = forms.IntegerField(label=_("Target: screened"), min_value=0, max_value=10**7, initial=0)
    target_trained = forms.IntegerField(label=_("Target: trained"), min_value=0, max_value=10**7, initial=0)
    target_deployed = forms.IntegerField(label=_("Target: deployed"), min_value=0, max_value=10**7, initial=0)
    questions = forms.CharField(
        label=_("Screening questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One question a line: question ; answers ; disqualifying answers ; answers needing review "
            "(lists split by “/”; no answers: a yes / no question). "
            "Example: Have you had a fever in the last 14 days? ; ; yes ;"
        ),
    )

    def __init__(self, *args, regions, courses, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = regions
        cast(forms.ModelChoiceField, self.fields["course"]).queryset = courses

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["questions"] = parse_questions(data.get("questions") or "")
        return data


class JoinForm(BootstrapFormMixin, forms.Form):
    """The campaign's screening questions, one radio field `q<id>` each."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(YES_NO)
        for q in questions:
            choices = (
                [(c, labels.get(c, c)) for c in q.choices]
                if q.kind == q.Kind.YES_NO
                else [(c, c) for c in q.choices]
            )
            self.fields[f"q{q.pk}"] = forms.ChoiceField(
                label=q.text, choices=choices, widget=forms.RadioSelect
            )

    def answers(self) -> dict:
        return {k[1:]: v for k, v in self.cleaned_data.items() if k.startswith("q")}


class ScreenForm(BootstrapFormMixin, forms.Form):
    ids = forms.TypedMultipleChoiceField(label=_("Recruits"), coerce=int, choices=[])
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("approve")), ("reject", _("reject"))]
    )
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=200, required=False)

    def __init__(self, *args, recruit_ids, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["ids"]).choices = [(i, i) for i in recruit_ids]


def _shift_label(shift: Shift) -> str:
    starts = timezone.localtime(shift.starts_at)
    return f"{shift.activity.title} · {shift.name} · {starts:%m-%d %H:%M} · {shift.taken}/{shift.capacity}"


class ShiftChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _shift_label(obj)


class AssignForm(BootstrapFormMixin, forms.Form):
    shifts = ShiftChoiceField(
        label=_("Shifts"),
        queryset=Shift.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    town = forms.ModelChoiceField(
        label=_("Town (empty: every town)"), queryset=Region.objects.none(), required=False
    )

    def __init__(self, *args, shifts, towns, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["shifts"]).queryset = shifts
        cast(forms.ModelChoiceField, self.fields["town"]).queryset = towns


class BlastForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Message title"), max_length=120)
    body = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("every stage")), *Recruit.Stage.choices]
    )
    town = forms.ModelChoiceField(
        label=_("Town (empty: every town)"), queryset=Region.objects.none(), required=False
    )

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["town"]).queryset = towns


STATUS_MOVES = {
    "open": Campaign.Status.RECRUITING,
    "close": Campaign.Status.CLOSED,
    "end": Campaign.Status.ENDED,
}
