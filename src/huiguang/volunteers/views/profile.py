"""A volunteer's own pages: registration, the profile, the e-card, a guardian's consent."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.forms import form_status, show_errors

from .. import selectors, services
from ..ecard import ecard_max_age_seconds, ecard_qr_svg, ecard_refresh_seconds
from ..forms import RegistrationForm


def register(request):
    if request.user.is_authenticated and hasattr(request.user, "volunteer"):
        return redirect("volunteers:me")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_register(data=form.registration(), request=request)
        except services.RegistrationError as exc:
            show_errors(form, exc)
        else:
            login(request, volunteer.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome! Your volunteer number is %(n)s.") % {"n": volunteer.volunteer_number}
            )
            return redirect("volunteers:me")
    return render(request, "volunteers/register.html", {"form": form}, status=form_status(form))


@login_required
def me(request):
    volunteer = selectors.volunteer_own_get(request.user)
    context = {
        "volunteer": volunteer,
        "memberships": selectors.membership_list_of(volunteer),
        "wards": selectors.ward_awaiting_list(volunteer),
        "all_wards": selectors.ward_list(volunteer),
        "skills": volunteer.skills.all(),
    }
    return render(request, "volunteers/me.html", context)


@login_required
def ecard(request):
    """The e-card; its script fetches this page again every minute for a fresh QR code."""
    volunteer = selectors.volunteer_own_get(request.user)
    context = {
        "volunteer": volunteer,
        "qr_svg": ecard_qr_svg(volunteer),
        "refresh_seconds": ecard_refresh_seconds(),
        "max_age_minutes": ecard_max_age_seconds() // 60,
    }
    response = render(request, "volunteers/ecard.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def reveal_own_id(request):
    volunteer = selectors.volunteer_own_get(request.user)
    number = services.volunteer_reveal_id(actor=request.user, volunteer=volunteer, request=request)
    return render(request, "volunteers/_id_full.html", {"number": number})


@login_required
@require_POST
def guardian_consent(request, pk):
    ward = selectors.ward_get_for(selectors.volunteer_own_get(request.user), pk)
    services.volunteer_guardian_consent(guardian_user=request.user, ward=ward, request=request)
    messages.success(
        request, _("You have given your consent; %(name)s can now take part.") % {"name": ward.real_name}
    )
    return redirect("volunteers:me")
