"""`bulk_save`: write many rows of one model, some read from the database and changed, some new:
one statement per batch of each, on both databases.

Django's `bulk_update` writes `SET f = CASE WHEN id = 1 THEN … WHEN id = 2 THEN … END` for every
field, with `WHERE id IN (…)`: the database tests the CASE arms for each row it updates, so a
batch costs its size squared. An insert of the changed rows with their ids that turns into an
update on the id's conflict (`INSERT … ON CONFLICT (id) DO UPDATE SET f = excluded.f`, PostgreSQL
and SQLite ≥ 3.24 alike) costs its size. The conflict target is the primary key, the one unique
index every model has (a natural key may be a partial constraint, which `ON CONFLICT` cannot name
without its condition): the rows read keep their ids, the new rows get fresh ones.

The caller must hold what serializes the writers of these rows (a lock it took before reading
them): the values written are the ones computed from the rows read, not increments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model


def bulk_save(model: type[Model], rows: Sequence[Any], fields: Sequence[str], batch_size: int = 1000) -> None:
    """Insert the new `rows` (no pk) and write `fields` of the rows read (pk set)."""
    if rows:
        model._default_manager.bulk_create(  # noqa: SLF001
            rows,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["pk"],
            update_fields=list(fields),
        )
