"""Valid qualifications (training) in the growth component: points per valid qualification type,
within the qualifications' cap and the component's cap; an expired or revoked one counts for
nothing. Numbers computed by hand under policy v1 (10 points each, at most 30)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from huiguang.credit.models import CreditPolicy, Honor
from huiguang.credit.selectors import current_policy
from huiguang.credit.selectors.scores import latest_snapshot
from huiguang.credit.services import snapshot_compute, snapshots_recompute_all
from huiguang.credit.services.policies import policy_publish
from huiguang.training.models import Qualification, QualificationType

from ..conftest import login_client
from .conftest import honor


def qualify(volunteer, code: str, *, expires_on=None, issued_on=None, revoked=False) -> Qualification:
    kind, _created = QualificationType.objects.get_or_create(code=code, defaults={"name": f"资质{code}"})
    today = timezone.localdate()
    return Qualification.objects.create(
        volunteer=volunteer,
        type=kind,
        issued_on=issued_on or today - dt.timedelta(days=30),
        expires_on=expires_on,
        source=Qualification.Source.CERTIFICATE,
        revoked_at=timezone.now() if revoked else None,
        revoke_reason="证书作废" if revoked else "",
    )


@pytest.fixture
def on_day(monkeypatch):
    """Travel in time: timezone.localdate() (what "valid today" is computed from) is `day`."""

    def travel(day: dt.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return travel


def growth(snapshot) -> dict:
    return snapshot.component("growth")


def test_a_valid_qualification_adds_exactly_the_policys_points_and_expiry_takes_them_back(volunteer, on_day):
    today = timezone.localdate()
    before = snapshot_compute(volunteer=volunteer)
    assert before.score == 305 and growth(before)["points"] == 0
    qualify(volunteer, "first_aid", expires_on=today + dt.timedelta(days=10))
    gained = snapshot_compute(volunteer=volunteer)
    assert gained.score == 305 + 10
    assert growth(gained) == {
        "key": "growth",
        "inputs": {"honors_city": 0, "honors_province": 0, "honors_national": 0, "qualifications": 1},
        "points": 10,
        "cap": 170,
    }
    on_day(today + dt.timedelta(days=10))  # the last day of validity: it still counts
    assert snapshot_compute(volunteer=volunteer).score == 315
    snapshots_recompute_all()  # every other volunteer of the city gets a first snapshot
    on_day(today + dt.timedelta(days=11))  # expired: the points go, by the nightly recompute too
    result = snapshots_recompute_all()
    assert result.written == 1
    after = latest_snapshot(volunteer)
    assert after.score == 305 and growth(after)["inputs"]["qualifications"] == 0


def test_revoked_ones_count_nothing_one_type_counts_once_and_the_cap_holds(volunteer):
    qualify(volunteer, "guide", revoked=True)
    assert snapshot_compute(volunteer=volunteer).score == 305
    qualify(volunteer, "guide")
    qualify(volunteer, "guide", expires_on=timezone.localdate() + dt.timedelta(days=400))  # a renewal
    assert growth(snapshot_compute(volunteer=volunteer))["inputs"]["qualifications"] == 1
    for code in ("rescue", "legal", "care"):
        qualify(volunteer, code)
    snap = snapshot_compute(volunteer=volunteer)
    # 4 valid types × 10 = 40, the qualifications' cap is 30
    assert growth(snap)["inputs"]["qualifications"] == 4 and growth(snap)["points"] == 30
    assert snap.score == 305 + 30


def test_honors_and_qualifications_share_the_components_cap(volunteer):
    for _ in range(2):
        honor(volunteer, level=Honor.Level.NATIONAL)  # 160
    qualify(volunteer, "guide")
    qualify(volunteer, "rescue")  # + 20 → 180, the component's cap is 170
    assert growth(snapshot_compute(volunteer=volunteer))["points"] == 170


def test_a_new_policy_version_with_other_qualification_numbers(city, volunteer):
    qualify(volunteer, "guide")
    qualify(volunteer, "rescue")
    policy = current_policy()
    components = {k: dict(v) for k, v in policy.components.items()}
    components["growth"].update(per_qualification=25, qualification_cap=40)
    policy_publish(
        actor=city.users["city_admin"],
        base=policy.base,
        components=components,
        bands=policy.bands,
        description="资质加分调整",
    )
    snap = snapshot_compute(volunteer=volunteer)
    assert snap.policy_version == 2 and growth(snap)["points"] == 40  # min(40, 2 × 25)


def test_the_score_page_explains_the_qualifications(volunteer):
    qualify(volunteer, "guide")
    page = login_client(volunteer.user).get(reverse("credit:me")).content.decode()
    assert 'data-testid="points-growth">10<' in page
    assert "min(170, 20 × 0 + 40 × 0 + 80 × 0 + min(30, 10 × 1)) = 10" in page
    assert "1 项有效资质（未过期、未撤销）" in page
    assert 'data-testid="growth-qualifications"' in page
    policy_page = login_client(None).get(reverse("credit:policy")).content.decode()
    assert "每项有效资质加分" in policy_page and "资质加分上限" in policy_page


def test_the_data_migration_adds_the_numbers_and_reverses(db):
    migration = importlib.import_module("huiguang.credit.migrations.0004_policy_qualification_points")
    policy = current_policy()
    growth_numbers = {"city": 20, "province": 40, "national": 80, "cap": 170}
    CreditPolicy.objects.filter(pk=policy.pk).update(
        components={**policy.components, "growth": growth_numbers}
    )
    migration.add(apps, None)
    assert CreditPolicy.objects.get(pk=policy.pk).components["growth"] == {
        **growth_numbers,
        "per_qualification": 10,
        "qualification_cap": 30,
    }
    migration.remove(apps, None)
    assert CreditPolicy.objects.get(pk=policy.pk).components["growth"] == growth_numbers
