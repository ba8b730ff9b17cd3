"""The nightly recompute: set-based (the statement count does not grow with the volunteers),
identical twice, equal to the on-demand compute; a changed policy never rewrites old snapshots."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiguang.credit.models import CreditPolicy, CreditSnapshot
from huiguang.credit.services import snapshot_compute, snapshots_recompute_all
from huiguang.credit.services.policies import policy_publish
from huiguang.credit.tasks import recompute_credit
from huiguang.volunteers.models import Volunteer

from ..factories import VolunteerFactory
from .conftest import honor, no_show, served


def _scene(city, volunteer):
    admin = city.users["org_admin"]
    served(city.org_a, volunteer, actor=admin, days_ago=3, minutes=240, rating=5)
    served(city.org_a, volunteer, actor=admin, days_ago=70, minutes=90, rating=2)
    no_show(city.org_a, volunteer)
    honor(volunteer)


def test_recompute_twice_gives_identical_snapshots(city, volunteer):
    _scene(city, volunteer)
    first = snapshots_recompute_all()
    assert first.written == Volunteer.objects.count()
    newest = {s.volunteer_id: (s.score, s.components) for s in CreditSnapshot.objects.all()}
    second = snapshots_recompute_all()
    assert second.written == 0
    assert {s.volunteer_id: (s.score, s.components) for s in CreditSnapshot.objects.all()} == newest


def test_nightly_equals_on_demand(city, volunteer):
    _scene(city, volunteer)
    snapshots_recompute_all()
    nightly = CreditSnapshot.objects.get(volunteer=volunteer)
    CreditSnapshot.objects.all().delete()
    on_demand = snapshot_compute(volunteer=volunteer)
    assert (on_demand.score, on_demand.components, on_demand.inputs_digest) == (
        nightly.score,
        nightly.components,
        nightly.inputs_digest,
    )


def test_statement_count_does_not_grow_with_volunteers(city, volunteer):
    _scene(city, volunteer)

    def count() -> int:
        CreditSnapshot.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            snapshots_recompute_all()
        return len(ctx.captured_queries)

    small = count()
    for _ in range(30):
        v = VolunteerFactory()
        honor(v)
        no_show(city.org_b, v)
    assert count() == small


def test_task_and_command_recompute(city, volunteer, capsys):
    recompute_credit.enqueue()
    assert CreditSnapshot.objects.filter(volunteer=volunteer, source="nightly").exists()
    call_command("compute_credit")
    assert "0 new snapshots" in capsys.readouterr().out


def test_policy_change_never_rewrites_old_snapshots(city, volunteer):
    _scene(city, volunteer)
    old = snapshot_compute(volunteer=volunteer)
    kept = (old.score, old.components, old.policy_version)
    v1 = CreditPolicy.objects.get(version=1)
    components = {k: dict(v) for k, v in v1.components.items()}
    components["hours"]["weight"] = 120
    new_policy = policy_publish(
        actor=city.users["city_admin"], base=60, components=components, bands=v1.bands, description="v2"
    )
    assert new_policy.version == 2
    new = snapshot_compute(volunteer=volunteer)
    assert new.pk != old.pk and new.policy_version == 2
    old.refresh_from_db()
    assert (old.score, old.components, old.policy_version) == kept
    assert new.score > old.score


def test_policy_publish_refuses_bad_numbers(city):
    from huiguang.core.errors import FieldErrors

    v1 = CreditPolicy.objects.get(version=1)
    components = {k: dict(v) for k, v in v1.components.items()}
    components["reliability"]["prior_attended"] = 20
    with pytest.raises(FieldErrors) as exc:
        policy_publish(
            actor=city.users["city_admin"],
            base=50,
            components=components,
            bands=[{"min": 5, "label": "x"}],
            description="",
        )
    assert "bands" in exc.value.errors
    assert CreditPolicy.objects.count() == 1
