"""`field__any_in=[...]`: membership in a long list of values, as one parameter, however many.

`__in` spells out one placeholder per value: psycopg rewrites every placeholder of a statement in
Python before sending it, and SQLite caps the placeholders of a statement, so callers had to cut
an import's 10,000 values into chunks of a query each. `__any_in` sends the whole list as one
parameter in one query:
- PostgreSQL: `= ANY(%s)`. A list of text or integers goes as the text of an array literal that
  is built here in one join; psycopg would dump the list in Python element by element (for an
  import's look-ups that took longer than the database's work).
- SQLite: `IN (SELECT value FROM json_each(%s))`, the list as a JSON array.
A list of other types (dates, decimals) is sent as a list on PostgreSQL and as `IN (...)` on SQLite.
"""

from __future__ import annotations

import json
from typing import cast

from django.db.models import Field
from django.db.models.lookups import In


def _plain(values: list) -> str | None:
    """ "text" or "int" when every value is of that type (bool excluded: it is an int), else None."""
    if all(type(v) is str for v in values):
        return "text"
    if all(type(v) is int for v in values):
        return "int"
    return None


def array_literal(values: list[str] | list[int]) -> str:
    """PostgreSQL's text form of a one-dimensional array of these values: each text element
    quoted, with its backslashes and double quotes escaped (NULL, commas and braces are then
    plain characters inside the quotes)."""
    if _plain(values) == "int":
        return "{" + ",".join(map(str, values)) + "}"
    texts = cast("list[str]", values)
    joined = '","'.join(texts)
    if "\\" in joined or '"' in joined:
        joined = '","'.join(v.replace("\\", "\\\\").replace('"', '\\"') for v in texts)
    return '{"' + joined + '"}' if texts else "{}"


@Field.register_lookup
class AnyIn(In):
    lookup_name = "any_in"

    def _values(self, connection) -> list:
        field = self.lhs.output_field
        # Prepared once already (In.get_prep_lookup), as `__in` passes them: prepared=True, not twice.
        return [
            field.get_db_prep_value(value, connection, prepared=True)
            for value in self.rhs
            if value is not None
        ]

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():  # a subquery: IN (SELECT …) as `__in` writes it
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self._values(connection)
        kind = _plain(values)
        if kind is None:
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        # text[], not the column's varchar(n)[]: that cast would cut a longer value to the
        # column's length, and the cut value could then match.
        return f"{lhs} = ANY(%s::{'text' if kind == 'text' else 'bigint'}[])", (
            *lhs_params,
            array_literal(values),
        )

    def as_sqlite(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        values = self._values(connection)
        if not values or _plain(values) is None:
            return super().as_sql(compiler, connection)  # the ordinary IN (...), or nothing for []
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # lhs is the compiled column; the values go as one parameter.
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, json.dumps(values))  # noqa: S608
