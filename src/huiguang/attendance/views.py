"""Check-in pages: the leader's QR screen, roster and e-card scanner; the volunteer's QR landing
page and the code + location page. Every form carries an idempotency key made when it was shown,
so a double tap or a resent form gives the first answer."""

from __future__ import annotations

import uuid
from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.links import absolute_url
from huiguang.network.permissions import console_view

from . import codes, selectors, services
from .models import CheckIn

MAX_BULK = 500


def _key(request, raw: str) -> str:
    """An idempotency key of the form, namespaced by the user (keys are unique across everyone)."""
    raw = (raw or "").strip()[:64]
    return f"u{request.user.pk}:{raw}" if raw else ""


def _form_key() -> str:
    return uuid.uuid4().hex


def _failure(exc: Exception) -> str:
    if isinstance(exc, FieldErrors):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return str(getattr(exc, "message", exc))


def _device(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:200]


def leader_view(view):
    @console_view
    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        shift = selectors.shift_run_by(request.user, pk)
        return view(request, shift, *args, **kwargs)

    return wrapped


def _scan_url(request, shift_id: int) -> str:
    path = reverse("attendance:scan", args=[codes.qr_token(shift_id)])
    return absolute_url(path)


def _qr_state(request, shift) -> dict:
    url = _scan_url(request, shift.pk)
    return {
        "url": url,
        "svg": segno.make(url, error="m").svg_inline(border=2, dark="#111", omitsize=True),
        "code": codes.activity_code(shift.activity_id),
        "inside": selectors.inside_count(shift),
        "refresh_seconds": settings.HUIGUANG_QR_ROTATE_SECONDS,
    }


# --- the leader's pages -------------------------------------------------------------------------------


@leader_view
def qr_screen(request, shift):
    return render(
        request,
        "attendance/qr.html",
        {"shift": shift, "activity": shift.activity, **_qr_state(request, shift)},
    )


@leader_view
def qr_state(request, shift):
    """JSON for the QR screen's refresh: a new token's URL and image, the code, who is in."""
    response = JsonResponse(_qr_state(request, shift))
    response["Cache-Control"] = "no-store"
    return response


@leader_view
@require_http_methods(["GET", "POST"])
def roster(request, shift):
    if request.method == "POST":
        _mark(request, shift)
        return redirect("attendance:roster", shift.pk)
    rows = list(selectors.attendance_roster(shift))
    return render(
        request,
        "attendance/roster.html",
        {
            "shift": shift,
            "activity": shift.activity,
            "rows": rows,
            "inside": sum(1 for e in rows if getattr(e, "is_in", False)),
            "form_key": _form_key(),
        },
    )


def _mark(request, shift) -> None:
    kind = request.POST.get("action", "")
    if kind not in CheckIn.Kind.values:
        messages.error(request, _("Choose 'mark arrived' or 'mark left'."))
        return
    ids = [int(v) for v in request.POST.getlist("ids")[:MAX_BULK] if v.isdigit() and v.isascii()]
    chosen = list(
        shift.enrollments.filter(pk__in=ids, status__in=selectors.ROSTER_STATUSES).select_related("volunteer")
    )
    if not chosen:
        messages.error(request, _("Select at least one person."))
        return
    form_key = (request.POST.get("form_key") or "").strip()[:32]
    done, refused = [], []
    for enrollment in chosen:
        key = _key(request, f"{form_key}:{enrollment.pk}:{kind}") if form_key else ""
        try:
            outcome = services.checkin_by_leader(
                actor=request.user,
                enrollment=enrollment,
                kind=kind,
                idempotency_key=key,
                payload={"enrollment": enrollment.pk, "kind": kind, "method": "leader"},
            )
            done.append(outcome.checkin.enrollment.volunteer.real_name)
        except (Refused, FieldErrors) as exc:
            refused.append(_failure(exc))
    if done:
        text = _("Marked arrived: %(names)s.") if kind == CheckIn.Kind.IN else _("Marked left: %(names)s.")
        messages.success(request, text % {"names": "、".join(done)})
    for text in refused:
        messages.error(request, text)


@leader_view
@require_http_methods(["GET", "POST"])
def ecard_scan(request, shift):
    if request.method == "POST":
        token = (request.POST.get("token") or "").strip()[:2000]
        key = _key(request, request.POST.get("form_key", ""))
        try:
            outcome = services.checkin_by_ecard(
                actor=request.user,
                shift=shift,
                token=token,
                idempotency_key=key,
                payload={"shift": shift.pk, "token": token, "method": "ecard"},
            )
            messages.success(request, outcome.message)
        except (Refused, FieldErrors) as exc:
            messages.error(request, _failure(exc))
        return redirect("attendance:ecard_scan", shift.pk)
    return render(
        request,
        "attendance/ecard_scan.html",
        {
            "shift": shift,
            "activity": shift.activity,
            "form_key": _form_key(),
            "inside": selectors.inside_count(shift),
        },
    )


# --- the volunteer's pages ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scan(request, token):
    """The URL in the leader's QR code. GET shows one big button (a link preview or a prefetch
    must not check anyone in); POST checks in, or out when the volunteer is in."""
    token = token[:600]
    context = {"token": token, "form_key": _form_key()}
    if request.method == "POST":
        key = _key(request, request.POST.get("form_key", ""))
        try:
            outcome = services.checkin_by_qr(
                user=request.user,
                token=token,
                idempotency_key=key,
                device=_device(request),
                payload={"token": token, "method": "qr"},
            )
            return render(
                request,
                "attendance/result.html",
                {"ok": True, "message": outcome.message, "checkin": outcome.checkin},
            )
        except (Refused, FieldErrors) as exc:
            return render(
                request,
                "attendance/result.html",
                {"ok": False, "message": _failure(exc)},
                status=409 if isinstance(exc, Refused) else 422,
            )
    check = codes.qr_verify(token)
    if check.problem:
        message = (
            _("This QR code has expired. Scan the leader's screen again.")
            if check.problem == "EXPIRED"
            else _("This check-in code is not valid. Scan the leader's QR code again.")
        )
        return render(request, "attendance/result.html", {"ok": False, "message": message}, status=409)
    assert check.shift_id is not None  # a token that verified names its shift
    enrollment = selectors.scan_enrollment(request.user, check.shift_id)
    if enrollment is None:
        return render(
            request,
            "attendance/result.html",
            {"ok": False, "message": _("You have no confirmed place on this shift.")},
            status=409,
        )
    context.update({"enrollment": enrollment, "is_in": selectors.open_checkin(enrollment) is not None})
    return render(request, "attendance/scan.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def code_checkin(request):
    context = {"form_key": _form_key(), "now": timezone.now()}
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()[:12]
        lat, lng = request.POST.get("lat") or None, request.POST.get("lng") or None
        key = _key(request, request.POST.get("form_key", ""))
        try:
            outcome = services.checkin_by_code(
                user=request.user,
                code=code,
                lat=lat,
                lng=lng,
                idempotency_key=key,
                device=_device(request),
                payload={"code": code, "lat": lat, "lng": lng, "method": "code_gps"},
            )
            return render(
                request,
                "attendance/result.html",
                {"ok": True, "message": outcome.message, "checkin": outcome.checkin},
            )
        except (Refused, FieldErrors) as exc:
            context.update({"error": _failure(exc), "code": code})
            response = render(request, "attendance/code.html", context, status=exc.status)
            if isinstance(exc, services.TooManyTries):
                response["Retry-After"] = str(exc.retry_after)
            return response
    return render(request, "attendance/code.html", context)
