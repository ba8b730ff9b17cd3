"""What the benefits pages share: the signed-in volunteer, the city admin's console guard, a QR
code as inline SVG."""

from __future__ import annotations

from functools import wraps

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404

from huiguang.network.selectors import volunteer_of

from ..permissions import may_manage_partners


def volunteer_or_404(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


def partner_admin(view):
    """A page of the partner register: city admins only, 404 for anyone else."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_manage_partners(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def qr_svg(data: str) -> str:
    return segno.make(data, error="l").svg_inline(border=2, dark="#111", omitsize=True)
