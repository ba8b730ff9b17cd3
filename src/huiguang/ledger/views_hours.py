"""My hours, the same per volunteer in the console, make-up requests, disputes, exports (part G).

The reads of these pages are the `*_for` functions at the top: scoped querysets that answer 404
outside the user's scope, aggregated in the database (constant query counts per page). Writes go
through services/corrections.py; PermissionDenied from a service answers 404, Refused shows its
message with status 409, FieldErrors re-render the form with status 422.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_view
from huiguang.network.scope import scope_for
from huiguang.network.selectors import organization_managed_by, volunteer_of

from .models import ActivityRating, Dispute, MakeupRequest, ServiceRecord
from .services import corrections

PAGE = 30

# --- reads ------------------------------------------------------------------------------------------------


def hours_summary(volunteer) -> dict:
    """Part E's summary (credit, honour, total minutes, star, next star, progress) with the hours
    the pages show (minutes / 60, shown to one decimal)."""
    from .selectors import hours_summary as ledger_summary

    summary = dict(ledger_summary(volunteer))
    for key in ("credit", "honor", "total"):
        summary[f"{key}_hours"] = summary[f"{key}_minutes"] / 60
    summary["to_next_hours"] = summary["minutes_to_next_star"] / 60
    return summary


def records_with_status(queryset: QuerySet[ServiceRecord]) -> QuerySet[ServiceRecord]:
    """Records with what the pages show: hours, whether reversed, an open dispute, the rating."""
    reversals = ServiceRecord.objects.filter(reverses=OuterRef("pk")).exclude(
        status=ServiceRecord.Status.REJECTED
    )
    open_disputes = Dispute.objects.filter(record=OuterRef("pk"), status=Dispute.Status.OPEN)
    my_rating = ActivityRating.objects.filter(
        activity=OuterRef("activity_id"), volunteer=OuterRef("volunteer_id")
    ).values("rating")[:1]
    return (
        queryset.select_related("organization", "activity")
        .annotate(
            hours=Cast(F("minutes"), FloatField()) / 60.0,
            is_reversed=Exists(reversals),
            has_open_dispute=Exists(open_disputes),
            my_rating=Subquery(my_rating),
        )
        .order_by("-service_date", "-started_at", "-id")
    )


def volunteer_records(volunteer) -> QuerySet[ServiceRecord]:
    from .selectors import records_for_volunteer

    return records_with_status(records_for_volunteer(volunteer))


def own_record_get(user, pk: int) -> ServiceRecord:
    volunteer = volunteer_of(user)
    record = volunteer_records(volunteer).filter(pk=pk).first() if volunteer else None
    if record is None:
        raise Http404
    return record


def makeup_list_for(user) -> QuerySet[MakeupRequest]:
    """Make-up requests of the organizations in the user's console scope."""
    scope = scope_for(user)
    if not scope.is_console_user:
        return MakeupRequest.objects.none()
    return (
        MakeupRequest.objects.filter(scope.organizations_q("organization__"))
        .select_related(
            "volunteer", "organization__region", "activity", "requested_by", "decided_by", "record"
        )
        .order_by("-created_at", "-id")
    )


def makeup_get_for(user, pk: int) -> MakeupRequest:
    makeup = makeup_list_for(user).filter(pk=pk).first()
    if makeup is None:
        raise Http404
    return makeup


def dispute_list_for(user) -> QuerySet[Dispute]:
    """Disputes about records of the organizations in the user's console scope."""
    scope = scope_for(user)
    if not scope.is_console_user:
        return Dispute.objects.none()
    return (
        Dispute.objects.filter(scope.organizations_q("record__organization__"))
        .select_related("volunteer", "record__organization__region", "answered_by")
        .order_by("-created_at", "-id")
    )


def dispute_get_for(user, pk: int) -> Dispute:
    dispute = dispute_list_for(user).filter(pk=pk).first()
    if dispute is None:
        raise Http404
    return dispute


def may_decide_makeup(user, makeup: MakeupRequest) -> bool:
    from .services.records import may_manage_records

    return makeup.requested_by_id != user.pk and may_manage_records(user, makeup.organization)


def may_answer_dispute(user, dispute: Dispute) -> bool:
    from .services.records import may_manage_records

    return may_manage_records(user, dispute.record.organization)


def makeup_activities_for(user) -> QuerySet:
    """Activities a make-up request may name: those the user edits, within the time limit."""
    from django.conf import settings

    from huiguang.activities.models import Activity
    from huiguang.activities.permissions import editor_q

    q = editor_q(user, "organization__")
    if q is None:
        return Activity.objects.none()
    since = timezone.now() - dt.timedelta(days=settings.HUIGUANG_MAKEUP_LIMIT_DAYS + 1)
    return (
        Activity.objects.filter(q, starts_at__gte=since, starts_at__lte=timezone.now())
        .exclude(status__in=[Activity.Status.DRAFT, Activity.Status.CANCELLED])
        .select_related("organization")
        .order_by("-starts_at")
    )


# --- helpers ----------------------------------------------------------------------------------------------


def _show_errors(form, exc: FieldErrors) -> None:
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _console(view):
    """A console page; a PermissionDenied from a service answers 404 (not yours to change)."""

    @console_view
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    return wrapped


def _volunteer_or_404(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


def _refused(request, exc: Refused, back: str):
    return render(
        request,
        "ledger/hours/message.html",
        {"heading": _("Not possible"), "message": exc.message, "reason": exc.reason, "back": back},
        status=exc.status,
    )


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


# --- my hours ---------------------------------------------------------------------------------------------


@login_required
def my_hours(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return render(request, "ledger/hours/no_volunteer.html")
    page = paginate(request, volunteer_records(volunteer), PAGE)
    return render(
        request,
        "ledger/hours/my_hours.html",
        {
            "summary": hours_summary(volunteer),
            "page_obj": page,
            "volunteer": volunteer,
            "disputes": Dispute.objects.filter(volunteer=volunteer).select_related("record")[:20],
        },
    )


@login_required
def my_hours_export(request):
    from .exports import records_xlsx

    volunteer = _volunteer_or_404(request)
    return records_xlsx(
        request=request,
        records=ServiceRecord.objects.filter(volunteer=volunteer),
        filename=f"hours-{volunteer.volunteer_number}",
        audit_obj=volunteer,
        what="own_records",
    )


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


@login_required
def dispute_create(request, pk: int):
    volunteer = _volunteer_or_404(request)
    record = own_record_get(request.user, pk)
    form = DisputeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            hours = form.cleaned_data["claimed_hours"]
            try:
                corrections.dispute_open(
                    volunteer=volunteer,
                    record=record,
                    reason=form.cleaned_data["reason"],
                    claimed_minutes=int(hours * 60) if hours is not None else None,
                    request=request,
                )
            except Refused as exc:
                return _refused(request, exc, back=_my_hours_url())
            except FieldErrors as exc:
                _show_errors(form, exc)
            else:
                messages.success(request, _("Your dispute was sent to the organization."))
                return redirect("ledger:my_hours")
        status = 422
    return render(request, "ledger/hours/dispute_form.html", {"form": form, "record": record}, status=status)


class RatingForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"), coerce=int, choices=[(i, "★" * i) for i in range(5, 0, -1)]
    )
    comment = forms.CharField(label=gettext_lazy("Comment (optional)"), max_length=300, required=False)


@login_required
def activity_rate(request, pk: int):
    from huiguang.activities.models import Activity

    volunteer = _volunteer_or_404(request)
    # Only an activity the volunteer has confirmed hours in exists here.
    served = volunteer_records(volunteer).filter(
        activity_id=pk, status=ServiceRecord.Status.CONFIRMED, minutes__gt=0
    )
    activity = Activity.objects.filter(pk=pk, pk__in=served.values("activity_id")).first()
    if activity is None:
        raise Http404
    current = ActivityRating.objects.filter(activity=activity, volunteer=volunteer).first()
    initial = {"rating": current.rating, "comment": current.comment} if current else {"rating": 5}
    form = RatingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                corrections.activity_rate(volunteer=volunteer, activity=activity, **form.cleaned_data)
            except FieldErrors as exc:
                _show_errors(form, exc)
            else:
                messages.success(request, _("Thank you for rating the activity."))
                return redirect("ledger:my_hours")
        status = 422
    return render(request, "ledger/hours/rate_form.html", {"form": form, "activity": activity}, status=status)


def _my_hours_url() -> str:
    return reverse("ledger:my_hours")


# --- the console: one volunteer's hours -------------------------------------------------------------------


@_console
def volunteer_hours(request, pk: int):
    from huiguang.volunteers.selectors import volunteer_get_for

    volunteer = volunteer_get_for(request.user, pk)
    page = paginate(request, volunteer_records(volunteer), PAGE)
    return render(
        request,
        "ledger/hours/volunteer_hours.html",
        {"summary": hours_summary(volunteer), "page_obj": page, "volunteer": volunteer},
    )


@_console
def volunteer_hours_export(request, pk: int):
    from huiguang.volunteers.selectors import volunteer_get_for

    from .exports import records_xlsx

    volunteer = volunteer_get_for(request.user, pk)
    return records_xlsx(
        request=request,
        records=ServiceRecord.objects.filter(volunteer=volunteer),
        filename=f"hours-{volunteer.volunteer_number}",
        audit_obj=volunteer,
        what="volunteer_records",
    )


# --- the console: make-up requests ------------------------------------------------------------------------


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
        self.fields["activity"].queryset = makeup_activities_for(user)
        self.user = user

    def clean_volunteer_number(self):
        from huiguang.volunteers.selectors import volunteer_list_for

        number = self.cleaned_data["volunteer_number"].strip()
        volunteer = volunteer_list_for(self.user).filter(volunteer_number=number).first()
        if volunteer is None:
            raise forms.ValidationError(_("No volunteer with this number in your organizations."))
        return volunteer


@_console
def makeup_list(request):
    status = request.GET.get("status", MakeupRequest.Status.PENDING)
    if status not in MakeupRequest.Status.values:
        status = ""
    qs = makeup_list_for(request.user)
    if status:
        qs = qs.filter(status=status)
    page = paginate(request, qs, PAGE)
    for makeup in page:
        makeup.hours = (makeup.ended_at - makeup.started_at).total_seconds() / 3600
        makeup.can_decide = makeup.status == MakeupRequest.Status.PENDING and may_decide_makeup(
            request.user, makeup
        )
    return render(
        request,
        "ledger/hours/makeup_list.html",
        {"page_obj": page, "status": status, "statuses": MakeupRequest.Status.choices},
    )


@_console
def makeup_create(request):
    from huiguang.activities.permissions import may_create_activities

    if not may_create_activities(request.user):
        raise Http404
    form = MakeupForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                corrections.makeup_request_create(
                    actor=request.user,
                    volunteer=data["volunteer_number"],
                    organization=data["activity"].organization,
                    activity=data["activity"],
                    started_at=data["started_at"],
                    ended_at=data["ended_at"],
                    reason=data["reason"],
                    request=request,
                )
            except FieldErrors as exc:
                _show_errors(form, exc)
            except Refused as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("The request waits for a second administrator's approval."))
                return redirect("ledger:makeup_list")
        status = 422 if status == 200 else status
    return render(request, "ledger/hours/makeup_form.html", {"form": form}, status=status)


@require_POST
@_console
def makeup_decide(request, pk: int):
    makeup = makeup_get_for(request.user, pk)
    back = reverse("ledger:makeup_list")
    try:
        if request.POST.get("decision") == "approve":
            corrections.makeup_request_approve(actor=request.user, makeup=makeup, request=request)
            messages.success(request, _("Approved: the hours are on the volunteer's record."))
        else:
            corrections.makeup_request_reject(
                actor=request.user, makeup=makeup, note=request.POST.get("note", "")[:300], request=request
            )
            messages.success(request, _("Rejected: the volunteer has been told."))
    except Refused as exc:
        return _refused(request, exc, back=back)
    except FieldErrors as exc:
        message = " ".join(m for msgs in exc.errors.values() for m in msgs)
        return render(
            request,
            "ledger/hours/message.html",
            {"heading": _("Not possible"), "message": message, "reason": "INVALID", "back": back},
            status=422,
        )
    return redirect("ledger:makeup_list")


# --- the console: disputes --------------------------------------------------------------------------------


@_console
def dispute_list(request):
    status = request.GET.get("status", Dispute.Status.OPEN)
    if status not in Dispute.Status.values:
        status = ""
    qs = dispute_list_for(request.user)
    if status:
        qs = qs.filter(status=status)
    page = paginate(request, qs, PAGE)
    return render(
        request,
        "ledger/hours/dispute_list.html",
        {"page_obj": page, "status": status, "statuses": Dispute.Status.choices},
    )


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


@_console
def dispute_answer(request, pk: int):
    dispute = dispute_get_for(request.user, pk)
    record = dispute.record
    may_answer = dispute.status == Dispute.Status.OPEN and may_answer_dispute(request.user, dispute)
    initial_minutes = dispute.claimed_minutes if dispute.claimed_minutes is not None else record.minutes
    form = AnswerForm(
        request.POST or None, initial={"decision": "accept", "hours": round(initial_minutes / 60, 1)}
    )
    status = 200
    if request.method == "POST":
        if not may_answer:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "accept":
                    if data["hours"] is None:
                        raise FieldErrors({"hours": [_("Give the hours the record should count.")]})
                    corrections.dispute_accept(
                        actor=request.user,
                        dispute=dispute,
                        minutes=int(data["hours"] * 60),
                        answer=data["answer"],
                        request=request,
                    )
                else:
                    corrections.dispute_reject(
                        actor=request.user, dispute=dispute, answer=data["answer"], request=request
                    )
            except FieldErrors as exc:
                _show_errors(form, exc)
            except Refused as exc:
                return _refused(request, exc, back=reverse("ledger:disputes"))
            else:
                messages.success(request, _("The dispute is answered; the volunteer has been told."))
                return redirect("ledger:disputes")
        status = 422
    return render(
        request,
        "ledger/hours/dispute_answer.html",
        {
            "dispute": dispute,
            "record": record,
            "form": form,
            "may_answer": may_answer,
            "record_hours": record.minutes / 60,
            "claimed_hours": dispute.claimed_minutes / 60 if dispute.claimed_minutes is not None else None,
        },
        status=status,
    )


# --- the console: an organization's records for a period, as .xlsx ----------------------------------------


class OrgExportForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=gettext_lazy("Organization"), queryset=None)  # type: ignore[var-annotated]
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organization_managed_by(user).order_by("path")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        elif start and end and (end - start).days > 366:
            self.add_error("end", _("Export at most one year at a time."))
        return data


@_console
def organization_export(request):
    if not organization_managed_by(request.user).exists():
        raise Http404
    today = timezone.localdate()
    bound = "organization" in request.GET
    form = OrgExportForm(
        request.GET if bound else None,
        user=request.user,
        initial={"start": today.replace(day=1), "end": today},
    )
    if bound and form.is_valid():
        from .exports import records_xlsx

        data = form.cleaned_data
        org = data["organization"]
        records = ServiceRecord.objects.filter(
            Q(organization__path__startswith=org.path),
            service_date__gte=data["start"],
            service_date__lte=data["end"],
        )
        return records_xlsx(
            request=request,
            records=records,
            filename=f"records-{org.code}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}",
            audit_obj=org,
            what="organization_records",
            period=f"{data['start']}/{data['end']}",
        )
    return render(request, "ledger/hours/export_form.html", {"form": form}, status=422 if bound else 200)
