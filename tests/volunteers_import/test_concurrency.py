"""Two confirmations of one preview at the same moment import it once (real threads, real database)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from huiguang.network.models import Membership
from huiguang.volunteers import importing
from huiguang.volunteers.models import ImportBatch, Volunteer

from .conftest import rows, xlsx_bytes


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_import_once(city):
    batch = importing.import_preview(
        organization=city.org_a,
        actor=city.users["org_admin"],
        content=xlsx_bytes(rows(200)),
        file_name="a.xlsx",
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm():
        copy = ImportBatch.objects.select_related("organization").get(pk=batch.pk)
        barrier.wait()
        try:
            importing.import_apply(batch=copy, actor=city.users["org_admin"])
            outcomes.append("imported")
        except importing.ImportRefused as exc:
            outcomes.append(exc.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ALREADY_APPLIED", "imported"]
    assert Volunteer.objects.filter(user__phone__startswith="137").count() == 200
    assert (
        Membership.objects.filter(organization=city.org_a, volunteer__user__phone__startswith="137").count()
        == 200
    )
