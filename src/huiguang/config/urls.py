from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns: list = [
    path("", include("huiguang.web.urls")),
    path("", include("huiguang.core.urls")),
    path("accounts/", include("huiguang.accounts.urls")),
    path("", include("huiguang.network.urls")),
    path("", include("huiguang.volunteers.urls")),
    path("", include("huiguang.training.urls")),
    path("", include("huiguang.activities.urls")),
    path("", include("huiguang.notifications.urls")),
    path("", include("huiguang.attendance.urls")),
    path("", include("huiguang.ledger.urls")),
    path("", include("huiguang.credit.urls")),
    path("", include("huiguang.benefits.urls")),
    path("", include("huiguang.reports.urls")),
    path("", include("huiguang.projects.urls")),
    path("", include("huiguang.needs.urls")),
    path("", include("huiguang.mobilization.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "huiguang.core.views.bad_request"
handler404 = "huiguang.core.views.page_not_found"
