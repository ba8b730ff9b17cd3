"""A resident's request end to end through the services and pages: post (phone encrypted), review
(accept, decline with a reason the resident reads, merge), dispatch and assign, open and take,
check in at the address with the attendance machinery, close with notes and photos."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from huiguang.activities.models import Activity, Enrollment
from huiguang.attendance import codes
from huiguang.attendance.models import CheckIn
from huiguang.core.errors import FieldErrors, Refused
from huiguang.ledger.models import ServiceRecord
from huiguang.needs.models import ServiceRequest
from huiguang.needs.services import requests as services
from huiguang.notifications import sms

from ..conftest import login_client
from .conftest import LAT, LNG, PHONE, dispatched, opened, posted, request_data, taken

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status


def _jpeg(name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 120, 80)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_resident_posts_a_need_from_the_phone_page(city, needs):
    client = login_client(needs.resident.user)
    form = client.get(reverse("needs:post"))
    assert form.status_code == 200 and "使用我的位置" in form.content.decode()
    start = timezone.localtime() + dt.timedelta(hours=1)
    response = client.post(
        reverse("needs:post"),
        {
            "category": request_data()["category"].pk,
            "description": "需要帮忙换灯泡",
            "address": "东湖社区 3 幢 201",
            "lat": LAT,
            "lng": LNG,
            "window_start": start.strftime("%Y-%m-%dT%H:%M"),
            "window_end": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "phone": PHONE,
        },
    )
    req = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("needs:mine_detail", args=[req.pk])
    assert (req.status, req.resident, req.region) == (S.POSTED, needs.resident, city.village_a1)
    page = client.get(reverse("needs:mine")).content.decode()
    assert "需要帮忙换灯泡" in page and "已发布" in page


def test_the_contact_phone_is_encrypted_at_rest(city, needs):
    req = posted(needs, phone="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM needs_servicerequest WHERE id = %s", [req.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "13812345678" not in row and "12345678" not in row
    assert req.contact_masked == "138****5678"
    assert ServiceRequest.objects.get(pk=req.pk).contact_phone == "13812345678"


def test_a_bad_request_is_refused_with_every_message_and_nothing_written(city, needs):
    client = login_client(needs.resident.user)
    response = client.post(reverse("needs:post"), {"description": "", "window_start": "2020-01-01T08:00"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "这个字段是必填项" in text or "必填" in text
    assert not ServiceRequest.objects.exists()
    with pytest.raises(FieldErrors) as exc:
        posted(
            needs,
            window_end=timezone.now() - dt.timedelta(hours=1),
            window_start=timezone.now() - dt.timedelta(hours=2),
        )
    assert "window_end" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        posted(needs, lat="91", lng="121")
    assert "lat" in exc.value.errors


def test_a_community_worker_posts_for_a_resident_of_their_region_only(city, needs):
    worker = city.users["town_admin"]
    data = request_data(on_behalf=True, region=city.village_a1, resident_name="李奶奶", phone="13811112222")
    req = services.request_post(actor=worker, data=data)
    assert (req.resident, req.resident_name, req.posted_by) == (None, "李奶奶", worker)
    with pytest.raises(FieldErrors) as exc:
        services.request_post(actor=worker, data={**data, "region": needs.village_b})
    assert "region" in exc.value.errors
    client = login_client(worker)
    assert client.get(reverse("needs:post") + "?for=other").status_code == 200


def test_a_declined_request_explains_why_to_the_resident(city, needs):
    req = posted(needs)
    admin = login_client(city.users["town_admin"])
    response = admin.post(reverse("needs:console_action", args=[req.pk, "decline"]), {"decline-reason": ""})
    assert response.status_code == 422 and ServiceRequest.objects.get(pk=req.pk).status == S.POSTED
    response = admin.post(
        reverse("needs:console_action", args=[req.pk, "decline"]),
        {"decline-reason": "不在服务范围：请联系物业维修"},
    )
    assert response.status_code == 302
    page = login_client(needs.resident.user).get(reverse("needs:mine_detail", args=[req.pk])).content.decode()
    assert "已拒绝" in page and "不在服务范围：请联系物业维修" in page
    notice = needs.resident.user.notifications.get()
    assert "不在服务范围" in notice.body


def test_a_duplicate_is_merged_into_the_request_that_is_served(city, needs):
    first, second = posted(needs), posted(needs)
    admin = login_client(city.users["town_admin"])
    response = admin.post(
        reverse("needs:console_action", args=[second.pk, "merge"]), {"merge-into": first.pk}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.merged_into) == (S.MERGED, first)
    with pytest.raises(FieldErrors):
        services.request_merge(actor=city.users["town_admin"], req=first, into=first)


def test_dispatch_then_the_team_assigns_a_member_who_serves_through_an_activity(city, needs):
    req = dispatched(city, needs)
    leader = city.users["leader"]
    assert "派" in leader.notifications.get().title or req.number in leader.notifications.get().title
    volunteer = city.users["volunteer"].volunteer
    client = login_client(city.users["org_admin"])
    response = client.post(
        reverse("needs:console_action", args=[req.pk, "assign"]), {"assign-volunteer": volunteer.pk}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.taker) == (S.TAKEN, volunteer)
    activity = req.activity
    assert activity.organization == city.org_a and activity.status == Activity.Status.PUBLISHED
    assert activity.address == req.address and activity.lat == req.lat
    shift = activity.shifts.get()
    assert (shift.capacity, shift.taken) == (1, 1)
    assert Enrollment.objects.get(shift=shift).status == Enrollment.Status.CONFIRMED
    # an outsider's volunteer is not a member: refused on the form
    other = city.users["volunteer_b"].volunteer
    req2 = dispatched(city, needs)
    response = client.post(
        reverse("needs:console_action", args=[req2.pk, "assign"]), {"assign-volunteer": other.pk}
    )
    assert response.status_code == 422


def test_open_take_check_in_and_close_with_photos_put_hours_in_the_ledger(
    city, needs, django_capture_on_commit_callbacks
):
    req = opened(city, needs)
    volunteer_user = city.users["volunteer"]
    client = login_client(volunteer_user)
    nearby = client.get(reverse("needs:nearby"), {"lat": LAT, "lng": LNG, "km": 10}).content.decode()
    assert req.description in nearby and "km" in nearby
    assert client.post(reverse("needs:take", args=[req.pk])).status_code == 302
    req.refresh_from_db()
    assert req.status == S.TAKEN and req.taker.user == volunteer_user
    page = client.get(reverse("needs:taken_detail", args=[req.pk])).content.decode()
    assert PHONE in page  # the taker sees the contact phone
    code = codes.activity_code(req.activity_id)
    assert code in page
    # check in and out at the address with the code and the phone's location (the attendance pages)
    checkin = {"code": code, "lat": LAT, "lng": LNG, "form_key": "in"}
    assert client.post(reverse("attendance:code"), checkin).status_code == 200
    CheckIn.objects.update(at=F("at") - dt.timedelta(minutes=25))  # the visit lasted a while
    assert client.post(reverse("attendance:code"), {**checkin, "form_key": "out"}).status_code == 200
    assert CheckIn.objects.filter(enrollment__shift__activity=req.activity).count() == 2
    record = ServiceRecord.objects.get(activity=req.activity, volunteer=req.taker)
    assert record.minutes >= 24 and record.organization == city.org_a
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("needs:taken_detail", args=[req.pk]),
            {"notes": "量了血压，陪聊一小时", "photos": [_jpeg(), _jpeg("b.jpg")]},
        )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == S.DONE and req.photos.count() == 2 and req.close_notes.startswith("量了血压")
    assert any("/needs/rate/" in m.text for m in sms.outbox)


def test_a_photo_that_is_not_an_image_is_refused_and_the_request_stays_taken(city, needs):
    req = taken(city, needs)
    client = login_client(city.users["volunteer"])
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(
        reverse("needs:taken_detail", args=[req.pk]), {"notes": "做完了", "photos": [fake]}
    )
    assert response.status_code == 422
    req.refresh_from_db()
    assert req.status == S.TAKEN and not req.photos.exists()


def test_taking_twice_answers_that_someone_else_was_first(city, needs):
    req = taken(city, needs)
    with pytest.raises(Refused) as exc:
        services.request_take(actor=city.users["volunteer_b"], req=ServiceRequest.objects.get(pk=req.pk))
    assert exc.value.reason in ("taken", "wrong_status")
    client = login_client(city.users["volunteer_b"])
    # a taken request is no longer among the open ones: 404
    assert client.post(reverse("needs:take", args=[req.pk])).status_code == 404


def test_a_request_needing_a_skill_is_hidden_from_volunteers_without_it(city, needs):
    from huiguang.volunteers.models import Skill

    skill = Skill.objects.create(code="nurse", name="护理")
    req = posted(needs)
    req.required_skill = skill
    req.save()
    services.request_open(actor=city.users["town_admin"], req=req, organization=city.org_a)
    client = login_client(city.users["volunteer"])
    assert client.get(reverse("needs:open_detail", args=[req.pk])).status_code == 404
    city.users["volunteer"].volunteer.skills.add(skill)
    assert client.get(reverse("needs:open_detail", args=[req.pk])).status_code == 200


def test_the_console_shows_the_contact_to_community_admins_and_masks_it_for_auditors(city, needs):
    req = posted(needs, phone="13812345678")
    admin_page = login_client(city.users["town_admin"]).get(reverse("needs:console_detail", args=[req.pk]))
    assert "13812345678" in admin_page.content.decode()
    auditor_page = login_client(city.users["auditor"]).get(reverse("needs:console_detail", args=[req.pk]))
    assert (
        "13812345678" not in auditor_page.content.decode() and "138****5678" in auditor_page.content.decode()
    )
    from huiguang.core.models import AuditEntry

    assert (
        AuditEntry.objects.filter(action="service_request_contact_viewed", object_id=str(req.pk)).count() == 1
    )


def test_the_daily_chase_tells_once(city, needs, settings):
    from huiguang.needs.services.ratings import requests_chase

    req = opened(city, needs)
    later = timezone.now() + dt.timedelta(hours=settings.HUIGUANG_NEEDS_TAKE_HOURS + 1)
    assert requests_chase(now=later).not_taken == 1
    assert requests_chase(now=later).not_taken == 0
    assert city.users["town_admin"].notifications.filter(title__contains=req.number).exists()
