"""The human review of an automated score (PIPL art. 24): asked by the volunteer, answered by a
city admin — kept, or corrected by an adjustment in points. A correction is a new snapshot
(source "review") and stays in every later snapshot as the "review" component. Both answers
are audited and the volunteer is told."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.notifications.services import notify

from ..models import CreditReview, CreditSnapshot
from ..permissions import may_manage_credit
from .snapshots import snapshot_compute

MAX_ADJUSTMENT = 200
CREDIT_REVIEW_ANSWERED = "credit_review_answered"


def review_request(*, volunteer, text: str, request=None) -> CreditReview:
    text = (text or "").strip()
    if not text:
        raise FieldErrors({"text": [_("Say what should be reviewed.")]})
    snapshot = snapshot_compute(volunteer=volunteer)
    try:
        with transaction.atomic():
            review = CreditReview.objects.create(
                volunteer=volunteer, snapshot=snapshot, request_text=text[:500]
            )
            audit_log(action="credit.review_request", actor=volunteer.user, obj=review, request=request)
    except IntegrityError:
        raise Refused(
            "ALREADY_OPEN", _("Your earlier review request is still waiting for an answer.")
        ) from None
    return review


def review_answer(
    *, actor, review: CreditReview, decision: str, reason: str, adjustment: int = 0, request=None
) -> CreditReview:
    """decision "kept" or "corrected" (with a non-zero adjustment of at most ±200 points)."""
    if not may_manage_credit(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if decision not in (CreditReview.Status.KEPT, CreditReview.Status.CORRECTED):
        errors["decision"] = [_("Choose kept or corrected.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the answer.")]
    if decision == CreditReview.Status.CORRECTED and not (
        isinstance(adjustment, int) and adjustment != 0 and abs(adjustment) <= MAX_ADJUSTMENT
    ):
        errors["adjustment"] = [
            _("Give an adjustment between -%(max)d and %(max)d points, not 0.") % {"max": MAX_ADJUSTMENT}
        ]
    if errors:
        raise FieldErrors(errors)
    if decision == CreditReview.Status.KEPT:
        adjustment = 0
    with transaction.atomic():
        updated = CreditReview.objects.filter(pk=review.pk, status=CreditReview.Status.OPEN).update(
            status=decision,
            adjustment=adjustment,
            answer=reason[:500],
            answered_by=actor,
            answered_at=timezone.now(),
        )
        if updated != 1:
            raise Refused("ANSWERED", _("This review has already been answered."))
        review.refresh_from_db()
        if decision == CreditReview.Status.CORRECTED:
            review.outcome = snapshot_compute(volunteer=review.volunteer, source=CreditSnapshot.Source.REVIEW)
            review.save(update_fields=["outcome"])
        audit_log(
            action="credit.review_corrected"
            if decision == CreditReview.Status.CORRECTED
            else "credit.review_kept",
            actor=actor,
            obj=review,
            request=request,
            adjustment=adjustment,
            reason=reason[:200],
            outcome_snapshot=review.outcome_id,
        )
        notify(
            user=review.volunteer.user,
            kind=CREDIT_REVIEW_ANSWERED,
            title=_("Your credit score review was answered"),
            body=(_("Kept: %(reason)s") if decision == "kept" else _("Corrected: %(reason)s"))
            % {"reason": reason},
            url=reverse("credit:me"),
        )
    return review
