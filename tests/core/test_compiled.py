"""Compiled querysets (core/compiled.py): the same rows and objects as the queryset itself, for new
values on every call; compiled once per connection; a query they cannot serve fails loudly."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huiguang.core.compiled import CompiledByLength, CompiledInsert, CompiledQuery, CompiledUpdate
from huiguang.core.models import AuditEntry, KeyFingerprint
from huiguang.volunteers.models import Volunteer

from ..factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def born_between(p):
    return (
        Volunteer.objects.filter(
            Q(birth_date__gte=p.born_from, birth_date__lt=p.born_to) | Q(pk=p.volunteer),
            user__date_joined__lt=p.joined_before,
            real_name__gte=p.initial,
        )
        .values_list("pk", "birth_date", "user__date_joined")
        .order_by("pk")
    )


BORN_BETWEEN = CompiledQuery(
    born_between, born_from=dt.date, born_to=dt.date, volunteer=int, joined_before=dt.datetime, initial=str
)
NEWEST_OF_USER = CompiledQuery(
    lambda p: Volunteer.objects.select_related("user").filter(user_id=p.user).order_by("-pk")[:1], user=int
)


def test_rows_are_the_querysets_rows_for_each_call(city):
    for i, pk in enumerate(Volunteer.objects.order_by("pk").values_list("pk", flat=True)):
        Volunteer.objects.filter(pk=pk).update(birth_date=dt.date(1980 + i, 3, 1), real_name=f"{i:02d}号")
    people = list(Volunteer.objects.order_by("pk"))
    assert len(people) >= 3
    now = timezone.now()
    answers: list[list] = []
    for born_from, born_to, volunteer, joined_before, initial in [
        (dt.date(1900, 1, 1), dt.date(2100, 1, 1), people[0].pk, now + dt.timedelta(days=1), ""),
        (people[1].birth_date, people[1].birth_date + dt.timedelta(days=1), people[2].pk, now, ""),
        (dt.date(1900, 1, 1), dt.date(1900, 1, 2), people[0].pk, now + dt.timedelta(days=1), ""),
        (dt.date(1900, 1, 1), dt.date(2100, 1, 2), -1, now, people[2].real_name),
    ]:
        p = dict(
            born_from=born_from,
            born_to=born_to,
            volunteer=volunteer,
            joined_before=joined_before,
            initial=initial,
        )
        expected = list(born_between(SimpleNamespace(**p)))
        assert BORN_BETWEEN.rows(**p) == expected
        answers.append(expected)
        assert all(isinstance(row[2], dt.datetime) and isinstance(row[1], dt.date) for row in expected)
    # The values changed the answers: four different ones.
    assert len({tuple(a) for a in answers}) == 4 and all(answers)


def test_first_is_the_model_instance_with_its_related_objects(city):
    user = city.users["volunteer"]
    with CaptureQueriesContext(connection) as ctx:
        found = NEWEST_OF_USER.first(user=user.pk)
        assert found == user.volunteer and found.user == user and found.real_name == user.volunteer.real_name
    assert len(ctx.captured_queries) == 1
    assert NEWEST_OF_USER.first(user=-5) is None


def test_the_sql_is_compiled_once_per_connection(city):
    query = CompiledQuery(lambda p: Volunteer.objects.filter(pk=p.pk).values_list("pk"), pk=int)
    query.rows(pk=1)
    compiled = query._compiled[connections["default"]]
    volunteer = VolunteerFactory()
    assert query.rows(pk=volunteer.pk) == [(volunteer.pk,)]
    assert query._compiled[connections["default"]] is compiled


def test_a_value_the_lookup_rewrites_fails_loudly():
    query = CompiledQuery(lambda p: Volunteer.objects.filter(real_name__contains=p.part), part=str)
    with pytest.raises(ValueError, match="does not reach the SQL"):
        query.rows(part="张")


def test_none_and_lists_are_refused(city):
    query = CompiledQuery(lambda p: Volunteer.objects.filter(pk=p.pk).values_list("pk"), pk=int)
    with pytest.raises(TypeError):
        query.rows(pk=None)
    with pytest.raises(TypeError):
        query.rows(pk=[1, 2])


def test_a_compiled_update_changes_the_rows_update_would_and_counts_them(city):
    people = list(Volunteer.objects.order_by("pk"))
    rename = CompiledUpdate(
        lambda p: Volunteer.objects.filter(pk=p.pk, real_name=p.was),
        lambda p: {"real_name": p.name, "consented_at": p.at},
        pk=int,
        was=str,
        name=str,
        at=dt.datetime,
    )
    at = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)
    assert rename.run(pk=people[0].pk, was=people[0].real_name, name="新名字", at=at) == 1
    assert rename.run(pk=people[0].pk, was=people[0].real_name, name="又一个", at=at) == 0  # guarded
    assert rename.run(pk=people[1].pk, was=people[1].real_name, name="第二个", at=at) == 1
    assert list(
        Volunteer.objects.filter(pk__in=[people[0].pk, people[1].pk])
        .order_by("pk")
        .values_list("real_name", "consented_at")
    ) == [("新名字", at), ("第二个", at)]
    assert Volunteer.objects.get(pk=people[2].pk).real_name == people[2].real_name


def born_on_any(p):
    return (
        Volunteer.objects.filter(birth_date__in=p.days, user__date_joined__lt=p.joined_before)
        .values_list("pk", "birth_date")
        .order_by("pk")
    )


def test_list_parameters_of_any_length_give_the_querysets_rows(city):
    born_on = CompiledByLength(born_on_any, days=[dt.date], joined_before=dt.datetime)
    people = list(Volunteer.objects.order_by("pk"))
    for i, person in enumerate(people):
        Volunteer.objects.filter(pk=person.pk).update(birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=i))
    days = [dt.date(1990, 1, 1) + dt.timedelta(days=i) for i in range(len(people))]
    later = timezone.now() + dt.timedelta(days=1)
    for chosen in ([days[0]], [days[1], days[2]], days[:3], days, [dt.date(1800, 1, 1)]):
        p = SimpleNamespace(days=chosen, joined_before=later)
        expected = list(born_on_any(p))
        assert born_on.rows(days=chosen, joined_before=later) == expected
        assert len(expected) == len([d for d in chosen if d in days])
    # One compiled query per length, and a long list too (its markers are all distinct).
    assert sorted(born_on._queries) == sorted({(1,), (2,), (3,), (len(people),)})
    many = [dt.date(1990, 1, 1) + dt.timedelta(days=i) for i in range(80)]
    assert born_on.rows(days=many, joined_before=later) == list(
        born_on_any(SimpleNamespace(days=many, joined_before=later))
    )
    assert born_on.rows(days=days, joined_before=timezone.now() - dt.timedelta(days=3650)) == []


def test_a_compiled_insert_writes_the_row_create_would(city):
    insert = CompiledInsert(AuditEntry, save_only_guards=True)
    actor = city.users["city_admin"]
    before = timezone.now()
    made = [
        insert.create(action="test.one", actor=actor, object_id="7", detail={"名": "张三", "n": [1, 2]}),
        insert.create(action="test.two", ip="10.0.0.1"),
    ]
    assert [m.pk for m in made] == list(
        AuditEntry.objects.filter(action__startswith="test.").order_by("pk").values_list("pk", flat=True)
    )
    one, two = (AuditEntry.objects.get(pk=m.pk) for m in made)
    # auto_now_add, defaults, the JSON and the foreign key, as objects.create would have written them
    assert before <= one.at <= timezone.now() and one.at == made[0].at
    assert (one.actor, one.object_id, one.detail, one.outcome) == (
        actor,
        "7",
        {"名": "张三", "n": [1, 2]},
        "ok",
    )
    assert (two.actor, two.ip, two.detail, two.object_type) == (None, "10.0.0.1", {}, "")
    assert not made[0]._state.adding


def test_a_compiled_insert_raises_integrity_error_and_refuses_watched_models(city):
    insert = CompiledInsert(KeyFingerprint)
    insert.create(purpose="test-purpose", fingerprint="ab")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert.create(purpose="test-purpose", fingerprint="cd")
    assert list(
        KeyFingerprint.objects.filter(purpose="test-purpose").values_list("fingerprint", flat=True)
    ) == ["ab"]

    def receiver(**kwargs):
        pass

    with pytest.raises(ValueError, match="own save"):
        CompiledInsert(AuditEntry)
    post_save.connect(receiver, sender=Volunteer)
    try:
        with pytest.raises(ValueError, match="signals"):
            CompiledInsert(Volunteer).create(real_name="某")
    finally:
        post_save.disconnect(receiver, sender=Volunteer)


def test_a_row_and_its_audit_entry_are_written_together_and_refused_together(city):
    """core.audit.audited_create (CompiledInsert.create_with): the row, and the audit entry that
    names it by its new key, as audit_log writes it; one statement on PostgreSQL; a refused row
    (its unique key taken) leaves no entry either."""
    from huiguang.core.audit import audited_create

    insert = CompiledInsert(KeyFingerprint)
    actor = city.users["city_admin"]
    with CaptureQueriesContext(connection) as ctx:
        row = audited_create(
            insert, {"purpose": "test-audited", "fingerprint": "ab"}, action="test.made", actor=actor, n=1
        )
    assert len(ctx.captured_queries) == (1 if connection.vendor == "postgresql" else 2)
    assert KeyFingerprint.objects.get(purpose="test-audited").pk == row.pk and not row._state.adding
    entry = AuditEntry.objects.get(action="test.made")
    assert (entry.actor, entry.object_type, entry.object_id, entry.object_label, entry.detail) == (
        actor,
        "core.keyfingerprint",
        str(row.pk),
        str(row),
        {"n": 1},
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        audited_create(insert, {"purpose": "test-audited", "fingerprint": "cd"}, action="test.again")
    assert not AuditEntry.objects.filter(action="test.again").exists()
    assert list(
        KeyFingerprint.objects.filter(purpose="test-audited").values_list("fingerprint", flat=True)
    ) == ["ab"]
