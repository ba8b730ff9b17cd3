"""API token pages: create (key shown once, only its hash stored), list, revoke; only one's own."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from huiguang.accounts.auth import user_for_token
from huiguang.accounts.models import ApiToken
from huiguang.accounts.services import token_create
from huiguang.core.models import AuditEntry
from tests.factories import UserFactory

from .zh import zh

LIST = "accounts:token_list"


def key_in(response) -> str:
    match = re.search(r'id="token-key"[^>]*>(hg_[A-Za-z0-9_\-]+)</textarea>', response.content.decode())
    assert match, "the key is not on the page"
    return match.group(1)


def make_token(user, name="app"):
    return token_create(user=user, name=name, created_by=user)


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse(LIST))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_create_shows_the_key_once_and_stores_only_its_hash(as_role, city):
    client = as_role("volunteer")
    response = client.post(reverse(LIST), {"name": "我的手机"})
    assert response.status_code == 200
    shown_once = (
        "Copy the key now and keep it somewhere safe: it is shown only this once. We store only a "
        "fingerprint of it, so nobody can show it to you again; if it is lost, revoke the token and "
        "create a new one."
    )
    assert zh(shown_once) in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    key = key_in(response)

    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.name) == (
        city.users["volunteer"],
        city.users["volunteer"],
        "我的手机",
    )
    assert token.key_hash == ApiToken.hash_key(key) != key
    assert key.startswith(token.prefix)
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert user_for_token(key) == city.users["volunteer"]

    listing = client.get(reverse(LIST)).content.decode()
    assert "我的手机" in listing and token.prefix in listing
    assert key not in listing
    entry = AuditEntry.objects.get(action="token_created")
    assert (entry.actor, entry.object_id) == (city.users["volunteer"], str(token.pk))


def test_create_without_a_name_explains_and_writes_nothing(as_role):
    response = as_role("volunteer").post(reverse(LIST), {"name": "  "})
    assert response.status_code == 422
    assert "这个字段是必填项。" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_list_shows_only_my_tokens(as_role, city):
    mine, _ = make_token(city.users["volunteer"], "我的令牌")
    make_token(city.users["volunteer_b"], "别人的令牌")
    page = as_role("volunteer").get(reverse(LIST) + "?all=1").content.decode()
    assert "我的令牌" in page
    assert "别人的令牌" not in page
    assert zh("All accounts' tokens") not in page  # the city admin's tab


def test_revoke_my_token(as_role, city):
    token, key = make_token(city.users["volunteer"])
    client = as_role("volunteer")
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert user_for_token(key) is None
    assert zh("revoked") in client.get(reverse(LIST)).content.decode()
    assert AuditEntry.objects.filter(action="token_revoked", object_id=str(token.pk)).count() == 1

    # Revoking again changes nothing and leaves no second entry.
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert AuditEntry.objects.filter(action="token_revoked").count() == 1


def test_revoke_needs_a_post(as_role, city):
    token, _ = make_token(city.users["volunteer"])
    assert as_role("volunteer").get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("role", ["volunteer_b", "town_admin", "auditor"])
def test_somebody_elses_token_answers_404(as_role, city, role):
    token, key = make_token(city.users["volunteer"])
    response = as_role(role).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert user_for_token(key) == city.users["volunteer"]


def test_city_admin_sees_every_token_with_the_masked_owner_and_revokes_any(as_role, city):
    token, _ = make_token(city.users["volunteer"], "张的手机")
    client = as_role("city_admin")
    page = client.get(reverse(LIST) + "?all=1").content.decode()
    assert "张的手机" in page
    assert "139****0006" in page
    assert "13900000006" not in page

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response.url.endswith("?all=1")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.get(action="token_revoked").actor == city.users["city_admin"]


def test_no_one_mints_a_token_for_another_account(as_role, city):
    """The city admin's "partner token" path is gone: partners act through their staff accounts,
    whose reads pass the volunteers' consent (benefits.services.consent.partner_read)."""
    client = as_role("city_admin")
    assert client.post("/accounts/tokens/partner/", {"user": "13900000007", "name": "x"}).status_code == 404
    page = client.get(reverse(LIST)).content.decode()
    assert 'name="user"' not in page
    with pytest.raises(PermissionDenied):
        token_create(user=city.users["volunteer_b"], name="x", created_by=city.users["city_admin"])
    assert not ApiToken.objects.exists()


def test_token_list_query_count_does_not_grow_with_rows(as_role, city, assert_queries_constant):
    admin = city.users["city_admin"]
    client = as_role("city_admin")
    for i in range(3):
        make_token(UserFactory(), f"t{i}")

    def page():
        assert client.get(reverse(LIST) + "?all=1").status_code == 200

    def grow():
        for i in range(20):
            make_token(UserFactory(), f"u{i}")
        make_token(admin, "mine")

    assert assert_queries_constant(page, grow) <= 10


def test_the_list_shows_when_each_token_expires(as_role, city):
    user = city.users["volunteer"]
    expiry = timezone.make_aware(dt.datetime(2031, 5, 6, 7, 8))
    token_create(user=user, name="登录令牌", created_by=user, expires_at=expiry)
    token_create(
        user=user, name="过期令牌", created_by=user, expires_at=timezone.now() - dt.timedelta(days=1)
    )
    make_token(user, "长期令牌")
    page = as_role("volunteer").get(reverse(LIST)).content.decode()
    assert zh("Expires") in page
    assert "2031-05-06 07:08" in page
    assert zh("expired") in page  # the badge of the expired one
    assert "通过应用登录获取的令牌 30 天后到期" in page


def test_a_token_made_on_the_page_does_not_expire(as_role, city):
    as_role("volunteer").post(reverse(LIST), {"name": "我的脚本"})
    assert ApiToken.objects.get().expires_at is None
