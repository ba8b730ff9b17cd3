"""Numbers from the issuer's register under concurrent issuing (real threads, PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections, transaction

from huiguang.core.errors import Refused
from huiguang.ledger.models import Certificate, CertificateSequence
from huiguang.ledger.services import certificates as services

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads need a real multi-connection database (PostgreSQL)")


def _run(n, target):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker(i):
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_concurrent_issuing_gives_unique_sequential_numbers(city, records):
    _postgres_only()
    certs = [
        services.certificate_request(volunteer=records, issuer=city.org_a, all_organizations=False)
        for _ in range(THREADS)
    ]
    admin = city.users["org_admin"]
    results, errors = _run(
        THREADS, lambda i: services.certificate_issue(actor=admin, certificate=certs[i]).number
    )
    assert errors == []
    year = results[0].split("-")[1]
    assert sorted(results) == [f"TA-{year}-{n:05d}" for n in range(1, THREADS + 1)]
    assert CertificateSequence.objects.get(organization=city.org_a).last == THREADS


def test_two_admins_issuing_one_request_take_one_number(city, records):
    _postgres_only()
    cert = services.certificate_request(volunteer=records, issuer=city.org_a, all_organizations=False)
    actors = [city.users["org_admin"], city.users["town_admin"], city.users["city_admin"]]
    results, errors = _run(
        3,
        lambda i: (
            services.certificate_issue(
                actor=actors[i], certificate=Certificate.objects.get(pk=cert.pk)
            ).number
        ),
    )
    assert len(results) == 1 and len(errors) == 2 and all(isinstance(e, Refused) for e in errors)
    assert CertificateSequence.objects.get(organization=city.org_a).last == 1


def test_control_read_then_write_without_the_guard_duplicates_numbers(city, records):
    """What the guarded UPDATE prevents: reading `last` and writing `last + 1` races."""
    _postgres_only()
    seq = CertificateSequence.objects.create(organization=city.org_a, year=2026)
    read_done = threading.Barrier(THREADS)

    def unguarded(i):
        with transaction.atomic():
            last = CertificateSequence.objects.get(pk=seq.pk).last
            read_done.wait()
            CertificateSequence.objects.filter(pk=seq.pk).update(last=last + 1)
            return last + 1

    results, errors = _run(THREADS, unguarded)
    assert errors == []
    assert len(set(results)) < THREADS  # duplicates: every thread read the same `last`
