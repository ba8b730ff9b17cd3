"""The demo city, seeded once (a minute on a slow machine) for every check: its year of activities
(past and future, the monthly service day, consistent sign-ups, the ledger) and its 49 partner
stores (their rights in the ten categories, claims and redemptions, the stores' logins)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Series, Shift
from huiguang.activities.services.series import week_weekday
from huiguang.benefits.models import Offer, Partner, PartnerStaff, Redemption
from huiguang.demo.accounts import ACCOUNTS_BY_KEY
from huiguang.ledger.models import Certificate, Dispute, MakeupRequest, ServiceRecord

from ..conftest import login_client

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_a_year_of_activities_a_consistent_ledger_and_49_stores():
    """One seeding, every check on it."""
    call_command("seed_demo", "--volunteers", "300", stdout=StringIO())
    check_a_year_of_activities_past_and_future()
    check_monthly_service_day_is_the_saturday_of_the_second_week()
    check_counters_equal_the_enrollments_and_never_overbook()
    check_no_volunteer_has_two_activities_on_one_day()
    check_past_sign_ups_were_served_and_future_ones_wait()
    check_demo_volunteer_has_upcoming_places_and_a_waitlist_place()
    check_demo_ledger_verifies_and_rollups_agree_with_a_rebuild()
    check_training_sessions_qualifications_and_the_trainer_login()
    check_49_stores_with_rights_in_ten_categories_claims_and_working_logins()


def check_a_year_of_activities_past_and_future():
    today = timezone.localdate()
    past = Activity.objects.filter(starts_at__date__lt=today)
    future = Activity.objects.filter(starts_at__date__gte=today)
    assert past.filter(status=Activity.Status.FINISHED).count() > 50
    assert future.filter(status=Activity.Status.PUBLISHED).count() > 20
    first = Activity.objects.order_by("starts_at").first().starts_at.date()
    last = Activity.objects.order_by("-starts_at").first().starts_at.date()
    assert (last - first).days >= 330
    assert Activity.objects.filter(status=Activity.Status.PENDING).exists()  # something to review


def check_monthly_service_day_is_the_saturday_of_the_second_week():
    series = Series.objects.get(title="金平湖·志愿服务日")
    days = [timezone.localtime(a.starts_at).date() for a in series.occurrences.order_by("starts_at")]
    assert len(days) >= 11
    for day in days:
        assert day == week_weekday(day.year, day.month, 6, 2)
    assert len({(d.year, d.month) for d in days}) == len(days)


def check_counters_equal_the_enrollments_and_never_overbook():
    shifts = Shift.objects.annotate(
        holding=Count("enrollments", filter=Q(enrollments__status__in=["confirmed", "attended", "no_show"])),
        waiting=Count("enrollments", filter=Q(enrollments__status="waitlisted")),
    )
    assert shifts.count() > 100
    for shift in shifts:
        assert shift.taken == shift.holding <= shift.capacity
        assert shift.waitlisted == shift.waiting <= shift.waitlist_size


def check_no_volunteer_has_two_activities_on_one_day():
    rows = Enrollment.objects.exclude(status="cancelled").values_list("volunteer_id", "shift__starts_at")
    seen = set()
    for volunteer_id, starts_at in rows:
        key = (volunteer_id, timezone.localtime(starts_at).date())
        assert key not in seen
        seen.add(key)


def check_past_sign_ups_were_served_and_future_ones_wait():
    today = timezone.localdate()
    past = Enrollment.objects.filter(shift__starts_at__date__lt=today)
    assert past.filter(status="attended").count() > past.exclude(status="attended").count()
    future = Enrollment.objects.filter(shift__starts_at__date__gt=today + dt.timedelta(days=1))
    assert future.filter(status="confirmed").exists() and future.filter(status="waitlisted").exists()


def check_demo_volunteer_has_upcoming_places_and_a_waitlist_place():
    mine = Enrollment.objects.filter(
        volunteer__user__phone="13800000007", shift__starts_at__gt=timezone.now()
    )
    assert mine.filter(status="confirmed").count() >= 2
    assert mine.filter(status="waitlisted").count() >= 1


def check_demo_ledger_verifies_and_rollups_agree_with_a_rebuild():
    assert ServiceRecord.objects.filter(status="confirmed").count() > 100
    assert ServiceRecord.objects.filter(status="pending").exists()
    assert MakeupRequest.objects.filter(status="approved").exists()
    assert Dispute.objects.filter(status="accepted").count() == 1
    assert Certificate.objects.filter(status="issued").exists()
    out = StringIO()
    call_command("verify_ledger", stdout=out)  # raises SystemExit on a broken chain or seal
    assert "OK" in out.getvalue()
    out = StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=out)
    assert out.getvalue().startswith("0 difference")


def check_training_sessions_qualifications_and_the_trainer_login():
    from huiguang.training.models import Course, Qualification

    sessions = Activity.objects.filter(course__isnull=False)
    assert sessions.filter(starts_at__lt=timezone.now()).count() >= 120
    assert sessions.filter(status="published", starts_at__gt=timezone.now()).exists()
    assert set(Course.objects.values_list("category", flat=True)) >= {
        "medical",
        "first_aid",
        "legal_aid",
        "anti_fraud",
        "care",
        "culture",
        "induction",
    }
    passed = Enrollment.objects.filter(
        shift__activity__course__grants__isnull=False, training_result="passed"
    )
    assert Qualification.objects.filter(source="course").count() == passed.count() > 0
    today = timezone.localdate()
    assert Qualification.objects.filter(expires_on__range=(today, today + dt.timedelta(days=30))).exists()
    assert Activity.objects.filter(required_qualifications__isnull=False, status="published").exists()
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "13800000012" in out.getvalue()


def check_49_stores_with_rights_in_ten_categories_claims_and_working_logins():
    stores = Partner.objects.filter(kind=Partner.Kind.STORE)
    assert stores.count() == 49
    assert set(stores.values_list("region__code", flat=True)) <= {"330482001", "330482002", "330482003"}
    assert not stores.filter(Q(latitude__isnull=True) | Q(staff__isnull=True)).exists()
    assert all(30.6 < float(s.latitude) < 30.8 and 120.9 < float(s.longitude) < 121.1 for s in stores)
    assert set(Offer.objects.values_list("category", flat=True)) == set(Offer.Category.values)
    # the stock counters equal the claims that hold a unit, never above the stock
    offers = Offer.objects.annotate(
        held=Count("redemptions", filter=Q(redemptions__cancelled_at__isnull=True))
    )
    assert not offers.exclude(taken=F("held")).exists()
    assert not Offer.objects.filter(taken__gt=F("stock")).exists()
    assert Redemption.objects.filter(used_at__isnull=False).exists()
    assert not Redemption.objects.exclude(partner=F("offer__partner")).exists()
    # the printable demo logins: the clerk lands on the code page, the manager reads the statistics
    clerk = PartnerStaff.objects.get(user__phone=ACCOUNTS_BY_KEY["store_clerk"].phone)
    manager = PartnerStaff.objects.get(user__phone=ACCOUNTS_BY_KEY["store_manager"].phone, role="manager")
    assert clerk.partner == manager.partner
    landing = login_client(clerk.user).get("/", follow=True)
    assert landing.redirect_chain[-1][0] == reverse("benefits:redeem", args=[clerk.partner_id])
    stats = login_client(manager.user).get(reverse("benefits:partner_stats", args=[manager.partner_id]))
    assert stats.status_code == 200
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert ACCOUNTS_BY_KEY["store_clerk"].phone in out.getvalue()
