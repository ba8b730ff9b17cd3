"""A resident's sign-up: the SMS code is stored hashed, expires, allows five tries and is used once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.core.errors import FieldErrors, Refused
from huiguang.needs.models import PhoneCode, Resident
from huiguang.needs.services.residents import phone_code_send, resident_register
from huiguang.notifications import sms

pytestmark = pytest.mark.django_db
NUMBER = "13755556666"


def _code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1].text).group(0)


def test_sign_up_on_the_phone_page_with_the_sms_code(city, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("needs:signup"), {"step": "code", "phone": NUMBER})
    assert response.status_code == 200 and "验证码已通过短信发送" in response.content.decode()
    code = _code()
    assert code not in PhoneCode.objects.get().code_hash  # stored hashed
    response = client.post(
        reverse("needs:signup"),
        {
            "step": "register",
            "phone": NUMBER,
            "code": code,
            "name": "周阿姨",
            "region": city.village_a1.pk,
            "address": "东湖社区 5 幢",
            "password": "Huiguang#2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("needs:post")
    resident = Resident.objects.get()
    assert (resident.user.phone, resident.name, resident.region) == (NUMBER, "周阿姨", city.village_a1)
    assert client.get(reverse("needs:post")).status_code == 200  # logged in


def test_a_wrong_code_is_refused_and_five_tries_use_it_up(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        phone_code_send(phone=NUMBER)
    code = _code()
    wrong = "000000" if code != "000000" else "111111"
    args = {
        "phone": NUMBER,
        "name": "周阿姨",
        "region": city.village_a1,
        "address": "",
        "password": "Huiguang#2026",
    }
    for _ in range(5):
        with pytest.raises(FieldErrors) as exc:
            resident_register(code=wrong, **args)
        assert "code" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        resident_register(code=code, **args)  # the right code, too late
    assert "错误次数过多" in exc.value.errors["code"][0] or "too many" in exc.value.errors["code"][0].lower()
    assert not User.objects.filter(phone=NUMBER).exists()


def test_an_expired_code_is_refused(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        phone_code_send(phone=NUMBER)
    PhoneCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(FieldErrors):
        resident_register(
            phone=NUMBER,
            code=_code(),
            name="周阿姨",
            region=city.village_a1,
            address="",
            password="Huiguang#2026",
        )
    assert not Resident.objects.exists()


def test_codes_are_rate_limited(city):
    phone_code_send(phone=NUMBER)
    with pytest.raises(Refused) as exc:
        phone_code_send(phone=NUMBER)
    assert exc.value.reason == "too_soon"
    with pytest.raises(FieldErrors):
        phone_code_send(phone="12345")


def test_every_field_is_checked_before_the_code_is_used(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        phone_code_send(phone=NUMBER)
    with pytest.raises(FieldErrors) as exc:
        resident_register(phone=NUMBER, code=_code(), name="", region=city.town_a, address="", password="x")
    assert {"name", "region", "password"} <= set(exc.value.errors)
    assert PhoneCode.objects.get().attempts == 0  # the code is still good


def test_an_existing_account_must_log_in_first(city, needs, django_capture_on_commit_callbacks):
    phone = city.users["volunteer"].phone
    with django_capture_on_commit_callbacks(execute=True):
        phone_code_send(phone=phone)
    args = {
        "phone": phone,
        "code": _code(),
        "name": "张小明",
        "region": city.village_a1,
        "address": "",
        "password": "",
    }
    with pytest.raises(FieldErrors) as exc:
        resident_register(**args)
    assert "phone" in exc.value.errors
    resident = resident_register(**args, user=city.users["volunteer"])
    assert resident.user == city.users["volunteer"]
