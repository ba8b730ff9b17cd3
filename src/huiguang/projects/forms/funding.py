import datetime as dt
import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from huiguang.core.forms import BootstrapFormMixin

from ..models import Funder, Milestone, Programme
from ..services.funding import MAX_SPENDING_LINES
from .common import IMAGE_ACCEPT, IMAGE_HELP, MultipleImageField, date_input, fen, yuan_field

SPENDING_LINES = 5  # lines the report form shows at first; "add a line" goes up to MAX_SPENDING_LINES
LINE_FIELD = re.compile(r"^(?:item|amount|receipt)_(\d{1,6})$")


def lines_sent(data, files) -> int:
    """The highest spending line number the request holds (0: none)."""
    keys = list(data or ()) + list(files or ())
    return max((int(m.group(1)) for m in map(LINE_FIELD.match, keys) if m), default=0)


class FunderForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Funder name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Funder.Kind.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)


class ProgrammeForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=120)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=Funder.objects.order_by("name"))
    budget = yuan_field(_("Budget"))
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GrantForm(BootstrapFormMixin, forms.Form):
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=Funder.objects.order_by("name"))
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.all(), required=False)
    amount = yuan_field(_("Amount"))
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    awarded_on = forms.DateField(label=_("Awarded"), widget=date_input(), initial=dt.date.today)


class MilestoneForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    due_on = forms.DateField(label=_("Due"), widget=date_input())
    deliverables = forms.CharField(
        label=_("Deliverables"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisbursementForm(BootstrapFormMixin, forms.Form):
    amount = yuan_field(_("Amount"))
    paid_on = forms.DateField(label=_("Paid on"), widget=date_input(), initial=dt.date.today)
    milestone = forms.ModelChoiceField(
        label=_("Milestone"), queryset=Milestone.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, grant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = grant.milestones.all()  # type: ignore[attr-defined]


class MentorForm(BootstrapFormMixin, forms.Form):
    phone = forms.CharField(
        label=_("Mentor's mobile number"), max_length=20, help_text=_("The league cadre's login.")
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        user = get_user_model().objects.filter(phone=phone, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this mobile number."))
        return user


class MilestoneReportForm(BootstrapFormMixin, forms.Form):
    """The report with as many spending lines as were sent or asked for (`lines`), from
    SPENDING_LINES up to MAX_SPENDING_LINES: a form sent with more lines is refused whole."""

    max_lines = MAX_SPENDING_LINES
    text = forms.CharField(label=_("Report"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    photos = MultipleImageField(label=_("Photos"), required=False, help_text=IMAGE_HELP)

    def __init__(self, *args, lines: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines_asked = max(lines, lines_sent(self.data, self.files) if self.is_bound else 0)
        self.lines = min(MAX_SPENDING_LINES, max(SPENDING_LINES, self.lines_asked))
        for i in range(1, self.lines + 1):
            self.fields[f"item_{i}"] = forms.CharField(label=_("Spent on"), max_length=120, required=False)
            self.fields[f"amount_{i}"] = yuan_field(_("Amount"), required=False)
            self.fields[f"receipt_{i}"] = forms.FileField(
                label=_("Receipt"), required=False, widget=forms.ClearableFileInput(attrs=dict(IMAGE_ACCEPT))
            )
            for name, hint in (
                (f"item_{i}", _("Spent on")),
                (f"amount_{i}", _("Amount (yuan)")),
                (f"receipt_{i}", _("Receipt")),
            ):
                self.fields[name].widget.attrs.update(
                    {"class": "form-control", "placeholder": hint, "aria-label": hint}
                )

    def spending_rows(self):
        """The form's spending lines, grouped for the template."""
        return [
            (self[f"item_{i}"], self[f"amount_{i}"], self[f"receipt_{i}"]) for i in range(1, self.lines + 1)
        ]

    def next_line(self) -> int | None:
        """The number of the line "add a line" adds; None at the most lines."""
        return self.lines + 1 if self.lines < MAX_SPENDING_LINES else None

    def clean(self):
        data = super().clean() or {}
        if self.lines_asked > MAX_SPENDING_LINES:
            raise forms.ValidationError(
                _("At most %(n)d spending lines.") % {"n": MAX_SPENDING_LINES}, code="too_many_lines"
            )
        for i in range(1, self.lines + 1):
            item, amount = data.get(f"item_{i}"), data.get(f"amount_{i}")
            if item and not amount:
                self.add_error(f"amount_{i}", _("Enter the amount spent."))
            if amount and not item:
                self.add_error(f"item_{i}", _("Say what the money was spent on."))
        return data

    def spending_lines(self) -> list:
        data = self.cleaned_data
        return [
            (data[f"item_{i}"], fen(data[f"amount_{i}"]), data.get(f"receipt_{i}"))
            for i in range(1, self.lines + 1)
            if data.get(f"item_{i}")
        ]


class ReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return for revision"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") == "return" and not data.get("comment"):
            self.add_error("comment", _("Say what must be revised."))
        return data
