"""The care register's pages: community workers and teams keep the register (list, new, detail,
edit, end, visit plans, missed visits, export), volunteers log their visits on a phone (whom I
visit, log a visit at the door, a need found made a request), and the satisfaction page.

Every page showing a recipient's personal data writes `care_recipient_viewed` to the audit log
(services.care). Outside the reader's reach: 404."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import INVALID_FORM_STATUS, form_status, show_errors
from huiguang.core.masking import safe_cell
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_view

from .. import permissions as perms
from ..forms import EndForm, PlanForm, RecipientForm, SatisfactionForm, VisitForm, VisitRequestForm
from ..models import CareRecipient
from ..selectors import care as selectors
from ..selectors import satisfaction as figures
from ..services import care as services
from .common import refused

R = CareRecipient


def _invalid(request, message, back: str):
    """A one-field form sent wrong (422): the page says what is missing, with a way back."""
    page = render(
        request, "needs/message.html", {"heading": _("Not possible"), "message": message, "back": back}
    )
    page.status_code = INVALID_FORM_STATUS
    return page


def _reader(request) -> None:
    if not selectors.is_register_reader(request.user):
        raise Http404


@console_view
def care_list(request):
    _reader(request)
    status = request.GET.get("status", R.Status.ACTIVE)
    category = request.GET.get("category", "")
    q = (request.GET.get("q") or "").strip()[:100]
    page = paginate(
        request, selectors.recipient_list_for(request.user, status=status, category=category, q=q)
    )
    context = {
        "page_obj": page,
        "recipients": page.object_list,
        "status": status,
        "category": category,
        "q": q,
        "statuses": R.Status.choices,
        "categories": R.Category.choices,
        "may_add": perms.may_keep_register(request.user),
        "missed": len(selectors.missed_visits_for(request.user)),
    }
    return render(request, "needs/care/list.html", context)


def _recipient_form(request, recipient: R | None = None):
    data = request.POST if request.method == "POST" else None
    initial = {}
    if recipient is not None:
        initial = {
            "category": recipient.category,
            "name": recipient.name,
            "id_number": "",
            "phone": recipient.phone,
            "region": recipient.region,
            "address": recipient.address,
            "lat": recipient.lat,
            "lng": recipient.lng,
            "needs": recipient.needs,
            "organization": recipient.organization,
            "volunteers": list(recipient.volunteers.all()),
        }
    return RecipientForm(
        data,
        initial=initial,
        regions=selectors.register_regions_for(request.user, recipient),
        teams=selectors.care_teams_for(request.user, recipient),
        volunteers=selectors.care_volunteers_for(request.user, recipient),
    )


@console_view
def care_create(request):
    if not perms.may_keep_register(request.user):
        raise Http404
    form = _recipient_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            recipient = services.care_recipient_create(
                actor=request.user, data=form.cleaned_data, request=request
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is in the care register.") % {"name": recipient.name})
            return redirect("needs:care_detail", pk=recipient.pk)
    return render(request, "needs/care/form.html", {"form": form}, status=form_status(form))


@login_required
def care_detail(request, pk: int):
    recipient = selectors.recipient_get_for(request.user, pk)
    services.care_recipient_viewed(actor=request.user, recipient=recipient, request=request)
    context = {
        "recipient": recipient,
        "visits": selectors.recipient_visits(recipient),
        "may_manage": perms.may_manage_recipient(request.user, recipient),
        "may_visit": perms.may_visit(request.user, recipient),
        "end_form": EndForm(),
        "missed": [
            m for m in selectors.missed_visits_for(request.user) if m.plan.recipient_id == recipient.pk
        ],
    }
    return render(request, "needs/care/detail.html", context)


@console_view
def care_edit(request, pk: int):
    recipient = selectors.recipient_get_for(request.user, pk)
    if not perms.may_manage_recipient(request.user, recipient) or recipient.erased_at is not None:
        raise Http404
    form = _recipient_form(request, recipient)
    if request.method == "POST" and form.is_valid():
        try:
            services.care_recipient_update(
                actor=request.user, recipient=recipient, data=form.cleaned_data, request=request
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("needs:care_detail", pk=recipient.pk)
    else:
        services.care_recipient_viewed(actor=request.user, recipient=recipient, request=request, via="edit")
    context = {"form": form, "recipient": recipient}
    return render(request, "needs/care/form.html", context, status=form_status(form))


@console_view
@require_POST
def care_end(request, pk: int):
    recipient = selectors.recipient_get_for(request.user, pk)
    if not perms.may_manage_recipient(request.user, recipient):
        raise Http404
    form = EndForm(request.POST)
    back = reverse("needs:care_detail", args=[recipient.pk])
    if not form.is_valid():
        return _invalid(request, _("Say why the care ends."), back)
    try:
        services.care_recipient_end(
            actor=request.user, recipient=recipient, reason=form.cleaned_data["reason"], request=request
        )
    except Refused as exc:
        return refused(request, exc, back=back)
    except FieldErrors as exc:
        return _invalid(request, " ".join(sum(exc.errors.values(), [])), back)
    messages.success(request, _("The care of %(name)s has ended.") % {"name": recipient.name})
    return redirect(back)


@console_view
def care_plan_create(request, pk: int):
    recipient = selectors.recipient_get_for(request.user, pk)
    if not perms.may_manage_recipient(request.user, recipient) or recipient.status != R.Status.ACTIVE:
        raise Http404
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        initial={"starts_on": timezone.localdate()},
        volunteers=perms.team_members(recipient.organization).order_by("real_name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_plan_create(
                actor=request.user, recipient=recipient, data=form.cleaned_data, request=request
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The visit plan is saved."))
            return redirect("needs:care_detail", pk=recipient.pk)
    context = {"form": form, "recipient": recipient}
    return render(request, "needs/care/plan_form.html", context, status=form_status(form))


@console_view
def care_missed(request):
    _reader(request)
    return render(
        request, "needs/care/missed.html", {"missed": selectors.missed_visits_for(request.user)[:300]}
    )


@console_view
def care_export(request):
    """The register as CSV (ID numbers masked): every recipient in it is an audited read."""
    if not perms.may_keep_register(request.user):
        raise Http404
    recipients = list(selectors.recipient_list_for(request.user, status=R.Status.ACTIVE))
    services.care_register_exported(actor=request.user, recipients=recipients, request=request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="care-register.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV with a BOM
    writer = csv.writer(response)
    writer.writerow(
        [
            _("name"),
            _("category"),
            _("ID number"),
            _("phone"),
            _("community"),
            _("address"),
            _("assigned team"),
        ]
    )
    for r in recipients:
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    r.name,
                    r.get_category_display(),
                    r.id_masked,
                    r.phone,
                    r.region.name,
                    r.address,
                    r.organization.name,
                )
            ]
        )
    return response


# --- volunteers -------------------------------------------------------------------------------------------


@login_required
def visits(request):
    context = {
        "recipients": selectors.my_recipients(request.user)[:100],
        "recent": selectors.my_visits(request.user)[:20],
        "today": timezone.localdate(),
    }
    return render(request, "needs/care/visits.html", context)


@login_required
def visit_log(request, pk: int):
    recipient = selectors.my_recipient_get(request.user, pk)
    form = VisitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_log(
                actor=request.user, recipient=recipient, **form.cleaned_data, request=request
            )
        except PermissionDenied:
            raise Http404 from None
        except Refused as exc:
            return refused(request, exc, back=request.path)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The visit is logged. Thank you!"))
            return redirect("needs:visit_detail", pk=visit.pk)
    elif request.method != "POST":
        services.care_recipient_viewed(actor=request.user, recipient=recipient, request=request, via="visit")
    context = {"recipient": recipient, "form": form}
    return render(request, "needs/care/visit_log.html", context, status=form_status(form))


@login_required
def visit_detail(request, pk: int):
    visit = selectors.my_visit_get(request.user, pk)
    context = {"visit": visit, "form": VisitRequestForm()}
    return render(request, "needs/care/visit_detail.html", context)


@login_required
@require_POST
def visit_request(request, pk: int):
    visit = selectors.my_visit_get(request.user, pk)
    form = VisitRequestForm(request.POST)
    back = reverse("needs:visit_detail", args=[visit.pk])
    if not form.is_valid():
        return _invalid(request, _("Choose what kind of help is needed."), back)
    try:
        req = services.visit_request_create(
            actor=request.user, visit=visit, category=form.cleaned_data["category"], request=request
        )
    except Refused as exc:
        return refused(request, exc, back=back)
    except FieldErrors as exc:
        return _invalid(request, " ".join(sum(exc.errors.values(), [])), back)
    messages.success(request, _("Request %(n)s was posted for the community to review.") % {"n": req.number})
    return redirect(back)


# --- satisfaction -------------------------------------------------------------------------------------------


@console_view
def satisfaction(request):
    if not figures.reads_satisfaction(request.user):
        raise Http404
    form = SatisfactionForm(request.GET or None)
    valid = form.is_bound and form.is_valid()
    this_month = timezone.localdate().replace(day=1)
    month: dt.date = (form.cleaned_data.get("month") if valid else None) or this_month
    by = (form.cleaned_data.get("by") if valid else "") or figures.BY_ORGANIZATION
    rows = figures.satisfaction_rows(request.user, month=month, by=by)
    context = {
        "form": form,
        "rows": rows,
        "month": month,
        "by": by,
        "groupings": figures.Grouping.choices,
    }
    return render(request, "needs/care/satisfaction.html", context, status=form_status(form))
