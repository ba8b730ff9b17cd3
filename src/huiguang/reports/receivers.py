"""Reports' answers to lower apps' events (connected in ReportsConfig.ready): a receiver only
calls a service."""

from __future__ import annotations

from .services.project_rollups import project_rollups_add, project_rollups_add_stored
from .services.registrations import memberships_add, registrations_add
from .services.rollups import rollups_add, rollups_add_stored


def add_confirmed(sender, *, records, stars, record_ids=None, **kwargs) -> None:
    """ledger.signals.records_confirmed: add the records to the rollups, in the confirming
    transaction (records given by id: a bulk write, read from the database)."""
    if record_ids:
        rollups_add_stored(record_ids=record_ids, stars=stars)
        project_rollups_add_stored(record_ids=record_ids)
        return
    rollups_add(records=records, stars=stars)
    project_rollups_add(records=records)  # issue 12: project × month


def add_registered(sender, *, volunteers, **kwargs) -> None:
    """volunteers.signals.volunteers_registered: count them, in the registering transaction."""
    registrations_add(volunteers=volunteers)


def add_memberships(sender, *, joined, left, **kwargs) -> None:
    """network.signals.memberships_changed: count the members, in the membership's transaction."""
    memberships_add(joined=joined, left=left)
