"""Recruitment drives: the unit's QR sign-up page (newcomers and existing volunteers), progress by
unit, the registration rate of student league members by school, the enrolled-count import, the
.xlsx of units and the drive's life (draft → open → closed)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from huiguang.accounts.models import User
from huiguang.core.models import AuditEntry
from huiguang.mobilization.models.drives import Drive, DriveSignup, DriveUnit
from huiguang.mobilization.services import drives as services
from huiguang.network.models import Membership, Organization
from huiguang.volunteers.models import Volunteer

from ..conftest import login_client
from ..factories import PASSWORD, OrganizationFactory, VolunteerFactory, bearer, unique_id_number

LEAGUE = Volunteer.Political.LEAGUE


def make_drive(city, *, status=Drive.Status.OPEN, region=None, name="2026 青年志愿者招募") -> Drive:
    return Drive.objects.create(
        name=name,
        year=2026,
        region=region or city.city,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 12, 31),
        status=status,
    )


def school(code: str, name: str, region) -> Organization:
    return OrganizationFactory(code=code, name=name, kind=Organization.Kind.SCHOOL, region=region)


def registration(**changes) -> dict:
    data = {
        "real_name": "陈新人",
        "id_number": unique_id_number(),
        "phone": "13711112222",
        "password": PASSWORD,
        "region_code": "330482001001",
        "political_status": "league",
        "consent": "on",
    }
    data.update(changes)
    return data


def page(unit) -> str:
    return reverse("mobilization:drive_unit_page", args=[unit.slug])


# --- the QR flow ---------------------------------------------------------------------------------


def test_a_newcomer_registers_on_the_unit_page_and_joins_its_organization(city):
    drive = make_drive(city)
    unit = DriveUnit.objects.create(drive=drive, organization=city.org_a, target=10)
    client = Client()
    body = client.get(page(unit)).content.decode()
    assert "当湖街道志愿服务队" in body and 'id="register-form"' in body

    response = client.post(page(unit), registration())
    assert response.status_code == 302, response.content.decode()[:2000]
    volunteer = Volunteer.objects.get(user__phone="13711112222")
    assert Membership.objects.get(volunteer=volunteer, organization=city.org_a).status == "active"
    signup = DriveSignup.objects.get(unit=unit)
    assert signup.volunteer == volunteer and signup.newcomer
    # Logged in, the page says so; the drive page counts the sign-up in that unit.
    assert 'id="signed-up"' in client.get(page(unit)).content.decode()
    detail = login_client(city.users["city_admin"]).get(reverse("mobilization:drive_detail", args=[drive.pk]))
    row = detail.content.decode().split('id="drive-units"')[1].split("</tr>")[1]
    assert "当湖街道志愿服务队" in row and ">1</td>" in row and "10.0%" in row


def test_a_village_newcomer_lives_in_the_village_and_joins_its_default_team(city):
    unit = DriveUnit.objects.create(
        drive=make_drive(city), region=city.village_a1, team=city.org_a1, target=5
    )
    response = Client().post(page(unit), registration(region_code="330482103"))  # the unit decides
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user__phone="13711112222")
    assert volunteer.residence_region == city.village_a1
    assert volunteer.memberships.get().organization == city.org_a1
    assert unit.signups.count() == 1


def test_a_school_newcomer_is_a_student_of_that_school(city):
    unit = DriveUnit.objects.create(
        drive=make_drive(city),
        organization=school("XX01", "平湖中学青年志愿者服务队", city.town_a),
        school_name="平湖中学",
        target=100,
    )
    assert Client().post(page(unit), registration()).status_code == 302
    volunteer = Volunteer.objects.get(user__phone="13711112222")
    assert (volunteer.is_student, volunteer.school) == (True, "平湖中学")


def test_bad_registration_input_answers_422_with_the_field_errors_and_writes_nothing(city):
    unit = DriveUnit.objects.create(drive=make_drive(city), organization=city.org_a, target=10)
    users, audits = User.objects.count(), AuditEntry.objects.count()
    response = Client().post(page(unit), registration(id_number="330482199001011234", consent=""))
    assert response.status_code == 422
    body = response.content.decode()
    assert "is-invalid" in body or "invalid-feedback" in body
    assert "隐私" in body  # the consent's message, in Chinese
    assert User.objects.count() == users and AuditEntry.objects.count() == audits
    assert not DriveSignup.objects.exists()
    assert not Membership.objects.filter(organization=city.org_a, volunteer__real_name="陈新人").exists()


def test_an_existing_volunteer_joins_with_one_tap_and_twice_counts_once(city):
    unit = DriveUnit.objects.create(drive=make_drive(city), organization=city.org_a, target=10)
    client = login_client(city.users["volunteer_b"])
    assert 'id="join"' in client.get(page(unit)).content.decode()
    join = reverse("mobilization:drive_unit_join", args=[unit.slug])
    assert client.post(join).status_code == 302
    assert client.post(join).status_code == 302
    volunteer = city.users["volunteer_b"].volunteer
    assert DriveSignup.objects.filter(unit=unit, volunteer=volunteer).count() == 1
    assert (
        Membership.objects.filter(volunteer=volunteer, organization=city.org_a, status="active").count() == 1
    )
    assert AuditEntry.objects.filter(action="drive_signed_up").count() == 1
    assert 'id="signed-up"' in client.get(page(unit)).content.decode()
    # The API's tap is the same rule: nothing new.
    response = bearer(city.users["volunteer_b"]).post(f"/api/v1/drive-units/{unit.slug}/signup")
    assert response.status_code == 200 and response.json()["created"] is False
    assert DriveSignup.objects.filter(unit=unit).count() == 1


def test_a_member_already_is_only_counted_and_an_unapproved_unit_leaves_the_application_waiting(city):
    unit = DriveUnit.objects.create(drive=make_drive(city), organization=city.org_a, target=10)
    assert (
        login_client(city.users["volunteer"])
        .post(reverse("mobilization:drive_unit_join", args=[unit.slug]))
        .status_code
        == 302
    )
    assert unit.signups.count() == 1
    waiting = DriveUnit.objects.create(
        drive=unit.drive, organization=city.org_b, target=3, auto_approve=False
    )
    login_client(city.users["volunteer"]).post(reverse("mobilization:drive_unit_join", args=[waiting.slug]))
    assert (
        Membership.objects.get(volunteer__user=city.users["volunteer"], organization=city.org_b).status
        == "applied"
    )
    assert waiting.signups.count() == 1


def test_a_closed_drive_keeps_its_page_but_takes_no_sign_up_and_a_draft_is_not_public(city):
    drive = make_drive(city)
    unit = DriveUnit.objects.create(drive=drive, organization=city.org_a, target=10)
    services.drive_close(actor=city.users["city_admin"], drive=drive)
    assert Drive.objects.get(pk=drive.pk).closed_at is not None
    client = login_client(city.users["volunteer_b"])
    assert "不" in client.get(page(unit)).content.decode()
    assert client.post(reverse("mobilization:drive_unit_join", args=[unit.slug])).status_code == 409
    assert Client().post(page(unit), registration()).status_code == 409
    assert not DriveSignup.objects.exists() and not User.objects.filter(phone="13711112222").exists()
    draft = DriveUnit.objects.create(
        drive=make_drive(city, status=Drive.Status.DRAFT, name="草稿"), organization=city.org_a, target=1
    )
    assert Client().get(page(draft)).status_code == 404


# --- the registration rate of student league members ------------------------------------------------


def _schools_scene(city) -> Drive:
    drive = make_drive(city)
    pinghu = school("XX01", "平湖中学青年志愿者服务队", city.town_a)
    danghu = school("XX02", "当湖高级中学", city.town_a)
    zhapu = school("XX03", "乍浦高级中学", city.town_b)
    DriveUnit.objects.create(
        drive=drive, organization=pinghu, school_name="平湖中学", target=20, enrolled_league_members=8
    )
    DriveUnit.objects.create(
        drive=drive, organization=danghu, school_name="当湖高级中学", target=5, enrolled_league_members=3
    )
    DriveUnit.objects.create(
        drive=drive, organization=zhapu, school_name="乍浦高级中学", target=5, enrolled_league_members=0
    )
    DriveUnit.objects.create(drive=drive, organization=city.org_a, target=5)  # not a school
    for _i in range(3):
        VolunteerFactory(is_student=True, political_status=LEAGUE, school="平湖中学")
    VolunteerFactory(
        is_student=True, political_status=Volunteer.Political.MASSES, school="平湖中学"
    )  # not league
    VolunteerFactory(is_student=False, political_status=LEAGUE, school="平湖中学")  # not a student
    VolunteerFactory(is_student=True, political_status=LEAGUE, school="嘉兴学院")  # another school
    for _i in range(2):
        VolunteerFactory(is_student=True, political_status=LEAGUE, school="当湖高级中学")
        VolunteerFactory(is_student=True, political_status=LEAGUE, school="乍浦高级中学")
    return drive


def test_the_school_rates_are_computed_from_data_on_the_pages_and_in_the_api(city):
    drive = _schools_scene(city)
    admin = login_client(city.users["city_admin"])
    body = admin.get(
        reverse("mobilization:drive_school_rates", args=[drive.pk]) + "?sort=-rate"
    ).content.decode()
    table = body.split('id="school-rates"')[1]
    # 2 / 3 = 66.7 %, 3 / 8 = 37.5 %, nothing enrolled: "—" (last); total (3 + 2) / (8 + 3) = 45.5 %.
    assert table.index("当湖高级中学") < table.index("平湖中学") < table.index("乍浦高级中学")
    assert "66.7%" in table and "37.5%" in table
    zhapu_row = table.split("乍浦高级中学")[1].split("</tr>")[0]
    assert ">0</td>" in zhapu_row and ">2</td>" in zhapu_row and "—" in zhapu_row
    total = table.split('id="school-total"')[1].split("</tr>")[0]
    assert ">11</td>" in total and ">5</td>" in total and "45.5%" in total
    ascending = admin.get(
        reverse("mobilization:drive_school_rates", args=[drive.pk]) + "?sort=rate"
    ).content.decode()
    table = ascending.split('id="school-rates"')[1]
    assert table.index("平湖中学") < table.index("当湖高级中学") < table.index("乍浦高级中学")
    # The drive page shows them too.
    detail = admin.get(reverse("mobilization:drive_detail", args=[drive.pk])).content.decode()
    assert "37.5%" in detail and "66.7%" in detail and "45.5%" in detail

    data = bearer(city.users["city_admin"]).get(f"/api/v1/console/drives/{drive.pk}/schools?sort=name").json()
    rates = {
        s["school_name"]: (s["enrolled_league_members"], s["registered"], s["rate"]) for s in data["schools"]
    }
    assert rates["平湖中学"] == (8, 3, 37.5)
    assert rates["当湖高级中学"][:2] == (3, 2) and round(rates["当湖高级中学"][2], 1) == 66.7
    assert rates["乍浦高级中学"] == (0, 2, None)
    assert set(rates) == {"平湖中学", "当湖高级中学", "乍浦高级中学"}
    assert data["total"]["registered"] == 5 and data["total"]["enrolled"] == 11
    assert round(data["total"]["rate"], 1) == 45.5


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_import_with_a_bad_row_names_its_row_and_writes_nothing_a_good_one_writes_all(city):
    drive = _schools_scene(city)
    url = reverse("mobilization:drive_enrolled_import", args=[drive.pk])
    admin = login_client(city.users["city_admin"])
    bad = _xlsx([["学校", "在校团员"], ["XX01", 120], ["不存在中学", 5], ["当湖高级中学", "很多"]])
    response = admin.post(url, {"file": _named(bad)})
    assert response.status_code == 422
    errors = response.content.decode().split('id="import-errors"')[1].split("</ul>")[0]
    assert "3" in errors and "4" in errors and "不存在中学" in errors
    assert DriveUnit.objects.get(organization__code="XX01").enrolled_league_members == 8
    good = _xlsx([["学校", "在校团员"], ["XX01", 120], ["当湖高级中学", 60]])
    assert admin.post(url, {"file": _named(good)}).status_code == 302
    counts = dict(
        DriveUnit.objects.filter(drive=drive).values_list("organization__code", "enrolled_league_members")
    )
    assert counts["XX01"] == 120 and counts["XX02"] == 60
    entry = AuditEntry.objects.get(action="drive_enrolled_imported")
    assert entry.actor == city.users["city_admin"]


def _named(content: bytes):
    f = io.BytesIO(content)
    f.name = "enrolled.xlsx"
    return f


def test_the_unit_table_exports_to_xlsx(city):
    drive = _schools_scene(city)
    unit = DriveUnit.objects.get(drive=drive, organization=city.org_a)
    DriveSignup.objects.create(unit=unit, volunteer=city.users["volunteer"].volunteer)
    response = login_client(city.users["auditor"]).get(
        reverse("mobilization:drive_unit_export", args=[drive.pk])
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["当湖街道志愿服务队"][2:6] == (5, 1, 0, "20.0%")
    assert by_name["平湖中学青年志愿者服务队"][7:9] == (8, 3)
    assert AuditEntry.objects.filter(action="export", detail__what="drive_units").count() == 1


# --- the drive's life and who may run it ------------------------------------------------------------


def test_a_town_admin_runs_a_drive_of_the_town_only_and_every_step_is_audited(city):
    admin = login_client(city.users["town_admin"])
    data = {
        "name": "当湖街道招募",
        "year": 2026,
        "region": city.town_a.pk,
        "starts_on": "2026-04-01",
        "ends_on": "2026-05-01",
    }
    assert (
        admin.post(reverse("mobilization:drive_create"), data | {"region": city.town_b.pk}).status_code == 422
    )
    response = admin.post(reverse("mobilization:drive_create"), data)
    assert response.status_code == 302
    drive = Drive.objects.get(name="当湖街道招募")
    units = reverse("mobilization:drive_unit_create", args=[drive.pk])
    assert admin.post(units, {"organization": city.org_b.pk, "target": 5}).status_code == 422  # other town
    assert (
        admin.post(units, {"region": city.village_a1.pk, "team": city.org_a1.pk, "target": 5}).status_code
        == 302
    )
    unit = DriveUnit.objects.get(drive=drive)
    edit = reverse("mobilization:drive_unit_edit", args=[unit.pk])
    assert admin.post(edit, {"target": 0}).status_code == 422
    assert admin.post(edit, {"target": 8, "team": city.org_a1.pk, "auto_approve": "on"}).status_code == 302
    assert DriveUnit.objects.get(pk=unit.pk).target == 8
    admin.post(reverse("mobilization:drive_open", args=[drive.pk]))
    admin.post(reverse("mobilization:drive_close", args=[drive.pk]))
    assert Drive.objects.get(pk=drive.pk).status == "closed"
    actions = list(
        AuditEntry.objects.filter(action__startswith="drive_").order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "drive_created",
        "drive_unit_added",
        "drive_unit_changed",
        "drive_opened",
        "drive_closed",
    ]
    # Closed: the outsider never saw it; the units are history and cannot change.
    assert (
        login_client(city.users["outsider"])
        .get(reverse("mobilization:drive_detail", args=[drive.pk]))
        .status_code
        == 404
    )
    assert admin.post(edit, {"target": 9}).status_code == 409


def test_the_api_creates_a_drive_adds_units_and_reports_progress(city):
    api = bearer(city.users["city_admin"])
    response = api.post(
        "/api/v1/console/drives",
        {
            "name": "2026 青年志愿者招募",
            "year": 2026,
            "region_code": "330482",
            "starts_on": "2026-03-01",
            "ends_on": "2026-12-31",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    drive_id = response.json()["id"]
    bad = api.post(f"/api/v1/console/drives/{drive_id}/units", {"target": 0}, content_type="application/json")
    assert bad.status_code == 422
    response = api.post(
        f"/api/v1/console/drives/{drive_id}/units",
        {"organization": city.org_a.pk, "target": 4},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    unit = response.json()
    assert unit["url"].endswith(f"/d/{DriveUnit.objects.get().slug}/")
    assert api.post(f"/api/v1/console/drives/{drive_id}/open").json()["status"] == "open"
    slug = DriveUnit.objects.get().slug
    assert Client().get(f"/api/v1/drive-units/{slug}").json()["open"] is True
    bearer(city.users["volunteer_b"]).post(f"/api/v1/drive-units/{slug}/signup")
    units = api.get(f"/api/v1/console/drives/{drive_id}/units").json()["items"]
    assert (units[0]["signups"], units[0]["progress"]) == (1, 25.0)
    assert api.get(f"/api/v1/console/drives/{drive_id}").json()["totals"]["signups"] == 1
    response = api.put(
        f"/api/v1/console/drive-units/{unit['id']}", {"target": 2}, content_type="application/json"
    )
    assert response.json()["progress"] == 50.0


# --- query counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["page", "api"])
def test_the_drive_lists_take_a_constant_number_of_queries(city, assert_queries_constant, kind):
    drive = make_drive(city)
    DriveUnit.objects.create(drive=drive, organization=school("S0", "学校S0", city.town_a), target=1)
    admin, api = login_client(city.users["city_admin"]), bearer(city.users["city_admin"])

    def grow():
        for i in range(4):
            d = make_drive(city, name=f"招募{i}")
            u = DriveUnit.objects.create(drive=d, organization=city.org_b, target=3)
            DriveUnit.objects.create(drive=drive, region=city.village_a1, target=2) if i == 0 else None
            DriveSignup.objects.create(unit=u, volunteer=VolunteerFactory())
        for code in ("S1", "S2", "S3"):
            DriveUnit.objects.create(
                drive=drive,
                organization=school(code, f"学校{code}", city.town_a),
                target=1,
                enrolled_league_members=3,
            )

    if kind == "page":

        def fetch():
            assert admin.get(reverse("mobilization:drive_list")).status_code == 200
            assert admin.get(reverse("mobilization:drive_detail", args=[drive.pk])).status_code == 200
            assert admin.get(reverse("mobilization:drive_school_rates", args=[drive.pk])).status_code == 200
    else:

        def fetch():
            assert api.get("/api/v1/console/drives").status_code == 200
            assert api.get(f"/api/v1/console/drives/{drive.pk}/units").status_code == 200
            assert api.get(f"/api/v1/console/drives/{drive.pk}/schools").status_code == 200

    assert_queries_constant(fetch, grow)
