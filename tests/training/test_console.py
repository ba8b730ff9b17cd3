"""The training console: courses, qualification types, qualifications recorded from a certificate
(with a checked photo) and revoked, the policy, the .xlsx; my qualifications; the reminders."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from huiguang.activities.services.training import qualification_expiry_reminders
from huiguang.core.models import AuditEntry
from huiguang.notifications.models import Notification
from huiguang.training.models import Course, Qualification, QualificationType, TrainingPolicy

from ..conftest import login_client
from ..factories import VolunteerFactory, member
from .conftest import make_requiring_shift, make_session, png


def test_an_org_admin_creates_and_edits_a_course_of_their_team(city, training):
    client = login_client(city.users["org_admin"])
    data = {
        "title": "防范电信诈骗宣讲员培训",
        "category": "anti_fraud",
        "provider": city.org_a.pk,
        "hours": "2.5",
        "syllabus": "常见骗局",
        "pass_rule": "笔试80分",
        "grants": training.first_aider.pk,
        "validity_months": "12",
        "is_active": "on",
    }
    assert client.post(reverse("training:course_create"), data).status_code == 302
    course = Course.objects.get(title="防范电信诈骗宣讲员培训")
    assert course.provider == city.org_a and course.hours == 2.5
    data["title"] = "反诈宣讲员培训"
    assert client.post(reverse("training:course_edit", args=[course.pk]), data).status_code == 302
    course.refresh_from_db()
    assert course.title == "反诈宣讲员培训"
    assert AuditEntry.objects.filter(action__in=["course_created", "course_updated"]).count() == 2


def test_a_course_that_grants_a_qualification_needs_its_validity(city, training):
    client = login_client(city.users["org_admin"])
    response = client.post(
        reverse("training:course_create"),
        {
            "title": "导医培训",
            "category": "medical",
            "provider": city.org_a.pk,
            "hours": "3",
            "grants": training.first_aider.pk,
        },
    )
    assert response.status_code == 422
    assert not Course.objects.filter(title="导医培训").exists()


def test_an_admin_of_another_town_cannot_pick_or_edit_our_course(city, training):
    client = login_client(city.users["outsider"])
    assert client.get(reverse("training:course_edit", args=[training.course.pk])).status_code == 404
    response = client.post(
        reverse("training:course_create"),
        {"title": "x", "category": "culture", "provider": city.org_a.pk, "hours": "1"},
    )
    assert response.status_code == 422  # not a provider they may choose
    assert not Course.objects.filter(title="x").exists()


def test_the_city_admin_adds_a_qualification_type(city, training):
    client = login_client(city.users["city_admin"])
    assert client.post(reverse("training:type_list"), {"code": "guide", "name": "导医"}).status_code == 302
    assert QualificationType.objects.filter(name="导医").exists()
    assert client.post(reverse("training:type_list"), {"code": "guide", "name": "导医2"}).status_code == 422


def test_an_admin_records_a_qualification_from_a_certificate_with_its_photo(city, training):
    volunteer = city.users["volunteer"].volunteer
    client = login_client(city.users["org_admin"])
    data = {
        "volunteer_number": volunteer.volunteer_number,
        "type": training.first_aider.pk,
        "certificate_no": "RC-2025-0001",
        "issuer": "中国红十字会",
        "issued_on": "2025-06-01",
        "expires_on": "2029-06-01",
    }
    response = client.post(reverse("training:qualification_record"), {**data, "evidence": png()})
    assert response.status_code == 302, response.content.decode()
    q = Qualification.objects.get(volunteer=volunteer)
    assert (
        q.source == "certificate"
        and q.evidence.name.endswith(".png")
        and q.recorded_by == city.users["org_admin"]
    )
    assert AuditEntry.objects.filter(action="qualification_recorded").exists()


def test_a_certificate_without_a_real_picture_is_refused_and_nothing_is_written(city, training):
    volunteer = city.users["volunteer"].volunteer
    client = login_client(city.users["org_admin"])
    fake = SimpleUploadedFile("cert.png", b"<html>not a picture</html>", content_type="image/png")
    data = {
        "volunteer_number": volunteer.volunteer_number,
        "type": training.first_aider.pk,
        "certificate_no": "RC-1",
        "issuer": "红十字会",
        "issued_on": "2025-06-01",
    }
    for evidence in (fake, None):
        response = client.post(
            reverse("training:qualification_record"), {**data, **({"evidence": evidence} if evidence else {})}
        )
        assert response.status_code == 422
    assert not Qualification.objects.exists()


def test_an_admin_cannot_record_for_a_volunteer_they_do_not_see(city, training):
    stranger = VolunteerFactory(residence_region=city.town_b)
    response = login_client(city.users["org_admin"]).post(
        reverse("training:qualification_record"),
        {
            "volunteer_number": stranger.volunteer_number,
            "type": training.first_aider.pk,
            "certificate_no": "RC-2",
            "issuer": "红十字会",
            "issued_on": "2025-06-01",
            "evidence": png(),
        },
    )
    assert response.status_code == 422 and not Qualification.objects.exists()


def test_revoking_needs_a_reason_and_is_audited(city, training):
    q = Qualification.objects.create(
        volunteer=city.users["volunteer"].volunteer,
        type=training.first_aider,
        issued_on=timezone.localdate(),
        source="certificate",
    )
    client = login_client(city.users["org_admin"])
    url = reverse("training:qualification_revoke", args=[q.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "证书已注销"}).status_code == 302
    q.refresh_from_db()
    assert q.revoked_at is not None and q.revoke_reason == "证书已注销"
    assert AuditEntry.objects.filter(action="qualification_revoked").exists()
    assert client.get(url).status_code == 404  # already revoked


def test_the_training_records_export_holds_the_rows_the_admin_sees(city, training):
    mine = Qualification.objects.create(
        volunteer=city.users["volunteer"].volunteer,
        type=training.first_aider,
        issued_on=timezone.localdate(),
        source="certificate",
    )
    Qualification.objects.create(
        volunteer=city.users["volunteer_b"].volunteer,
        type=training.first_aider,
        issued_on=timezone.localdate(),
        source="certificate",
    )
    response = login_client(city.users["org_admin"]).get(reverse("training:qualification_export"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == mine.volunteer.real_name
    assert AuditEntry.objects.filter(action="export", detail__what="training_records").exists()


def test_the_city_admin_sets_the_training_policy(city, training):
    client = login_client(city.users["city_admin"])
    assert client.post(reverse("training:policy"), {"count_hours": "on"}).status_code == 302
    assert TrainingPolicy.objects.get(pk=1).count_hours is True


def test_my_qualifications_show_their_expiry(city, training):
    volunteer = city.users["volunteer"].volunteer
    Qualification.objects.create(
        volunteer=volunteer,
        type=training.first_aider,
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2027, 1, 1),
        source="course",
    )
    html = login_client(volunteer.user).get(reverse("training:my")).content.decode()
    assert "急救员" in html and "2027-01-01" in html


def test_list_pages_cost_the_same_queries_with_more_rows(city, training, assert_queries_constant):
    client = login_client(city.users["city_admin"])
    Qualification.objects.create(
        volunteer=city.users["volunteer"].volunteer,
        type=training.first_aider,
        issued_on=timezone.localdate(),
        source="course",
    )

    def grow():
        for n in range(6):
            v = member(city.org_a)
            Qualification.objects.create(
                volunteer=v,
                type=training.first_aider,
                issued_on=timezone.localdate(),
                source="course",
                course=training.course,
            )
            Course.objects.create(title=f"课{n}", category="culture", provider=city.org_a, hours=1)

    for name in ("training:qualification_list", "training:course_list"):
        assert_queries_constant(lambda name=name: client.get(reverse(name)), grow)


def test_a_qualification_expiring_within_30_days_sends_one_reminder_with_the_next_session(city, training):
    volunteer = city.users["volunteer"].volunteer
    today = timezone.localdate()
    Qualification.objects.create(
        volunteer=volunteer,
        type=training.first_aider,
        issued_on=today - dt.timedelta(days=700),
        expires_on=today + dt.timedelta(days=20),
        source="course",
        course=training.course,
    )
    Qualification.objects.create(  # far from expiry: no reminder
        volunteer=city.users["volunteer_b"].volunteer,
        type=training.first_aider,
        issued_on=today,
        expires_on=today + dt.timedelta(days=200),
        source="course",
        course=training.course,
    )
    session = make_session(training.course, city.org_a, days=6)
    assert qualification_expiry_reminders(today=today) == 1
    assert qualification_expiry_reminders(today=today) == 0  # once per expiry
    note = Notification.objects.get(user=volunteer.user, kind="qualification_expiring")
    assert "急救员" in note.title
    assert timezone.localtime(session.activity.starts_at).strftime("%Y-%m-%d %H:%M") in note.body
    assert note.url == reverse("activities:course_detail", args=[training.course.pk])


def test_the_activity_form_lets_the_organizer_require_a_qualification(city, training):
    shift = make_requiring_shift(city.org_a, training.first_aider)
    activity = shift.activity
    activity.required_qualifications.clear()
    from huiguang.activities.forms import ActivityForm

    initial = ActivityForm.initial_for(activity)
    assert "required_qualifications" in ActivityForm(user=city.users["org_admin"], activity=activity).fields
    data = {
        k: v
        for k, v in initial.items()
        if v not in (None, "", False) and k not in ("required_skills", "required_qualifications", "course")
    }
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    for name in ("starts_at", "ends_at"):
        data[name] = timezone.localtime(initial[name]).strftime("%Y-%m-%dT%H:%M")
    data["required_qualifications"] = [training.first_aider.pk]
    response = login_client(city.users["org_admin"]).post(
        reverse("activities:console_edit", args=[activity.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(activity.required_qualifications.all()) == [training.first_aider]
