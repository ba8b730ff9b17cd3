"""Querysets compiled to SQL once per connection and run again with new values (issue 14).

Django compiles a queryset to SQL on every evaluation: on a check-in that compilation cost more
time than the database (a profile: 37 % of the request). A hot path whose queries have the same
shape on every request declares them once:

    OPEN = CompiledQuery(
        lambda p: CheckIn.objects.filter(enrollment_id=p.enrollment, at__gte=p.start)
        .values_list("pk", "at"),
        enrollment=int, start=dt.datetime,
    )
    OPEN.rows(enrollment=7, start=now)        # tuples, converted as the queryset would
    ENROLLMENT.first(id=7)                    # a model instance (select_related filled), or None

The queryset is built once with marker values (one per parameter, of its declared type), compiled,
and the markers' places among the SQL's parameters are remembered; a call puts its values in
those places and runs the same SQL. The rows go through the queryset's own converters and, for
instances, through Django's own row-to-object code, so the answer is what the queryset gives.

Limits, checked when compiling (a query that breaks them fails loudly, never runs wrong SQL): a
parameter must reach the SQL unchanged (a filter value or an annotation's, not a value that a
lookup rewrites, such as `__contains`); values are never None (`= NULL` is another query) and
never lists (IN (…) has one placeholder per item: `CompiledByLength` compiles one query per list
length). Compile inside the transaction a locking query needs (select_for_update refuses
autocommit). A builder passes its parameters on as they are: a value it computes from them (the
min of several dates) would be a marker at compile time and the wrong value at run time.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.db import connections
from django.db.models import NOT_PROVIDED, Model, QuerySet, signals
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql import InsertQuery, UpdateQuery
from django.db.models.sql.compiler import SQLUpdateCompiler

# Markers: values no real query sends (ids far below zero, a year before any record).
_MARKER_BASE = -(10**15) - 7919


def _marker(kind: type, i: int) -> Any:
    if kind is int:
        return _MARKER_BASE - i
    if kind is str:
        return f"\x1fcompiled-marker-{i}\x1f"
    if kind is dt.datetime:
        return dt.datetime(1901, 2, 3, 4, 5, 0, 7, tzinfo=dt.UTC) + dt.timedelta(seconds=i)
    if kind is dt.date:
        return dt.date(1901, 2, 3) + dt.timedelta(days=i)
    raise TypeError(f"no marker for {kind!r}")


class _Compiled:
    """One query compiled for one connection."""

    def __init__(self, query: CompiledQuery, connection) -> None:
        names = list(query.params)
        markers = {name: _marker(query.params[name], i) for i, name in enumerate(names)}
        compiler, (sql, params) = query.compile(SimpleNamespace(**markers), connection)
        self.sql = sql
        self.params = list(params)
        self.adapt: dict[str, Callable[[Any], Any]] = {}
        self.places: dict[str, list[int]] = {}
        ops = connection.ops
        for name in names:
            kind = query.params[name]
            adapt: Callable[[Any], Any]
            if kind is dt.datetime:
                adapt = ops.adapt_datetimefield_value
            elif kind is dt.date:
                adapt = ops.adapt_datefield_value
            else:
                adapt = _same
            wanted = adapt(markers[name])
            places = [
                i for i, value in enumerate(self.params) if value == wanted and type(value) is type(wanted)
            ]
            if not places:
                raise ValueError(f"{query!r}: the parameter {name!r} does not reach the SQL unchanged")
            self.adapt[name], self.places[name] = adapt, places
        self.compiler = compiler
        self.converters: dict = {}
        self.annotations: dict[str, int] = {}
        self.model_init: tuple[type[Model], list[str], int, int, list] | None = None
        if isinstance(compiler, SQLUpdateCompiler):
            return
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.annotations = dict(compiler.annotation_col_map or {})
        klass_info = compiler.klass_info
        if klass_info is not None:
            select_fields = klass_info["select_fields"]
            start, end = select_fields[0], select_fields[-1] + 1
            init_list = [f[0].target.attname for f in compiler.select[start:end]]
            populators = get_related_populators(klass_info, compiler.select, connection.alias)
            self.model_init = (klass_info["model"], init_list, start, end, populators)

    def execute(self, connection, values: dict[str, Any]) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.values(values))
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]
        return rows

    def values(self, values: dict[str, Any]) -> list:
        params = list(self.params)
        for name, places in self.places.items():
            value = values[name]
            if value is None or isinstance(value, list | tuple | set):
                raise TypeError(f"{name}: a compiled query takes one value, not {value!r}")
            adapted = self.adapt[name](value)
            for i in places:
                params[i] = adapted
        return params


def _same(value: Any) -> Any:
    return value


class CompiledQuery:
    """A queryset built by `build(p)` (p: the parameters as attributes), compiled once per
    connection; `params`: each parameter's type (int, str, datetime.datetime, datetime.date)."""

    using = "default"  # the hot paths write: never a replica

    def __init__(self, build: Callable[[Any], QuerySet], **params: type) -> None:
        self.build = build
        self.params = params
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        return f"<CompiledQuery {getattr(self.build, '__qualname__', self.build)}>"

    def compile(self, p: Any, connection) -> tuple[Any, tuple[str, Any]]:
        compiler = self.build(p).query.get_compiler(connection=connection)
        return compiler, compiler.as_sql()

    def _for(self, connection) -> _Compiled:
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = _Compiled(self, connection)
        return compiled

    def rows(self, **values: Any) -> list[tuple]:
        """The rows (a values_list queryset's tuples, converted)."""
        connection = connections[self.using]
        return self._for(connection).execute(connection, values)

    def first(self, **values: Any) -> Any:
        """The first row as a model instance, its select_related objects filled in; None for none.
        (Build a queryset of model instances, sliced to one row.)"""
        connection = connections[self.using]
        compiled = self._for(connection)
        if compiled.model_init is None:
            raise TypeError(f"{self!r} does not select model instances")
        rows = compiled.execute(connection, values)
        if not rows:
            return None
        model, init_list, start, end, populators = compiled.model_init
        row = rows[0]
        obj = model.from_db(connection.alias, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, column in compiled.annotations.items():
            setattr(obj, name, row[column])
        return obj


class CompiledUpdate(CompiledQuery):
    """`build(p).update(**changes(p))` of one table, compiled once per connection; `.run(**values)`
    answers the number of rows changed, as update() does. (No related-model updates, no joins:
    refused when compiling.)"""

    def __init__(
        self, build: Callable[[Any], QuerySet], changes: Callable[[Any], dict], **params: type
    ) -> None:
        super().__init__(build, **params)
        self.changes = changes

    def compile(self, p: Any, connection) -> tuple[Any, tuple[str, Any]]:
        query: Any = self.build(p).query.chain(UpdateQuery)  # as QuerySet.update builds it
        query.add_update_values(self.changes(p))
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if query.related_updates or query.count_active_tables() != 1:
            raise ValueError(f"{self!r}: a compiled update changes one table")
        return compiler, (sql, params)

    def run(self, **values: Any) -> int:
        connection = connections[self.using]
        compiled = self._for(connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.values(values))
            return cursor.rowcount


class CompiledByLength:
    """A CompiledQuery whose list parameters (declared as `[type]`) may hold any number of values:
    one query is compiled per tuple of their lengths (a bulletin's two months, an assessment's
    twelve), the builder reading each list parameter as a list of values (`p.months`).

        FIGURES = CompiledByLength(lambda p: Rating.objects.filter(month__in=p.months, …), months=[dt.date])
        FIGURES.rows(months=[may, june])
    """

    def __init__(self, build: Callable[[Any], QuerySet], **params: type | list[type]) -> None:
        self.build = build
        self.params = params
        self.lists = [name for name, kind in params.items() if isinstance(kind, list)]
        self._queries: dict[tuple[int, ...], CompiledQuery] = {}

    def __repr__(self) -> str:
        return f"<CompiledByLength {getattr(self.build, '__qualname__', self.build)}>"

    def _query(self, lengths: dict[str, int]) -> CompiledQuery:
        key = tuple(lengths.values())
        query = self._queries.get(key)
        if query is None:
            flat: dict[str, type] = {}
            for name, kind in self.params.items():
                if isinstance(kind, list):
                    flat.update({f"{name}__{i}": kind[0] for i in range(lengths[name])})
                else:
                    flat[name] = kind

            def build(p: Any) -> QuerySet:
                values = {name: getattr(p, name) for name in self.params if name not in lengths}
                for name, count in lengths.items():
                    values[name] = [getattr(p, f"{name}__{i}") for i in range(count)]
                return self.build(SimpleNamespace(**values))

            query = self._queries[key] = CompiledQuery(build, **flat)
        return query

    def rows(self, **values: Any) -> list[tuple]:
        """The rows, as CompiledQuery.rows; each list parameter given as a list."""
        lengths = {name: len(values[name]) for name in self.lists}
        flat = {name: value for name, value in values.items() if name not in lengths}
        for name in lengths:
            flat.update({f"{name}__{i}": value for i, value in enumerate(values[name])})
        return self._query(lengths).rows(**flat)


class CompiledInsert:
    """`model.objects.create(**values)` for a hot path: the INSERT of the model's concrete fields
    built once per connection, each value prepared by its field as save() prepares it (pre_save:
    defaults, auto_now_add; get_db_prep_save), the new primary key set on the instance. Model.save
    is not called and no signal is sent: only for models whose save() adds nothing and whose
    saves no receiver watches (checked here: no post_save/pre_save receiver at compile time)."""

    using = "default"

    def __init__(self, model: type[Model], *, save_only_guards: bool = False) -> None:
        """`save_only_guards`: the model's own save() adds nothing to an insert (it only refuses
        changes to a saved row, as an append-only model's does); a model that overrides save()
        otherwise is refused, since its save() would be skipped."""
        if model.save is not Model.save and not save_only_guards:
            raise ValueError(f"{model.__name__} has its own save(), which an insert here would skip")
        self.model = model
        meta = model._meta
        self.fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
        if any(f.db_default is not NOT_PROVIDED for f in self.fields):
            raise ValueError(f"{model.__name__}: a field with a database default is not compiled")
        self._sql: weakref.WeakKeyDictionary[Any, tuple[str, bool]] = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        return f"<CompiledInsert {self.model.__name__}>"

    def _for(self, connection, obj: Model) -> tuple[str, bool]:
        """(the INSERT, whether it returns the new key: else the cursor's last row id tells it)."""
        compiled = self._sql.get(connection)
        if compiled is None:
            if signals.pre_save.has_listeners(self.model) or signals.post_save.has_listeners(self.model):
                raise ValueError(f"{self!r}: save() signals have receivers")
            query = InsertQuery(self.model)
            query.insert_values(self.fields, [obj])
            compiler = query.get_compiler(connection=connection)
            returns = connection.features.can_return_columns_from_insert
            if returns:
                compiler.returning_fields = [self.model._meta.pk]
            ((sql, params),) = compiler.as_sql()
            if len(params) != len(self.fields):
                raise ValueError(f"{self!r}: one parameter per field expected")
            compiled = self._sql[connection] = (sql, returns)
        return compiled

    def _prepare(self, values: dict[str, Any]) -> tuple[Model, Any, str, bool, list]:
        """(the new instance, the connection, the INSERT, whether it returns the key, its values)."""
        obj = self.model(**values)
        connection = connections[self.using]
        sql, returns = self._for(connection, obj)
        params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self.fields]
        return obj, connection, sql, returns, params

    @staticmethod
    def _saved(obj: Model, pk: Any, connection) -> None:
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias

    def create(self, **values: Any) -> Any:
        obj, connection, sql, returns, params = self._prepare(values)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            meta = self.model._meta
            pk = (
                cursor.fetchone()[0]
                if returns
                else connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
            )
        self._saved(obj, pk, connection)
        return obj

    def create_with(
        self, follower: CompiledInsert, key_into: str, follow: Callable[[Any], dict[str, Any]], **values: Any
    ) -> tuple[Any, Any]:
        """create(**values), then follower.create(**follow(row)) with the new row's primary key as
        the follower's field `key_into` (converted by the database as an assignment: a text field
        gets the key as text; `follow` sees the row before its insert, without its key); (the row,
        the follower's row). On PostgreSQL one statement: the row's INSERT in a WITH, whose new key
        the follower's INSERT reads (a round trip less on a hot path: the check-in and its audit
        entry, issue 14); elsewhere two."""
        if connections[self.using].vendor != "postgresql":
            obj = self.create(**values)
            return obj, follower.create(**{**follow(obj), key_into: str(obj.pk)})
        obj, connection, sql, _returns, params = self._prepare(values)
        other, _connection, other_sql, _returns, other_params = follower._prepare(
            {**follow(obj), key_into: ""}
        )
        at = [f.attname for f in follower.fields].index(key_into)
        head, values_sql = other_sql.split(" VALUES (", 1)
        places, tail = values_sql.split(") RETURNING ", 1)
        holders = places.split(", ")
        if holders.count("%s") != len(holders) or len(holders) != len(follower.fields):
            raise ValueError(f"{follower!r}: only plain placeholders can be combined")
        pk = connection.ops.quote_name(self.model._meta.pk.column)
        holders[at] = f"(SELECT {pk} FROM new_row)"  # noqa: S608 - a quoted column name
        key_column = connection.ops.quote_name(follower.fields[at].column)
        combined = (
            f"WITH new_row AS ({sql}) {head} VALUES ({', '.join(holders)}) RETURNING {tail}, {key_column}"
        )
        with connection.cursor() as cursor:
            cursor.execute(combined, params + other_params[:at] + other_params[at + 1 :])
            other_pk, key = cursor.fetchone()
        self._saved(obj, self.model._meta.pk.to_python(key), connection)
        follower._saved(other, other_pk, connection)
        setattr(other, key_into, key)
        return obj, other
