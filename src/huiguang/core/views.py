from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    return JsonResponse({"ok": True})


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    """404: the JSON error body under /api/ (e.g. `/api/v1/sites/abc`, which no URL pattern takes),
    the page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """400 (and 413 for a body over the limit): JSON under /api/, the page elsewhere."""
    if isinstance(exception, RequestDataTooBig):
        if _is_api(request):
            return JsonResponse({"detail": _("The request is too large.")}, status=413)
        return render(request, "400.html", status=413)
    if _is_api(request):
        return JsonResponse({"detail": _("The request could not be processed.")}, status=400)
    return defaults.bad_request(request, exception)
