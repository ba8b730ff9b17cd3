"""The roles console: a city admin grants and revokes roles; nobody else sees it."""

import pytest
from django.urls import reverse

from huiguang.core.models import AuditEntry
from huiguang.network.models import Grant
from tests.accounts.zh import zh
from tests.factories import GrantFactory, UserFactory

LIST = "network:grant_list"


def grant_post(client, **data):
    return client.post(reverse(LIST), data)


def test_city_admin_sees_every_grant_with_masked_phones(as_role):
    page = as_role("city_admin").get(reverse(LIST)).content.decode()
    assert "街道管理员" in page and "当湖街道" in page
    assert "队伍管理员" in page and "当湖街道志愿服务队" in page
    assert "139****0003" in page
    assert "13900000003" not in page
    assert zh("region administrator") in page and zh("whole city") in page


def test_grant_region_admin_opens_the_console_and_revoke_closes_it(as_role, city):
    volunteer = city.users["volunteer"]
    volunteer_client = as_role("volunteer")
    assert volunteer_client.get(reverse("web:console")).status_code == 404

    admin = as_role("city_admin")
    response = grant_post(admin, user="+86 139 0000 0006", role="region_admin", region=city.town_a.code)
    assert response.status_code == 302
    grant = Grant.objects.get(user=volunteer)
    assert (grant.role, grant.region, grant.organization, grant.granted_by) == (
        "region_admin",
        city.town_a,
        None,
        city.users["city_admin"],
    )
    assert volunteer_client.get(reverse("web:console")).status_code == 200
    entry = AuditEntry.objects.get(action="grant_created")
    assert (entry.actor, entry.object_id, entry.detail) == (
        city.users["city_admin"],
        str(grant.pk),
        {"for_user": "13900000006"},
    )

    response = admin.post(reverse("network:grant_revoke", args=[grant.pk]))
    assert response.status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert volunteer_client.get(reverse("web:console")).status_code == 404
    revoked = AuditEntry.objects.get(action="grant_revoked")
    assert revoked.detail == {"for_user": "13900000006", "role": "region_admin"}


def test_grant_org_admin_and_leader_by_organization_code(as_role, city):
    admin = as_role("city_admin")
    assert grant_post(admin, user="13900000006", role="org_admin", organization="TA1").status_code == 302
    assert grant_post(admin, user="13900000006", role="leader", organization="TA1").status_code == 302
    assert set(
        Grant.objects.filter(user=city.users["volunteer"]).values_list("role", "organization__code")
    ) == {("org_admin", "TA1"), ("leader", "TA1")}


def test_grant_auditor_needs_no_scope(as_role, city):
    assert grant_post(as_role("city_admin"), user="13900000007", role="auditor").status_code == 302
    assert Grant.objects.filter(user=city.users["volunteer_b"], role="auditor").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"user": "13900000006", "role": "region_admin"}, zh("A region administrator needs a region.")),
        (
            {"user": "13900000006", "role": "region_admin", "region": "330482001", "organization": "TA"},
            zh("A region administrator covers a region: do not choose an organization."),
        ),
        ({"user": "13900000006", "role": "org_admin"}, zh("This role needs an organization.")),
        (
            {"user": "13900000006", "role": "leader", "region": "330482001", "organization": "TA"},
            zh("This role covers an organization: do not choose a region."),
        ),
        (
            {"user": "13900000006", "role": "auditor", "region": "330482001"},
            zh("This role covers the whole city: do not choose a region or organization."),
        ),
        ({"user": "13900000006", "role": "region_admin", "region": "999999"}, zh("No region has this code.")),
        (
            {"user": "13900000006", "role": "org_admin", "organization": "NOPE"},
            zh("No organization has this code."),
        ),
        (
            {"user": "13811119999", "role": "auditor"},
            zh("No account has this mobile number. The person must register first."),
        ),
        ({"user": "13900000006", "role": "emperor"}, "选择一个有效的选项"),
        (
            {"user": "13900000003", "role": "region_admin", "region": "330482001"},
            zh("This user already holds this role."),
        ),
    ],
)
def test_invalid_grants_explain_in_chinese_and_write_nothing(as_role, city, data, message):
    grants_before = set(Grant.objects.values_list("pk", flat=True))
    response = grant_post(as_role("city_admin"), **data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert set(Grant.objects.values_list("pk", flat=True)) == grants_before
    assert not AuditEntry.objects.filter(action="grant_created").exists()


def test_a_city_admin_cannot_revoke_their_own_city_admin_role(as_role, city):
    own = Grant.objects.get(user=city.users["city_admin"], role="city_admin")
    response = as_role("city_admin").post(reverse("network:grant_revoke", args=[own.pk]))
    assert response.status_code == 409
    assert zh("You cannot revoke your own city administrator role.") in response.content.decode()
    assert Grant.objects.filter(pk=own.pk).exists()
    assert not AuditEntry.objects.filter(action="grant_revoked").exists()


def test_another_city_admin_can_be_revoked(as_role, city):
    other = GrantFactory(user=UserFactory(phone="13700000001"), role="city_admin")
    assert as_role("city_admin").post(reverse("network:grant_revoke", args=[other.pk])).status_code == 302
    assert not Grant.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("role", ["auditor", "town_admin", "org_admin", "leader", "volunteer", "outsider"])
def test_only_a_city_admin_reaches_the_roles_console(as_role, city, role):
    client = as_role(role)
    assert client.get(reverse(LIST)).status_code == 404
    assert grant_post(client, user=city.users[role].phone, role="city_admin").status_code == 404
    target = Grant.objects.get(user=city.users["town_admin"])
    assert client.post(reverse("network:grant_revoke", args=[target.pk])).status_code == 404
    assert Grant.objects.filter(pk=target.pk).exists()
    assert not Grant.objects.filter(user=city.users[role], role="city_admin").exists()


def test_anonymous_is_sent_to_login(client, city):
    response = client.get(reverse(LIST))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_revoke_needs_a_post_and_an_existing_grant(as_role, city):
    admin = as_role("city_admin")
    target = Grant.objects.get(user=city.users["town_admin"])
    assert admin.get(reverse("network:grant_revoke", args=[target.pk])).status_code == 405
    assert admin.post(reverse("network:grant_revoke", args=[999999])).status_code == 404


def test_filters_by_role_and_by_name_or_phone(as_role, city):
    admin = as_role("city_admin")
    page = admin.get(reverse(LIST), {"role": "org_admin"}).content.decode()
    assert "队伍管理员" in page and "街道管理员" not in page
    page = admin.get(reverse(LIST), {"q": "乍浦"}).content.decode()
    assert "乍浦镇管理员" in page and "街道管理员" not in page
    page = admin.get(reverse(LIST), {"q": "0000 0004"}).content.decode()
    assert "队伍管理员" in page and "乍浦镇管理员" not in page
    page = admin.get(reverse(LIST), {"role": "no-such-role"})
    assert page.status_code == 200  # a bad filter is ignored, never a 500


def test_revoke_buttons_ask_for_confirmation(as_role):
    page = as_role("city_admin").get(reverse(LIST)).content.decode()
    # One button in the phone list and one in the wide table, for every grant.
    assert page.count("data-confirm=") == 2 * Grant.objects.count()


def test_roles_list_query_count_does_not_grow_with_rows(as_role, city, assert_queries_constant):
    client = as_role("city_admin")

    def page():
        assert client.get(reverse(LIST)).status_code == 200

    def grow():
        for _ in range(15):
            GrantFactory(
                user=UserFactory(),
                role="org_admin",
                organization=city.org_b,
                granted_by=city.users["city_admin"],
            )

    assert assert_queries_constant(page, grow) <= 20
