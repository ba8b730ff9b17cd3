"""Benchmark: import 10,000 volunteers from an .xlsx file, against a baseline measured in the same run.

    python bench/import_volunteers.py [--rows 10000] [--rounds 3] [--json var/bench.jsonl]

The baseline is the floor for any importer: parse the same file with calamine and insert the same
rows, as text, into a plain table with one executemany in one transaction. The floor and the import
run in turns, --rounds times, each round on a file of new people (the import's tables grow by
--rows a round, the floor's table is new each time): the ratio is of their sums, so that a load
that comes and goes touches both alike (measured once each, it moved between 2.3 and 3.9).

The import does much more per row: type and zip checks, every validation rule (ID check digit and
region, mobile number, region code, duplicates in the file and in the database), the blind index
and AES-GCM encryption of the ID number, users, volunteer numbers and memberships, and the audit
entry.

Runs on a throwaway database: SQLite under a temporary directory, or, with DATABASE_URL set, a
throwaway database on that server (like the test suite). Both are removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import time
from contextlib import contextmanager

from common import emit, load
from throwaway import throwaway_database

# Django and project modules are imported inside the functions, on purpose: the settings read
# HUIGUANG_VAR_DIR and HUIGUANG_IMPORT_MAX_ROWS from the environment that main() sets first, and
# models can only be imported after django.setup().
HEADERS = ["姓名", "身份证号", "手机号", "居住地区代码", "政治面貌", "是否学生", "学校", "职业", "新居民"]


def make_rows(n: int, start: int) -> list[list[str]]:
    from huiguang.core.id_card import make_id_number

    out = []
    for i in range(start, start + n):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 999)
        out.append(
            [
                f"志愿{chr(0x4E00 + i % 20000)}{chr(0x4E00 + (i // 20000) % 20000)}",
                make_id_number("330482", birth, i % 999 + 1),
                f"136{i:08d}",
                "330482001001",
                ("群众", "共青团员", "中共党员")[i % 3],
                "是" if i % 2 else "否",
                "平湖中学" if i % 2 else "",
                "" if i % 2 else "教师",
                "否",
            ]
        )
    return out


def make_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("志愿者")
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def baseline(content: bytes, table: str) -> tuple[float, int]:
    """Parse + one bulk insert of the same rows into a new plain table."""
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {table} (name varchar(64), id_number varchar(18), phone varchar(11), "
            "region_code varchar(15), political varchar(8), student varchar(2), school varchar(120), "
            "occupation varchar(64), new_resident varchar(2))"
        )
    started = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    rows = [[str(c) for c in row[:9]] for row in sheet.iter_rows()][1:]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
            rows,
        )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        (count,) = cursor.fetchone()
    return elapsed, count


def city():
    from huiguang.network.models import Organization, Region

    root = Region.objects.create(code="330482", name="平湖市", level=Region.Level.CITY)
    town = Region.objects.create(code="330482001", name="当湖街道", level=Region.Level.TOWN, parent=root)
    village = Region.objects.create(
        code="330482001001", name="东湖社区", level=Region.Level.VILLAGE, parent=town
    )
    org = Organization.objects.create(
        code="BENCH",
        name="基准测试志愿服务队",
        kind=Organization.Kind.SCHOOL,
        region=village,
        status=Organization.Status.ACTIVE,
    )
    return org


@contextmanager
def counting_queries(connection):
    """Counts the statements run, like CaptureQueriesContext, without its debug cursor: that one
    writes out every statement with its parameters, which on SQLite (each parameter quoted by a
    query of its own) took a third of the import's time, in the import's figure but not the
    floor's. COPY is counted by neither; BEGIN and COMMIT, which that one lists too, are not
    counted here."""
    count = [0]

    def wrapper(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def run(n: int, rounds: int, json_file: str = "") -> None:
    from huiguang.network.models import Membership
    from huiguang.volunteers import importing
    from huiguang.volunteers.models import ImportBatch, Volunteer

    org = city()
    files = [make_xlsx(make_rows(n, k * n)) for k in range(rounds + 1)]  # the last for the console
    first, second = files[0], files[-1]
    print(f"rows: {n:,} per file (.xlsx, {len(first) / 1024:,.0f} KB); {rounds} rounds")

    from django.db import connection

    base_s = base_cpu = import_s = import_cpu = 0.0
    for k in range(rounds):
        cpu = time.process_time()
        took, base_count = baseline(files[k], f"bench_plain_volunteer_{k}")
        base_s, base_cpu = base_s + took, base_cpu + time.process_time() - cpu
        assert base_count == n, base_count

        started, cpu = time.perf_counter(), time.process_time()
        with counting_queries(connection) as queries:
            result = importing.volunteers_import(
                organization=org, actor=None, content=files[k], file_name=f"round{k}.xlsx"
            )
        import_s += time.perf_counter() - started
        import_cpu += time.process_time() - cpu
        assert (result.created, result.joined, result.already) == (n, 0, 0), result
        print(
            f"  round {k + 1}: floor {took:.2f} s, import {time.perf_counter() - started:.2f} s", flush=True
        )
    base_s, base_cpu, import_s, import_cpu = (x / rounds for x in (base_s, base_cpu, import_s, import_cpu))

    started = time.perf_counter()
    batch = importing.import_preview(organization=org, actor=None, content=second, file_name="second.xlsx")
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    importing.import_apply(batch=batch, actor=None)
    confirm_s = time.perf_counter() - started
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and batch.created_count == n

    started = time.perf_counter()
    again = importing.volunteers_import(organization=org, actor=None, content=first, file_name="first.xlsx")
    again_s = time.perf_counter() - started
    assert (again.created, again.joined, again.already) == (0, 0, n), again
    assert Volunteer.objects.count() == (rounds + 1) * n
    assert Membership.objects.filter(organization=org).count() == (rounds + 1) * n

    def line(label: str, seconds: float) -> str:
        return f"{label:<52} {seconds:7.2f} s  {n / seconds:>9,.0f} rows/s  {seconds / base_s:6.1f}× baseline"

    print(line("baseline: parse + one bulk insert into a plain table", base_s) + f" (mean of {rounds})")
    print(line("import (command: read, check, validate, write all)", import_s) + f" (mean of {rounds})")
    print(line("console: preview (read, check, validate, keep file)", preview_s))
    print(line("console: confirm (validate again, write all)", confirm_s))
    print(line("re-import of the same file (changes nothing)", again_s))
    print(
        f"import rate: {n / import_s:,.0f} rows/s; {import_s / base_s:.1f}× the floor; "
        f"{queries[0]} queries (one import); load {load()}"
    )
    # On a loaded machine the elapsed times stretch with the waiting for a CPU; this process's own
    # CPU time does not (a database server's work is not in it).
    print(f"this process's CPU time (means): import {import_cpu:.2f} s, floor {base_cpu:.2f} s")
    common = {"bench": "import", "database": connection.vendor, "baseline": "parse + bulk insert"}
    emit(
        json_file,
        **common,
        path=f"import {n:,} rows (command)",
        rate=n / import_s,
        baseline_rate=n / base_s,
        queries=queries[0],
        note=f"{import_s / base_s:.1f}× the floor; every row checked; queries: the whole import",
    )
    emit(json_file, **common, path="import: console confirm", rate=n / confirm_s, baseline_rate=n / base_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="floor and import in turns, this many times")
    parser.add_argument("--json", default="", help="append the figures to this JSON-lines file")
    args = parser.parse_args()

    with throwaway_database(HUIGUANG_IMPORT_MAX_ROWS=str(max(args.rows, 20_000))) as vendor:
        print(f"database: {vendor}")
        run(args.rows, max(1, args.rounds), args.json)


if __name__ == "__main__":
    main()
