"""Issue 12's leftovers: brands scoped to the user's organizations (404 outside, web and API), the
milestone report's 30 spending lines on the web form (and "add a line"), competition entries
through the API with the web form's checks of the materials."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huiguang.projects.models import Brand, Entry, EntryImage, MilestoneReport, Project, SpendingLine

from ..activities_console.conftest import image_upload
from ..conftest import login_client
from ..factories import bearer
from .conftest_competitions import PDF


@pytest.fixture
def brands(city):
    return (
        Brand.objects.create(name="阳光爱心书屋", organization=city.org_a),
        Brand.objects.create(name="城市小管家", organization=city.org_b),
    )


def test_a_console_user_sees_only_the_brands_of_his_organizations(city, brands):
    mine, theirs = brands
    org_admin = login_client(city.users["org_admin"])
    page = org_admin.get(reverse("projects:brand_list")).content.decode()
    assert mine.name in page and theirs.name not in page
    assert org_admin.get(reverse("projects:brand_detail", args=[theirs.pk])).status_code == 404
    assert org_admin.post(reverse("projects:brand_detail", args=[theirs.pk]), {}).status_code == 404
    api = bearer(city.users["org_admin"])
    assert [b["name"] for b in api.get("/api/v1/brands").json()["items"]] == [mine.name]
    assert api.get(f"/api/v1/brands/{theirs.pk}").status_code == 404
    city_page = login_client(city.users["city_admin"]).get(reverse("projects:brand_list")).content.decode()
    assert mine.name in city_page and theirs.name in city_page


def test_a_project_cannot_be_put_under_a_brand_outside_the_scope(city, brands, scene):
    _mine, theirs = brands
    client = login_client(city.users["org_admin"])
    url = reverse("projects:project_edit", args=[scene.project.pk])
    data = {
        "name": scene.project.name,
        "category": "children",
        "starts_on": scene.project.starts_on.isoformat(),
    }
    assert client.post(url, {**data, "brand": theirs.pk}).status_code == 422
    assert Project.objects.get(pk=scene.project.pk).brand is None
    from huiguang.core.errors import FieldErrors
    from huiguang.projects.services.projects import project_update

    with pytest.raises(FieldErrors):
        project_update(actor=city.users["org_admin"], project=scene.project, brand=theirs)


def _report_data(lines: int) -> dict:
    data = {"text": "首期活动已开展。"}
    for i in range(1, lines + 1):
        data[f"item_{i}"] = f"物品{i}"
        data[f"amount_{i}"] = "10.00"
    return data


def test_the_report_form_takes_30_spending_lines_and_refuses_31(city, scene):
    client = login_client(city.users["org_admin"])
    url = reverse("projects:milestone_report", args=[scene.milestone.pk])
    too_many = client.post(url, _report_data(31))
    assert too_many.status_code == 422 and "最多 30 条支出明细。" in too_many.content.decode()
    assert not MilestoneReport.objects.exists()
    assert client.post(url, _report_data(30)).status_code == 302
    assert SpendingLine.objects.count() == 30
    assert sum(SpendingLine.objects.values_list("amount_fen", flat=True)) == 30_000


def test_add_a_line_returns_the_next_line_and_the_next_button(city, scene):
    client = login_client(city.users["org_admin"])
    url = reverse("projects:milestone_report", args=[scene.milestone.pk])
    page = client.get(url).content.decode()
    assert 'name="item_5"' in page and 'name="item_6"' not in page and 'hx-get="?line=6"' in page
    added = client.get(url + "?line=6", headers={"HX-Request": "true"}).content.decode()
    assert 'name="item_6"' in added and 'name="item_5"' not in added
    assert 'hx-swap-oob="true"' in added and 'hx-get="?line=7"' in added
    last = client.get(url + "?line=30").content.decode()
    assert 'name="item_30"' in last and "hx-get" not in last  # no button past 30
    assert 'name="item_12"' in client.get(url + "?lines=12").content.decode()  # without JavaScript


def test_an_entry_through_the_api_with_the_web_forms_checks(city, contest, scene):
    contest.entry_a.delete()
    url = f"/api/v1/competitions/{contest.competition.pk}/entries"
    data = {"project_id": scene.project.pk, "track_id": contest.track.pk, "summary": "周末课堂"}
    api = bearer(city.users["org_admin"])
    bad_pdf = SimpleUploadedFile("a.pdf", b"not a pdf at all", content_type="application/pdf")
    response = api.post(url, {**data, "application_form": bad_pdf})
    assert response.status_code == 422 and "application_form" in response.json()["errors"]
    bad_image = SimpleUploadedFile("x.png", b"\x89PNG broken", content_type="image/png")
    pdf = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    assert api.post(url, {**data, "application_form": pdf, "images": [bad_image]}).status_code == 422
    assert api.post(url, data).status_code == 422  # no application form
    other = api.post(url, {**data, "project_id": scene.project_b.pk, "application_form": pdf})
    assert other.status_code == 422 and "project_id" in other.json()["errors"]  # not his project
    assert not Entry.objects.filter(project=scene.project).exists() and not EntryImage.objects.exists()
    pdf = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    ok = api.post(url, {**data, "application_form": pdf, "images": [image_upload(name="a.png")]})
    assert ok.status_code == 201
    body = ok.json()
    assert (body["project_id"], body["n_images"], body["status"]) == (scene.project.pk, 1, "submitted")
    entry = Entry.objects.get(pk=body["id"])
    assert entry.application_form.read().startswith(b"%PDF-") and entry.images.count() == 1
    pdf = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    again = api.post(url, {**data, "application_form": pdf})
    assert again.status_code == 422  # already entered
    # A volunteer with no project to enter: 404.
    assert bearer(city.users["volunteer"]).post(url, data).status_code == 404
