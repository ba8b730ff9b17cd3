"""The public big screen (大屏): a 1920×1080 dark page whose script draws the charts and polls the
feed (API `reports/bigscreen`) every REFRESH_SECONDS."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors.dashboards import bigscreen_feed

REFRESH_SECONDS = 30


@require_GET
def bigscreen(request):
    return render(
        request, "reports/bigscreen/screen.html", {"feed": bigscreen_feed(), "refresh": REFRESH_SECONDS}
    )
