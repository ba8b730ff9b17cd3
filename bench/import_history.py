"""Benchmark: a city's history (issue 15) — 1.38 M service records of 85,000 volunteers — imported
in one run, against a floor measured in the same run.

    python bench/import_history.py [--scale 1.0]

`--scale 0.1` is a tenth (138,000 records of 8,500 volunteers). The floor is what any importer must
do at least: parse the same CSV with the csv module and bulk-insert the same rows, as pending
service records without chains, rollups or checks (Django's bulk_create, batches of 5,000, one
transaction, rolled back afterwards). A stricter floor is printed beside it: the same rows inserted as
plain rows (core.bulk.insert_rows: COPY on PostgreSQL), which is how the import itself inserts its
records, so that the import's ratio to it says what the checks, chains and rollups cost. The
import does much more per row: it finds the volunteer
and the organization, checks the date, the daily cap, overlaps and the source key against the
ledger, sorts the records into chain order, hashes each one into its volunteer's chain, writes
its source key, the ledger's and the reports' rollups in bulk and a seal per batch.

Peak memory is the process's maximum resident set (ru_maxrss) after each phase, the generation
of the city included. Runs on a throwaway database (bench/throwaway.py): SQLite, or PostgreSQL
with DATABASE_URL set.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from throwaway import throwaway_database

VOLUNTEERS, RECORDS, ORGANIZATIONS = 85_000, 1_380_000, 300


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_city(volunteers: int) -> list[str]:
    """Regions, organizations and volunteers written straight in bulk (not what is measured)."""
    from django.utils import timezone

    from huiguang.accounts.models import User
    from huiguang.network.models import Organization, Region
    from huiguang.volunteers.models import Volunteer

    root = Region.objects.create(code="330482", name="平湖市", level=Region.Level.CITY)
    towns = [
        Region.objects.create(code=f"330482{i:03d}", name=f"镇{i}", level=Region.Level.TOWN, parent=root)
        for i in range(1, 11)
    ]
    for i in range(ORGANIZATIONS):
        Organization.objects.create(
            code=f"O{i:04d}",
            name=f"志愿服务队{i}",
            kind=Organization.Kind.TEAM,
            region=towns[i % 10],
            status=Organization.Status.ACTIVE,
        )
    now = timezone.now()
    numbers = []
    for start in range(0, volunteers, 5000):
        chunk = range(start, min(start + 5000, volunteers))
        users = User.objects.bulk_create([User(phone=f"137{i:08d}", display_name="") for i in chunk])
        Volunteer.objects.bulk_create(
            [
                Volunteer(
                    user=user,
                    real_name="志愿者",
                    id_number_encrypted="-",
                    id_blind_index=f"bench{i}",
                    id_masked="330482********0000",
                    gender="F",
                    birth_date=dt.date(1990, 1, 1),
                    residence_region=towns[i % 10],
                    volunteer_number=f"3304822020{i:06d}",
                    privacy_policy_version="2026-01",
                    consented_at=now,
                )
                for i, user in zip(chunk, users, strict=True)
            ]
        )
        numbers += [f"3304822020{i:06d}" for i in chunk]
    return numbers


def write_records(path: Path, numbers: list[str], records: int) -> None:
    """Each volunteer's records on distinct days of 2019-2024, in no particular order."""
    per = records // len(numbers)
    extra = records - per * len(numbers)
    first = dt.date(2019, 1, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["记录编号", "志愿者编号", "组织编号", "活动名称", "服务日期", "服务时长（分钟）", "服务内容"]
        )
        n = 0
        for round_ in range(per + 1):
            for i, number in enumerate(numbers):
                if round_ == per and i >= extra:
                    break
                day = first + dt.timedelta(days=(round_ * 13 + i * 7) % 2190)
                writer.writerow(
                    [
                        f"ZYH{n}",
                        number,
                        f"O{i % ORGANIZATIONS:04d}",
                        "社区志愿服务",
                        day.isoformat(),
                        60 + (n % 8) * 15,
                        "助老陪伴",
                    ]
                )
                n += 1


def _timed_insert(path: Path, row, insert) -> tuple[float, int]:
    """Parse the CSV, turn each line into `row(volunteer_id, organization_id, key, name, day,
    minutes, content)`, `insert` batches of 5,000, all in one transaction rolled back afterwards
    (its deferred constraint checks run first): the seconds it took and the rows inserted."""
    from django.db import connection, transaction

    from huiguang.network.models import Organization
    from huiguang.volunteers.models import Volunteer

    orgs = dict(Organization.objects.values_list("code", "pk"))
    volunteers = dict(Volunteer.objects.values_list("volunteer_number", "pk"))
    started = time.perf_counter()
    count = 0

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            with path.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.reader(fh)
                next(reader)
                batch: list = []
                for key, number, org, name, day, minutes, content in reader:
                    batch.append(
                        row(
                            volunteers[number],
                            orgs[org],
                            key,
                            name,
                            dt.date.fromisoformat(day),
                            int(minutes),
                            content,
                        )
                    )
                    if len(batch) == 5000:
                        insert(batch)
                        count += len(batch)
                        batch = []
                insert(batch)
                count += len(batch)
            # The database's checks of the rows are part of inserting them: PostgreSQL defers the
            # foreign-key checks to the commit, which a rollback skips, so they are run here
            # (SQLite checks each row as it is inserted).
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed, count


def floor(path: Path) -> tuple[float, int]:
    """Parse + bulk insert of the same rows as pending records (no chain, no checks), rolled back."""
    from huiguang.ledger.models import ServiceRecord as R

    def row(volunteer_id, organization_id, key, name, day, minutes, content):
        return R(
            volunteer_id=volunteer_id,
            organization_id=organization_id,
            region_code="330482",
            service_date=day,
            minutes=minutes,
            kind="import",
            source="import",
            activity_name=name,
            content=content,
            note=key,
        )

    return _timed_insert(path, row, R.objects.bulk_create)


def plain_floor(path: Path) -> float:
    """The stricter floor: parse + insert the same rows as plain rows (core.bulk.insert_rows: COPY on
    PostgreSQL, multi-row VALUES on SQLite; no model instances), rolled back."""
    from django.db import connection

    from huiguang.core.bulk import insert_rows
    from huiguang.ledger.models import ServiceRecord as R

    columns = (
        "volunteer_id",
        "organization_id",
        "note",
        "activity_name",
        "service_date",
        "minutes",
        "content",
    )
    same = {"region_code": "330482", "kind": "import", "source": "import"}
    adapt_day = connection.ops.adapt_datefield_value

    def row(volunteer_id, organization_id, key, name, day, minutes, content):
        return (volunteer_id, organization_id, key, name, adapt_day(day), minutes, content)

    return _timed_insert(path, row, lambda batch: insert_rows(R, columns, batch, same=same))[0]


def run(scale: float) -> None:
    from django.db.models import Sum

    from huiguang.ledger.history.run import history_import_apply, history_import_check
    from huiguang.ledger.models import ServiceRecord, VolunteerHours

    volunteers, records = int(VOLUNTEERS * scale), int(RECORDS * scale)
    print(f"scale {scale}: {records:,} records of {volunteers:,} volunteers, {ORGANIZATIONS} organizations")
    numbers = make_city(volunteers)
    directory = Path(tempfile.mkdtemp(prefix="history-"))
    path = directory / "服务记录.csv"
    write_records(path, numbers, records)
    del numbers
    print(
        f"file: {path.stat().st_size / 2**20:,.0f} MiB; peak memory after generating: {peak_mib():,.0f} MiB"
    )

    floor_s, floor_n = floor(path)
    assert floor_n == records, floor_n
    plain_s = plain_floor(path)
    print(f"peak memory after the floors: {peak_mib():,.0f} MiB")

    started = time.perf_counter()
    history_import, plan = history_import_check(paths=[path], source_name="志愿汇", actor=None)
    check_s = time.perf_counter() - started
    assert plan.ok and len(plan.records) == records, (plan.error_count, plan.errors[:3])
    print(f"peak memory after the check: {peak_mib():,.0f} MiB")
    started = time.perf_counter()
    history_import_apply(history_import=history_import, plan=plan, actor=None)
    apply_s = time.perf_counter() - started
    del plan
    total_s = check_s + apply_s
    assert ServiceRecord.objects.count() == records
    assert (
        VolunteerHours.objects.aggregate(n=Sum("total_minutes"))["n"]
        == ServiceRecord.objects.aggregate(n=Sum("minutes"))["n"]
    )

    def line(label: str, seconds: float) -> str:
        rate = records / seconds
        return f"{label:<50} {seconds:8.1f} s  {rate:>9,.0f} rows/s  {seconds / floor_s:5.1f}× floor"

    print(line("floor: parse + bulk insert (pending, no chain)", floor_s))
    print(
        f"{'stricter floor: parse + plain rows (COPY on PostgreSQL)':<50} {plain_s:8.1f} s  "
        f"{records / plain_s:>9,.0f} rows/s  {plain_s / floor_s:5.1f}× floor; "
        f"the import is {total_s / plain_s:.1f}× this one"
    )
    print(line("check (dry-run: read, resolve, validate, sort)", check_s))
    print(line("apply (chains, keys, rollups, reports, seals)", apply_s))
    print(line("import: check + apply", total_s))
    print(
        f"peak memory: {peak_mib():,.0f} MiB (goal under 1,024 MiB); "
        f"ratio {total_s / floor_s:.1f}× (goal ≤ 3×)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1.38 M records of 85,000 volunteers")
    args = parser.parse_args()
    with throwaway_database() as vendor:
        print(f"database: {vendor}")
        run(args.scale)


if __name__ == "__main__":
    main()
