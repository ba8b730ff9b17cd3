from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    return JsonResponse({"ok": True})


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
