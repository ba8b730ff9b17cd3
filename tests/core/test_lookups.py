"""`__any_in` (core/lookups.py): the rows whose value is in the list, as `__in` finds them; on
PostgreSQL the list goes as one array parameter."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiguang.accounts.models import User

from ..factories import UserFactory


def test_any_in_finds_exactly_the_listed_values_as_one_array_on_postgresql(db):
    phones = [UserFactory(phone=f"1390001{i:04d}").phone for i in range(5)]
    wanted = [phones[0], phones[3], "13999999999", None]
    with CaptureQueriesContext(connection) as ctx:
        found = set(User.objects.filter(phone__any_in=wanted).values_list("phone", flat=True))
    assert found == {phones[0], phones[3]}
    assert found == set(User.objects.filter(phone__in=wanted).values_list("phone", flat=True))
    sql = ctx.captured_queries[0]["sql"]
    assert ("= ANY(" in sql) if connection.vendor == "postgresql" else (" IN (" in sql)


def test_any_in_an_empty_list_finds_nothing(db):
    UserFactory(phone="13900019999")
    assert not User.objects.filter(phone__any_in=[]).exists()


def test_any_in_a_subquery_is_the_ordinary_in_select(db):
    wanted = UserFactory(phone="13900018888")
    UserFactory(phone="13900017777")
    subquery = User.objects.filter(phone="13900018888").values("pk")
    assert list(User.objects.filter(pk__any_in=subquery)) == [wanted]
