"""The city's credit console: review queue and answers, the policy (a new version), the score
distribution, a recompute of everyone; a volunteer's score and record for the admins who see
that volunteer. Users outside a page's roles get 404 (DESIGN §6)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_page

from ..explain import explain
from ..exports import record_xlsx
from ..forms import PolicyForm, ReviewAnswerForm
from ..models import CreditReview
from ..permissions import may_manage_credit, may_read_credit_console
from ..selectors.scores import (
    current_policy,
    policy_list,
    review_get_for,
    review_list_for,
    score_distribution,
    volunteer_credit_get_for,
)
from ..services.policies import policy_publish
from ..services.reviews import review_answer
from ..tasks import recompute_credit
from .me import posted as _posted
from .me import score_context


def _reader(request) -> None:
    if not may_read_credit_console(request.user):
        raise Http404


@console_page
def reviews(request):
    _reader(request)
    status = request.GET.get("status", "open")
    status = status if status in CreditReview.Status.values else ""
    page_obj = paginate(request, review_list_for(request.user, status=status))
    return render(
        request,
        "credit/console/reviews.html",
        {"page_obj": page_obj, "status": status, "statuses": CreditReview.Status.choices},
    )


@console_page
def review_detail(request, pk: int):
    _reader(request)
    review = review_get_for(request.user, pk)
    form = ReviewAnswerForm(_posted(request)) if may_manage_credit(request.user) else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                review_answer(
                    actor=request.user,
                    review=review,
                    decision=data["decision"],
                    reason=data["reason"],
                    adjustment=data["adjustment"] or 0,
                    request=request,
                )
            except FieldErrors as exc:
                show_errors(form, exc)
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The answer was recorded and the volunteer told."))
                return redirect("credit:reviews")
    context = {"review": review, "form": form, "rows": explain(review.snapshot.components)}
    return render(request, "credit/console/review.html", context, status=form_status(form))


@console_page
def policy_edit(request):
    if not may_manage_credit(request.user):
        raise Http404
    policy = current_policy()
    form = PolicyForm(_posted(request), policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            new = policy_publish(
                actor=request.user,
                base=form.cleaned_data["base"],
                components=form.components(),
                bands=form.bands(),
                description=form.cleaned_data["description"],
                request=request,
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request,
                _("Credit policy version %(v)d is in force; scores follow at the next recompute.")
                % {"v": new.version},
            )
            return redirect("credit:policy_edit")
    context = {"form": form, "policy": policy, "history": policy_list()[:20]}
    return render(request, "credit/console/policy_edit.html", context, status=form_status(form))


@console_page
def distribution(request):
    _reader(request)
    data = score_distribution()
    peak = max((b["count"] for b in data["buckets"]), default=0) or 1
    for bucket in data["buckets"]:
        bucket["percent"] = round(100 * bucket["count"] / peak)
    return render(
        request,
        "credit/console/distribution.html",
        {"data": data, "policy": current_policy(), "may_recompute": may_manage_credit(request.user)},
    )


@console_page
@require_POST
def recompute_all(request):
    if not may_manage_credit(request.user):
        raise Http404
    recompute_credit.enqueue()
    messages.success(request, _("Every volunteer's score is being recomputed."))
    return redirect("credit:distribution")


@console_page
def volunteer_credit(request, pk: int):
    volunteer = volunteer_credit_get_for(request.user, pk)
    return render(request, "credit/console/volunteer.html", score_context(volunteer))


@console_page
def volunteer_record_export(request, pk: int):
    volunteer = volunteer_credit_get_for(request.user, pk)
    return record_xlsx(request=request, volunteer=volunteer, what="volunteer_record_with_honors")
