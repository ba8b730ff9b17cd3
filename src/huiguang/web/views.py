from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from huiguang.network.scope import scope_for

from .selectors import city_overview, console_overview


def home(request):
    return render(request, "web/home.html", {"overview": city_overview()})


@login_required
def console_home(request):
    if not scope_for(request.user).is_console_user:
        raise Http404
    return render(request, "web/console.html", {"overview": console_overview(request.user)})
