"""What the benefits pages share: the volunteer behind a request, a QR code as inline SVG."""

from __future__ import annotations

import segno
from django.http import Http404


def own_volunteer(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        raise Http404
    return volunteer


def qr_svg(data: str) -> str:
    return segno.make(data, error="l").svg_inline(border=2, dark="#111", omitsize=True)
