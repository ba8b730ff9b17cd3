"""The network's write rules: who may approve what, memberships, roles, sites, seals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.models import AuditEntry
from huiguang.network.models import Grant, Membership, Organization, Site
from huiguang.network.scope import scope_for
from huiguang.network.services import memberships, organizations, regions, sites

from ..factories import MembershipFactory, OrganizationFactory, UserFactory, VolunteerFactory
from .conftest import image_upload


def create(actor, region, **kwargs) -> Organization:
    return organizations.organization_create(
        actor=actor, name=kwargs.pop("name", "新志愿队"), kind="team", region=region, **kwargs
    )


# --- Organizations -------------------------------------------------------------------------


def test_city_admin_creates_an_active_organization(city):
    org = create(city.users["city_admin"], city.town_b)
    assert org.status == Organization.Status.ACTIVE
    assert AuditEntry.objects.filter(action="organization_created", object_id=str(org.pk)).exists()


def test_region_admin_creates_active_inside_the_region_and_pending_outside(city):
    inside = create(city.users["town_admin"], city.village_a1)
    outside = create(city.users["town_admin"], city.town_b)
    assert inside.status == Organization.Status.ACTIVE
    assert outside.status == Organization.Status.PENDING


def test_org_admin_creates_active_sub_team_but_pending_top_level_team(city):
    sub = create(city.users["org_admin"], city.town_b, parent=city.org_a)
    top = create(city.users["org_admin"], city.town_a)
    assert sub.status == Organization.Status.ACTIVE
    assert sub.path == f"{city.org_a.path}{sub.code}/"
    assert top.status == Organization.Status.PENDING


def test_read_only_roles_cannot_create_in_the_console(city):
    for role in ("auditor", "leader", "volunteer"):
        with pytest.raises(PermissionDenied):
            create(city.users[role], city.town_a)


def test_generated_codes_follow_the_region_and_do_not_collide(city):
    first = create(city.users["city_admin"], city.town_a)
    second = create(city.users["city_admin"], city.town_a)
    assert first.code == "330482001-001"
    assert second.code == "330482001-002"


def test_code_must_be_well_formed_and_unique(city):
    with pytest.raises(FieldErrors) as exc:
        create(city.users["city_admin"], city.town_a, code="ta")
    assert "code" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        create(city.users["city_admin"], city.town_a, code="含中文")
    assert "code" in exc.value.errors
    assert Organization.objects.count() == 3


def test_volunteer_application_is_pending_until_the_region_admin_approves(city):
    user = city.users["volunteer_b"]
    org = create(user, city.town_a, name="东湖读书会", as_applicant=True)
    assert org.status == Organization.Status.PENDING
    assert org.applicant == user
    assert not Grant.objects.filter(user=user, organization=org).exists()

    organizations.organization_decide(actor=city.users["town_admin"], organization=org, approve=True)

    org.refresh_from_db()
    assert org.status == Organization.Status.ACTIVE
    assert Grant.objects.filter(user=user, organization=org, role=Grant.Role.ORG_ADMIN).exists()
    membership = Membership.objects.get(volunteer=user.volunteer, organization=org)
    assert (membership.role, membership.status) == (Membership.Role.ADMIN, Membership.Status.ACTIVE)
    assert org.path in scope_for(type(user).objects.get(pk=user.pk)).admin_org_paths


def test_parent_admin_approves_an_application_naming_the_parent(city):
    org = create(city.users["volunteer_b"], city.town_b, parent=city.org_a, as_applicant=True)
    assert org.status == Organization.Status.PENDING
    organizations.organization_decide(actor=city.users["org_admin"], organization=org, approve=True)
    org.refresh_from_db()
    assert org.status == Organization.Status.ACTIVE


def test_only_the_region_parent_or_city_admin_may_decide(city, pending_org_a):
    for role in ("outsider", "org_admin", "leader", "auditor", "volunteer"):
        with pytest.raises(PermissionDenied):
            organizations.organization_decide(
                actor=city.users[role], organization=pending_org_a, approve=True
            )
    pending_org_a.refresh_from_db()
    assert pending_org_a.status == Organization.Status.PENDING


def test_rejection_needs_a_reason_and_a_decision_happens_once(city, pending_org_a):
    admin = city.users["town_admin"]
    with pytest.raises(FieldErrors) as exc:
        organizations.organization_decide(actor=admin, organization=pending_org_a, approve=False)
    assert "reason" in exc.value.errors
    organizations.organization_decide(
        actor=admin, organization=pending_org_a, approve=False, reason="材料不全"
    )
    pending_org_a.refresh_from_db()
    assert (pending_org_a.status, pending_org_a.status_reason) == (Organization.Status.REJECTED, "材料不全")
    with pytest.raises(Refused):
        organizations.organization_decide(actor=admin, organization=pending_org_a, approve=True)
    assert AuditEntry.objects.filter(action="organization_rejected").count() == 1


def test_suspend_and_reactivate(city):
    admin = city.users["town_admin"]
    with pytest.raises(FieldErrors):
        organizations.organization_set_status(actor=admin, organization=city.org_a, status="suspended")
    organizations.organization_set_status(
        actor=admin, organization=city.org_a, status="suspended", reason="整改"
    )
    assert Organization.objects.get(pk=city.org_a.pk).status == Organization.Status.SUSPENDED
    with pytest.raises(Refused):
        organizations.organization_set_status(
            actor=admin, organization=city.org_a, status="suspended", reason="x"
        )
    organizations.organization_set_status(actor=admin, organization=city.org_a, status="active")
    assert Organization.objects.get(pk=city.org_a.pk).status == Organization.Status.ACTIVE
    with pytest.raises(PermissionDenied):  # an organization's own admin does not suspend it
        organizations.organization_set_status(
            actor=city.users["org_admin"], organization=city.org_a, status="suspended", reason="x"
        )


def test_update_changes_fields_but_a_region_only_into_the_actors_regions(city):
    org_admin = city.users["org_admin"]
    organizations.organization_update(
        actor=org_admin, organization=city.org_a, name="当湖街道青年志愿服务队", specialty="应急救援"
    )
    city.org_a.refresh_from_db()
    assert (city.org_a.name, city.org_a.specialty) == ("当湖街道青年志愿服务队", "应急救援")
    with pytest.raises(FieldErrors) as exc:
        organizations.organization_update(actor=org_admin, organization=city.org_a, region=city.town_b)
    assert "region" in exc.value.errors
    with pytest.raises(PermissionDenied):
        organizations.organization_update(actor=city.users["outsider"], organization=city.org_a, name="x")
    with pytest.raises(PermissionDenied):
        organizations.organization_update(actor=city.users["leader"], organization=city.org_a, name="x")
    entry = AuditEntry.objects.get(action="organization_updated")
    assert entry.detail["fields"] == ["name", "specialty"]


def test_seal_accepts_png_and_jpeg(city):
    org = organizations.organization_update(
        actor=city.users["org_admin"], organization=city.org_a, seal=image_upload()
    )
    assert org.seal.name.startswith("seals/TA") and org.seal.name.endswith(".png")
    org = organizations.organization_update(
        actor=city.users["org_admin"], organization=city.org_a, seal=image_upload("JPEG", name="seal.jpg")
    )
    assert org.seal.name.endswith(".jpg")


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("seal.png", b"%PDF-1.4 not an image at all", content_type="image/png"),
        image_upload("GIF", name="seal.png"),
        image_upload("PNG", size=(2001, 100)),
        SimpleUploadedFile("seal.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024), content_type="image/png"),
    ],
    ids=["not-an-image", "gif", "too-wide", "too-large"],
)
def test_seal_refused(city, upload):
    with pytest.raises(FieldErrors) as exc:
        organizations.organization_update(actor=city.users["org_admin"], organization=city.org_a, seal=upload)
    assert "seal" in exc.value.errors
    city.org_a.refresh_from_db()
    assert not city.org_a.seal


# --- Sites ---------------------------------------------------------------------------------


def site(actor, region, **kwargs) -> Site:
    return sites.site_create(
        actor=actor, name=kwargs.pop("name", "青年之家"), kind="youth_home", region=region, **kwargs
    )


def test_coordinates_are_range_checked_and_rounded(city):
    admin = city.users["town_admin"]
    with pytest.raises(FieldErrors) as exc:
        site(admin, city.town_a, lat="91", lng="121")
    assert "lat" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        site(admin, city.town_a, lat="30", lng="-180.5")
    assert "lng" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        site(admin, city.town_a, lat="30.7")
    assert "lng" in exc.value.errors
    created = site(admin, city.town_a, lat="30.69871234", lng="121.0145")
    created.refresh_from_db()
    assert str(created.lat) == "30.698712"
    assert Site.objects.filter(name="青年之家").count() == 1


def test_site_is_placed_only_in_the_actors_region_or_for_a_managed_organization(city):
    with pytest.raises(FieldErrors) as exc:
        site(city.users["town_admin"], city.town_b)
    assert "region" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        site(city.users["org_admin"], city.town_b, organization=city.org_b)
    assert "organization" in exc.value.errors
    created = site(city.users["org_admin"], city.town_b, organization=city.org_a1)
    assert created.organization == city.org_a1
    with pytest.raises(PermissionDenied):
        site(city.users["leader"], city.town_a)


def test_site_update_outside_scope_is_refused(city):
    b_site = Site.objects.get(name="乍浦青年之家")
    with pytest.raises(PermissionDenied):
        sites.site_update(
            actor=city.users["town_admin"], site=b_site, name="x", kind="other", region=city.town_a
        )
    sites.site_update(
        actor=city.users["outsider"],
        site=b_site,
        name="乍浦青年之家（新）",
        kind="youth_home",
        region=city.town_b,
        organization=None,
        address="乍浦镇",
        lat=30.6,
        lng=121.1,
    )
    b_site.refresh_from_db()
    assert (b_site.name, b_site.organization) == ("乍浦青年之家（新）", None)


# --- Memberships ---------------------------------------------------------------------------


def test_apply_then_reapply_is_refused_while_open(city):
    user = city.users["volunteer_b"]
    membership = memberships.membership_apply(actor=user, organization=city.org_a)
    assert membership.status == Membership.Status.APPLIED
    with pytest.raises(Refused) as exc:
        memberships.membership_apply(actor=user, organization=city.org_a)
    assert exc.value.reason == "already_applied"
    with pytest.raises(Refused) as exc:
        memberships.membership_apply(actor=city.users["volunteer"], organization=city.org_a)
    assert exc.value.reason == "already_member"
    assert Membership.objects.filter(volunteer=user.volunteer, organization=city.org_a).count() == 1


def test_apply_refused_for_inactive_orgs_minors_awaiting_consent_and_non_volunteers(city, pending_org_a):
    with pytest.raises(Refused) as exc:
        memberships.membership_apply(actor=city.users["volunteer"], organization=pending_org_a)
    assert exc.value.reason == "organization_inactive"
    minor = VolunteerFactory(status="awaiting_guardian", residence_region=city.town_a)
    with pytest.raises(Refused) as exc:
        memberships.membership_apply(actor=minor.user, organization=city.org_a)
    assert exc.value.reason == "awaiting_guardian"
    with pytest.raises(Refused) as exc:
        memberships.membership_apply(actor=city.users["town_admin"], organization=city.org_a)
    assert exc.value.reason == "not_volunteer"
    assert not Membership.objects.filter(status=Membership.Status.APPLIED).exists()


def _applications(city):
    a = memberships.membership_apply(actor=city.users["volunteer_b"], organization=city.org_a)
    a1 = memberships.membership_apply(actor=city.users["volunteer_b"], organization=city.org_a1)
    b = memberships.membership_apply(actor=city.users["volunteer"], organization=city.org_b)
    return a, a1, b


def test_bulk_approval_decides_only_applications_in_scope(city):
    a, a1, b = _applications(city)
    decided = memberships.membership_decide(
        actor=city.users["org_admin"], ids=[a.pk, a1.pk, b.pk], approve=True
    )
    assert sorted(m.pk for m in decided) == sorted([a.pk, a1.pk])
    statuses = dict(Membership.objects.filter(pk__in=[a.pk, a1.pk, b.pk]).values_list("pk", "status"))
    assert statuses == {a.pk: "active", a1.pk: "active", b.pk: "applied"}
    assert AuditEntry.objects.filter(action="membership_approved").count() == 2


def test_region_admins_decide_in_their_subtree_only(city):
    a, a1, b = _applications(city)
    decided = memberships.membership_decide(
        actor=city.users["outsider"], ids=[a.pk, a1.pk, b.pk], approve=False, note="名额已满"
    )
    assert [m.pk for m in decided] == [b.pk]
    b.refresh_from_db()
    assert (b.status, b.note, b.decided_by) == ("rejected", "名额已满", city.users["outsider"])
    decided = memberships.membership_decide(
        actor=city.users["town_admin"], ids=[a.pk, a1.pk, b.pk], approve=True
    )
    assert sorted(m.pk for m in decided) == sorted([a.pk, a1.pk])


def test_leader_and_auditor_cannot_approve(city):
    a, _, _ = _applications(city)
    for role in ("leader", "auditor", "volunteer"):
        with pytest.raises(PermissionDenied):
            memberships.membership_decide(actor=city.users[role], ids=[a.pk], approve=True)
    a.refresh_from_db()
    assert a.status == Membership.Status.APPLIED


def test_a_decided_application_is_not_decided_again(city):
    a, _, _ = _applications(city)
    memberships.membership_decide(actor=city.users["org_admin"], ids=[a.pk], approve=True)
    assert memberships.membership_decide(actor=city.users["city_admin"], ids=[a.pk], approve=False) == []
    a.refresh_from_db()
    assert a.status == Membership.Status.ACTIVE


def test_leaving_ends_the_membership_and_removes_the_leaders_grant_then_reapplying_works(city):
    leader = city.users["leader"]
    membership = Membership.objects.get(volunteer=leader.volunteer, organization=city.org_a)
    memberships.membership_leave(actor=leader, membership=membership)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT and membership.left_at is not None
    assert not Grant.objects.filter(user=leader, organization=city.org_a).exists()
    with pytest.raises(Refused):
        memberships.membership_leave(actor=leader, membership=membership)
    again = memberships.membership_apply(actor=leader, organization=city.org_a)
    assert again.status == Membership.Status.APPLIED


def test_nobody_leaves_for_someone_else(city):
    membership = Membership.objects.get(volunteer=city.users["volunteer"].volunteer)
    with pytest.raises(PermissionDenied):
        memberships.membership_leave(actor=city.users["org_admin"], membership=membership)


def test_roles_come_with_matching_grants(city):
    admin = city.users["org_admin"]
    user = city.users["volunteer"]
    membership = Membership.objects.get(volunteer=user.volunteer, organization=city.org_a)

    memberships.membership_set_role(actor=admin, membership=membership, role="leader")
    assert list(Grant.objects.filter(user=user).values_list("role", flat=True)) == ["leader"]
    memberships.membership_set_role(actor=admin, membership=membership, role="admin")
    assert list(Grant.objects.filter(user=user).values_list("role", flat=True)) == ["org_admin"]
    memberships.membership_set_role(actor=admin, membership=membership, role="member")
    assert not Grant.objects.filter(user=user).exists()
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER
    assert AuditEntry.objects.filter(action="membership_role_changed").count() == 3


def test_role_changes_need_a_manager_and_not_oneself(city):
    membership = Membership.objects.get(volunteer=city.users["volunteer"].volunteer)
    for role in ("leader", "auditor", "outsider"):
        with pytest.raises(PermissionDenied):
            memberships.membership_set_role(actor=city.users[role], membership=membership, role="leader")
    with pytest.raises(FieldErrors):
        memberships.membership_set_role(actor=city.users["org_admin"], membership=membership, role="boss")
    admin_volunteer = VolunteerFactory(user=UserFactory(phone="13900000099"), residence_region=city.town_a)
    own = MembershipFactory(volunteer=admin_volunteer, organization=city.org_a, role=Membership.Role.ADMIN)
    Grant.objects.create(user=admin_volunteer.user, role=Grant.Role.ORG_ADMIN, organization=city.org_a)
    with pytest.raises(Refused):
        memberships.membership_set_role(actor=admin_volunteer.user, membership=own, role="member")


def test_region_update_by_city_and_region_admins_only(city):
    regions.region_update(
        actor=city.users["town_admin"], region=city.village_a1, name="东湖社区", population=5200
    )
    city.village_a1.refresh_from_db()
    assert city.village_a1.population == 5200
    for role in ("auditor", "org_admin", "outsider"):
        with pytest.raises(PermissionDenied):
            regions.region_update(actor=city.users[role], region=city.village_a1, name="x", population=1)
    with pytest.raises(FieldErrors):
        regions.region_update(actor=city.users["city_admin"], region=city.town_b, name=" ", population=-1)


def test_applicant_who_may_approve_becomes_admin_at_once(city):
    # An organization admin who is a volunteer applies for a sub-team of their own organization.
    volunteer = VolunteerFactory(user=UserFactory(phone="13900000088"), residence_region=city.town_a)
    MembershipFactory(volunteer=volunteer, organization=city.org_a, role=Membership.Role.ADMIN)
    Grant.objects.create(user=volunteer.user, role=Grant.Role.ORG_ADMIN, organization=city.org_a)
    org = create(volunteer.user, city.village_a1, parent=city.org_a, as_applicant=True)
    assert org.status == Organization.Status.ACTIVE
    assert Membership.objects.get(volunteer=volunteer, organization=org).role == Membership.Role.ADMIN


def test_only_volunteers_in_good_standing_apply_to_register(city):
    with pytest.raises(Refused):
        create(city.users["town_admin"], city.town_a, as_applicant=True)
    minor = VolunteerFactory(status="awaiting_guardian", residence_region=city.town_a)
    with pytest.raises(Refused):
        create(minor.user, city.town_a, as_applicant=True)
    assert not OrganizationFactory._meta.model.objects.filter(applicant__isnull=False).exists()
