"""`__any_in` (core/lookups.py): the rows whose value is in the list, as `__in` finds them, however
many values: one parameter, on PostgreSQL the text of an array literal, on SQLite a JSON array."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiguang.accounts.models import User
from huiguang.core.lookups import array_literal
from huiguang.network.models import Region

from ..factories import UserFactory


def test_any_in_finds_exactly_the_listed_values_in_one_parameter(db):
    phones = [UserFactory(phone=f"1390001{i:04d}").phone for i in range(5)]
    wanted = [phones[0], phones[3], "13999999999", None]
    with CaptureQueriesContext(connection) as ctx:
        found = set(User.objects.filter(phone__any_in=wanted).values_list("phone", flat=True))
    assert found == {phones[0], phones[3]}
    assert found == set(User.objects.filter(phone__in=wanted).values_list("phone", flat=True))
    sql = ctx.captured_queries[0]["sql"]
    assert ("= ANY(" in sql) if connection.vendor == "postgresql" else ("json_each(" in sql)


@pytest.mark.parametrize(
    "name",
    ['a"b', "a\\b", "a,b", "{a}", "NULL", " a ", "a'b", "", "东湖社区", 'x\\"}'],
)
def test_any_in_text_with_the_array_literals_special_characters_matches_only_itself(db, name):
    """Quotes, backslashes, commas, braces, the word NULL, spaces and the empty text are values
    like any other, in the literal PostgreSQL parses and in the JSON that SQLite reads."""
    city = Region.objects.create(code="330482", name=name, level=Region.Level.CITY)
    Region.objects.create(code="330483", name="a", level=Region.Level.CITY)
    assert list(Region.objects.filter(name__any_in=[name, "zz"])) == [city]
    assert list(Region.objects.filter(name__any_in=[name + "x", name[:-1] + "y"])) == []


def test_any_in_a_value_longer_than_the_column_does_not_match_its_start(db):
    # The array is text[], not the column's varchar(12)[]: that cast would cut the value to 12.
    region = Region.objects.create(code="330482001001", name="东湖社区", level=Region.Level.VILLAGE)
    assert list(Region.objects.filter(code__any_in=["330482001001"])) == [region]
    assert list(Region.objects.filter(code__any_in=["330482001001999"])) == []


def test_any_in_many_integers_in_one_query(db):
    users = [UserFactory(phone=f"1390002{i:04d}") for i in range(3)]
    wanted = [users[0].pk, users[2].pk, *range(10**6, 10**6 + 5000)]
    with CaptureQueriesContext(connection) as ctx:
        found = set(User.objects.filter(pk__any_in=wanted).values_list("pk", flat=True))
    assert found == {users[0].pk, users[2].pk}
    assert len(ctx.captured_queries) == 1


def test_array_literal_escapes_what_postgresql_reads_specially():
    assert array_literal(["a", 'b"c', "d\\e"]) == '{"a","b\\"c","d\\\\e"}'
    assert array_literal([1, 22]) == "{1,22}"
    assert array_literal([]) == "{}"


def test_any_in_an_empty_list_finds_nothing(db):
    UserFactory(phone="13900019999")
    assert not User.objects.filter(phone__any_in=[]).exists()


def test_any_in_a_subquery_is_the_ordinary_in_select(db):
    wanted = UserFactory(phone="13900018888")
    UserFactory(phone="13900017777")
    subquery = User.objects.filter(phone="13900018888").values("pk")
    assert list(User.objects.filter(pk__any_in=subquery)) == [wanted]
