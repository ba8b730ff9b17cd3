"""POST /api/v1/auth/register: 201 with a masked profile, or 422 with Chinese messages per field
and nothing written."""

import json

import pytest

from huiguang.accounts.models import User
from huiguang.core.models import AuditEntry
from huiguang.volunteers.models import Skill, Volunteer

from ..factories import unique_id_number
from .conftest import API

URL = f"{API}/auth/register"
INVALID = "部分字段填写有误。"


def body(**changes) -> dict:
    data = {
        "phone": "13712345678",
        "password": "Huiguang#2026",
        "real_name": "陈晓华",
        "id_number": unique_id_number(),
        "region_code": "330482001001",
        "consent": True,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def post(client, data):
    return client.post(URL, data=json.dumps(data), content_type="application/json")


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Volunteer.objects.count(), AuditEntry.objects.count()


def test_registration_creates_the_account_and_answers_a_masked_profile(city, client):
    Skill.objects.create(code="first_aid", name="急救")
    number = unique_id_number()
    response = post(
        client, body(id_number=number, skills=["first_aid"], is_new_resident=True, occupation="教师")
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["real_name"] == "陈晓华"
    assert data["id_number"] == number[:6] + "********" + number[-4:]
    assert data["phone"] == "137****5678"
    assert data["volunteer_number"].startswith("330482")
    assert data["residence"] == {"code": "330482001001", "name": "东湖社区"}
    assert data["skills"] == ["first_aid"]
    assert data["is_new_resident"] is True
    assert data["status"] == "active"
    assert "birth_date" not in data
    text = response.content.decode()
    assert number not in text and number[6:14] not in text and "13712345678" not in text
    volunteer = Volunteer.objects.get(user__phone="13712345678")
    assert volunteer.decrypt_id_number() == number
    assert volunteer.user.check_password("Huiguang#2026")


def test_registered_volunteer_can_obtain_a_token_and_read_me(city, client):
    assert post(client, body()).status_code == 201
    response = client.post(
        f"{API}/auth/token",
        data=json.dumps({"phone": "13712345678", "password": "Huiguang#2026"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    me = client.get(f"{API}/me", headers={"authorization": f"Bearer {response.json()['token']}"})
    assert me.status_code == 200
    assert me.json()["volunteer"]["real_name"] == "陈晓华"


def _existing_id_number(city) -> str:
    return Volunteer.objects.get(user=city.users["volunteer"]).decrypt_id_number()


def _wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


CASES = [
    (
        "wrong check digit",
        lambda city: body(id_number=_wrong_check_digit(unique_id_number())),
        {"id_number": ["身份证号码校验码错误，请逐位核对。"]},
    ),
    (
        "17 characters",
        lambda city: body(id_number=unique_id_number()[:17]),
        {"id_number": ["居民身份证号码应为 18 位（您输入了 17 位）。"]},
    ),
    (
        "ID number already registered",
        lambda city: body(id_number=_existing_id_number(city)),
        {"id_number": ["该身份证号码已经注册。请用注册时的手机号登录，或请所在组织协助找回账号。"]},
    ),
    (
        "Hong Kong phone",
        lambda city: body(phone="+852 9123 4567"),
        {"phone": ["请输入中国大陆手机号：以 13–19 开头的 11 位数字。"]},
    ),
    (
        "landline",
        lambda city: body(phone="0573-85012345"),
        {"phone": ["请输入中国大陆手机号：以 13–19 开头的 11 位数字。"]},
    ),
    (
        "phone already registered",
        lambda city: body(phone=city.users["volunteer"].phone),
        {"phone": ["该手机号已经注册，请直接登录。"]},
    ),
    ("consent missing", lambda city: body(consent=...), {"consent": ["注册前须同意隐私政策。"]}),
    ("consent refused", lambda city: body(consent=False), {"consent": ["注册前须同意隐私政策。"]}),
    ("consent not a yes/no", lambda city: body(consent="maybe"), {"consent": ["请填写 true 或 false。"]}),
    ("name too long", lambda city: body(real_name="陈" * 65), {"real_name": ["最多输入 64 个字符。"]}),
    ("phone not text", lambda city: body(phone=["13712345678"]), {"phone": ["请输入文字。"]}),
    ("skills not a list", lambda city: body(skills=5), {"skills": ["请提供代码列表。"]}),
    (
        "bad e-mail",
        lambda city: body(email="not-an-address"),
        {"email": ["请输入有效的电子邮箱地址，或留空。"]},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_registration_answers_422_per_field_in_chinese_and_writes_nothing(city, client, case):
    _name, make_body, expected = case
    data = make_body(city)
    before = counts()
    response = post(client, data)
    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["detail"] == INVALID
    for field, messages in expected.items():
        assert answer["errors"][field] == messages
    assert counts() == before
    if len(data["id_number"]) == 18:  # a number is never echoed, not even a wrong one
        assert data["id_number"] not in response.content.decode()


def test_every_bad_field_is_reported_at_once(city, client):
    data = body(phone="12345", real_name="", id_number="330482", region_code="999", consent=False)
    response = post(client, data)
    assert response.status_code == 422
    assert {"phone", "real_name", "id_number", "region_code", "consent"} <= set(response.json()["errors"])
    assert User.objects.filter(phone="12345").count() == 0


def test_an_empty_body_answers_422_not_500(city, client):
    response = client.post(URL, data="{}", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"]["consent"] == ["注册前须同意隐私政策。"]


def test_registration_needs_no_csrf_token(city):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), body())
    assert response.status_code == 201
