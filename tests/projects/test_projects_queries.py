"""List pages and endpoints of projects and funding run the same number of queries however many
rows they show."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from huiguang.projects.models import Grant, Milestone, MilestoneReport

from ..conftest import login_client
from ..factories import bearer
from .conftest import make_project


def _more(city, scene, n=4):
    for i in range(n):
        project = make_project(city.org_a, name=f"项目{Grant.objects.count()}")
        grant = Grant.objects.create(
            project=project,
            funder=scene.funder,
            programme=scene.programme,
            amount_fen=100_000,
            purpose="启动",
            awarded_on=timezone.localdate(),
        )
        milestone = Milestone.objects.create(
            grant=grant, title=f"节点{i}", due_on=timezone.localdate() - dt.timedelta(days=i)
        )
        project.mentors.create(user=scene.mentor)
        MilestoneReport.objects.create(milestone=milestone, text="进展")


def test_lists_run_constant_queries(city, scene, assert_queries_constant):
    admin = login_client(city.users["city_admin"])
    mentor = login_client(scene.mentor)
    api = bearer(city.users["city_admin"])
    pages = [
        lambda: admin.get(reverse("projects:project_list")),
        lambda: admin.get(reverse("projects:brand_list")),
        lambda: admin.get(reverse("projects:funding_home")),
        lambda: admin.get(reverse("projects:programme_detail", args=[scene.programme.pk])),
        lambda: admin.get(reverse("projects:programme_export", args=[scene.programme.pk])),
        lambda: mentor.get(reverse("projects:mentor_home")),
        lambda: api.get("/api/v1/projects"),
        lambda: api.get("/api/v1/grants"),
        lambda: bearer(scene.mentor).get("/api/v1/mentor/milestones"),
    ]

    for page in pages:
        assert page().status_code == 200
        assert_queries_constant(page, lambda: _more(city, scene))
