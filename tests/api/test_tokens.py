"""Bearer tokens: obtain with a password (django-axes counts failures), use, list, create, revoke."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from huiguang.accounts.models import ApiToken
from huiguang.accounts.services import token_create
from huiguang.core.models import AuditEntry

from ..factories import PASSWORD, UserFactory, bearer
from .conftest import API, zh


def obtain(client, phone, password, **extra):
    return client.post(
        f"{API}/auth/token",
        data=json.dumps({"phone": phone, "password": password}),
        content_type="application/json",
        **extra,
    )


def with_token(key: str) -> Client:
    return Client(headers={"authorization": f"Bearer {key}"})


def test_token_obtained_with_the_password_authenticates_as_the_user(city, client):
    user = city.users["volunteer"]
    response = obtain(client, "+86 139 0000 0006", PASSWORD)  # the number as people type it
    assert response.status_code == 200
    data = response.json()
    assert data["token"].startswith("hg_")
    assert data["name"] == "API 客户端"
    token = ApiToken.objects.get(pk=data["token_id"])
    assert token.user == user and token.created_by == user
    assert token.key_hash == ApiToken.hash_key(data["token"])  # only the hash is stored
    me = with_token(data["token"]).get(f"{API}/me")
    assert me.status_code == 200
    assert me.json()["user"]["phone"] == user.phone
    assert AuditEntry.objects.filter(action="token_created", actor=user).exists()
    assert AuditEntry.objects.filter(action="login", actor=user).exists()


def test_wrong_password_answers_401_in_chinese_and_creates_no_token(city, client):
    response = obtain(client, "13900000006", "wrong-password")
    assert response.status_code == 401
    assert response.json() == {"detail": "手机号或密码错误。"}
    assert not ApiToken.objects.exists()


def test_unknown_number_and_disabled_account_answer_401(city, client):
    assert obtain(client, "13811112222", PASSWORD).status_code == 401
    UserFactory(phone="13811113333", is_active=False)
    assert obtain(client, "13811113333", PASSWORD).status_code == 401


def test_repeated_failures_lock_the_number_from_that_address_only(city, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    phone = "13900000006"
    assert obtain(client, phone, "wrong-1").status_code == 401
    assert obtain(client, phone, "wrong-2").status_code == 401
    locked = obtain(client, phone, "wrong-3")
    assert locked.status_code == 429
    # Even the right password is refused during the cool-off, as JSON with a Chinese message.
    response = obtain(client, phone, PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "该手机号登录失败次数过多，请 15 分钟后再试。"
    assert int(response["Retry-After"]) == 15 * 60
    assert not ApiToken.objects.exists()
    # Another address is not locked (never lock by address alone, nor a number everywhere).
    assert obtain(client, phone, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 200
    # Another number from the locked address is not locked either.
    assert obtain(client, "13900000007", PASSWORD).status_code == 200


def test_a_success_resets_the_failure_count(city, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    phone = "13900000006"
    obtain(client, phone, "wrong-1")
    obtain(client, phone, "wrong-2")
    assert obtain(client, phone, PASSWORD).status_code == 200
    assert obtain(client, phone, "wrong-3").status_code == 401
    assert obtain(client, phone, "wrong-4").status_code == 401


def test_revoked_token_answers_401(city):
    user = city.users["volunteer"]
    token, key = token_create(user=user, name="手机", created_by=user)
    client = with_token(key)
    assert client.get(f"{API}/me").status_code == 200
    assert client.delete(f"{API}/tokens/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "请登录或提供有效的令牌。"}
    # Revoked tokens are not taken for anonymous callers on public endpoints either.
    assert client.get(f"{API}/organizations").status_code == 401


def test_delete_tokens_logs_this_client_out(city):
    user = city.users["volunteer"]
    first, first_key = token_create(user=user, name="手机", created_by=user)
    _second, second_key = token_create(user=user, name="平板", created_by=user)
    assert with_token(first_key).delete(f"{API}/tokens").status_code == 204
    assert with_token(first_key).get(f"{API}/me").status_code == 401
    assert with_token(second_key).get(f"{API}/me").status_code == 200


def test_delete_tokens_with_a_session_is_refused(as_role):
    response = as_role("volunteer").delete(f"{API}/tokens")
    assert response.status_code == 409
    assert response.json()["reason"] == "NOT_A_TOKEN"
    assert response.json()["detail"] == "本次请求未使用令牌认证。"


def test_token_list_shows_own_tokens_without_keys(city):
    user = city.users["volunteer"]
    _token, key = token_create(user=user, name="手机", created_by=user)
    other = city.users["volunteer_b"]
    token_create(user=other, name="别人的", created_by=other)
    response = with_token(key).get(f"{API}/tokens")
    assert response.status_code == 200
    data = response.json()
    assert [t["name"] for t in data["items"]] == ["手机"]
    assert data["items"][0]["prefix"] == key[:10]
    assert data["items"][0]["is_active"] is True
    assert key not in response.content.decode()
    # all=true is for city admins only: a volunteer still sees their own.
    assert with_token(key).get(f"{API}/tokens?all=true").json()["count"] == 1


def test_user_creates_a_token_for_themselves(as_role, city):
    response = as_role("volunteer").post(
        f"{API}/tokens", data=json.dumps({"name": "我的手机"}), content_type="application/json"
    )
    assert response.status_code == 201
    key = response.json()["token"]
    assert with_token(key).get(f"{API}/me").json()["user"]["phone"] == city.users["volunteer"].phone


def test_token_name_is_required(as_role):
    response = as_role("volunteer").post(f"{API}/tokens", data="{}", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"]["name"] == [
        zh("Give the token a name, e.g. the system that will use it.")
    ]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", ["city_admin", "town_admin"])
def test_a_token_is_always_the_callers_own(as_role, city, role):
    """No one mints a token for another account (the old `user_phone` is not a field any more):
    partner systems use their staff accounts' own tokens."""
    UserFactory(phone="13800001111")
    response = as_role(role).post(
        f"{API}/tokens",
        data=json.dumps({"name": "x", "user_phone": "13800001111"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["user_phone"] == city.users[role].phone
    assert list(ApiToken.objects.values_list("user__phone", flat=True)) == [city.users[role].phone]


def test_someone_elses_token_answers_404_and_stays_active(city):
    owner = city.users["volunteer_b"]
    token, key = token_create(user=owner, name="手机", created_by=owner)
    response = bearer(city.users["town_admin"]).delete(f"{API}/tokens/{token.pk}")
    assert response.status_code == 404
    assert with_token(key).get(f"{API}/me").status_code == 200


# --- expiry -------------------------------------------------------------------------------------


def test_a_token_obtained_with_the_password_expires_after_30_days(city, client):
    before = timezone.now().replace(microsecond=0)
    response = obtain(client, "13900000006", PASSWORD)
    after = timezone.now()
    assert response.status_code == 200
    token = ApiToken.objects.get(pk=response.json()["token_id"])
    assert before + dt.timedelta(days=30) <= token.expires_at <= after + dt.timedelta(days=30)
    assert dt.datetime.fromisoformat(response.json()["expires_at"]) == token.expires_at
    listed = with_token(response.json()["token"]).get(f"{API}/tokens").json()["items"][0]
    assert dt.datetime.fromisoformat(listed["expires_at"]) == token.expires_at


def test_the_lifetime_comes_from_the_settings_and_0_means_never(city, client, settings):
    settings.HUIGUANG_API_TOKEN_DAYS = 7
    first = obtain(client, "13900000006", PASSWORD).json()
    token = ApiToken.objects.get(pk=first["token_id"])
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=7), abs=dt.timedelta(seconds=5)
    )
    settings.HUIGUANG_API_TOKEN_DAYS = 0
    second = obtain(client, "13900000006", PASSWORD).json()
    assert second["expires_at"] is None
    assert ApiToken.objects.get(pk=second["token_id"]).expires_at is None


def test_an_expired_token_answers_401_like_a_revoked_one(city, client):
    key = obtain(client, "13900000006", PASSWORD).json()["token"]
    assert with_token(key).get(f"{API}/me").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = with_token(key).get(f"{API}/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "请登录或提供有效的令牌。"}
    assert with_token(key).get(f"{API}/organizations").status_code == 401  # not anonymous either


def test_the_owner_lists_an_expired_token_as_inactive_and_revokes_it(city, as_role):
    user = city.users["volunteer"]
    token, _key = token_create(
        user=user, name="旧手机", created_by=user, expires_at=timezone.now() - dt.timedelta(days=1)
    )
    client = as_role("volunteer")
    item = client.get(f"{API}/tokens").json()["items"][0]
    assert (item["name"], item["is_active"], item["revoked_at"]) == ("旧手机", False, None)
    assert client.delete(f"{API}/tokens/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
