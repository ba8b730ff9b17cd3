"""Console: membership applications and member roles."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import INVALID_FORM_STATUS
from huiguang.core.pagination import paginate
from huiguang.core.text import posted_text

from .. import selectors as sel
from ..forms import parse_ids
from ..models import Membership
from ..permissions import console_view, may_write
from ..services import memberships
from .common import filters_from, next_url
from .console_orgs import org_detail_page


def _membership_list_page(request, status: int = 200):
    filters = filters_from(request, "status", "organization", "q")
    if "status" not in request.GET:
        filters["status"] = Membership.Status.APPLIED
    page_obj = paginate(request, sel.membership_rows_for(request.user, **filters))
    return render(
        request,
        "network/membership_list.html",
        {
            "page_obj": page_obj,
            "filters": filters,
            "statuses": Membership.Status.choices,
            "can_decide": may_write(request.user),
        },
        status=status,
    )


@console_view
def membership_list(request):
    return _membership_list_page(request)


@console_view
@require_POST
def membership_decide(request):
    if not may_write(request.user):
        raise Http404
    one = request.POST.get("approve_one") or request.POST.get("reject_one")
    approve = "approve_one" in request.POST if one else request.POST.get("action") == "approve"
    ids = parse_ids([one] if one else request.POST.getlist("ids"))
    if not ids:
        messages.error(request, _("Tick at least one application."))
        return _membership_list_page(request, status=INVALID_FORM_STATUS)
    try:
        note = posted_text(request, "note", max_length=300)
    except FieldErrors as exc:
        messages.error(request, " ".join(exc.errors["note"]))
        return _membership_list_page(request, status=INVALID_FORM_STATUS)
    decided = memberships.membership_decide(
        actor=request.user, ids=ids, approve=approve, note=note, request=request
    )
    n = len(decided)
    if approve:
        messages.success(
            request, ngettext("%(n)d application approved.", "%(n)d applications approved.", n) % {"n": n}
        )
    else:
        messages.success(
            request, ngettext("%(n)d application rejected.", "%(n)d applications rejected.", n) % {"n": n}
        )
    if n < len(ids):
        skipped = len(ids) - n
        messages.warning(
            request,
            ngettext(
                "%(n)d application was not decided: it is outside your scope or no longer waiting.",
                "%(n)d applications were not decided: they are outside your scope or no longer waiting.",
                skipped,
            )
            % {"n": skipped},
        )
    return redirect(next_url(request, reverse("network:membership_list")))


@console_view
@require_POST
def membership_role(request, pk):
    membership = sel.membership_managed_get(request.user, pk)
    org = membership.organization
    try:
        memberships.membership_set_role(
            actor=request.user, membership=membership, role=request.POST.get("role", ""), request=request
        )
    except FieldErrors as exc:
        for msgs in exc.errors.values():
            messages.error(request, " ".join(msgs))
        return org_detail_page(
            request, sel.organization_get_for(request.user, org.pk), status=INVALID_FORM_STATUS
        )
    except Refused as exc:
        messages.error(request, exc.message)
        return org_detail_page(request, sel.organization_get_for(request.user, org.pk), status=409)
    messages.success(
        request,
        _("%(name)s is now %(role)s.")
        % {
            "name": membership.volunteer,
            "role": membership.get_role_display(),
        },
    )
    return redirect(next_url(request, reverse("network:org_detail", args=[org.pk])))
