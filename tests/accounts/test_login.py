"""Login by mobile number, django-axes lockout (username + address, with a cool-off), argon2,
session expiry and the audit of logins."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse

from huiguang.accounts.models import User
from huiguang.core.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

from .zh import zh

PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

pytestmark = pytest.mark.django_db


def logged_in(response) -> bool:
    return "_auth_user_id" in response.wsgi_request.session


def fail_five_times(login_post, phone: str, ip: str = "10.0.0.1"):
    return [login_post(phone, "wrong-password", ip=ip) for _ in range(settings.AXES_FAILURE_LIMIT)]


def test_login_with_mobile_number_and_password_redirects_home(login_post):
    UserFactory(phone="13912345678")
    response = login_post("13912345678")
    assert response.status_code == 302
    assert response.url == reverse("web:home")
    assert logged_in(response)


@pytest.mark.parametrize(
    "typed", ["+86 139 1234 5678", "+8613912345678", "0086-139-1234-5678", " 139 1234 5678 "]
)
def test_login_accepts_the_number_with_country_prefix_and_spaces(login_post, typed):
    user = UserFactory(phone="13912345678")
    response = login_post(typed)
    assert response.status_code == 302
    assert response.wsgi_request.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_shows_a_chinese_error_and_no_session(login_post):
    UserFactory(phone="13912345678")
    response = login_post("13912345678", "nope-nope")
    assert response.status_code == 200
    assert zh("The mobile number or the password is wrong.") in response.content.decode()
    assert not logged_in(response)


def test_five_failures_lock_the_number_from_that_address_even_for_the_right_password(login_post):
    UserFactory(phone="13912345678")
    responses = fail_five_times(login_post, "13912345678")
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert responses[4].status_code == 429  # the fifth failure reaches the limit

    response = login_post("13912345678", PASSWORD)
    assert response.status_code == 429
    assert zh("Too many failed attempts for this mobile number. Try again in %(m)s minutes.", m=15) in (
        response.content.decode()
    )
    assert not logged_in(response)


def test_lockout_counts_the_normalized_number_whatever_the_spelling(login_post):
    UserFactory(phone="13912345678")
    for typed in ["13912345678", "+86 13912345678", "139 1234 5678", "0086 139 1234 5678", "+8613912345678"]:
        login_post(typed, "wrong-password")
    response = login_post("13912345678", PASSWORD)
    assert response.status_code == 429


def test_lockout_is_not_by_address_alone_nor_by_number_alone(login_post):
    UserFactory(phone="13912345678")
    UserFactory(phone="13987654321")
    fail_five_times(login_post, "13912345678", ip="10.0.0.1")
    assert login_post("13912345678", ip="10.0.0.1").status_code == 429

    # The same number from another address (the owner at home) still logs in.
    other_address = login_post("13912345678", ip="10.9.9.9")
    assert other_address.status_code == 302 and logged_in(other_address)
    # Another number from the locked address (a colleague in the same office) still logs in.
    colleague = login_post("13987654321", ip="10.0.0.1")
    assert colleague.status_code == 302 and logged_in(colleague)


def test_lock_lasts_for_the_cool_off_then_lifts(login_post):
    UserFactory(phone="13912345678")
    fail_five_times(login_post, "13912345678")
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME

    # Axes counts failures whose attempt_time is within the cool-off: age them instead of sleeping.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=14))
    assert login_post("13912345678", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=16))
    response = login_post("13912345678", PASSWORD)
    assert response.status_code == 302
    assert logged_in(response)


def test_successful_login_resets_the_failure_count(login_post):
    UserFactory(phone="13912345678")
    for _ in range(4):
        login_post("13912345678", "wrong-password")
    assert login_post("13912345678").status_code == 302
    for _ in range(4):
        login_post("13912345678", "wrong-password")
    assert login_post("13912345678").status_code == 302


def test_inactive_account_cannot_log_in(login_post):
    UserFactory(phone="13912345678", is_active=False)
    response = login_post("13912345678")
    assert response.status_code == 200
    assert not logged_in(response)


def test_stored_passwords_are_argon2(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = User.objects.create_user("13912345678", "a-Long-passphrase-2026")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT password FROM {User._meta.db_table} WHERE id = %s", [user.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("argon2$argon2id$")
    assert "a-Long-passphrase-2026" not in raw
    assert User.objects.get(pk=user.pk).check_password("a-Long-passphrase-2026")


def test_production_settings_hash_with_argon2_first():
    import huiguang.config.settings as production

    hashers = [h for h in production.PASSWORD_HASHERS if "MD5" not in h]
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_an_older_hash_is_upgraded_to_argon2_at_login(settings, login_post):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = UserFactory(phone="13912345678")
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert login_post("13912345678").status_code == 302
    assert User.objects.get(pk=user.pk).password.startswith("argon2$")


def test_a_console_session_lasts_eight_hours_and_ends_with_the_browser(login_post):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    UserFactory(phone="13912345678")
    client = Client()
    response = login_post("13912345678", client=client)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert cookie["httponly"]
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 3600


def test_logins_and_failures_are_audited_with_the_address(login_post):
    user = UserFactory(phone="13912345678")
    login_post("13912345678", "wrong-password", ip="10.1.2.3")
    login_post("+86 139 1234 5678", ip="10.1.2.4")

    failed = AuditEntry.objects.get(action="login_failed")
    assert (failed.outcome, failed.actor_label, failed.ip, failed.actor) == (
        "failed",
        "13912345678",
        "10.1.2.3",
        None,
    )
    ok = AuditEntry.objects.get(action="login")
    assert (ok.outcome, ok.actor, ok.ip) == ("ok", user, "10.1.2.4")


def test_locked_out_attempts_are_audited_as_failures(login_post):
    UserFactory(phone="13912345678")
    fail_five_times(login_post, "13912345678")
    login_post("13912345678", PASSWORD)
    assert AuditEntry.objects.filter(action="login_failed", actor_label="13912345678").count() == 6
    assert not AuditEntry.objects.filter(action="login").exists()


def test_logout_needs_a_post_and_ends_the_session(as_role):
    client = as_role("volunteer")
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
