from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from huiguang.credit.selectors import latest_snapshot
from huiguang.network.scope import scope_for

from .selectors import city_overview, console_overview, volunteer_home


def home(request):
    """A logged-in volunteer's own home (next shift, hours, sign-ups); the city's for everyone else."""
    volunteer = getattr(request.user, "volunteer", None) if request.user.is_authenticated else None
    if volunteer is not None:
        return render(
            request,
            "web/volunteer_home.html",
            {"volunteer": volunteer, "home": volunteer_home(volunteer), "credit": latest_snapshot(volunteer)},
        )
    return render(request, "web/home.html", {"overview": city_overview()})


@login_required
def console_home(request):
    if not scope_for(request.user).is_console_user:
        raise Http404
    return render(request, "web/console.html", {"overview": console_overview(request.user)})
