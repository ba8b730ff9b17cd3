"""The navigation, shaped by what the user does.

A volunteer sees a few daily items (home, activities, check in, my activities, my hours) and the
rest under "Mine"; a console user sees one "Console" menu in groups (activities, hours and records,
network, volunteers, administration). Every console link is shown only to the roles whose page
answers it: each is guarded by the same permission function the page itself asks (the test
tests/web/test_navigation.py opens every link as every persona and expects no 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.permissions import may_manage_all_tokens, may_read_audit_log
from huiguang.activities.permissions import is_reviewer, may_create_activities
from huiguang.benefits.models import Partner
from huiguang.benefits.permissions import (
    PartnerRoles,
    may_manage_partners,
    may_read_partner_statistics,
    partner_roles,
)
from huiguang.credit.permissions import may_manage_credit, may_read_credit_console
from huiguang.ledger.permissions import (
    may_confirm_any,
    may_edit_star_policy,
    may_import_history,
    may_issue_certificates,
)
from huiguang.mobilization.permissions import campaigns_visible_q, drive_visible_q
from huiguang.needs.selectors.care import is_register_reader
from huiguang.needs.selectors.requests import is_console_reader as is_needs_console_reader
from huiguang.needs.selectors.satisfaction import reads_satisfaction
from huiguang.network.permissions import may_list_regions, may_manage_roles
from huiguang.network.scope import scope_for
from huiguang.reports.permissions import may_edit_assessments, may_read_assessments, may_see_bulletins
from huiguang.volunteers.permissions import may_import


@dataclass
class NavItem:
    label: str | Promise
    url: str
    divider_before: bool = False  # a line above it in its menu
    unread_badge: bool = False  # shows the count of unread notifications


@dataclass
class NavGroup:
    label: str | Promise
    items: list[NavItem] = field(default_factory=list)

    def add(self, allowed: bool, label, url_name: str, query: str = "", **flags: bool) -> None:
        if allowed:
            self.items.append(NavItem(label, _url(url_name) + query, **flags))


# The menus' URLs take no argument: each is reversed once per URLconf and script prefix, not on
# every page (some 50 reverse() calls a console page, a seventh of its time).
_URLS: dict[tuple, str] = {}


def _url(url_name: str) -> str:
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), url_name)
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(url_name)
    return url


def _daily_items(is_volunteer: bool | None, partner_staff: bool = False) -> list[NavItem]:
    """None: not logged in. Partner staff (a store clerk) get their code page."""
    daily = NavGroup("")
    daily.add(True, _("Home"), "web:home")
    daily.add(True, _("Activities"), "activities:list")
    daily.add(bool(is_volunteer), _("Check in"), "attendance:code")
    daily.add(bool(is_volunteer), _("My activities"), "activities:my")
    daily.add(bool(is_volunteer), _("My hours"), "ledger:my_hours")
    daily.add(not is_volunteer, _("Organizations"), "network:directory")
    daily.add(partner_staff, _("Redeem codes"), "benefits:partner_home")
    return daily.items


def _mine(user, is_volunteer: bool, roles: PartnerRoles) -> NavGroup:
    """The volunteer's less frequent pages, and the account's settings (tokens tucked away last)."""
    mine = NavGroup(_("Mine"))
    mine.add(is_volunteer, _("My profile and e-card"), "volunteers:me")
    mine.add(is_volunteer, _("Shifts I can take"), "activities:can_take")
    mine.add(is_volunteer, _("My organizations"), "network:my_memberships")
    mine.add(is_volunteer, _("My certificates"), "ledger:my_certificates")
    mine.add(is_volunteer, _("My credit score and honors"), "credit:me")
    mine.add(is_volunteer, _("Volunteer rights"), "benefits:offers", divider_before=True)
    mine.add(is_volunteer, _("My codes"), "benefits:my_codes")
    mine.add(is_volunteer, _("Partner stores"), "benefits:stores")
    mine.add(is_volunteer, _("Who can see my data"), "benefits:my_data")
    mine.add(is_volunteer, _("志愿贷 loans"), "benefits:my_loans")
    mine.add(is_volunteer, _("School-admission points"), "benefits:my_points")
    mine.add(
        Partner.Kind.BANK in roles.staff_kinds,
        _("Loan referrals"),
        "benefits:bank_referrals",
        divider_before=True,
    )
    mine.add(
        not scope_for(user).city_admin and Partner.Kind.BANK in roles.manager_kinds,
        _("Loan products"),
        "benefits:loan_products",
    )
    mine.add(
        Partner.Kind.EDUCATION in roles.staff_kinds,
        _("Points applications"),
        "benefits:school_applications",
    )
    mine.add(
        not scope_for(user).city_admin and Partner.Kind.EDUCATION in roles.manager_kinds,
        _("Points policies"),
        "benefits:points_policies",
    )
    mine.add(is_volunteer, _("My qualifications"), "training:my")
    mine.add(True, _("Training courses"), "activities:courses")
    mine.add(is_volunteer, _("Residents' requests nearby"), "needs:nearby", divider_before=True)
    mine.add(is_volunteer, _("Requests I took"), "needs:taken")
    mine.add(is_volunteer, _("My home visits"), "needs:visits")
    mine.add(True, _("Ask for help"), "needs:home")
    mine.add(is_volunteer, _("Browse organizations"), "network:directory")
    mine.add(True, _("Notifications"), "notifications:center", divider_before=is_volunteer, unread_badge=True)
    mine.add(True, _("API tokens"), "accounts:token_list", divider_before=True)
    return mine


def _console(user) -> list[NavGroup]:
    scope = scope_for(user)
    if not scope.is_console_user:
        return []
    activities = NavGroup(_("Activities"))
    activities.add(True, _("Our activities"), "activities:console_list")
    activities.add(may_create_activities(user), _("Start an activity"), "activities:console_create")
    activities.add(is_reviewer(user), _("Review queue"), "activities:review_queue")

    hours = NavGroup(_("Hours and records"))
    hours.add(may_confirm_any(user), _("Records to confirm"), "ledger:pending")
    hours.add(True, _("Service records"), "ledger:records")
    # The export page lists the organizations the user manages: the writing roles (may_confirm_any).
    hours.add(may_confirm_any(user), _("Export records"), "ledger:records_export")
    hours.add(True, _("Make-up hours"), "ledger:makeup_list")
    hours.add(True, _("Disputes"), "ledger:disputes")
    hours.add(may_issue_certificates(user), _("Certificates"), "ledger:certificate_queue")
    hours.add(may_edit_star_policy(user), _("Star policy"), "ledger:star_policy")
    hours.add(may_import_history(user), _("Import history"), "ledger:history")

    credit = NavGroup(_("Credit and honors"))
    credit.add(may_read_credit_console(user), _("Score reviews"), "credit:reviews")
    credit.add(may_read_credit_console(user), _("Score distribution"), "credit:distribution")
    credit.add(may_manage_credit(user), _("Credit policy"), "credit:policy_edit")
    credit.add(may_read_credit_console(user), _("Honors"), "credit:honors")

    loans = NavGroup(_("Loans and school points"))
    loans.add(may_manage_partners(user), _("Loan products"), "benefits:loan_products")
    loans.add(may_read_partner_statistics(user), _("志愿贷 statistics"), "benefits:loan_statistics")
    loans.add(may_manage_partners(user), _("Points policies"), "benefits:points_policies")
    loans.add(may_read_partner_statistics(user), _("School points statistics"), "benefits:points_statistics")

    needs = NavGroup(_("Residents' needs"))
    needs.add(is_needs_console_reader(user), _("Request queue"), "needs:queue")
    needs.add(is_register_reader(user), _("Care register"), "needs:care_list")
    needs.add(is_register_reader(user), _("Missed visits"), "needs:care_missed")
    needs.add(reads_satisfaction(user), _("Residents' satisfaction"), "needs:satisfaction")

    network = NavGroup(_("Network"))
    network.add(may_list_regions(user), _("Regions"), "network:region_list")
    network.add(True, _("Organizations"), "network:org_list")
    network.add(True, _("Sites"), "network:site_list")
    network.add(True, _("Memberships"), "network:membership_list")

    volunteers = NavGroup(_("Volunteers"))
    volunteers.add(True, _("Volunteer list"), "volunteers:console_list")
    volunteers.add(may_import(user), _("Import volunteers"), "volunteers:import_upload")
    volunteers.add(True, _("Training courses"), "training:course_list")
    volunteers.add(True, _("Qualifications"), "training:qualification_list")
    volunteers.add(drive_visible_q(user) is not None, _("Recruitment drives"), "mobilization:drive_list")
    volunteers.add(
        campaigns_visible_q(user) is not None, _("Mobilization campaigns"), "mobilization:campaign_list"
    )

    partners = NavGroup(_("Partners and rights"))
    partners.add(may_manage_partners(user), _("Partners"), "benefits:partner_list")
    partners.add(may_read_partner_statistics(user), _("Offer statistics"), "benefits:city_stats")
    reports = NavGroup(_("Reports"))
    reports.add(True, _("Dashboard"), "reports:dashboard")
    reports.add(may_see_bulletins(user), _("Monthly bulletins"), "reports:console_list")
    reports.add(may_read_assessments(user), _("Assessments"), "reports:assessments")
    reports.add(may_edit_assessments(user), _("Hourly rate"), "reports:hourly_rate")

    admin = NavGroup(_("Administration"))
    admin.add(may_manage_roles(user), _("Roles"), "network:grant_list")
    admin.add(may_read_audit_log(user), _("Audit log"), "accounts:audit_list")
    admin.add(may_manage_all_tokens(user), _("All API tokens"), "accounts:token_list", "?all=1")
    return [
        g
        for g in (activities, hours, needs, credit, loans, network, volunteers, partners, reports, admin)
        if g.items
    ]


def navigation(request):
    user = getattr(request, "user", None)
    scope = scope_for(user)
    if user is None or not user.is_authenticated:
        return {"nav_items": _daily_items(None), "nav_mine": None, "console_groups": [], "scope": scope}
    is_volunteer = hasattr(user, "volunteer")
    roles = partner_roles(user)
    return {
        "nav_items": _daily_items(is_volunteer, roles.any),
        "nav_mine": _mine(user, is_volunteer, roles),
        "console_groups": _console(user),
        "scope": scope,
    }
