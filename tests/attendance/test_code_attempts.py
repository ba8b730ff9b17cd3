"""The 6-digit activity code cannot be guessed: the location is checked first (from afar a right
and a wrong code get the same answer), then at most 5 tries per volunteer and activity in 10
minutes, counted in the database (a guarded UPDATE, so it holds across processes and threads)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse

from huiguang.attendance import codes, services
from huiguang.attendance.models import CheckIn, CodeAttempts
from huiguang.core.errors import Refused

from .conftest import LAT, LNG, enrol

NEAR = (float(LAT) + 0.001, float(LNG))  # ~111 m: inside the 300 m radius
FAR = (float(LAT) + 0.01, float(LNG))  # ~1.1 km
WAIT_MESSAGE = "尝试次数过多，请 10 分钟后再试。"


def by_code(city, code, where=NEAR, key="c", role="volunteer"):
    lat, lng = where
    return services.checkin_by_code(
        user=city.users[role],
        code=code,
        lat=lat,
        lng=lng,
        idempotency_key=f"{role}:{key}",
        payload={"code": code, "lat": lat, "lng": lng, "k": key},
    )


def right(day) -> str:
    return codes.activity_code(day.activity.pk)


def wrong(day, n: int = 1) -> str:
    return f"{(int(right(day)) + n) % 1_000_000:06d}"


def five_wrong_tries(day, city, role="volunteer"):
    for n in range(1, 6):
        with pytest.raises(Refused) as exc:
            by_code(city, wrong(day, n), key=f"w{n}", role=role)
        assert exc.value.reason == "WRONG_CODE"


@pytest.mark.django_db
def test_from_afar_a_right_and_a_wrong_code_get_the_same_answer_and_use_no_try(day, city):
    answers = []
    for n, code in enumerate([right(day), wrong(day)]):
        with pytest.raises(Refused) as exc:
            by_code(city, code, where=FAR, key=f"far{n}")
        answers.append((exc.value.reason, str(exc.value.message)))
    assert answers[0] == answers[1]
    assert answers[0][0] == "TOO_FAR" and "1112" in answers[0][1]
    assert not CodeAttempts.objects.filter(tries__gt=0).exists()
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_the_sixth_try_within_the_period_is_refused_even_with_the_right_code(day, city):
    five_wrong_tries(day, city)
    with pytest.raises(services.TooManyTries) as exc:
        by_code(city, right(day), key="right")
    assert exc.value.reason == "TOO_MANY_TRIES" and exc.value.status == 429
    assert str(exc.value.message) == WAIT_MESSAGE
    assert 9 * 60 < exc.value.retry_after <= 10 * 60
    assert not CheckIn.objects.exists()
    counter = CodeAttempts.objects.get(volunteer=day.volunteer, activity=day.activity)
    assert counter.tries == 5


@pytest.mark.django_db
def test_after_the_wait_the_right_code_works_and_empties_the_counter(day, city):
    five_wrong_tries(day, city)
    # Ten minutes later.
    CodeAttempts.objects.update(reset_at=F("reset_at") - dt.timedelta(minutes=10))
    outcome = by_code(city, right(day), key="right")
    assert outcome.checkin.kind == "in" and outcome.checkin.method == "code_gps"
    assert CodeAttempts.objects.get().tries == 0


@pytest.mark.django_db
def test_a_right_code_before_the_limit_starts_the_count_again(day, city):
    for n in range(1, 5):
        with pytest.raises(Refused):
            by_code(city, wrong(day, n), key=f"w{n}")
    assert CodeAttempts.objects.get().tries == 4
    by_code(city, right(day), key="in")
    assert CodeAttempts.objects.get().tries == 0
    five_wrong_tries(day, city)  # five more wrong tries before the wait


@pytest.mark.django_db
def test_tries_older_than_the_period_no_longer_count(day, city):
    for n in range(1, 5):
        with pytest.raises(Refused):
            by_code(city, wrong(day, n), key=f"w{n}")
    CodeAttempts.objects.update(reset_at=F("reset_at") - dt.timedelta(minutes=10))
    with pytest.raises(Refused) as exc:
        by_code(city, wrong(day, 9), key="w9")
    assert exc.value.reason == "WRONG_CODE"
    assert CodeAttempts.objects.get().tries == 1


@pytest.mark.django_db
def test_another_volunteer_is_not_affected(day, city):
    enrol(day.shift, city.users["volunteer_b"].volunteer)
    five_wrong_tries(day, city)
    outcome = by_code(city, right(day), key="b", role="volunteer_b")
    assert outcome.checkin.enrollment.volunteer == city.users["volunteer_b"].volunteer
    with pytest.raises(services.TooManyTries):
        by_code(city, right(day), key="a")


@pytest.mark.django_db
def test_the_limit_comes_from_the_settings(day, city, settings):
    settings.HUIGUANG_CHECKIN_CODE_LIMIT = [2, 3]
    for n in (1, 2):
        with pytest.raises(Refused) as exc:
            by_code(city, wrong(day, n), key=f"w{n}")
        assert exc.value.reason == "WRONG_CODE"
    with pytest.raises(services.TooManyTries) as exc:
        by_code(city, right(day), key="right")
    assert str(exc.value.message) == "尝试次数过多，请 3 分钟后再试。"


@pytest.mark.django_db
def test_the_api_answers_429_with_retry_after(day, as_role, city):
    five_wrong_tries(day, city)
    client = as_role("volunteer")
    lat, lng = NEAR
    body = {"method": "code_gps", "code": right(day), "lat": lat, "lng": lng}
    response = client.post(
        "/api/v1/checkins", data=json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 429
    assert response.json() == {"detail": WAIT_MESSAGE, "reason": "TOO_MANY_TRIES"}
    assert 540 < int(response["Retry-After"]) <= 600
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_the_code_page_answers_429_with_the_wait_in_chinese(day, as_role, city):
    five_wrong_tries(day, city)
    lat, lng = NEAR
    response = as_role("volunteer").post(
        reverse("attendance:code"), {"code": right(day), "lat": lat, "lng": lng, "form_key": "f1"}
    )
    assert response.status_code == 429
    assert WAIT_MESSAGE in response.content.decode()
    assert not CheckIn.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_20_wrong_tries_at_once_get_5_comparisons(day, city):
    """Twenty requests at once, one database connection each: the guarded UPDATE lets exactly
    five through to the comparison, whatever the interleaving."""
    barrier = threading.Barrier(20)

    def run(i):
        try:
            barrier.wait()
            try:
                by_code(city, wrong(day, i + 1), key=f"t{i}")
            except services.TooManyTries:
                return "wait"
            except Refused as exc:
                return exc.reason
            return "in"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(run, range(20)))
    assert sorted(outcomes).count("WRONG_CODE") == 5, outcomes
    assert outcomes.count("wait") == 15
    assert CodeAttempts.objects.get().tries == 5
