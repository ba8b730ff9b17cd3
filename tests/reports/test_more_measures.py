"""The measures of trainings (per unit), loans and school points (city-wide), computed by hand from
the rows and compared with the catalogue and the bulletin; the registration rollups kept by the
registering and membership services agree with a count of the tables (rebuild: 0 differences)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from huiguang.activities.models import Activity, Enrollment
from huiguang.activities.services.training import enrollment_training_mark
from huiguang.benefits.models import LoanReferral, PointsApplication
from huiguang.benefits.services.loans import referral_request
from huiguang.benefits.services.points import points_apply
from huiguang.network.models import Membership
from huiguang.network.services.memberships import membership_apply, membership_decide, membership_leave
from huiguang.reports.figures import section_lines
from huiguang.reports.measures import MEASURES, measure_values
from huiguang.reports.models import MembershipMonth, RegistrationMonth
from huiguang.reports.services.bulletins import bulletin_generate
from huiguang.reports.services.registrations import month_of, registration_rollups_rebuild
from huiguang.training.models import Course, QualificationType
from huiguang.volunteers.models import Volunteer

from ..benefits.loans_points_data import child_id, make_policy, make_product
from ..factories import make_activity, make_shift, member


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def session(course, organization, day: dt.date, **fields):
    activity = make_activity(organization, starts_at=at(day), hours=3, course=course, **fields)
    return make_shift(activity, name="学员", capacity=30, waitlist_size=0)


def trainings_scene(city):
    """Last month: a session of a granting course in 东湖社区 (org A1: 3 attendees, 2 passed, 1 who
    never came) and one of a course granting nothing in 乍浦镇 (1 attendee, passed); excluded: a
    cancelled session, a session of the month before and an activity without a course."""
    month, admin = last_month(), city.users["city_admin"]
    kind = QualificationType.objects.create(code="first-aider", name="急救员")
    granting = Course.objects.create(
        title="心肺复苏", category=Course.Category.FIRST_AID, provider=city.org_a, hours=4, grants=kind
    )
    plain = Course.objects.create(
        title="志愿服务通识", category=Course.Category.INDUCTION, provider=city.org_b, hours=2
    )
    a = session(granting, city.org_a1, month + dt.timedelta(days=5))
    b = session(plain, city.org_b, month + dt.timedelta(days=20))
    for shift, n, passing in ((a, 3, 2), (b, 1, 1)):
        for i in range(n):
            e = Enrollment.objects.create(
                shift=shift, volunteer=member(shift.activity.organization), status="attended"
            )
            if i < passing:
                enrollment_training_mark(actor=admin, enrollment=e, result="passed")
    Enrollment.objects.create(shift=a, volunteer=member(city.org_a1), status="confirmed")  # never came
    cancelled = session(granting, city.org_a, month + dt.timedelta(days=7), status=Activity.Status.CANCELLED)
    Enrollment.objects.create(shift=cancelled, volunteer=member(city.org_a), status="attended")
    before = session(granting, city.org_a, month - dt.timedelta(days=3))
    Enrollment.objects.create(shift=before, volunteer=member(city.org_a), status="attended")
    Enrollment.objects.create(
        shift=make_shift(make_activity(city.org_a, starts_at=at(month + dt.timedelta(days=2)), hours=2)),
        volunteer=member(city.org_a),
        status="attended",
    )
    return month


def by_hand(month: dt.date, region_path: str) -> tuple[int, int, int]:
    """Sessions held, attendees and qualifications granted of the sessions in a region's subtree."""
    sessions, trained, qualified = set(), 0, 0
    for e in Enrollment.objects.select_related("shift__activity__course", "shift__activity__region"):
        activity = e.shift.activity
        local = timezone.localtime(activity.starts_at).date()
        if (
            activity.course is None
            or activity.status in ("cancelled", "draft", "pending")
            or (local.year, local.month) != (month.year, month.month)
            or not activity.region.path.startswith(region_path)
        ):
            continue
        sessions.add(activity.pk)
        trained += e.status == "attended"
        qualified += e.training_result == "passed" and activity.course.grants_id is not None
    return len(sessions), trained, qualified


def test_training_measures_of_each_unit_equal_a_count_by_hand(city):
    month = trainings_scene(city)
    keys = ["trainings_held", "trained", "qualifications_granted"]
    for unit_type in ("city", "town", "village"):
        units, values = measure_values(unit_type, month, keys)
        for unit in units:
            assert tuple(values[unit.id][k] for k in keys) == by_hand(month, unit.path), unit
    assert measure_values("town", month, keys)[1]["330482001"] == dict(zip(keys, (1, 3, 2), strict=True))
    assert measure_values("town", month, keys)[1]["330482103"] == dict(zip(keys, (1, 1, 0), strict=True))
    assert measure_values("city", month, keys)[1]["330482"] == dict(zip(keys, (2, 4, 2), strict=True))


def benefits_scene(city, partners):
    """Last month: two referrals (one approved and disbursed, 120,000 and 80,000 CNY over the
    month's edges), one school-points application approved and one refused; next to them rows of
    the month before and of this month, which the month's line never counts."""
    month = last_month()
    product = make_product(partners.bank)
    people = [city.users["volunteer"].volunteer, city.users["volunteer_b"].volunteer, member(city.org_a)]
    referrals = [referral_request(volunteer=v, product=product, days=30, user=v.user) for v in people]
    first_instant = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    LoanReferral.objects.filter(pk=referrals[0].pk).update(
        created_at=first_instant,  # 00:00 on the 1st, city time: this month
        status="approved",
        amount=120000,
        disbursed_rate=Decimal("4"),
        disbursed_on=month + dt.timedelta(days=27),
    )
    LoanReferral.objects.filter(pk=referrals[1].pk).update(
        created_at=first_instant - dt.timedelta(seconds=1),  # the month before
        status="approved",
        amount=80000,
        disbursed_rate=Decimal("4"),
        disbursed_on=month,
    )
    # referrals[2]: asked for this month, pending
    policy = make_policy(partners.education)
    apps = [
        points_apply(
            volunteer=v,
            policy=policy,
            user=v.user,
            child_name="张小宝",
            child_id_number=child_id(12 + 2 * i),
            grade="primary_1",
            guardian_declared=True,
        )
        for i, v in enumerate(people)
    ]
    PointsApplication.objects.filter(pk=apps[0].pk).update(created_at=at(month, 10), status="approved")
    PointsApplication.objects.filter(pk=apps[1].pk).update(created_at=at(month, 11), status="refused")
    PointsApplication.objects.filter(pk=apps[2].pk).update(status="approved")  # this month
    return month


def test_loans_and_points_are_city_wide_and_equal_a_count_by_hand(city, partners):
    month = benefits_scene(city, partners)
    since = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    until = timezone.make_aware(
        dt.datetime.combine((month + dt.timedelta(days=32)).replace(day=1), dt.time.min)
    )
    referrals = [r for r in LoanReferral.objects.all() if since <= r.created_at < until]
    lent = [
        r for r in LoanReferral.objects.filter(status="approved") if r.disbursed_on.replace(day=1) == month
    ]
    approved = [
        a for a in PointsApplication.objects.filter(status="approved") if since <= a.created_at < until
    ]
    want = {
        "loan_referrals": len(referrals),
        "loans_disbursed": len(lent),
        "loan_amount": sum(r.amount for r in lent),
        "points_approved": len(approved),
    }
    assert want == {"loan_referrals": 1, "loans_disbursed": 2, "loan_amount": 200000, "points_approved": 1}
    _units, values = measure_values("city", month, list(want))
    assert values["330482"] == want
    for key in want:  # no per-unit split: the measure says why
        assert MEASURES[key].unit_types == frozenset({"city"}) and MEASURES[key].description
        _units, towns = measure_values("town", month)
        assert key not in towns["330482001"]


def test_the_bulletin_shows_the_new_measures_in_its_page_xlsx_and_pdf(city, partners, as_role):
    month = trainings_scene(city)
    benefits_scene(city, partners)
    bulletin = bulletin_generate(actor=city.users["city_admin"], month=month)
    sections = bulletin.snapshot["sections"]
    assert section_lines(sections["city"])[0]["values"]["loan_amount"] == 200000
    town = next(line for line in section_lines(sections["town"]) if line["id"] == "330482001")
    assert (town["values"]["trainings_held"], town["values"]["trained"]) == (1, 3)
    admin = as_role("city_admin")
    book = load_workbook(io.BytesIO(admin.get(f"/console/bulletins/{month:%Y-%m}/bulletin.xlsx").content))
    rows = list(book["镇（街道）"].values)
    line = next(r for r in rows if r[0] == "当湖街道")
    assert line[rows[0].index("开展培训")] == 1 and line[rows[0].index("获得资质")] == 2
    city_rows = list(book.worksheets[0].values)
    assert city_rows[1][city_rows[0].index("志愿贷放款金额")] == 200000
    page = as_role("city_admin").get(f"/console/bulletins/{month:%Y-%m}/").content.decode()
    assert 'id="city-more"' in page and "志愿贷放款金额" in page and "200000" in page
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"],
            input=admin.get(f"/console/bulletins/{month:%Y-%m}/bulletin.pdf").content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert "志愿贷放款金额" in text and "开展培训" in text


# --- registration rollups -----------------------------------------------------------------------------


def registered_by_hand(region_path: str, month: dt.date) -> tuple[int, int]:
    people = [
        v
        for v in Volunteer.objects.select_related("residence_region")
        if v.residence_region.path.startswith(region_path)
    ]
    end = (month + dt.timedelta(days=32)).replace(day=1)
    return (
        sum(1 for v in people if month_of(v.registered_at) < end),
        sum(1 for v in people if month_of(v.registered_at) == month),
    )


def test_the_services_keep_the_registration_rollups_equal_to_a_count(city):
    """Registrations, an approval, a departure: the rollups follow, the measures equal a count of
    the volunteers and the active memberships, and a rebuild finds nothing to fix."""
    assert registration_rollups_rebuild(apply=False) == []  # the personas (the factories send the events)
    newcomer = member(city.org_b)
    applicant = city.users["volunteer_b"]
    application = membership_apply(actor=applicant, organization=city.org_a1)
    membership_decide(actor=city.users["org_admin"], ids=[application.pk], approve=True)
    leaving = Membership.objects.get(volunteer=city.users["volunteer"].volunteer, organization=city.org_a)
    membership_leave(actor=city.users["volunteer"], membership=leaving)
    assert registration_rollups_rebuild(apply=False) == []
    month = timezone.localdate().replace(day=1)
    units, values = measure_values("town", month, ["registered", "registered_new"])
    for unit in units:
        assert (values[unit.id]["registered"], values[unit.id]["registered_new"]) == registered_by_hand(
            unit.path, month
        )
    assert RegistrationMonth.objects.filter(region=newcomer.residence_region).exists()
    active = Membership.objects.filter(status="active", organization=city.org_a1).count()
    assert MembershipMonth.objects.get(organization=city.org_a1, month=month).members == active


def test_a_rebuild_reports_and_repairs_registration_drift(city):
    RegistrationMonth.objects.all().delete()
    MembershipMonth.objects.filter(organization=city.org_a).update(members=99)
    found = registration_rollups_rebuild(apply=False)
    assert any(line.startswith("registrations of region") for line in found)
    assert any(line.startswith("members of organization") for line in found)
    assert registration_rollups_rebuild(apply=True) == found
    assert registration_rollups_rebuild(apply=False) == []
