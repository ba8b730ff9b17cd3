"""Writing many rows at once, on both databases, without Django's `bulk_update`.

`bulk_update` writes `SET f = CASE WHEN id = 1 THEN … WHEN id = 2 THEN … END` for every field, with
`WHERE id IN (…)`: the database tests the CASE arms for each row it updates, so a batch costs its
size squared (in the history import the reports' counters took most of the time there). Instead:

- `bulk_add` adds to counters by a unique key without reading them: `INSERT … ON CONFLICT (key)
  DO UPDATE SET n = table.n + excluded.n` (PostgreSQL, SQLite ≥ 3.24), the missing rows created.
  Additions commute, so writers need no lock for the sums (the reports take one anyway, for
  their active-volunteer marks); `RETURNING` gives the sums after the addition.
- `insert_rows` inserts plain rows given as tuples (`bulk_create` builds a model instance per row
  and prepares every field of every instance in Python: for an import most of its time went
  there, not to the database): COPY on PostgreSQL, multi-row VALUES on SQLite. `reserve_ids`
  gives the rows their ids beforehand, so that nothing is read back to learn them.
- `add_selected` is `bulk_add` of rows that a SELECT computes in the database (`INSERT … SELECT …
  GROUP BY … ON CONFLICT … DO UPDATE`): counters summed from rows just written, which never travel
  to Python and back; `ids_in` restricts such a SELECT to a list of ids.
- `bulk_save` writes back rows read from the database and changed, and inserts new ones: the
  changed rows go as an insert with their ids that turns into an update on the id's conflict
  (`ON CONFLICT (id) DO UPDATE SET f = excluded.f`). The values written are the ones computed from
  the rows read: the caller must hold what serializes their writers (a lock taken before reading).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model, UniqueConstraint
from django.db.models.sql import Query
from django.utils import timezone
from psycopg.adapt import PyFormat, Transformer
from psycopg.copy import LibpqWriter

CHUNK = 2000


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


def conflict_target(model: type[Model], unique: str) -> str:
    """`(columns) [WHERE condition]` of the UniqueConstraint named `unique` (its condition when it is
    partial: ON CONFLICT names a partial unique index only with it), or of the unique field."""
    constraint = next(
        (c for c in model._meta.constraints if isinstance(c, UniqueConstraint) and c.name == unique), None
    )
    by_name = {f.name: f for f in model._meta.concrete_fields}
    if constraint is None:
        assert by_name[unique].unique, f"{unique} is no unique constraint or field"
        return f"({connection.ops.quote_name(by_name[unique].column)})"
    assert constraint.fields and not constraint.expressions, "a unique constraint on fields"
    columns = ", ".join(connection.ops.quote_name(by_name[f].column) for f in constraint.fields)
    if constraint.condition is None:
        return f"({columns})"
    query = Query(model=model, alias_cols=False)
    sql, params = query.build_where(constraint.condition).as_sql(
        query.get_compiler(connection=connection), connection
    )
    assert not params, "a condition without parameters"
    return f"({columns}) WHERE {sql}"


def bulk_add(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    unique: str,
    adds: Sequence[str],
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Add to counters of rows found by a unique key, creating the missing rows, without reading
    them: `INSERT … ON CONFLICT <unique> DO UPDATE SET a = table.a + excluded.a` for each of `adds`,
    a chunk of rows a statement. `rows`: the values of `columns` (attribute names: the key's, the
    adds' and what a new row is created with, such as a region's level); the other columns of a new
    row take their defaults. `unique`: the name of the model's UniqueConstraint (partial ones too)
    or unique field that the rows' keys are unique by. Returns the `returning` columns of every row
    written, after the addition."""
    assert set(returning) <= set(columns), "unknown column"
    fields, rest, constants, table, names, tail = _upsert(model, columns, unique, adds)
    if returning:
        quote = connection.ops.quote_name
        tail += " RETURNING " + ", ".join(quote(fields[c].column) for c in returning)
    rows = list(rows)
    written: list[tuple] = []
    with connection.cursor() as cursor:
        for sql, params in _statements(table, names, [*(fields[c] for c in columns), *rest], rows, constants):
            cursor.execute(sql + tail, params)
            if returning:
                written.extend(cursor.fetchall())
    return written


def _upsert(model: type[Model], columns: Sequence[str], unique: str, adds: Sequence[str]) -> tuple:
    """What an upsert that adds needs: (the model's fields by attribute name, the fields a new row
    takes its defaults for, those defaults as parameters, the quoted table, the columns named in
    order — `columns`, then the defaulted ones — and ` ON CONFLICT <unique> DO UPDATE SET a =
    table.a + EXCLUDED.a, …` for `adds`)."""
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    assert set(adds) <= set(columns) <= set(fields), "unknown column"
    rest = [f for name, f in fields.items() if name not in columns]
    constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join([*(quote(fields[c].column) for c in columns), *(quote(f.column) for f in rest)])
    adding = ", ".join(
        f"{column} = {table}.{column} + EXCLUDED.{column}"
        for column in (quote(fields[a].column) for a in adds)
    )
    tail = f" ON CONFLICT {conflict_target(model, unique)} DO UPDATE SET {adding}"
    return fields, rest, constants, table, names, tail


def add_selected(
    model: type[Model],
    columns: Sequence[str],
    select: str,
    params: Sequence,
    *,
    unique: str,
    adds: Sequence[str],
) -> None:
    """bulk_add of the rows that `select` (SQL and its `params`) computes in the database, one row
    per key of `unique`, their values in the order of `columns`: `INSERT INTO table (columns, the
    rest) SELECT q.*, <the rest's defaults> FROM (select) q ON CONFLICT <unique> DO UPDATE SET
    a = table.a + excluded.a` for each of `adds`."""
    _fields, _rest, constants, table, names, tail = _upsert(model, columns, unique, adds)
    extra = "".join(", %s" for _c in constants)
    # `WHERE true`: SQLite needs it to tell the upsert's ON CONFLICT from a join's ON.
    sql = f"INSERT INTO {table} ({names}) SELECT q.*{extra} FROM ({select}) q WHERE true{tail}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *params])


def ids_in(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """`column` among `ids`, as SQL and its parameters, however many ids: consecutive ascending ids
    (a batch's reserved ids, as a rule) as a range; others as an array on PostgreSQL, a JSON array
    read by json_each on SQLite (no limit on parameters either way)."""
    ids = list(ids)
    if (
        ids
        and ids[-1] - ids[0] == len(ids) - 1
        and all(b - a == 1 for a, b in zip(ids, ids[1:], strict=False))
    ):
        return f"{column} BETWEEN %s AND %s", [ids[0], ids[-1]]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]  # noqa: S608


def month_sql(column: str) -> str:
    """SQL for the first day of the month of the date `column` (a date on PostgreSQL, the ISO text
    a DateField holds on SQLite)."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _statements(
    table: str, names: str, fields: list, rows: Sequence, constants: tuple
) -> Iterator[tuple[str, list]]:
    """`INSERT INTO table (names) <rows>` statements and their parameters. PostgreSQL: one statement
    of one array per column (`SELECT * FROM unnest(…)`: psycopg rewrites every placeholder of a
    statement in Python, which for thousands of rows cost more than the database's work); SQLite:
    multi-row VALUES of a chunk each, under its limit on parameters per statement."""
    # Only quoted names and types from the model's meta; every value is a parameter.
    head = f"INSERT INTO {table} ({names}) "  # noqa: S608
    if connection.vendor == "postgresql":
        if rows:
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
            columns = [list(values) for values in zip(*rows, strict=True)]
            columns += [[value] * len(rows) for value in constants]
            yield head + f"SELECT * FROM unnest({arrays})", columns  # noqa: S608
        return
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(CHUNK, 30000 // len(fields)))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params: list = []
        for row in chunk:
            params.extend(row)
            params.extend(constants)
        yield head + "VALUES " + ", ".join([one] * len(chunk)), params


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[tuple], *, same: dict) -> None:
    """INSERT `rows` (values of `columns`, attribute names, the primary key among them if given)
    into `model`'s table; the other columns get `same[name]` or their default (auto_now /
    auto_now_add fields: now). Values go to the database as they are: text, numbers, booleans,
    and dates and datetimes adapted by the caller (`connection.ops.adapt_datefield_value`,
    `adapt_datetimefield_value`). Like bulk_create, no signal is sent and no `save()` runs: the
    caller writes only models that have none to run."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in columns]
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
    by_name = {f.attname: f for f in fields}
    assert set(varying) <= set(by_name) and len(varying) == len(columns), "unknown column"
    # The columns in the caller's order, then the constant ones: each row goes as it is.
    order = [by_name[name] for name in columns] + [f for f in fields if f.attname not in varying]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in order)
    tail = tuple(constants)
    if connection.vendor == "postgresql":
        # COPY streams the rows (psycopg formats them in C) instead of one parameter per value; the
        # constant columns are formatted once and put at the end of each line as it is sent.
        with connection.cursor() as cursor:
            raw = cursor.cursor
            writer = _ConstantTail(raw, _copy_line_end(raw, tail)) if tail else None
            with raw.copy(f"COPY {table} ({names}) FROM STDIN", writer=writer) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    with connection.cursor() as cursor:
        for sql, params in _statements(table, names, order, rows, tail):
            cursor.execute(sql, params)


# COPY's text format: these characters of a value are written as backslash escapes.
_COPY_ESCAPES = {
    ord(c): e
    for c, e in zip("\b\t\n\v\f\r\\", ("\\b", "\\t", "\\n", "\\v", "\\f", "\\r", "\\\\"), strict=True)
}


def _copy_line_end(cursor, values: tuple) -> bytes:
    """The text that COPY's text format gives `values`, as the last columns of a line: a tab
    before each, escaped as psycopg escapes a row (NULL as \\N), and the newline."""
    dumped = Transformer.from_context(cursor).dump_sequence(values, [PyFormat.TEXT] * len(values))
    fields = [
        b"\\N" if value is None else bytes(value).decode().translate(_COPY_ESCAPES).encode()
        for value in dumped
    ]
    return b"".join(b"\t" + field for field in fields) + b"\n"


class _ConstantTail(LibpqWriter):
    """Sends COPY data with `line_end` in place of each line's newline: psycopg hands the writer
    whole lines, and a newline inside a value is escaped in them, so each one ends a line."""

    def __init__(self, cursor, line_end: bytes):
        super().__init__(cursor)
        self._line_end = line_end

    def write(self, data) -> None:
        super().write(data.replace(b"\n", self._line_end))


def reserve_ids(model: type[Model], n: int) -> range | list[int]:
    """`n` fresh primary keys of `model`'s table, ascending, for rows that the current writing
    transaction inserts with their ids (insert_rows with the pk among the columns): drawn from the
    table's sequence on PostgreSQL; on SQLite the ones after the highest ever given, which nobody
    else takes meanwhile (the IMMEDIATE transaction holds the write lock; the inserts move the
    table's AUTOINCREMENT counter past them)."""
    meta = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is found once (a CTE evaluated once), not for every row: nextval of a
            # sequence found afresh each time took ten times as long (30 ms for 10,000 ids).
            cursor.execute(
                "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
                "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
                [meta.db_table, meta.pk.column, n],
            )
            return sorted(row[0] for row in cursor.fetchall())
        table, column = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}")  # noqa: S608 - names only
        high = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        row = cursor.fetchone()
        start = max(high, row[0] if row else 0) + 1
        return range(start, start + n)
