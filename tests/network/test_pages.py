"""What users see and do on the network's pages: join, approve, leave, forms and their errors."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huiguang.network.models import Grant, Membership, Organization, Site
from huiguang.network.selectors import region_subtree_counts
from huiguang.network.services import memberships

from ..conftest import login_client
from ..factories import OrganizationFactory, VolunteerFactory
from .conftest import image_upload


def test_public_directory_lists_active_organizations_with_filters(city, pending_org_a, client):
    OrganizationFactory(
        code="MED",
        name="平湖医疗导诊队",
        region=city.village_a1,
        specialty="医疗导诊",
        kind=Organization.Kind.PROFESSIONAL,
    )
    html = client.get(reverse("network:directory")).content.decode()
    assert "当湖街道志愿服务队" in html and "平湖医疗导诊队" in html
    assert "当湖待审志愿队" not in html
    html = client.get(reverse("network:directory"), {"region": "330482001"}).content.decode()
    assert "平湖医疗导诊队" in html and "乍浦镇志愿服务队" not in html
    html = client.get(reverse("network:directory"), {"specialty": "医疗导诊"}).content.decode()
    assert "平湖医疗导诊队" in html and "当湖街道志愿服务队" not in html
    html = client.get(reverse("network:directory"), {"kind": "professional", "q": "导诊"}).content.decode()
    assert "平湖医疗导诊队" in html and "当湖街道志愿服务队" not in html


def test_directory_paginates(city, client):
    for n in range(30):
        OrganizationFactory(code=f"P{n:03d}", name=f"分页测试队{n:03d}", region=city.town_b)
    first = client.get(reverse("network:directory"), {"q": "分页测试队"}).content.decode()
    second = client.get(reverse("network:directory"), {"q": "分页测试队", "page": 2}).content.decode()
    assert "分页测试队000" in first and "分页测试队029" not in first
    assert "分页测试队029" in second
    assert client.get(reverse("network:directory"), {"page": "zzz"}).status_code == 200


def test_public_page_shows_contact_name_never_phone_numbers(city, client):
    html = client.get(reverse("network:org_public", args=["TA"])).content.decode()
    assert "当湖街道志愿服务队" in html
    assert "王老师" in html
    assert "13800000000" not in html
    assert "1390000000" not in html  # no member's phone
    assert "张小明" not in html  # no member's name


def test_anonymous_sees_the_public_page_in_chinese_with_sites_and_a_login_link(city, client):
    html = client.get(reverse("network:org_public", args=["TA1"])).content.decode()
    assert "东湖新时代文明实践站" in html
    assert "登录后申请" in html and 'action="/orgs/TA1/join/"' not in html
    assert "当湖街道志愿服务队" in html  # the parent, linked


def test_volunteer_applies_on_the_public_page_and_the_org_admin_approves(city, as_role):
    volunteer = as_role("volunteer_b")
    page = volunteer.get(reverse("network:org_public", args=["TA"])).content.decode()
    assert "申请加入" in page
    response = volunteer.post(reverse("network:org_join", args=["TA"]))
    assert response.status_code == 302
    membership = Membership.objects.get(
        volunteer=city.users["volunteer_b"].volunteer, organization=city.org_a
    )
    assert membership.status == Membership.Status.APPLIED
    page = volunteer.get(reverse("network:org_public", args=["TA"])).content.decode()
    assert "等待" in page and "申请加入" not in page

    again = volunteer.post(reverse("network:org_join", args=["TA"]))
    assert again.status_code == 409
    assert "已经申请" in again.content.decode()

    admin = as_role("org_admin")
    listing = admin.get(reverse("network:membership_list")).content.decode()
    assert "王小红" in listing and f'value="{membership.pk}"' in listing
    response = admin.post(reverse("network:membership_decide"), {"approve_one": membership.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert "已批准 1 份申请" in admin.get(response["Location"]).content.decode()


def test_bulk_form_approves_ticked_rows_in_scope(city, as_role):
    mine = memberships.membership_apply(actor=city.users["volunteer_b"], organization=city.org_a)
    theirs = memberships.membership_apply(actor=city.users["volunteer"], organization=city.org_b)
    response = as_role("org_admin").post(
        reverse("network:membership_decide"),
        {"action": "reject", "ids": [mine.pk, theirs.pk], "note": "名额已满"},
    )
    assert response.status_code == 302
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert (mine.status, mine.note) == ("rejected", "名额已满")
    assert theirs.status == "applied"


def test_bulk_form_without_ticks_is_a_clear_422(city, as_role):
    response = as_role("org_admin").post(reverse("network:membership_decide"), {"action": "approve"})
    assert response.status_code == 422
    assert "请至少勾选一份申请" in response.content.decode()


def test_leader_sees_applications_without_buttons(city, as_role):
    memberships.membership_apply(actor=city.users["volunteer_b"], organization=city.org_a)
    html = as_role("leader").get(reverse("network:membership_list")).content.decode()
    assert "王小红" in html
    assert 'name="ids"' not in html and "approve_one" not in html


def test_volunteer_leaves_from_my_memberships(city, as_role):
    client = as_role("volunteer")
    html = client.get(reverse("network:my_memberships")).content.decode()
    assert "当湖街道志愿服务队" in html
    membership = Membership.objects.get(volunteer=city.users["volunteer"].volunteer)
    response = client.post(reverse("network:my_membership_leave", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT
    again = client.post(reverse("network:my_membership_leave", args=[membership.pk]))
    assert again.status_code == 409
    # Someone else's membership does not exist for this user.
    other = Membership.objects.get(volunteer=city.users["volunteer_b"].volunteer)
    assert client.post(reverse("network:my_membership_leave", args=[other.pk])).status_code == 404


def test_volunteer_applies_to_register_an_organization(city, as_role):
    client = as_role("volunteer")
    response = client.post(
        reverse("network:org_apply"),
        {
            "name": "东湖社区读书会",
            "kind": "social",
            "region": city.village_a1.pk,
            "parent": "",
            "specialty": "文化",
            "description": "",
            "contact_name": "张小明",
            "contact_phone": "",
            "address": "",
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="东湖社区读书会")
    assert org.status == Organization.Status.PENDING and org.applicant == city.users["volunteer"]
    html = client.get(reverse("network:my_memberships")).content.decode()
    assert "东湖社区读书会" in html and "待审核" in html

    town_admin = as_role("town_admin")
    detail = town_admin.get(reverse("network:org_detail", args=[org.pk])).content.decode()
    assert 'value="approve"' in detail
    assert (
        town_admin.post(reverse("network:org_decide", args=[org.pk]), {"action": "approve"}).status_code
        == 302
    )
    org.refresh_from_db()
    assert org.status == Organization.Status.ACTIVE
    assert Grant.objects.filter(user=city.users["volunteer"], organization=org, role="org_admin").exists()


def test_reject_without_reason_shows_the_error(city, pending_org_a, as_role):
    response = as_role("town_admin").post(
        reverse("network:org_decide", args=[pending_org_a.pk]), {"action": "reject"}
    )
    assert response.status_code == 422
    assert "请填写驳回的理由" in response.content.decode()
    pending_org_a.refresh_from_db()
    assert pending_org_a.status == Organization.Status.PENDING


def test_a_reason_with_a_direction_override_is_refused(city, pending_org_a, as_role):
    response = as_role("town_admin").post(
        reverse("network:org_decide", args=[pending_org_a.pk]),
        {"action": "reject", "reason": "材料\u202e不全"},
    )
    assert response.status_code == 422
    assert "U+202E" in response.content.decode()
    pending_org_a.refresh_from_db()
    assert pending_org_a.status == Organization.Status.PENDING


def test_site_form_latitude_out_of_range_in_chinese(city, as_role):
    response = as_role("town_admin").post(
        reverse("network:site_create"),
        {
            "name": "当湖青年之家",
            "kind": "youth_home",
            "region": city.town_a.pk,
            "lat": "95",
            "lng": "121",
            "is_active": "on",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "纬度必须在 -90 到 90 之间" in html
    assert not Site.objects.filter(name="当湖青年之家").exists()


def test_site_form_required_fields_in_chinese(city, as_role):
    response = as_role("town_admin").post(reverse("network:site_create"), {"name": "", "lng": "abc"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "这个字段是必填项" in html
    assert "请输入一个数字" in html


def test_site_created_from_the_console(city, as_role):
    response = as_role("org_admin").post(
        reverse("network:site_create"),
        {
            "name": "当湖红立方",
            "kind": "red_cube",
            "region": city.town_a.pk,
            "organization": city.org_a.pk,
            "address": "当湖街道",
            "lat": "30.70",
            "lng": "121.01",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(name="当湖红立方")
    assert (site.organization, str(site.lat)) == (city.org_a, "30.700000")


def test_seal_upload_refuses_a_non_image(city, as_role):
    data = {
        "name": "当湖街道志愿服务队",
        "kind": "team",
        "region": city.town_a.pk,
        "staff_count": 0,
        "seal": SimpleUploadedFile("seal.png", b"just text, not a picture", content_type="image/png"),
    }
    response = as_role("org_admin").post(reverse("network:org_edit", args=[city.org_a.pk]), data)
    assert response.status_code == 422
    assert "印章必须是 PNG 或 JPEG 图片" in response.content.decode()
    city.org_a.refresh_from_db()
    assert not city.org_a.seal


def test_seal_upload_accepts_a_png(city, as_role):
    data = {
        "name": "当湖街道志愿服务队",
        "kind": "team",
        "region": city.town_a.pk,
        "staff_count": 0,
        "seal": image_upload(),
    }
    response = as_role("org_admin").post(reverse("network:org_edit", args=[city.org_a.pk]), data)
    assert response.status_code == 302
    city.org_a.refresh_from_db()
    assert city.org_a.seal.name.endswith(".png")


def test_console_create_with_duplicate_code_shows_the_error(city, as_role):
    response = as_role("city_admin").post(
        reverse("network:org_create"),
        {
            "code": "TA",
            "name": "重复",
            "kind": "team",
            "region": city.town_a.pk,
            "staff_count": 0,
        },
    )
    assert response.status_code == 422
    assert "该代码已被其他组织使用" in response.content.decode()


def test_role_change_from_the_organization_page(city, as_role):
    membership = Membership.objects.get(volunteer=city.users["volunteer"].volunteer)
    response = as_role("org_admin").post(
        reverse("network:membership_role", args=[membership.pk]), {"role": "leader"}
    )
    assert response.status_code == 302
    assert Grant.objects.filter(user=city.users["volunteer"], role="leader", organization=city.org_a).exists()


def test_region_list_counts_volunteers_and_organizations_of_the_subtree(city, as_role):
    VolunteerFactory(residence_region=city.village_a1)
    html = as_role("town_admin").get(reverse("network:region_list")).content.decode()
    # town A: 2 residents (张小明 in the village + the new one) + 李队长 in the town itself = 3
    assert "当湖街道" in html and "东湖社区" in html
    counts = region_subtree_counts([city.town_a, city.village_a1, city.city])
    assert (counts[city.town_a.pk].volunteers, counts[city.town_a.pk].organizations) == (3, 2)
    assert (counts[city.village_a1.pk].volunteers, counts[city.village_a1.pk].organizations) == (2, 1)
    assert counts[city.city.pk].volunteers == 4


def test_awaiting_guardian_volunteer_sees_a_clear_refusal(city):
    minor = VolunteerFactory(status="awaiting_guardian", residence_region=city.town_a)
    response = login_client(minor.user).post(reverse("network:org_join", args=["TA"]))
    assert response.status_code == 409
    assert "监护人" in response.content.decode()
