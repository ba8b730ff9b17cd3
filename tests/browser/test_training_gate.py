"""Issue 11 on a 375 px phone: a volunteer without 急救员 is refused with the course and its next
session, follows the link; the trainer marks the volunteer passed after the session; the same sign-up
succeeds; once the qualification has expired it is refused again. Console pages at 1366 px."""

import datetime as dt

from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.training.models import Qualification
from huiguang.volunteers.models import Volunteer
from tests.conftest import _context
from tests.factories import PASSWORD
from tests.training.conftest import attended, make_requiring_shift, make_session, training  # noqa: F401

from .conftest import PHONE, login, scroll_width, shot


def _fits(page) -> None:
    assert scroll_width(page) <= 375


def test_refused_then_trained_then_signed_up_then_expired_on_a_phone(
    city,
    training,  # noqa: F811 - the fixture imported above
    live_server,
    phone,
    browser,
):
    volunteer = Volunteer.objects.get(real_name="张小明")
    needs = make_requiring_shift(city.org_a, training.first_aider, days=10)
    upcoming = make_session(training.course, city.org_a, days=4)
    past = make_session(training.course, city.org_a, days=-1)
    enrollment = attended(past, volunteer)

    page = phone.new_page()
    login(page, live_server.url, "13900000006", PASSWORD)  # 张小明
    page.goto(f"{live_server.url}/activities/{needs.activity_id}/")
    refusal = page.locator('[data-reason="MISSING_QUALIFICATION"]')
    assert "急救员" in refusal.inner_text() and "心肺复苏与急救" in refusal.inner_text()
    assert timezone.localtime(upcoming.activity.starts_at).strftime("%Y-%m-%d %H:%M") in refusal.inner_text()
    _fits(page)
    shot(page, "training-refused-375")
    refusal.locator("a").click()
    page.wait_for_load_state()
    assert upcoming.activity.title in page.content()
    _fits(page)
    shot(page, "training-course-375")

    trainer_context = _context(browser, PHONE)  # another person, another phone
    trainer = trainer_context.new_page()
    login(trainer, live_server.url, "13700000009", PASSWORD)  # 陈教员
    trainer.goto(f"{live_server.url}/console/activities/{past.activity_id}/results/")
    _fits(trainer)
    shot(trainer, "training-results-375")
    trainer.click("button[aria-label='张小明 合格']")
    trainer.wait_for_load_state()
    assert "张小明：合格。" in trainer.content()
    shot(trainer, "training-results-passed-375")
    trainer_context.close()
    enrollment.refresh_from_db()
    assert enrollment.training_result == "passed"

    page.goto(f"{live_server.url}/me/qualifications/")
    assert "急救员" in page.content()
    _fits(page)
    shot(page, "training-my-qualifications-375")
    page.goto(f"{live_server.url}/activities/{needs.activity_id}/")
    page.locator(f"#shift-{needs.pk} button[type=submit]").click()
    page.wait_for_load_state()
    assert Enrollment.objects.filter(shift=needs, volunteer=volunteer, status="confirmed").exists()
    shot(page, "training-signed-up-375")

    # Time passes: the qualification now expires before the next shift that needs it ends.
    Qualification.objects.filter(volunteer=volunteer).update(
        expires_on=timezone.localdate() + dt.timedelta(days=12)
    )
    later = make_requiring_shift(city.org_a, training.first_aider, days=20)
    page.goto(f"{live_server.url}/activities/{later.activity_id}/")
    expired = page.locator('[data-reason="QUALIFICATION_EXPIRED"]')
    assert "到期" in expired.inner_text()
    _fits(page)
    shot(page, "training-expired-375")


def test_the_training_console_at_1366(city, training, live_server, desktop):  # noqa: F811
    volunteer = Volunteer.objects.get(real_name="张小明")
    Qualification.objects.create(
        volunteer=volunteer,
        type=training.first_aider,
        issued_on=timezone.localdate(),
        source="certificate",
        expires_on=timezone.localdate() + dt.timedelta(days=20),
        certificate_no="HSZ-1",
        issuer="红十字会",
    )
    make_session(training.course, city.org_a, days=4)
    page = desktop.new_page()
    login(page, live_server.url, "13900000001", PASSWORD)  # 市管理员
    for path, name in (
        ("/console/training/courses/", "training-console-courses-1366"),
        ("/console/training/qualifications/", "training-console-qualifications-1366"),
        ("/console/training/qualifications/new/", "training-console-record-1366"),
        ("/console/training/qualification-types/", "training-console-types-1366"),
        ("/training/courses/", "training-catalogue-1366"),
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        shot(page, name)
    phone_page = desktop.new_page()  # the same login, on a phone-wide window
    phone_page.set_viewport_size(PHONE)
    for path, name in (
        ("/console/training/qualifications/", "training-console-qualifications-375"),
        ("/training/courses/", "training-catalogue-375"),
    ):
        phone_page.goto(f"{live_server.url}{path}")
        _fits(phone_page)
        shot(phone_page, name)
