from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from huiguang.network.scope import scope_for


def home(request):
    from huiguang.network.selectors import city_overview

    return render(request, "core/home.html", {"overview": city_overview()})


@login_required
def console_home(request):
    from huiguang.network.selectors import console_overview

    scope = scope_for(request.user)
    if not scope.is_console_user:
        raise Http404
    return render(request, "core/console.html", {"overview": console_overview(request.user)})


@require_GET
def healthz(request):
    return JsonResponse({"ok": True})


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
