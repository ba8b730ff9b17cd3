"""The volunteer's own pages: the score with every component, what would raise it, the history,
honors, the review request; the art. 19 record export (records + honors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.ledger.views.common import volunteer_or_404

from ..explain import explain, hint_text
from ..exports import record_xlsx
from ..forms import ReviewRequestForm
from ..scoring import hints, inputs_of
from ..selectors.scores import honors_of, open_review, own_reviews, snapshot_history
from ..services.reviews import review_request
from ..services.snapshots import snapshot_compute

HISTORY = 20


def posted(request):
    """The form data of a POST (bound even when empty: an empty form sent is invalid, 422)."""
    return request.POST if request.method == "POST" else None


def score_context(volunteer) -> dict:
    """What the score page shows (also the console's view of a volunteer's score)."""
    snapshot = snapshot_compute(volunteer=volunteer)
    return {
        "volunteer": volunteer,
        "snapshot": snapshot,
        "rows": explain(snapshot.components, snapshot.policy),
        "hints": [hint_text(h) for h in hints(inputs_of(snapshot.components), snapshot.policy)],
        "history": snapshot_history(volunteer)[:HISTORY],
        "honors": honors_of(volunteer),
    }


@login_required
def me(request, form=None):
    volunteer = volunteer_or_404(request)
    context = score_context(volunteer)
    context.update(
        form=form or ReviewRequestForm(),
        open_review=open_review(volunteer),
        reviews=own_reviews(volunteer)[:10],
    )
    return render(request, "credit/me.html", context, status=form_status(form))


@login_required
@require_POST
def review_create(request):
    volunteer = volunteer_or_404(request)
    form = ReviewRequestForm(request.POST)
    if form.is_valid():
        try:
            review_request(volunteer=volunteer, text=form.cleaned_data["text"], request=request)
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your review request was sent to the city."))
            return redirect("credit:me")
    return me(request, form=form)


@login_required
def my_record_export(request):
    return record_xlsx(request=request, volunteer=volunteer_or_404(request), what="own_record_with_honors")
