"""Plain multi-row INSERTs for the import's 10,000-row writes (issue 14).

`bulk_create` builds a model instance per row and prepares every field of every instance in
Python: for an import most of its time went there, not to the database. Here the columns that
vary per row come as tuples of values the database takes as they are (text, numbers, booleans,
dates adapted by the caller), every other column is prepared once (its default, or the value
given in `same`), and the rows go in multi-row INSERTs of a chunk each (SQLite) or one COPY
(PostgreSQL). Like bulk_create, no signal is
sent and no `save()` runs: the caller writes only models that have none to run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model
from django.utils import timezone

CHUNK = 2000


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[tuple], *, same: dict) -> None:
    """INSERT `rows` (values of `columns`, attribute names) into `model`'s table; the other
    columns get `same[name]` or their default (auto_now / auto_now_add fields: now)."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    varying = {name: i for i, name in enumerate(columns)}
    constants = []
    for f in fields:
        if f.attname in varying:
            continue
        if f.attname in same:
            value = same[f.attname]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_default()
        constants.append(f.get_db_prep_save(value, connection))
    order = [f for f in fields if f.attname in varying] + [f for f in fields if f.attname not in varying]
    assert len(order) == len(fields) and len(varying) == len(columns), "unknown column"
    quote = connection.ops.quote_name
    # One multi-row INSERT per chunk (executemany would be one round trip per row on psycopg);
    # under both databases' limits on parameters per statement.
    per_statement = max(1, min(CHUNK, 30000 // len(order)))
    # Only quoted names from the model's meta; every value is a parameter.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in order)
    )
    one = "(" + ", ".join(["%s"] * len(order)) + ")"
    positions = [varying[f.attname] for f in order[: len(varying)]]
    tail = tuple(constants)
    if connection.vendor == "postgresql":
        # COPY: psycopg rewrites every %s of a statement in Python before sending it, which for
        # 30,000 placeholders cost more than the database's work; COPY streams the rows instead.
        columns_sql = ", ".join(quote(f.column) for f in order)
        copy_sql = f"COPY {quote(model._meta.db_table)} ({columns_sql}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row([*(row[i] for i in positions), *tail])
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list = []
            for row in chunk:
                params.extend(row[i] for i in positions)
                params.extend(tail)
            cursor.execute(head + ", ".join([one] * len(chunk)), params)


def ids_by(model: type[Model], field: str, values: Iterable[str]) -> dict[str, int]:
    """{value: pk} of the rows whose unique `field` is among `values` (in chunks; `__any_in`)."""
    values = list(values)
    found: dict[str, int] = {}
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update(
            model._default_manager.filter(**{f"{field}__any_in": chunk}).order_by().values_list(field, "pk")
        )
    return found
