from django.urls import path, re_path

from .views import assessments, bigscreen, bulletins, dashboards, projects

app_name = "reports"

MONTH = r"(?P<month>\d{4}-\d{2})"

urlpatterns = [
    path("console/bulletins/", bulletins.console_list, name="console_list"),
    re_path(rf"^console/bulletins/{MONTH}/$", bulletins.console_detail, name="console_detail"),
    re_path(
        rf"^console/bulletins/{MONTH}/(?P<step>review|publish)/$", bulletins.console_move, name="console_move"
    ),
    re_path(
        rf"^console/bulletins/{MONTH}/bulletin\.(?P<kind>pdf|xlsx)$",
        bulletins.console_download,
        name="console_download",
    ),
    path("bulletins/", bulletins.public_list, name="public_list"),
    re_path(rf"^bulletins/{MONTH}/$", bulletins.public_detail, name="public_detail"),
    re_path(
        rf"^bulletins/{MONTH}/bulletin\.(?P<kind>pdf|xlsx)$",
        bulletins.public_download,
        name="public_download",
    ),
    # assessments, dashboards, the big screen, team figures
    path("console/assessments/", assessments.assessment_list, name="assessments"),
    path("console/assessments/schemes/new/", assessments.scheme_create, name="scheme_create"),
    path("console/assessments/schemes/<int:pk>/", assessments.scheme_detail, name="scheme_detail"),
    path("console/assessments/schemes/<int:pk>/indicators/", assessments.indicator_add, name="indicator_add"),
    path("console/assessments/schemes/<int:pk>/run/", assessments.run_compute, name="run_compute"),
    path("console/assessments/indicators/<int:pk>/", assessments.indicator_edit, name="indicator_edit"),
    path(
        "console/assessments/indicators/<int:pk>/remove/",
        assessments.indicator_remove,
        name="indicator_remove",
    ),
    path("console/assessments/runs/<int:pk>/", assessments.run_detail, name="run_detail"),
    path("console/assessments/runs/<int:pk>/lock/", assessments.run_lock, name="run_lock"),
    path("console/assessments/runs/<int:pk>/publish/", assessments.run_publish, name="run_publish"),
    path("console/assessments/runs/<int:pk>/export.xlsx", assessments.run_export, name="run_export"),
    path("console/assessments/runs/<int:pk>/scores/", assessments.manual_score, name="manual_score"),
    path("console/assessments/results/<int:pk>/", assessments.result_detail, name="result_detail"),
    path("console/assessments/evidence/<int:pk>/", assessments.evidence, name="evidence"),
    path("console/dashboard/", dashboards.dashboard, name="dashboard"),
    path("console/dashboard/regions/<str:code>/", dashboards.dashboard_region, name="dashboard_region"),
    path(
        "console/dashboard/organizations/<int:pk>/",
        dashboards.dashboard_organization,
        name="dashboard_organization",
    ),
    path("console/dashboard/hourly-rate/", dashboards.hourly_rate, name="hourly_rate"),
    path("teams/<int:pk>/figures/", dashboards.team, name="team_figures"),
    path("bigscreen/", bigscreen.bigscreen, name="bigscreen"),
    path("console/projects/<int:pk>/figures/", projects.project_figures, name="project_figures"),
]
