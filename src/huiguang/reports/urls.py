from django.urls import path, re_path

from . import views

app_name = "reports"

MONTH = r"(?P<month>\d{4}-\d{2})"

urlpatterns = [
    path("console/bulletins/", views.console_list, name="console_list"),
    re_path(rf"^console/bulletins/{MONTH}/$", views.console_detail, name="console_detail"),
    re_path(
        rf"^console/bulletins/{MONTH}/(?P<step>review|publish)/$", views.console_move, name="console_move"
    ),
    re_path(
        rf"^console/bulletins/{MONTH}/bulletin\.(?P<kind>pdf|xlsx)$",
        views.console_download,
        name="console_download",
    ),
    path("bulletins/", views.public_list, name="public_list"),
    re_path(rf"^bulletins/{MONTH}/$", views.public_detail, name="public_detail"),
    re_path(
        rf"^bulletins/{MONTH}/bulletin\.(?P<kind>pdf|xlsx)$", views.public_download, name="public_download"
    ),
    path("console/projects/<int:pk>/figures/", views.project_figures, name="project_figures"),  # issue 12
]
