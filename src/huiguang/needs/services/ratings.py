"""评单: the resident rates a request through a link sent by SMS that needs no login.

The link carries `django.core.signing.dumps({"r": request id, "n": nonce}, salt=SALT)`: a forged or
altered token fails the signature; the nonce names the `RatingInvite` row, which expires
(`HUIGUANG_NEEDS_RATING_DAYS`) and is used once — the guarded
`UPDATE ratinginvite SET used_at=now WHERE nonce=… AND used_at IS NULL AND expires_at > now`
decides, in the transaction that writes the rating. A token is never stored: a copy of the database
cannot rate for anyone.

The daily chase (`huiguang chase_requests`) reminds: community admins of a request not dispatched,
opened or taken within `HUIGUANG_NEEDS_TAKE_HOURS`; the taker of a request not closed after its
time window; the resident, once, of a link unused after three days.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.links import absolute_url

from .. import permissions as perms
from ..models import Rating, RatingInvite, ServiceRequest
from .texts import tell_user, text_phone

S = ServiceRequest.Status
SALT = "huiguang.needs.rating"
REMIND_AFTER = dt.timedelta(days=3)


def rating_token(invite: RatingInvite) -> str:
    return signing.dumps({"r": invite.request_id, "n": invite.nonce}, salt=SALT, compress=True)


def rating_url(invite: RatingInvite) -> str:
    return absolute_url(reverse("needs:rate", args=[rating_token(invite)]))


def _text_link(req: ServiceRequest, invite: RatingInvite, message) -> None:
    text_phone(req.contact_phone, f"{message} {rating_url(invite)}")


def rating_invite_send(*, req: ServiceRequest) -> RatingInvite:
    """Called when the request is closed (in its transaction): the link goes out after commit."""
    invite = RatingInvite.objects.create(
        request=req,
        nonce=secrets.token_urlsafe(16),
        expires_at=timezone.now() + dt.timedelta(days=settings.HUIGUANG_NEEDS_RATING_DAYS),
    )
    _text_link(
        req,
        invite,
        _("Request %(n)s is done. How was the service? Rate it (no login needed):") % {"n": req.number},
    )
    return invite


class RatingRefused(Refused):
    """A link that cannot rate: forged or unknown (404: no such link), used (410) or expired (410)."""

    def __init__(self, reason: str, message, status: int):
        super().__init__(reason, message)
        self.status = status


def _forged() -> RatingRefused:
    return RatingRefused(
        "invalid", _("This rating link is not valid. Check that you opened the whole link."), 404
    )


def rating_invite_for(token: str) -> RatingInvite:
    """The live invitation a token names, or RatingRefused saying why not."""
    try:
        payload = signing.loads(token or "", salt=SALT)
        request_id, nonce = int(payload["r"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _forged() from None
    invite = RatingInvite.objects.select_related("request", "request__category").filter(nonce=nonce).first()
    if invite is None or invite.request_id != request_id:
        raise _forged()
    if invite.used_at is not None:
        raise RatingRefused("used", _("This request has been rated already: thank you!"), 410)
    if invite.expires_at <= timezone.now():
        raise RatingRefused(
            "expired",
            _("This rating link has expired: links work for %(n)d days.")
            % {"n": settings.HUIGUANG_NEEDS_RATING_DAYS},
            410,
        )
    return invite


def rating_submit(*, token: str, score, comment: str = "", request=None) -> Rating:
    invite = rating_invite_for(token)
    errors: dict[str, list[str]] = {}
    try:
        score = int(score)
        if not 1 <= score <= 5:
            raise ValueError
    except (TypeError, ValueError):
        errors["score"] = [_("Choose from 1 to 5 stars.")]
    comment = (comment or "").strip()
    if len(comment) > 1000:
        errors["comment"] = [_("Enter at most %(n)d characters.") % {"n": 1000}]
    if errors:
        raise FieldErrors(errors)
    req = invite.request
    now = timezone.now()
    with transaction.atomic():
        if not RatingInvite.objects.filter(pk=invite.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        ):
            raise RatingRefused("used", _("This request has been rated already: thank you!"), 410)
        if not ServiceRequest.objects.filter(pk=req.pk, status=S.DONE).update(status=S.RATED, updated_at=now):
            raise RatingRefused("used", _("This request has been rated already: thank you!"), 410)
        local = timezone.localdate(now)
        assert req.organization_id is not None  # a done request was served by a team
        rating = Rating.objects.create(
            request=req,
            score=score,
            comment=comment,
            organization_id=req.organization_id,
            category_id=req.category_id,
            region_id=req.region_id,
            volunteer_id=req.taker_id,
            month=local.replace(day=1),
        )
        audit_log(
            action="service_request_rated", obj=req, request=request, actor_label="resident", score=score
        )
        if req.taker is not None:
            tell_user(
                req.taker.user,
                kind="service_request",
                title=_("The resident rated request %(n)s: %(score)d of 5")
                % {"n": req.number, "score": score},
                body=comment[:200],
                url=reverse("needs:taken_detail", args=[req.pk]),
            )
    return rating


# --- the daily chase -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chased:
    not_taken: int
    not_closed: int
    unrated: int


def requests_chase(*, now: dt.datetime | None = None) -> Chased:
    """Chase once what is late (each request's `chased_at`, each invite's `reminded_at` guard a
    second reminder: running the task twice tells nobody twice)."""
    now = now or timezone.now()
    late = now - dt.timedelta(hours=settings.HUIGUANG_NEEDS_TAKE_HOURS)
    waiting = ServiceRequest.objects.filter(chased_at__isnull=True).filter(
        Q(status__in=[S.POSTED, S.ACCEPTED], created_at__lt=late)
        | Q(status__in=[S.OPEN, S.DISPATCHED], assigned_at__lt=late)
    )
    not_taken = 0
    for req in waiting.select_related("region", "organization"):
        if not ServiceRequest.objects.filter(pk=req.pk, chased_at__isnull=True).update(chased_at=now):
            continue
        not_taken += 1
        users = (
            perms.team_users(req.organization)
            if req.status == S.DISPATCHED and req.organization is not None
            else perms.community_users(req)
        )
        for user in users:
            tell_user(
                user,
                kind="service_request",
                title=_("A resident's request is waiting: %(n)s (%(status)s)")
                % {"n": req.number, "status": req.get_status_display()},
                body=req.description[:200],
                url=reverse("needs:console_detail", args=[req.pk]),
            )
    not_closed = 0
    unclosed = ServiceRequest.objects.filter(status=S.TAKEN, window_end__lt=now, chased_at__isnull=True)
    for req in unclosed.select_related("taker__user"):
        if not ServiceRequest.objects.filter(pk=req.pk, chased_at__isnull=True).update(chased_at=now):
            continue
        not_closed += 1
        tell_user(
            req.taker.user if req.taker is not None else None,
            kind="service_request",
            title=_("Close request %(n)s: say what was done.") % {"n": req.number},
            url=reverse("needs:taken_detail", args=[req.pk]),
        )
    unrated = 0
    invites = RatingInvite.objects.filter(
        used_at__isnull=True, reminded_at__isnull=True, expires_at__gt=now, created_at__lt=now - REMIND_AFTER
    )
    for invite in invites.select_related("request"):
        if not RatingInvite.objects.filter(pk=invite.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        unrated += 1
        _text_link(
            invite.request,
            invite,
            _("A reminder: how was the service of request %(n)s? Rate it:") % {"n": invite.request.number},
        )
    return Chased(not_taken, not_closed, unrated)
