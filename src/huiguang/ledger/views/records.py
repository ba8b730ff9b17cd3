"""The ledger console: pending records (bulk confirm with a rating and an evaluation, reject with a
reason), an organization's records for a period, the city's star policy; the public signing key.

Pages answer 404 to users who may not use them (DESIGN §6): pending records are for the admins
who manage the organization (leaders and auditors read records, they do not confirm them); the
star policy is the city admin's.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from huiguang.core.crypto import public_key_b64
from huiguang.core.errors import FieldErrors
from huiguang.core.forms import show_errors
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_view
from huiguang.network.selectors import organization_list_for

from ..forms import DecisionForm, PeriodForm, StarPolicyForm
from ..permissions import may_confirm_any, may_edit_star_policy
from ..selectors.hours import current_policy, star_policy_history
from ..selectors.records import pending_list_for, records_for_period
from ..services.records import records_confirm, records_reject
from ..services.stars import star_policy_save

DEFAULT_THRESHOLDS = [100, 300, 600, 1000, 1500]


def _ids(request) -> list[int]:
    return [int(v) for v in request.POST.getlist("ids") if v.isdigit()][:500]


def _decide(request, form: DecisionForm, ids: list[int]) -> None:
    data = form.cleaned_data
    if data["action"] == "confirm":
        n = records_confirm(actor=request.user, ids=ids, rating=data["rating"], evaluation=data["evaluation"])
        messages.success(request, _("%(n)d record(s) confirmed.") % {"n": n})
    else:
        n = records_reject(actor=request.user, ids=ids, reason=data["reason"])
        messages.success(request, _("%(n)d record(s) rejected.") % {"n": n})


@console_view
def pending(request):
    if not may_confirm_any(request.user):
        raise Http404
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        ids = _ids(request)
        if not ids:
            messages.error(request, _("Select at least one record."))
        elif form.is_valid():
            try:
                _decide(request, form, ids)
                return redirect(request.get_full_path())
            except FieldErrors as exc:
                show_errors(form, exc)
    page_obj = paginate(request, pending_list_for(request.user))
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/records/pending.html", {"page_obj": page_obj, "form": form}, status=status)


@console_view
def records(request):
    form = PeriodForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    organization = filters.get("organization")
    if organization and not organization_list_for(request.user).filter(pk=organization).exists():
        raise Http404
    qs = records_for_period(
        request.user,
        organization=organization,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        status=filters.get("status") or "",
    )
    return render(request, "ledger/records/list.html", {"page_obj": paginate(request, qs), "form": form})


@console_view
def star_policy(request):
    if not may_edit_star_policy(request.user):
        raise Http404
    policy = current_policy()
    thresholds = policy.thresholds_hours if policy else DEFAULT_THRESHOLDS
    form = StarPolicyForm(request.POST or None, initial={f"star{n}": h for n, h in enumerate(thresholds, 1)})
    if request.method == "POST" and form.is_valid():
        try:
            new = star_policy_save(actor=request.user, thresholds_hours=form.thresholds())
        except FieldErrors as exc:
            show_errors(form, exc)  # the thresholds are five fields: the message goes above them
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("Star policy version %(v)d is in force; every volunteer's star was recomputed.")
                % {"v": new.version},
            )
            return redirect("ledger:star_policy")
    context = {"form": form, "policy": policy, "history": star_policy_history()}
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/records/star_policy.html", context, status=status)


@require_GET
@cache_control(public=True, max_age=3600)
def public_key(request):
    """The Ed25519 key that signs seals, certificates and attestations, for offline checks."""
    return JsonResponse(
        {
            "algorithm": "Ed25519",
            "encoding": "base64url (raw 32-byte public key, no padding)",
            "key": public_key_b64(),
        }
    )
