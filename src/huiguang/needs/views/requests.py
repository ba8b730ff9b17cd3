"""Volunteers' pages (nearby open requests sorted by distance, take, my taken requests, close with
notes and photos) and the console's (queue, review: accept, merge, decline; dispatch or open;
the team assigns a member). Refusals explain themselves (409); outside the scope: 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.attendance import codes
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import INVALID_FORM_STATUS, form_status, show_errors
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_view

from .. import permissions as perms
from ..forms import AssignForm, CloseForm, MergeForm, NearbyForm, ReasonForm, TeamForm
from ..models import ServiceRequest
from ..selectors import requests as selectors
from ..services import requests as services
from .common import refused

S = ServiceRequest.Status

# --- volunteers -----------------------------------------------------------------------------------


@login_required
def nearby(request):
    form = NearbyForm(request.GET or None)
    position = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = selectors.open_nearby_for(
        request.user, lat=position.get("lat"), lng=position.get("lng"), km=position.get("km")
    )
    context = {
        "form": form,
        "found": found,
        "is_volunteer": perms.volunteer_of(request.user) is not None,
        "km": position.get("km") or 10,
        "located": position.get("lat") is not None and position.get("lng") is not None,
    }
    return render(request, "needs/requests/nearby.html", context, status=form_status(form))


@login_required
def open_detail(request, pk: int):
    req = selectors.open_get_for(request.user, pk)
    return render(request, "needs/requests/open_detail.html", {"req": req})


@login_required
@require_POST
def take(request, pk: int):
    req = selectors.open_get_for(request.user, pk)
    try:
        services.request_take(actor=request.user, req=req, request=request)
    except Refused as exc:
        return refused(request, exc, back=reverse("needs:nearby"))
    messages.success(
        request, _("You took request %(n)s. Contact the resident to arrange the visit.") % {"n": req.number}
    )
    return redirect("needs:taken_detail", pk=req.pk)


@login_required
def taken(request):
    page = paginate(request, selectors.taken_list_for(request.user))
    return render(request, "needs/requests/taken.html", {"page_obj": page, "requests": page.object_list})


@login_required
def taken_detail(request, pk: int):
    req = selectors.taken_get_for(request.user, pk)
    form = CloseForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_close(actor=request.user, req=req, **form.cleaned_data, request=request)
        except Refused as exc:
            return refused(request, exc, back=request.path)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Request closed. The resident was sent a link to rate it."))
            return redirect("needs:taken_detail", pk=req.pk)
    code = codes.activity_code(req.activity_id) if req.activity_id and req.status == S.TAKEN else ""
    context = {"req": req, "form": form, "checkin_code": code}
    return render(request, "needs/requests/taken_detail.html", context, status=form_status(form))


# --- the console ----------------------------------------------------------------------------------


@console_view
def queue(request):
    if not selectors.is_console_reader(request.user):
        raise Http404
    status = request.GET.get("status", "")
    q = (request.GET.get("q") or "").strip()[:100]
    page = paginate(request, selectors.request_list_for_console(request.user, status=status, q=q))
    context = {
        "page_obj": page,
        "requests": page.object_list,
        "status": status if status in S.values else "",
        "q": q,
        "statuses": S.choices,
        "may_post": perms.may_post_for_others(request.user),
    }
    return render(request, "needs/requests/queue.html", context)


def _decision_forms(request, req: ServiceRequest, bound: str = "", data=None) -> dict:
    """The forms of the console detail; `bound` names the one that was sent."""
    user = request.user

    def pick(name):
        return data if bound == name else None

    return {
        "decline_form": ReasonForm(pick("decline"), prefix="decline"),
        "merge_form": MergeForm(
            pick("merge"), prefix="merge", targets=selectors.merge_targets_for(user, req)
        ),
        "team_form": TeamForm(
            pick("team"), prefix="team", organizations=selectors.serving_organizations_for(user, req)
        ),
        "assign_form": AssignForm(pick("assign"), prefix="assign", members=selectors.team_members_for(req)),
    }


def _console_page(request, req: ServiceRequest, forms: dict, status: int = 200):
    sees = perms.sees_contact(request.user, req)
    if sees:
        audit_log(action="service_request_contact_viewed", actor=request.user, obj=req, request=request)
    context = {
        "req": req,
        "contact": req.contact_phone if sees else req.contact_masked,
        "may_review": perms.may_review(request.user, req),
        "may_assign": perms.may_assign(request.user, req) and req.status == S.DISPATCHED,
        "reviewable": req.status in perms.REVIEWABLE,
        **forms,
    }
    return render(request, "needs/requests/console_detail.html", context, status=status)


@console_view
def console_detail(request, pk: int):
    req = selectors.request_get_for_console(request.user, pk)
    return _console_page(request, req, _decision_forms(request, req))


ACTIONS = ("accept", "decline", "merge", "dispatch", "open", "assign")


@console_view
@require_POST
def console_action(request, pk: int, action: str):
    req = selectors.request_get_for_console(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    bound = {
        "decline": "decline",
        "merge": "merge",
        "dispatch": "team",
        "open": "team",
        "assign": "assign",
    }.get(action, "")
    forms = _decision_forms(request, req, bound, request.POST)
    form = forms.get(f"{bound}_form")
    if form is not None and not form.is_valid():
        return _console_page(request, req, forms, status=INVALID_FORM_STATUS)
    data = form.cleaned_data if form is not None else {}
    try:
        _act(request, req, action, data)
    except PermissionDenied:
        raise Http404 from None
    except Refused as exc:
        return refused(request, exc, back=reverse("needs:console_detail", args=[req.pk]))
    except FieldErrors as exc:
        if form is None:
            return refused(
                request, Refused("invalid", " ".join(sum(exc.errors.values(), []))), back=request.path
            )
        show_errors(form, exc)
        return _console_page(request, req, forms, status=INVALID_FORM_STATUS)
    messages.success(
        request, _("Request %(n)s is now %(status)s.") % {"n": req.number, "status": req.get_status_display()}
    )
    return redirect("needs:console_detail", pk=req.pk)


def _act(request, req: ServiceRequest, action: str, data: dict) -> None:
    kwargs = {"actor": request.user, "req": req, "request": request}
    if action == "accept":
        services.request_accept(**kwargs)
    elif action == "decline":
        services.request_decline(**kwargs, reason=data["reason"])
    elif action == "merge":
        services.request_merge(**kwargs, into=data["into"])
    elif action == "dispatch":
        services.request_dispatch(**kwargs, organization=data["organization"])
    elif action == "open":
        services.request_open(**kwargs, organization=data["organization"])
    else:
        services.request_assign(**kwargs, volunteer=data["volunteer"])
