"""The round trip of issue 15: a city's history exported in the template format and imported
into an empty database gives the same totals per volunteer, organization and month; the chains
verify and the rollups need no repair."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from huiguang.activities.models import Category
from huiguang.ledger.models import HistoryImport, ImportedRow, ServiceRecord, VolunteerHours
from huiguang.network.models import Membership, Organization, Region
from huiguang.volunteers.models import Volunteer

from ..factories import RegionFactory, UserFactory, VolunteerFactory
from .conftest import totals

R = ServiceRecord


def _empty_database_with_the_same_people() -> None:
    """What a new city has before its history comes in: its regions, categories and volunteers
    (imported through the volunteer import in real life), nothing else."""
    regions = list(Region.objects.order_by("path").values_list("code", "name", "level", "parent__code"))
    categories = list(Category.objects.values_list("code", "name"))
    people = list(Volunteer.objects.values_list("volunteer_number", "user__phone", "residence_region__code"))
    call_command("flush", interactive=False, verbosity=0)
    for code, name, level, parent in regions:
        RegionFactory(
            code=code, name=name, level=level, parent=Region.objects.get(code=parent) if parent else None
        )
    for code, name in categories:
        Category.objects.create(code=code, name=name)
    for number, phone, region in people:
        VolunteerFactory(
            volunteer_number=number,
            user=UserFactory(phone=phone),
            residence_region=Region.objects.get(code=region),
        )


@pytest.mark.django_db(transaction=True)  # flush: PostgreSQL truncates outside a test's transaction
def test_exported_history_imported_into_an_empty_database_gives_the_same_totals(history_city, tmp_path):
    before = totals()
    organizations = set(Organization.objects.values_list("code", flat=True))
    members = set(
        Membership.objects.filter(status="active").values_list(
            "volunteer__volunteer_number", "organization__code"
        )
    )
    out = io.StringIO()
    call_command("export_history", str(tmp_path), stdout=out)
    assert "服务记录: 15" in out.getvalue()  # 5 volunteers × 3 records; the reversal is folded in

    _empty_database_with_the_same_people()
    assert not R.objects.exists()
    call_command("import_history", str(tmp_path), "--confirm", stdout=io.StringIO(), stderr=io.StringIO())

    assert totals() == before
    assert set(Organization.objects.values_list("code", flat=True)) == organizations
    assert (
        set(
            Membership.objects.filter(status="active").values_list(
                "volunteer__volunteer_number", "organization__code"
            )
        )
        == members
    )
    assert set(R.objects.values_list("kind", "source", "is_credit", "status")) == {
        ("import", "import", False, "confirmed")
    }
    assert ImportedRow.objects.filter(kind="record").count() == 15
    assert HistoryImport.objects.get().status == HistoryImport.Status.APPLIED
    assert VolunteerHours.objects.count() == 5

    verify = io.StringIO()
    call_command("verify_ledger", stdout=verify, stderr=io.StringIO())  # raises (exit 1) on a break
    rebuild = io.StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=rebuild)
    assert rebuild.getvalue().strip().endswith("0 difference(s) found")


def test_the_export_names_volunteers_without_their_id_numbers(history_city, tmp_path):
    call_command("export_history", str(tmp_path), stdout=io.StringIO())
    text = "".join(p.read_text(encoding="utf-8-sig") for p in tmp_path.iterdir())
    for volunteer in Volunteer.objects.all():
        assert volunteer.decrypt_id_number() not in text
        assert volunteer.volunteer_number in text
