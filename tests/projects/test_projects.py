"""Projects and brands: created and changed by the organization's managers, uploads checked,
statuses moved one way; activities belong to a project of their organization; the project page's
totals equal the sums of its activities' confirmed records."""

import datetime as dt
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.forms import ActivityForm
from huiguang.activities.services.activities import activity_create
from huiguang.core.errors import FieldErrors
from huiguang.core.formatting import hours_from_minutes
from huiguang.core.models import AuditEntry
from huiguang.ledger.models import ServiceRecord
from huiguang.network.models import Site
from huiguang.projects.models import Brand, Project

from ..activities_console.conftest import image_upload
from ..conftest import login_client
from ..factories import category, member
from ..ledger_core.conftest import confirmed, make_shift, ten_days_ago
from .conftest import make_project


def _create(client, **extra):
    data = {
        "organization": extra.pop("organization"),
        "name": "阳光爱心书屋·东湖",
        "category": "culture",
        "starts_on": "2026-03-01",
        "budget": "30000",
        "beneficiaries": "社区儿童",
    }
    data.update(extra)
    return client.post(reverse("projects:project_create"), data)


def test_an_org_admin_creates_a_project_with_a_logo(city):
    client = login_client(city.users["org_admin"])
    response = _create(client, organization=city.org_a.pk, logo=image_upload(name="logo.png"))
    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.organization, project.status, project.budget_fen) == (city.org_a, "proposed", 3_000_000)
    assert project.logo.name.endswith(".png")
    assert AuditEntry.objects.filter(action="project_created", object_id=str(project.pk)).exists()
    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "阳光爱心书屋·东湖" in page and "¥30,000.00" in page


def test_bad_project_data_answers_422_and_writes_nothing(city):
    client = login_client(city.users["org_admin"])
    assert _create(client, organization=city.org_a.pk, ends_on="2026-01-01").status_code == 422
    fake = SimpleUploadedFile("logo.png", b"GIF89a not really", content_type="image/png")
    response = _create(client, organization=city.org_a.pk, logo=fake)
    assert response.status_code == 422
    assert "JPEG" in response.content.decode()
    # An organization outside the admin's scope is not a choice.
    assert _create(client, organization=city.org_b.pk).status_code == 422
    assert not Project.objects.exists()


def test_status_moves_proposed_active_closed_and_never_back(city):
    project = make_project(city.org_a, status=Project.Status.PROPOSED)
    client = login_client(city.users["org_admin"])
    url = reverse("projects:project_status", args=[project.pk])
    assert client.post(url, {"status": "active"}).status_code == 302
    assert client.post(url, {"status": "closed"}).status_code == 302
    assert client.post(url, {"status": "active"}).status_code == 409
    project.refresh_from_db()
    assert project.status == "closed"
    assert AuditEntry.objects.filter(action="project_status_changed").count() == 2


def test_a_brand_groups_its_sites(city):
    client = login_client(city.users["city_admin"])
    sites = list(Site.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("projects:brand_create"),
        {"organization": city.org_a.pk, "name": "阳光爱心书屋", "sites": sites},
    )
    assert response.status_code == 302
    brand = Brand.objects.get()
    assert brand.sites.count() == 2
    page = client.get(reverse("projects:brand_detail", args=[brand.pk])).content.decode()
    assert "东湖新时代文明实践站" in page and "乍浦青年之家" in page


def test_an_activity_belongs_to_a_project_of_its_organization(city):
    own = make_project(city.org_a)
    other = make_project(city.org_b, name="金平湖城市小管家")
    co_run = make_project(city.org_b, name="共建项目")
    co_run.co_organizations.add(city.org_a)
    form = ActivityForm(user=city.users["org_admin"])
    assert set(form.fields["project"].queryset) == {own, co_run}
    start = timezone.now() + dt.timedelta(days=5)
    base = {
        "title": "绘本共读",
        "category": category(),
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
    }
    activity = activity_create(actor=city.users["org_admin"], organization=city.org_a, project=own, **base)
    assert activity.project == own
    try:
        activity_create(actor=city.users["org_admin"], organization=city.org_a, project=other, **base)
    except FieldErrors as exc:
        assert "project" in exc.errors
    else:
        raise AssertionError("another organization's project was accepted")


def test_the_project_totals_equal_the_sums_of_its_activities_confirmed_records(city):
    project = make_project(city.org_a)
    admin = city.users["org_admin"]
    volunteers = [city.users["volunteer"].volunteer, member(city.org_a), member(city.org_a)]
    shifts = [
        make_shift(city.org_a, day=ten_days_ago() - dt.timedelta(days=40 * i), start=9 + i) for i in range(3)
    ]
    for i, shift in enumerate(shifts):
        activity = shift.activity
        activity.project = project
        activity.people_served = 10 * (i + 1)
        activity.outputs = [{"name": "爱心包", "count": 5}]
        activity.save()
        for v in volunteers[: i + 1]:
            confirmed(shift, v, admin)
    outside = make_shift(city.org_a, day=ten_days_ago() - dt.timedelta(days=1))  # of no project
    confirmed(outside, volunteers[0], admin)

    records = ServiceRecord.objects.filter(activity__project=project, status="confirmed")
    minutes = records.aggregate(m=Sum("minutes"))["m"]
    page = login_client(admin).get(reverse("reports:project_figures", args=[project.pk])).content.decode()
    assert f'data-total="hours">{hours_from_minutes(minutes)}<' in page
    assert f'data-total="participations">{records.count()}<' in page
    assert f'data-total="volunteers">{records.values("volunteer").distinct().count()}<' in page
    assert f'data-total="activities">{records.values("activity").distinct().count()}<' in page
    assert 'data-total="people_served">60<' in page
    assert "爱心包 15" in page
    out = StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=out)
    assert "0 difference(s)" in out.getvalue()


def test_rebuild_sets_the_project_rollups_right_after_an_activity_changes_project(city):
    first, second = make_project(city.org_a), make_project(city.org_a, name="第二个项目")
    shift = make_shift(city.org_a)
    shift.activity.project = first
    shift.activity.save()
    confirmed(shift, city.users["volunteer"].volunteer, city.users["org_admin"])
    type(shift.activity).objects.filter(pk=shift.activity.pk).update(project=second)
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "project" in out.getvalue()
    page = login_client(city.users["org_admin"]).get(
        reverse("reports:project_figures", args=[second.pk]) + "?part=totals"
    )
    assert 'data-total="participations">1<' in page.content.decode()
