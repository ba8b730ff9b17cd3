from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from huiguang.benefits.permissions import is_partner_staff
from huiguang.credit.selectors import latest_snapshot
from huiguang.network.scope import scope_for

from .selectors import city_overview, console_overview, volunteer_home


def home(request):
    """A logged-in volunteer's own home (next shift, hours, sign-ups); partner staff (a store clerk
    without a volunteer profile or a console role) land on their partner's page; the city's home
    for everyone else."""
    volunteer = getattr(request.user, "volunteer", None) if request.user.is_authenticated else None
    if volunteer is None and _lands_on_partner_page(request.user):
        return redirect("benefits:partner_home")
    if volunteer is not None:
        return render(
            request,
            "web/volunteer_home.html",
            {"volunteer": volunteer, "home": volunteer_home(volunteer), "credit": latest_snapshot(volunteer)},
        )
    return render(request, "web/home.html", {"overview": city_overview()})


def _lands_on_partner_page(user) -> bool:
    return user.is_authenticated and not scope_for(user).is_console_user and is_partner_staff(user)


@login_required
def console_home(request):
    if not scope_for(request.user).is_console_user:
        raise Http404
    return render(request, "web/console.html", {"overview": console_overview(request.user)})
