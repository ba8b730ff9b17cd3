import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.core.audit import AuditEntry
from huiguang.core.id_card import check_char, make_id_number
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.services import Registration, RegistrationError, volunteer_register

GOOD_ID = make_id_number("330482", dt.date(1995, 3, 8), 123)


def form_data(**overrides):
    data = {
        "real_name": "陈晓光",
        "id_number": GOOD_ID,
        "phone": "13612345678",
        "password": "Guang#2026x",
        "region_code": "330482001001",
        "political_status": "league",
        "consent": "on",
    }
    data.update(overrides)
    return data


def wrong_check_digit(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


def post_register(client, **overrides):
    return client.post(reverse("volunteers:register"), form_data(**overrides))


@pytest.mark.django_db
def test_registration_creates_volunteer_with_derived_birth_date_and_gender(city, client):
    response = post_register(client)
    assert response.status_code == 302
    v = Volunteer.objects.get(user__phone="13612345678")
    assert v.birth_date == dt.date(1995, 3, 8)
    assert v.gender == "M"  # sequence 123 is odd
    assert v.residence_region.code == "330482001001"
    assert v.volunteer_number.startswith(f"330482{timezone.localdate().year}")
    assert v.privacy_policy_version and v.consented_at
    assert v.id_masked == GOOD_ID[:6] + "********" + GOOD_ID[-4:]
    assert AuditEntry.objects.filter(action="volunteer_registered", object_id=str(v.pk)).exists()
    # Logged in and sent to the profile, which shows the masked number only.
    page = client.get(reverse("volunteers:me"))
    body = page.content.decode()
    assert "陈晓光" in body and v.id_masked in body and GOOD_ID not in body


def test_lowercase_x_is_accepted_and_normalized(city, client):
    birth = dt.date(1990, 1, 1)
    for seq in range(1, 999):
        body = f"330482{birth:%Y%m%d}{seq:03d}"
        if check_char(body) == "X":
            break
    response = post_register(client, id_number=(body + "x"))
    assert response.status_code == 302
    v = Volunteer.objects.get(real_name="陈晓光")
    assert v.decrypt_id_number() == body + "X"


BAD_IDS = [
    ("wrong check digit", wrong_check_digit(GOOD_ID), "校验码"),
    ("impossible date", make_id_number("330482", dt.date(1995, 1, 1), 5)[:10] + "0230" + "0051", "出生日期"),
    ("future date", "330482" + f"{timezone.localdate().year + 1}0101" + "0010", "出生日期"),
    ("17 characters", GOOD_ID[:17], "18"),
    ("19 characters", GOOD_ID + "1", "18"),
    ("letters in the body", GOOD_ID[:8] + "AB" + GOOD_ID[10:], "数字"),
    ("unknown region prefix", make_id_number("999999", dt.date(1990, 1, 1), 11), "地区"),
]


@pytest.mark.parametrize("label,number,expected", BAD_IDS, ids=[b[0] for b in BAD_IDS])
def test_bad_id_numbers_are_refused_in_chinese_and_nothing_is_written(city, client, label, number, expected):
    users_before = User.objects.count()
    response = post_register(client, id_number=number)
    assert response.status_code == 422
    body = response.content.decode()
    assert expected in body, body[body.find("invalid-feedback") :][:400]
    assert User.objects.count() == users_before
    assert not Volunteer.objects.filter(real_name="陈晓光").exists()


def test_future_and_impossible_dates_are_checked_before_the_check_digit(city):
    # A future birth date with a correct check digit is still refused for its date.
    future = timezone.localdate() + dt.timedelta(days=400)
    with pytest.raises(RegistrationError) as exc:
        volunteer_register(
            data=Registration(
                phone="13612345678",
                password="Guang#2026x",
                real_name="陈晓光",
                id_number=make_id_number("330482", future, 12),
                region_code="330482001",
                consent=True,
            )
        )
    assert "未来" in " ".join(exc.value.errors["id_number"])


def test_duplicate_id_number_is_refused(city, client):
    assert post_register(client).status_code == 302
    client.logout()
    response = post_register(client, phone="13712345678")
    assert response.status_code == 422
    assert "已经注册" in response.content.decode()
    assert Volunteer.objects.count() == 1 + Volunteer.objects.exclude(real_name="陈晓光").count()


@pytest.mark.parametrize("phone", ["12345678901", "1361234567", "+85291234567", "02112345678"])
def test_non_mainland_mobile_numbers_are_refused(city, client, phone):
    response = post_register(client, phone=phone)
    assert response.status_code == 422
    assert "手机号" in response.content.decode()
    assert not Volunteer.objects.filter(real_name="陈晓光").exists()


def test_consent_is_required(city, client):
    data = form_data()
    del data["consent"]
    response = client.post(reverse("volunteers:register"), data)
    assert response.status_code == 422
    assert "隐私" in response.content.decode()


def test_raw_database_row_holds_no_plaintext_id_number(city, client):
    post_register(client)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM volunteers_volunteer")
        rows = cursor.fetchall()
    flat = " ".join(str(col) for row in rows for col in row)
    assert GOOD_ID not in flat
    assert GOOD_ID[6:14] not in flat  # not even the birth-date digits
    v = Volunteer.objects.get(real_name="陈晓光")
    assert v.decrypt_id_number() == GOOD_ID


def test_minor_needs_a_registered_adult_guardian_and_their_consent(city, client):
    child_id = make_id_number("330482", timezone.localdate() - dt.timedelta(days=365 * 10), 22)
    response = post_register(client, id_number=child_id, guardian_phone="")
    assert response.status_code == 422
    assert "监护人" in response.content.decode()
    guardian = city.users["volunteer"]
    response = post_register(client, id_number=child_id, guardian_phone=guardian.phone)
    assert response.status_code == 302
    child = Volunteer.objects.get(real_name="陈晓光")
    assert child.status == Volunteer.Status.AWAITING_GUARDIAN
    assert child.guardian.user == guardian
    client.logout()
    client.force_login(guardian)
    assert "陈晓光" in client.get(reverse("volunteers:me")).content.decode()
    client.post(reverse("volunteers:guardian_consent", args=[child.pk]))
    child.refresh_from_db()
    assert child.status == Volunteer.Status.ACTIVE and child.guardian_consented_at is not None
    assert AuditEntry.objects.filter(action="guardian_consent", object_id=str(child.pk)).exists()


def test_volunteer_numbers_are_unique_and_sequential(city):
    made = []
    for i in range(3):
        made.append(
            volunteer_register(
                data=Registration(
                    phone=f"1361234567{i}",
                    password="Guang#2026x",
                    real_name="陈晓光",
                    id_number=make_id_number("330482", dt.date(1990, 1, 1), 100 + i),
                    region_code="330482001",
                    consent=True,
                )
            )
        )
    numbers = [v.volunteer_number for v in made]
    assert len(set(numbers)) == 3
    assert [int(n[-6:]) for n in numbers] == sorted(int(n[-6:]) for n in numbers)
