"""`field__any_in=[...]`: membership in a long list of values, as one array parameter on PostgreSQL.

`__in` spells out one placeholder per value, and psycopg rewrites every placeholder of a statement
in Python before sending it: for the 10,000 values of an import's look-ups that rewriting cost
more than the database's work. `= ANY(%s)` sends the list as one array. SQLite has no arrays, so
there it is the ordinary `IN (...)` (callers keep their chunks under its parameter limit).
"""

from __future__ import annotations

from django.db.models import Field
from django.db.models.lookups import In


@Field.register_lookup
class AnyIn(In):
    lookup_name = "any_in"

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():  # a subquery: IN (SELECT …) as `__in` writes it
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        # Prepared once already (In.get_prep_lookup), as `__in` passes them: prepared=True, not twice.
        values = [
            field.get_db_prep_value(value, connection, prepared=True)
            for value in self.rhs
            if value is not None
        ]
        return f"{lhs} = ANY(%s)", (*lhs_params, values)
