"""The demo city's memberships and roles: who belongs to which organizations, an administrator
for every active organization and a leader for every team, with the Grant rows to match."""

from __future__ import annotations

import datetime as dt

from huiguang.network.models import Grant, Membership, Organization

from . import data
from .accounts import DEMO_ACCOUNTS, village_team_code
from .city import CityState, Person, PlannedMembership

# Organizations run by a leader on the day as well as by an administrator.
LED_KINDS = {
    Organization.Kind.TEAM,
    Organization.Kind.PROFESSIONAL,
    Organization.Kind.SCHOOL,
    Organization.Kind.ENTERPRISE,
    Organization.Kind.SOCIAL,
}


class MembershipBuilder(CityState):
    def join(
        self,
        person: Person,
        org: Organization,
        status: str | None = None,
        role: str = Membership.Role.MEMBER,
    ) -> PlannedMembership | None:
        key = (id(person), org.code)
        if key in self.open_pairs:
            return None
        self.open_pairs.add(key)
        rng, ref = self.rng, data.REFERENCE_TIME
        if status is None:
            r = rng.random()
            status = (
                Membership.Status.APPLIED
                if r < 0.015
                else Membership.Status.LEFT
                if r < 0.045
                else Membership.Status.ACTIVE
            )
        assert person.registered_at is not None
        m = PlannedMembership(person, org, status, role)
        if status == Membership.Status.APPLIED:
            # Waiting applications are recent: the console has something to decide.
            m.applied_at = ref - dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 10))
            m.applied_at = max(m.applied_at, person.registered_at)
        else:
            m.applied_at = self.moment(
                person.registered_at, min(ref, person.registered_at + dt.timedelta(days=90))
            )
            m.decided_at = min(
                ref, m.applied_at + dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8))
            )
            if status == Membership.Status.LEFT:
                m.left_at = min(ref, m.decided_at + dt.timedelta(days=rng.randint(30, 500)))
        self.memberships.append(m)
        return m

    def professional_team_for(self, person: Person) -> Organization:
        matching = [
            (org, weight)
            for org, specialty, weight in self.professional
            if set(person.skills) & data.SPECIALTY_SKILLS.get(specialty, set())
        ]
        pool = matching if matching and self.rng.random() < 0.7 else [(o, w) for o, _, w in self.professional]
        return self.rng.choices([o for o, _ in pool], weights=[w for _, w in pool])[0]

    def build_memberships(self) -> None:
        rng = self.rng
        posts = {code[2:]: org for code, org in self.orgs.items() if code.startswith("YZ")}
        by_specialty = {specialty: org for org, specialty, _weight in self.professional}
        students_team, family_team = by_specialty["students"], by_specialty["family"]
        enterprises = {
            org.region.code: org for org in self.orgs.values() if org.kind == Organization.Kind.ENTERPRISE
        }
        socials = [
            org
            for org in self.orgs.values()
            if org.kind == Organization.Kind.SOCIAL and org.status == Organization.Status.ACTIVE
        ]
        for person in self.people:
            account = person.account
            if account is not None:
                for code in account.member_of:
                    self.join(person, self.orgs[code], Membership.Status.ACTIVE)
                for code in account.applied_to:
                    self.join(person, self.orgs[code], Membership.Status.APPLIED)
                if account.grant in (Grant.Role.ORG_ADMIN, Grant.Role.LEADER):
                    role = (
                        Membership.Role.ADMIN
                        if account.grant == Grant.Role.ORG_ADMIN
                        else Membership.Role.LEADER
                    )
                    self.join(person, self.orgs[account.organization], Membership.Status.ACTIVE, role)
                continue
            if not person.is_volunteer:
                continue
            assert person.village is not None
            village_code = person.village.region.code
            if person.guardian is not None:
                if not person.awaiting_consent:
                    team = family_team if rng.random() < 0.5 else self.orgs[village_team_code(village_code)]
                    self.join(person, team)
                continue
            picks: list[Organization] = []
            if rng.random() < 0.55:
                picks.append(self.orgs[village_team_code(village_code)])
            if village_code in posts and rng.random() < 0.25:
                picks.append(posts[village_code])
            if person.school in self.school_orgs and rng.random() < 0.7:
                picks.append(self.school_orgs[person.school])
            if person.department:
                picks.append(self.departments[person.department])
            if (
                person.occupation in ("企业职工", "工程师")
                and village_code[:9] in enterprises
                and rng.random() < 0.4
            ):
                picks.append(enterprises[village_code[:9]])
            if person.is_student and person.school in data.COLLEGES and rng.random() < 0.35:
                picks.append(students_team)
            if rng.random() < 0.45 + (0.3 if person.skills else 0):
                picks.append(self.professional_team_for(person))
            if rng.random() < 0.03:
                picks.append(rng.choice(socials))
            if not picks and rng.random() < 0.9:
                picks.append(self.orgs[village_team_code(village_code)])
            for org in picks[:3]:
                self.join(person, org)

    def assign_roles(self) -> None:
        """An administrator for every active organization, a leader for every team; Grant rows to match."""
        rng = self.rng
        city_admin = self.by_account["city_admin"].user
        members: dict[str, list[PlannedMembership]] = {}
        for m in self.memberships:
            members.setdefault(m.org.code, []).append(m)
        adults = [p for p in self.people if p.is_volunteer and p.account is None and 22 <= p.age() <= 65]
        for code, org in self.orgs.items():
            if org.status != Organization.Status.ACTIVE:
                continue
            roles = [Membership.Role.ADMIN] + ([Membership.Role.LEADER] if org.kind in LED_KINDS else [])
            current = [m for m in members.get(code, []) if m.status == Membership.Status.ACTIVE]
            for role in roles:
                if any(m.role == role for m in current):
                    continue  # a demo account holds it
                candidates = [
                    m
                    for m in current
                    if m.role == Membership.Role.MEMBER
                    and m.person.account is None
                    and 22 <= m.person.age() <= 65
                ]
                if candidates:
                    chosen = rng.choice(candidates)
                    chosen.role = role
                else:
                    # Nobody to promote: an adult of the region (else of the city) joins to run it.
                    pool = [p for p in adults if (id(p), code) not in self.open_pairs]
                    local = [
                        p for p in pool if p.village and p.village.region.path.startswith(org.region.path)
                    ]
                    joined = self.join(rng.choice(local or pool), org, Membership.Status.ACTIVE, role)
                    assert joined is not None  # the pool holds no open membership of this organization
                    chosen = joined
                    current.append(chosen)
                grant_role = Grant.Role.ORG_ADMIN if role == Membership.Role.ADMIN else Grant.Role.LEADER
                self.grants.append(
                    Grant(user=chosen.person.user, role=grant_role, organization=org, granted_by=city_admin)
                )
                if role == Membership.Role.ADMIN:
                    org.contact_name, org.contact_phone = chosen.person.name, chosen.person.phone
        for account in DEMO_ACCOUNTS:
            person = self.by_account[account.key]
            if account.grant in Grant.CITY_ROLES:
                self.grants.append(Grant(user=person.user, role=account.grant))
            elif account.grant == Grant.Role.REGION_ADMIN:
                self.grants.append(
                    Grant(
                        user=person.user,
                        role=account.grant,
                        granted_by=city_admin,
                        region=self.regions[account.region],
                    )
                )
            elif account.grant:
                self.grants.append(
                    Grant(
                        user=person.user,
                        role=account.grant,
                        granted_by=city_admin,
                        organization=self.orgs[account.organization],
                    )
                )
                org = self.orgs[account.organization]
                if account.grant == Grant.Role.ORG_ADMIN:
                    org.contact_name, org.contact_phone = person.name, person.phone
        # A region administrator for every other town.
        demo_regions = {a.region for a in DEMO_ACCOUNTS if a.grant == Grant.Role.REGION_ADMIN}
        for town in self.towns:
            if town.region.code in demo_regions:
                continue
            residents = [p for p in adults if p.village and p.village.region.parent_id == town.region.pk]
            person = rng.choice(residents or adults)
            self.grants.append(
                Grant(
                    user=person.user, role=Grant.Role.REGION_ADMIN, region=town.region, granted_by=city_admin
                )
            )
        # A volunteer applied to register each pending organization: its contact, and its admin once approved.
        for pending in data.PENDING_ORGANIZATIONS:
            person, org = rng.choice(adults), self.orgs[pending[0]]
            org.applicant = person.user
            org.contact_name, org.contact_phone = person.name, person.phone

    def save_memberships_and_grants(self) -> None:
        rows = [
            Membership(
                volunteer=m.person.volunteer,
                organization=m.org,
                role=m.role,
                status=m.status,
                decided_at=m.decided_at,
                left_at=m.left_at,
            )
            for m in self.memberships
        ]
        Membership.objects.bulk_create(rows)
        for row, m in zip(rows, self.memberships, strict=True):
            row.applied_at = m.applied_at
        Membership.objects.bulk_update(rows, ["applied_at"], batch_size=500)
        Grant.objects.bulk_create(self.grants)
        granted = data.REFERENCE_TIME - dt.timedelta(days=data.HISTORY_DAYS)
        for i, grant in enumerate(self.grants):
            grant.granted_at = granted + dt.timedelta(days=i % 300, hours=i % 9)
        Grant.objects.bulk_update(self.grants, ["granted_at"], batch_size=500)
        Organization.objects.bulk_update(
            list(self.orgs.values()),
            ["created_at", "contact_name", "contact_phone", "applicant"],
            batch_size=500,
        )
