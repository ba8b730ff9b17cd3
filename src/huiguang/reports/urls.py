from django.urls import path

from .views import assessments, bigscreen, dashboards

app_name = "reports"

urlpatterns: list = []

# --- assessments, dashboards, big screen, team figures (branch reports-assess) ---
urlpatterns += [
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
]
