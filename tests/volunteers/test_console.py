import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huiguang.core.models import AuditEntry
from huiguang.ledger.models import VolunteerHours
from huiguang.volunteers.models import Volunteer

from ..factories import VolunteerFactory, member

# role → which persona volunteers appear on their console list
VISIBLE = {
    "city_admin": {"李队长", "张小明", "王小红"},
    "auditor": {"李队长", "张小明", "王小红"},
    "town_admin": {"李队长", "张小明"},  # residents of town A and members of its organizations
    "org_admin": {"李队长", "张小明"},
    "leader": {"李队长", "张小明"},
    "outsider": {"王小红"},
}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_console_list_shows_exactly_the_volunteers_in_scope(as_role, role):
    body = as_role(role).get(reverse("volunteers:console_list")).content.decode()
    for name in {"李队长", "张小明", "王小红"}:
        assert (name in body) == (name in VISIBLE[role]), (role, name)


@pytest.mark.parametrize("role", ["anonymous", "volunteer", "volunteer_b"])
def test_console_pages_are_not_found_without_a_console_role(city, as_role, role):
    v = Volunteer.objects.get(real_name="张小明")
    client = as_role(role)
    for url in (reverse("volunteers:console_list"), reverse("volunteers:console_detail", args=[v.pk])):
        response = client.get(url)
        assert response.status_code == (302 if role == "anonymous" else 404)


def test_volunteer_outside_scope_is_not_found(city, as_role):
    other = Volunteer.objects.get(real_name="王小红")
    assert as_role("town_admin").get(reverse("volunteers:console_detail", args=[other.pk])).status_code == 404
    assert as_role("org_admin").get(reverse("volunteers:console_detail", args=[other.pk])).status_code == 404
    assert as_role("outsider").get(reverse("volunteers:console_detail", args=[other.pk])).status_code == 200


def test_detail_shows_masked_number_and_only_city_admin_may_reveal(city, as_role):
    v = Volunteer.objects.get(real_name="张小明")
    full = v.decrypt_id_number()
    for role in ("town_admin", "org_admin", "leader", "auditor"):
        client = as_role(role)
        body = client.get(reverse("volunteers:console_detail", args=[v.pk])).content.decode()
        assert v.id_masked in body and full not in body
        assert "显示完整号码" not in body
        assert client.post(reverse("volunteers:console_reveal_id", args=[v.pk])).status_code == 404
    assert AuditEntry.objects.filter(action="id_number_viewed", outcome="denied").count() == 4
    response = as_role("city_admin").post(reverse("volunteers:console_reveal_id", args=[v.pk]))
    assert response.status_code == 200 and full in response.content.decode()
    entry = AuditEntry.objects.get(action="id_number_viewed", outcome="ok")
    assert entry.object_id == str(v.pk) and entry.actor == city.users["city_admin"]


def test_export_is_masked_neutralized_and_audited(city, as_role):
    member(city.org_a, real_name='=HYPERLINK("http://x")')  # lives in town A, the team's region
    response = as_role("town_admin").get(reverse("volunteers:console_list") + "?format=xlsx")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    names = {r[1] for r in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in names
    assert "王小红" not in names  # outside the town admin's scope
    for r in rows[1:]:
        assert "*" in r[2] and "*" in r[4]  # ID and phone masked
    assert AuditEntry.objects.filter(action="export", actor=city.users["town_admin"]).exists()


def test_list_query_count_does_not_grow_with_rows(city, as_role, assert_queries_constant):
    client = as_role("city_admin")
    url = reverse("volunteers:console_list")

    def add_volunteers():
        for _ in range(30):
            VolunteerFactory(residence_region=city.village_a1)

    assert_queries_constant(lambda: client.get(url), add_volunteers)
    assert client.get(url).content.decode().count("/console/volunteers/") >= 30


def test_filters_by_region_subtree_and_name(city, as_role):
    client = as_role("city_admin")
    body = client.get(reverse("volunteers:console_list") + "?region=330482001").content.decode()
    assert "张小明" in body and "王小红" not in body
    body = client.get(reverse("volunteers:console_list") + "?q=王小").content.decode()
    assert "王小红" in body and "张小明" not in body
    body = client.get(reverse("volunteers:console_list") + "?region=999").content.decode()
    assert "没有符合条件的志愿者" in body


# --- labelled filters, hours and star, sorting -----------------------------------------------------


def _hours(volunteer, minutes: int, star: int = 0):
    VolunteerHours.objects.update_or_create(
        volunteer=volunteer, defaults={"total_minutes": minutes, "star": star}
    )


def _names(body: str) -> list[str]:
    return re.findall(r'<a href="/console/volunteers/\d+/">([^<]+)</a>', body)


def test_filters_are_labelled(city, as_role):
    body = as_role("city_admin").get(reverse("volunteers:console_list")).content.decode()
    for label in ("姓名或志愿者编号", "区域代码", "状态"):
        assert f">{label}</label>" in body


def test_hours_and_star_columns_and_sorting_by_hours(city, as_role):
    _hours(Volunteer.objects.get(real_name="王小红"), 750, star=2)
    _hours(Volunteer.objects.get(real_name="张小明"), 90)
    client = as_role("city_admin")
    body = client.get(reverse("volunteers:console_list") + "?sort=-hours").content.decode()
    assert _names(body)[:2] == ["王小红", "张小明"]
    assert 'data-testid="hours">12.5<' in body and "2★" in body and 'data-testid="hours">1.5<' in body
    body = client.get(reverse("volunteers:console_list") + "?sort=hours").content.decode()
    assert _names(body)[-2:] == ["张小明", "王小红"]


def test_sorting_by_name_and_registration(city, as_role):
    client = as_role("city_admin")
    url = reverse("volunteers:console_list")
    names = _names(client.get(url + "?sort=name").content.decode())
    assert names == sorted(names) and len(names) == 3
    assert _names(client.get(url + "?sort=-name").content.decode()) == names[::-1]
    newest = _names(client.get(url).content.decode())
    assert _names(client.get(url + "?sort=registered").content.decode()) == newest[::-1]


@pytest.mark.parametrize("sort", ["bogus", "hours__total_minutes", "-id;drop", "x" * 500, "__str__"])
def test_an_unknown_sort_key_sorts_by_the_default(city, as_role, sort):
    client = as_role("city_admin")
    url = reverse("volunteers:console_list")
    response = client.get(url, {"sort": sort, "q": "小"})
    assert response.status_code == 200
    assert _names(response.content.decode()) == _names(client.get(url, {"q": "小"}).content.decode())


def test_sorted_by_hours_query_count_does_not_grow_with_rows(city, as_role, assert_queries_constant):
    client = as_role("city_admin")
    url = reverse("volunteers:console_list") + "?sort=-hours"

    def add_volunteers():
        for n in range(20):
            _hours(VolunteerFactory(residence_region=city.village_a1), 60 * n, star=n % 3)

    assert_queries_constant(lambda: client.get(url), add_volunteers)
