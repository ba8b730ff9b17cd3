"""The partner's own pages: where partner staff land, and the clerk's code page (scan or type a
code, see the offer and the volunteer's masked name, redeem)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.masking import mask_name

from ..forms.offers import CodeForm
from ..models import PartnerStaff, Redemption
from ..permissions import staff_links
from ..selectors.offers import redemption_lookup
from ..selectors.partners import partner_acting_for
from ..services import offers as services


@login_required
@require_GET
def partner_home(request):
    """The partners the user acts for; with one link only, straight to its code page."""
    links = list(staff_links(request.user))
    if not links:
        raise Http404
    if len(links) == 1:
        return redirect("benefits:redeem", links[0].partner_id)
    return render(request, "benefits/redeem/home.html", {"links": links})


@login_required
@require_GET
def code_link(request, code):
    """The URL in a claim's QR code. A clerk lands on their code page with the code filled in;
    anyone else reads what the code is for (nothing about the claim)."""
    links = list(staff_links(request.user))
    code = services.normalize_code(code)
    if links:
        return redirect(reverse("benefits:redeem", args=[links[0].partner_id]) + f"?code={code}")
    return render(request, "benefits/redeem/not_staff.html", status=404)


def _page(request, partner, form, *, claim: Redemption | None = None, status: int = 200):
    manager = staff_links(request.user).filter(partner=partner, role=PartnerStaff.Role.MANAGER).exists()
    context = {
        "partner": partner,
        "form": form,
        "claim": claim,
        "masked_name": mask_name(claim.volunteer.real_name) if claim else "",
        "code": services.format_code(claim.code) if claim else "",
        "manager": manager,
    }
    return render(request, "benefits/redeem/page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def redeem(request, pk):
    """GET ?code=…: look the code up at this partner (another partner's code is simply not found);
    POST: redeem it."""
    partner = partner_acting_for(request.user, pk)
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                claim = services.redemption_redeem(
                    user=request.user, partner=partner, code=form.cleaned_data["code"], request=request
                )
            except FieldErrors as exc:
                show_errors(form, exc)
            except Refused as exc:
                form.add_error("code", exc.message)
                return _page(request, partner, form, status=exc.status)
            else:
                messages.success(
                    request,
                    _("Redeemed: %(offer)s for %(name)s.")
                    % {"offer": claim.offer.title, "name": mask_name(claim.volunteer.real_name)},
                )
                return redirect("benefits:redeem", partner.pk)
        return _page(request, partner, form, status=form_status(form))
    return _lookup(request, partner)


def _lookup(request, partner):
    raw = request.GET.get("code", "")
    form = CodeForm(request.GET if raw else None)
    found: Redemption | None = None
    if raw and form.is_valid():
        found = redemption_lookup(partner, services.normalize_code(form.cleaned_data["code"]))
        if found is None:
            form.add_error("code", _("This is not a code of %(partner)s.") % {"partner": partner.name})
    return _page(request, partner, form, claim=found, status=form_status(form) if raw else 200)
