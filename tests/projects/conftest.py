"""Personas and scene of the projects tests: a project of org A (with a grant, a milestone and a
mentor), a project of org B, and the mentor — a league cadre with no console role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from huiguang.projects.models import Funder, Grant, Milestone, Programme, Project, ProjectMentor

from ..factories import UserFactory

# The columns of the projects' permission tables: the suite's ROLES and the mentor.
MENTOR = "mentor"


@dataclass
class Scene:
    project: Project
    project_b: Project
    funder: Funder
    programme: Programme
    grant: Grant
    milestone: Milestone
    mentor: object


def make_project(organization, **fields) -> Project:
    values = {
        "organization": organization,
        "name": "红色周末学堂",
        "category": Project.Category.CHILDREN,
        "starts_on": timezone.localdate() - dt.timedelta(days=60),
        "status": Project.Status.ACTIVE,
    }
    values.update(fields)
    return Project.objects.create(**values)


@pytest.fixture
def scene(city) -> Scene:
    project = make_project(city.org_a, budget_fen=3_000_000)
    project_b = make_project(city.org_b, name="金平湖城市小管家", category=Project.Category.CIVILITY)
    funder = Funder.objects.create(name="青苹果基金", kind=Funder.Kind.FUND)
    programme = Programme.objects.create(name="蒲公英计划", year=2026, funder=funder, budget_fen=20_000_000)
    grant = Grant.objects.create(
        project=project,
        funder=funder,
        programme=programme,
        amount_fen=1_000_000,
        purpose="项目启动",
        awarded_on=timezone.localdate() - dt.timedelta(days=30),
    )
    milestone = Milestone.objects.create(
        grant=grant,
        title="开展首期活动",
        due_on=timezone.localdate() + dt.timedelta(days=5),
        deliverables="活动记录",
    )
    mentor = UserFactory(phone="13900000021", display_name="团干部导师")
    ProjectMentor.objects.create(project=project, user=mentor)
    city.users[MENTOR] = mentor
    return Scene(project, project_b, funder, programme, grant, milestone, mentor)


# --- competitions: the contest scene and the judge persona (conftest_competitions.py) ---
from .conftest_competitions import JUDGE, contest  # noqa: E402, F401
