"""The volunteer's side: the offers they may claim (and why not the others), claiming, their codes
with a QR, cancelling, and the map of partner stores."""

from __future__ import annotations

import math

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huiguang.core.errors import Refused
from huiguang.core.pagination import paginate

from ..models import Offer
from ..selectors.offers import (
    claim_qr_url,
    offer_get_open,
    offers_with_decisions,
    redemption_get_of,
    redemptions_of,
)
from ..selectors.partners import point_from, stores_by_distance
from ..services import offers as services
from .common import volunteer_or_404


@login_required
@require_GET
def offer_list(request):
    volunteer = volunteer_or_404(request)
    category = request.GET.get("category", "")
    category = category if category in Offer.Category.values else ""
    context = {
        "pairs": offers_with_decisions(volunteer, category=category),
        "categories": Offer.Category.choices,
        "category": category,
    }
    return render(request, "benefits/offers/list.html", context)


@login_required
@require_POST
def offer_claim(request, pk):
    volunteer = volunteer_or_404(request)
    offer = offer_get_open(pk)
    try:
        claim = services.redemption_claim(volunteer=volunteer, offer=offer, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect("benefits:offers")
    return redirect("benefits:my_code", claim.pk)


@login_required
@require_GET
def my_codes(request):
    volunteer = volunteer_or_404(request)
    return render(
        request, "benefits/offers/mine.html", {"page_obj": paginate(request, redemptions_of(volunteer))}
    )


@login_required
@require_GET
def my_code(request, pk):
    claim = redemption_get_of(volunteer_or_404(request), pk)
    context = {"claim": claim, "code": services.format_code(claim.code)}
    if claim.state == "open":
        context["svg"] = segno.make(claim_qr_url(claim), error="m").svg_inline(
            border=2, dark="#111", omitsize=True
        )
    return render(request, "benefits/offers/code.html", context)


@login_required
@require_POST
def my_code_cancel(request, pk):
    volunteer = volunteer_or_404(request)
    claim = redemption_get_of(volunteer, pk)
    try:
        services.redemption_cancel(volunteer=volunteer, claim=claim, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The claim is cancelled and the unit is back in stock."))
    return redirect("benefits:my_codes")


@login_required
@require_GET
def stores(request):
    lat, lng = point_from(request.GET.get("lat"), request.GET.get("lng"))
    rows = stores_by_distance(lat, lng)
    context = {"stores": rows, "lat": lat, "lng": lng, "plot": scatter(rows, lat, lng)}
    return render(request, "benefits/offers/stores.html", context)


def scatter(stores, lat, lng, *, width: int = 320, height: int = 240, pad: int = 12) -> dict:
    """The stores (and the volunteer, when located) as points of a small SVG map: longitude to the
    right, latitude up, one scale for both axes (degrees of longitude shrunk by cos(latitude))."""
    located = [s for s in stores if s.latitude is not None and s.longitude is not None]
    coords = [(float(s.longitude), float(s.latitude)) for s in located]
    if lat is not None and lng is not None:
        coords.append((lng, lat))
    if not coords:
        return {"points": [], "width": width, "height": height}
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    shrink = math.cos(math.radians(sum(ys) / len(ys)))
    span_x, span_y = (max(xs) - min(xs)) * shrink, max(ys) - min(ys)
    scale = min((width - 2 * pad) / max(span_x, 1e-4), (height - 2 * pad) / max(span_y, 1e-4))
    # the points' box centred in the picture
    left = (width - span_x * scale) / 2
    bottom = (height + span_y * scale) / 2

    def place(x, y):
        return round(left + (x - min(xs)) * shrink * scale, 1), round(bottom - (y - min(ys)) * scale, 1)

    points = [{"store": s, "xy": place(float(s.longitude), float(s.latitude))} for s in located]
    me = place(lng, lat) if lat is not None and lng is not None else None
    return {"points": points, "me": me, "width": width, "height": height}
