"""The ledger's web forms: a volunteer's dispute, rating and certificate request; the console's
make-up request, dispute answer, export period, confirmation, record filter, star policy and
certificate issue. Choices come from the scoped selectors: a form never offers what the user
may not use."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.core.forms import BootstrapFormMixin
from huiguang.network.models import Organization
from huiguang.network.selectors import organization_list_for, organization_managed_by
from huiguang.volunteers.selectors import volunteer_list_for

from .models import ServiceRecord
from .selectors.certificates import issuer_choices
from .selectors.corrections import makeup_activities_for


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class DisputeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is wrong"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    claimed_hours = forms.DecimalField(
        label=gettext_lazy("Hours you served (optional)"),
        required=False,
        min_value=0,
        max_digits=4,
        decimal_places=1,
    )


class RatingForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"), coerce=int, choices=[(i, "★" * i) for i in range(5, 0, -1)]
    )
    comment = forms.CharField(label=gettext_lazy("Comment (optional)"), max_length=300, required=False)


class MakeupForm(BootstrapFormMixin, forms.Form):
    volunteer_number = forms.CharField(label=gettext_lazy("Volunteer number"), max_length=32)
    activity = forms.ModelChoiceField(label=gettext_lazy("Activity"), queryset=None)  # type: ignore[var-annotated]
    started_at = forms.DateTimeField(label=gettext_lazy("Started"), widget=DateTimeLocal())
    ended_at = forms.DateTimeField(label=gettext_lazy("Ended"), widget=DateTimeLocal())
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why the hours were not recorded at the time, e.g. the phone had no signal."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["activity"]).queryset = makeup_activities_for(user)
        self.user = user

    def clean_volunteer_number(self):
        number = self.cleaned_data["volunteer_number"].strip()
        volunteer = volunteer_list_for(self.user).filter(volunteer_number=number).first()
        if volunteer is None:
            raise forms.ValidationError(_("No volunteer with this number in your organizations."))
        return volunteer


class AnswerForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("accept", gettext_lazy("Accept: correct the record")), ("reject", gettext_lazy("Reject"))],
        widget=forms.RadioSelect,
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Correct hours"),
        required=False,
        min_value=0,
        max_digits=4,
        decimal_places=1,
        help_text=gettext_lazy("When accepting: the hours the record should count (0 removes it)."),
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer to the volunteer"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OrgExportForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=gettext_lazy("Organization"), queryset=None)  # type: ignore[var-annotated]
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organization_managed_by(
            user
        ).order_by("path")

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        elif start and end and (end - start).days > 366:
            self.add_error("end", _("Export at most one year at a time."))
        return data


RATINGS = [("", gettext_lazy("No rating"))] + [(str(n), str(n)) for n in range(5, 0, -1)]


class DecisionForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(choices=[("confirm", "confirm"), ("reject", "reject")])  # the submit buttons
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating (1–5)"), choices=RATINGS, coerce=int, empty_value=None, required=False
    )
    evaluation = forms.CharField(
        label=gettext_lazy("Evaluation of the service"), max_length=200, required=False
    )
    reason = forms.CharField(label=gettext_lazy("Reason for rejecting"), max_length=300, required=False)

    def clean(self):
        data = super().clean() or {}
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for the volunteer."))
        return data


class PeriodForm(BootstrapFormMixin, forms.Form):
    organization = forms.TypedChoiceField(label=gettext_lazy("Organization"), coerce=int, required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + ServiceRecord.Status.choices,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = (
            organization_list_for(user).select_related(None).only("id", "name").order_by("path")[:500]
        )
        cast(forms.ChoiceField, self.fields["organization"]).choices = [("", _("All my organizations"))] + [
            (o.pk, o.name) for o in organizations
        ]


class StarPolicyForm(BootstrapFormMixin, forms.Form):
    star1 = forms.IntegerField(label=gettext_lazy("1 star from (hours)"), min_value=1)
    star2 = forms.IntegerField(label=gettext_lazy("2 stars from (hours)"), min_value=1)
    star3 = forms.IntegerField(label=gettext_lazy("3 stars from (hours)"), min_value=1)
    star4 = forms.IntegerField(label=gettext_lazy("4 stars from (hours)"), min_value=1)
    star5 = forms.IntegerField(label=gettext_lazy("5 stars from (hours)"), min_value=1, max_value=100000)

    def thresholds(self) -> list[int]:
        return [self.cleaned_data[f"star{n}"] for n in range(1, 6)]


class RequestForm(BootstrapFormMixin, forms.Form):
    issuer: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Issuing organization"), queryset=Organization.objects.none()
    )
    all_organizations = forms.BooleanField(
        label=gettext_lazy("Hours of every organization (not only the issuer's)"), required=False
    )
    period_start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave both dates empty for all your hours."),
    )
    period_end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=200, required=False)

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["issuer"]).queryset = issuer_choices(volunteer)


class IssueForm(BootstrapFormMixin, forms.Form):
    responsible_person = forms.CharField(label=gettext_lazy("Responsible person"), max_length=64)
    handler = forms.CharField(label=gettext_lazy("Handled by"), max_length=64)
    contact = forms.CharField(label=gettext_lazy("Contact details"), max_length=64)


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class HistoryUploadForm(BootstrapFormMixin, forms.Form):
    """The history import's upload (issue 15): the files of one source, checked before anything is written."""

    uploads = MultipleFileField(
        label=gettext_lazy("Files"),
        help_text=gettext_lazy(
            "One .csv or .xlsx file per kind: 组织, 成员, 活动, 服务记录 (see the templates)."
        ),
    )
    source = forms.CharField(
        label=gettext_lazy("Platform the history comes from"), max_length=64, initial="志愿汇"
    )
    verified = forms.BooleanField(
        label=gettext_lazy("Its hours were verified attendance (count them as credit hours)"), required=False
    )
