"""Lists and details: what each persona reads, filters, pagination, masking and query counts."""

import pytest

from huiguang.network.models import Membership, Organization
from huiguang.volunteers.models import Skill, Volunteer

from ..conftest import login_client
from ..factories import MembershipFactory, OrganizationFactory, SiteFactory, VolunteerFactory, bearer
from .conftest import API, zh


def get(client, url, **params):
    response = client.get(API + url, params)
    assert response.status_code == 200, response.content
    return response.json()


def names(answer, key="name"):
    return sorted(item[key] for item in answer["items"])


# --- what each persona reads ------------------------------------------------------------------------


def test_regions_are_public_and_filter_by_level_parent_and_own_scope(api_as, city):
    anonymous = api_as("anonymous")
    everything = get(anonymous, "/regions")
    assert everything["count"] == 4
    assert [r["code"] for r in everything["items"]][0] == "330482"  # tree order
    assert names(get(anonymous, "/regions", level="town")) == ["乍浦镇", "当湖街道"]
    assert names(get(anonymous, "/regions", parent="330482001")) == ["东湖社区"]
    assert get(anonymous, "/regions", mine="true")["count"] == 0
    assert names(get(api_as("town_admin"), "/regions", mine="true")) == ["东湖社区", "当湖街道"]
    detail = get(anonymous, "/regions/330482001001")
    assert detail["parent_code"] == "330482001" and detail["level"] == "village"
    assert detail["level_display"] == zh("village or community")


def test_anonymous_reads_the_public_directory_without_contacts(city, client, ids):
    answer = get(client, "/organizations")
    assert names(answer) == sorted(
        ["当湖街道志愿服务队", "东湖社区小分队", "乍浦镇志愿服务队"]
    )  # not the pending one
    assert all(org["contact"] is None and org["staff_count"] is None for org in answer["items"])
    assert "13800000000" not in str(answer)  # the factories' contact phone


def test_volunteer_without_roles_reads_the_public_directory_too(api_as, ids):
    answer = get(api_as("volunteer"), "/organizations")
    assert answer["count"] == 3
    assert answer["items"][0]["contact"] is None


def test_console_users_read_their_scope_with_contacts(api_as, ids):
    town = get(api_as("town_admin"), "/organizations")
    assert names(town) == sorted(["当湖街道志愿服务队", "东湖社区小分队", "当湖街道新队伍"])
    assert {org["contact"]["contact_phone"] for org in town["items"]} == {"13800000000"}
    assert names(get(api_as("leader"), "/organizations")) == ["当湖街道志愿服务队"]
    assert names(get(api_as("outsider"), "/organizations")) == ["乍浦镇志愿服务队"]
    assert get(api_as("auditor"), "/organizations")["count"] == 4


def test_organization_filters(api_as, ids):
    admin = api_as("city_admin")
    assert names(get(admin, "/organizations", status="pending")) == ["当湖街道新队伍"]
    assert names(get(admin, "/organizations", region="330482103")) == ["乍浦镇志愿服务队"]
    assert names(get(admin, "/organizations", region="330482001001")) == ["东湖社区小分队"]
    assert names(get(admin, "/organizations", q="东湖")) == ["东湖社区小分队"]
    assert names(get(admin, "/organizations", q="tb")) == ["乍浦镇志愿服务队"]
    assert get(admin, "/organizations", kind="school")["count"] == 0


def test_bad_filters_answer_422_in_chinese(api_as, city):
    admin = api_as("city_admin")
    response = admin.get(f"{API}/organizations", {"region": "999"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"region": [zh("No region has the code %(code)s.", code="999")]}
    response = admin.get(f"{API}/organizations", {"kind": "bank"})
    assert response.status_code == 422
    assert response.json()["errors"]["kind"][0].startswith("请从以下选项中选择：")
    response = admin.get(f"{API}/volunteers", {"organization": "abc", "limit": "500", "offset": "-1"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "organization": ["请输入整数。"],
        "limit": ["请输入不大于 200 的数。"],
        "offset": ["请输入不小于 0 的数。"],
    }


def test_sites_by_scope_and_filters(api_as, ids):
    assert names(get(api_as("city_admin"), "/sites")) == ["东湖新时代文明实践站", "乍浦青年之家"]
    assert names(get(api_as("org_admin"), "/sites")) == ["东湖新时代文明实践站"]  # run by sub-team A1
    assert names(get(api_as("outsider"), "/sites")) == ["乍浦青年之家"]
    assert get(api_as("volunteer"), "/sites")["count"] == 0
    admin = api_as("city_admin")
    assert names(get(admin, "/sites", region="330482103")) == ["乍浦青年之家"]
    assert names(get(admin, "/sites", organization=ids["org_a1"])) == ["东湖新时代文明实践站"]
    assert get(admin, "/sites", kind="red_cube")["count"] == 0
    site = get(admin, f"/sites/{ids['site_b']}")
    assert site["region"] == {"code": "330482103", "name": "乍浦镇"}
    assert site["organization"]["name"] == "乍浦镇志愿服务队"


def test_memberships_by_scope_and_filters(api_as, ids, city):
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    MembershipFactory(volunteer=volunteer, organization=city.org_a1, status=Membership.Status.APPLIED)
    org_admin = api_as("org_admin")
    assert get(org_admin, "/memberships")["count"] == 3  # leader + volunteer in A, application in A1
    applied = get(org_admin, "/memberships", status="applied")
    assert [(m["volunteer"]["real_name"], m["organization"]["code"]) for m in applied["items"]] == [
        ("张小明", "TA1")
    ]
    assert get(org_admin, "/memberships", organization=ids["org_a"])["count"] == 2
    assert get(org_admin, "/memberships", role="leader")["count"] == 1
    assert get(api_as("leader"), "/memberships")["count"] == 2  # org A only, not the sub-team
    assert [m["volunteer"]["real_name"] for m in get(api_as("outsider"), "/memberships")["items"]] == [
        "王小红"
    ]
    assert get(api_as("volunteer"), "/memberships")["count"] == 0


def test_volunteers_by_scope(api_as, city):
    assert names(get(api_as("city_admin"), "/volunteers"), "real_name") == ["张小明", "李队长", "王小红"]
    assert names(get(api_as("town_admin"), "/volunteers"), "real_name") == ["张小明", "李队长"]
    assert names(get(api_as("org_admin"), "/volunteers"), "real_name") == ["张小明", "李队长"]
    assert names(get(api_as("outsider"), "/volunteers"), "real_name") == ["王小红"]
    assert get(api_as("volunteer"), "/volunteers")["count"] == 0


def test_volunteer_filters(api_as, city):
    admin = api_as("city_admin")
    assert names(get(admin, "/volunteers", region="330482001"), "real_name") == ["张小明", "李队长"]
    assert names(get(admin, "/volunteers", region="330482001001"), "real_name") == ["张小明"]
    assert names(get(admin, "/volunteers", organization=city.org_b.pk), "real_name") == ["王小红"]
    assert names(get(admin, "/volunteers", q="小"), "real_name") == ["张小明", "王小红"]
    number = Volunteer.objects.get(real_name="王小红").volunteer_number
    assert names(get(admin, "/volunteers", q=number), "real_name") == ["王小红"]
    assert get(admin, "/volunteers", status="suspended")["count"] == 0


def test_pagination_with_limit_and_offset(api_as, city):
    admin = api_as("city_admin")
    first = get(admin, "/volunteers", limit=2)
    second = get(admin, "/volunteers", limit=2, offset=2)
    assert first["count"] == second["count"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert {v["id"] for v in first["items"]}.isdisjoint({v["id"] for v in second["items"]})


def test_me_shows_roles_profile_and_memberships(api_as, city):
    me = get(api_as("leader"), "/me")
    assert me["user"]["phone"] == "13900000005"
    assert [(g["role"], g["organization"]["code"]) for g in me["roles"]] == [("leader", "TA")]
    assert me["volunteer"]["real_name"] == "李队长"
    assert [(m["organization"]["code"], m["role"]) for m in me["memberships"]] == [("TA", "leader")]
    town = get(api_as("town_admin"), "/me")
    assert town["volunteer"] is None and town["memberships"] == []
    assert [(g["role"], g["region"]["code"]) for g in town["roles"]] == [("region_admin", "330482001")]


# --- no full ID number, no full phone, anywhere -----------------------------------------------------

PERSONAS = ["city_admin", "auditor", "town_admin", "org_admin", "leader", "volunteer", "outsider"]


def test_no_answer_carries_a_full_id_number_or_phone(api_as, city, ids):
    volunteers = list(Volunteer.objects.select_related("user"))
    secrets = {v.decrypt_id_number() for v in volunteers} | {v.decrypt_id_number()[6:14] for v in volunteers}
    phones = {v.user.phone for v in volunteers}
    urls = ["/volunteers", "/memberships", "/me", "/organizations", "/sites"]
    urls += [f"/volunteers/{ids['volunteer']}", f"/volunteers/{ids['volunteer_b']}"]
    urls += [f"/memberships/{ids['membership_v1']}", f"/memberships/{ids['membership_b']}"]
    seen_masked = set()
    for role in PERSONAS:
        client = api_as(role)
        for url in urls:
            response = client.get(API + url)
            body = response.content.decode()
            assert not any(s in body for s in secrets), (role, url)
            if url != "/me":  # /me shows the caller their own login number
                assert not any(p in body for p in phones), (role, url)
            if response.status_code == 200 and url.startswith("/volunteers/"):
                seen_masked.add(response.json()["id_number"])
    assert seen_masked == {
        v.id_masked for v in Volunteer.objects.filter(pk__in=[ids["volunteer"], ids["volunteer_b"]])
    }
    assert all("********" in m for m in seen_masked)


def test_volunteer_detail_masks_id_and_phone(api_as, city, ids):
    volunteer = Volunteer.objects.get(pk=ids["volunteer"])
    detail = get(api_as("town_admin"), f"/volunteers/{ids['volunteer']}")
    number = volunteer.decrypt_id_number()
    assert detail["id_number"] == number[:6] + "********" + number[-4:]
    assert detail["phone"] == "139****0006"
    assert detail["residence"] == {"code": "330482001001", "name": "东湖社区"}


# --- query counts do not grow with rows ---------------------------------------------------------------


def _grow(city, n: int) -> None:
    skills = [
        Skill.objects.get_or_create(code=f"skill{i}", defaults={"name": f"技能{i}"})[0] for i in range(3)
    ]
    for _ in range(n):
        org = OrganizationFactory(region=city.village_a1, parent=city.org_a)
        SiteFactory(region=city.village_a1, organization=org)
        volunteer = VolunteerFactory(residence_region=city.village_a1)
        volunteer.skills.set(skills)
        MembershipFactory(volunteer=volunteer, organization=org)
        MembershipFactory(volunteer=volunteer, organization=city.org_a, status=Membership.Status.APPLIED)


LIST_URLS = ["/regions", "/organizations", "/sites", "/memberships", "/volunteers", "/tokens", "/me"]


# Anonymous callers read the public lists and get 401 on the others.
PUBLIC_LISTS = {"/regions", "/organizations"}


@pytest.mark.parametrize("mode", ["session", "bearer"])
@pytest.mark.parametrize("role", ["city_admin", "town_admin", "org_admin", "leader", "anonymous"])
def test_list_query_counts_do_not_grow_with_rows(city, role, mode, assert_queries_constant):
    user = city.users[role]
    client = bearer(user) if mode == "bearer" and user is not None else login_client(user)
    expected = {url: 401 if user is None and url not in PUBLIC_LISTS else 200 for url in LIST_URLS}

    def lists():
        got = {url: client.get(API + url).status_code for url in LIST_URLS}
        assert got == expected

    def grow():
        _grow(city, 25)
        assert Organization.objects.count() > 25

    # session, user, grants, count, page, skills (volunteers): at most 6 per list
    assert assert_queries_constant(lists, grow) <= 6 * len(LIST_URLS)
