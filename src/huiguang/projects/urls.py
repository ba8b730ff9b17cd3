"""The project app's pages: projects and brands (views/projects.py), funding (views/funding.py)."""

from django.urls import path

from .views import competitions, funding, judging, projects

app_name = "projects"

projects_urls = [
    path("console/projects/", projects.project_list, name="project_list"),
    path("console/projects/new/", projects.project_create, name="project_create"),
    path("console/projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("console/projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("console/projects/<int:pk>/status/", projects.project_status, name="project_status"),
    path("console/projects/<int:pk>/photos/", projects.project_photo_add, name="project_photo_add"),
    path("console/brands/", projects.brand_list, name="brand_list"),
    path("console/brands/new/", projects.brand_create, name="brand_create"),
    path("console/brands/<int:pk>/", projects.brand_detail, name="brand_detail"),
]

funding_urls = [
    path("console/funding/", funding.funding_home, name="funding_home"),
    path("console/funding/funders/new/", funding.funder_create, name="funder_create"),
    path("console/funding/programmes/new/", funding.programme_create, name="programme_create"),
    path("console/funding/programmes/<int:pk>/", funding.programme_detail, name="programme_detail"),
    path(
        "console/funding/programmes/<int:pk>/export.xlsx", funding.programme_export, name="programme_export"
    ),
    path("console/projects/<int:pk>/grants/new/", funding.grant_create, name="grant_create"),
    path("console/projects/<int:pk>/mentor/", funding.mentor_assign, name="mentor_assign"),
    path("console/grants/<int:pk>/", funding.grant_detail, name="grant_detail"),
    path("console/grants/<int:pk>/milestones/", funding.milestone_create, name="milestone_create"),
    path("console/grants/<int:pk>/disbursements/", funding.disbursement_create, name="disbursement_create"),
    path("console/milestones/<int:pk>/report/", funding.milestone_report, name="milestone_report"),
    path("mentor/", funding.mentor_home, name="mentor_home"),
    path("mentor/reports/<int:pk>/", funding.mentor_report, name="mentor_report"),
]

urlpatterns = projects_urls + funding_urls

# --- competitions (views/competitions.py, views/judging.py) ---
competitions_urls = [
    path("console/competitions/", competitions.competition_list, name="competition_list"),
    path("console/competitions/new/", competitions.competition_create, name="competition_create"),
    path("console/competitions/<int:pk>/", competitions.competition_detail, name="competition_detail"),
    path(
        "console/competitions/<int:pk>/add/<slug:part>/",
        competitions.competition_setup,
        name="competition_setup",
    ),
    path("console/competitions/<int:pk>/enter/", competitions.entry_submit, name="entry_submit"),
    path("console/competitions/<int:pk>/rounds/<int:number>/close/", judging.round_close, name="round_close"),
    path("console/competitions/<int:pk>/publish/", judging.results_publish, name="results_publish"),
    path("console/entries/<int:pk>/", competitions.entry_detail, name="entry_detail"),
    path("console/entries/<int:pk>/review/", competitions.entry_review, name="entry_review"),
    path("console/entries/<int:pk>/award/", judging.award_give, name="award_give"),
    path("judge/", judging.judge_home, name="judge_home"),
    path("judge/<int:judge_pk>/entries/<int:entry_pk>/", judging.judge_score, name="judge_score"),
    path("competitions/<int:pk>/results/", competitions.competition_results, name="competition_results"),
]
urlpatterns += competitions_urls
