"""Benchmark: the nightly credit recompute against one set-based SQL statement, in the same run.

    python bench/credit.py [--volunteers 85000] [--small 8500]

Generates volunteers in bulk (bulk_create, no per-row service): each with a few confirmed
service records (ratings 1–5), the ledger's rollups that those records imply (VolunteerHours,
MonthlyRollup), enrollments attended / no-show, honors for one in twenty and an accepted dispute
that took hours away for one in a hundred. Then, at `--small` volunteers and again at
`--volunteers`:

1. the baseline: ONE statement, `WITH … INSERT INTO bench_credit_baseline SELECT …`, that
   computes every component and the score of every volunteer from the same tables and writes one
   row each (the floor for any set-based recompute that keeps its result);
2. the nightly recompute, `credit.services.snapshots_recompute_all()` (what `huiguang
   compute_credit` and the nightly task run), from empty snapshots, with its statements counted;

and prints both times, their ratio (target ≤ 2), the statement count at both sizes (it must not
grow but for the fixed-size insert batches) and the number of volunteers whose baseline score
differs from their snapshot (it must be 0: the SQL is a second copy of the formulas, written
here only to check and to time them).

Runs on a throwaway database: SQLite under a temporary directory, or, with DATABASE_URL set, a
throwaway database on that server (like the test suite). Both are removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BATCH = 5000


def least(a: str, b: str) -> str:
    return f"(CASE WHEN ({a}) < ({b}) THEN ({a}) ELSE ({b}) END)"


def half_up(x: str) -> str:
    return f"FLOOR(({x}) + 0.5)"


def baseline_sql(policy, window_start: dt.date) -> str:
    """The components and the score of every volunteer under `policy`, in one statement."""
    c = policy.components
    h, r, rel, q, g, p = (
        c[k] for k in ("hours", "regularity", "reliability", "quality", "growth", "penalties")
    )
    hours = least(
        str(h["cap"]), half_up(f"{h['weight']} * LN(1 + COALESCE(vh.credit_minutes, 0) / 60.0) / LN(10)")
    )
    regularity = least(
        str(r["cap"]), half_up(f"{r['per_month']} * {least('COALESCE(m.n, 0)', str(r['months']))}")
    )
    reliability = least(
        str(rel["cap"]),
        half_up(
            f"{rel['weight']} * (COALESCE(e.a, 0) + {rel['prior_attended']}) * 1.0"
            f" / (COALESCE(e.a, 0) + COALESCE(e.n, 0) + {rel['prior_shifts']})"
        ),
    )
    quality = least(
        str(q["cap"]),
        half_up(
            f"{q['weight']} * ((COALESCE(rt.s, 0) + {q['prior_mean']} * {q['prior_count']}) * 1.0"
            f" / (COALESCE(rt.c, 0) + {q['prior_count']}) - 1) / 4"
        ),
    )
    growth = least(str(g["cap"]), "COALESCE(hn.pts, 0)")
    per_record = f"{p['per_record']} * COALESCE(pn.n, 0)"
    penalties = f"-{least(str(p['cap']), per_record)}"
    review = "COALESCE(cr.s, 0)"
    total = " + ".join([str(policy.base), hours, regularity, reliability, quality, growth, penalties, review])
    score = f"(CASE WHEN ({total}) < 0 THEN 0 WHEN ({total}) > 1000 THEN 1000 ELSE ({total}) END)"
    level_points = (
        f"CASE level WHEN 'city' THEN {g['city']} WHEN 'province' THEN {g['province']} "
        f"ELSE {g['national']} END"
    )
    return f"""
WITH m AS (SELECT volunteer_id, COUNT(DISTINCT month) AS n FROM ledger_monthlyrollup
           WHERE month >= '{window_start.isoformat()}' AND credit_minutes > 0 GROUP BY volunteer_id),
     e AS (SELECT volunteer_id, SUM(CASE WHEN status = 'attended' THEN 1 ELSE 0 END) AS a,
                  SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END) AS n
           FROM activities_enrollment WHERE status IN ('attended', 'no_show') GROUP BY volunteer_id),
     rt AS (SELECT volunteer_id, COUNT(*) AS c, SUM(rating) AS s FROM ledger_servicerecord
            WHERE status = 'confirmed' AND rating IS NOT NULL AND kind <> 'reversal' GROUP BY volunteer_id),
     hn AS (SELECT volunteer_id, SUM({level_points}) AS pts FROM credit_honor
            WHERE volunteer_id IS NOT NULL GROUP BY volunteer_id),
     pn AS (SELECT volunteer_id, COUNT(*) AS n FROM (
              SELECT sr.volunteer_id, sr.dispute_id FROM ledger_servicerecord sr
              JOIN ledger_dispute d ON d.id = sr.dispute_id
              WHERE sr.status = 'confirmed' AND d.status = 'accepted'
              GROUP BY sr.volunteer_id, sr.dispute_id HAVING SUM(sr.minutes) < 0) x GROUP BY volunteer_id),
     cr AS (SELECT volunteer_id, SUM(adjustment) AS s FROM credit_creditreview
            WHERE status = 'corrected' GROUP BY volunteer_id)
INSERT INTO bench_credit_baseline
  (volunteer_id, hours, regularity, reliability, quality, growth, penalties, score)
SELECT v.id, {hours}, {regularity}, {reliability}, {quality}, {growth}, {penalties}, {score}
FROM volunteers_volunteer v
LEFT JOIN ledger_volunteerhours vh ON vh.volunteer_id = v.id
LEFT JOIN m ON m.volunteer_id = v.id LEFT JOIN e ON e.volunteer_id = v.id
LEFT JOIN rt ON rt.volunteer_id = v.id LEFT JOIN hn ON hn.volunteer_id = v.id
LEFT JOIN pn ON pn.volunteer_id = v.id LEFT JOIN cr ON cr.volunteer_id = v.id
"""


def generate(start: int, stop: int, *, rng: random.Random, org, shifts, today: dt.date) -> None:
    """Volunteers start..stop-1 with their records, rollups, enrollments, honors and disputes."""
    from django.db import transaction

    from huiguang.accounts.models import User
    from huiguang.activities.models import Enrollment
    from huiguang.credit.models import Honor
    from huiguang.ledger.models import Dispute, MonthlyRollup, ServiceRecord, VolunteerHours
    from huiguang.volunteers.models import Volunteer

    for lo in range(start, stop, BATCH):
        hi = min(stop, lo + BATCH)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [User(phone=f"135{i:08d}", display_name=f"v{i}", password="!") for i in range(lo, hi)]
            )
            volunteers = Volunteer.objects.bulk_create(
                [
                    Volunteer(
                        user=u,
                        real_name=f"志愿者{i}",
                        id_number_encrypted="bench",
                        id_blind_index=f"bench{i:012d}",
                        id_masked="330482********0000",
                        gender="F",
                        birth_date=dt.date(1990, 1, 1),
                        residence_region=org.region,
                        volunteer_number=f"3304822026{i:08d}",
                        privacy_policy_version="2026-01",
                        consented_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                    )
                    for i, u in zip(range(lo, hi), users, strict=True)
                ]
            )
            records, rollups, hours, enrollments, honors, disputed = [], [], [], [], [], []
            for v in volunteers:
                months: dict[dt.date, list[int]] = {}
                total = 0
                for k in range(rng.randint(0, 5)):
                    day = today - dt.timedelta(days=rng.randint(1, 500))
                    minutes = rng.choice([60, 90, 120, 180, 240])
                    record = ServiceRecord(
                        volunteer=v,
                        organization=org,
                        region_code=org.region.code,
                        service_date=day,
                        minutes=minutes,
                        kind="service",
                        source="qr",
                        is_credit=True,
                        status="confirmed",
                        activity_name="基准测试活动",
                        rating=rng.randint(1, 5) if rng.random() < 0.8 else None,
                    )
                    records.append(record)
                    if minutes >= 120 and rng.random() < 0.004:
                        disputed.append(record)  # corrected to an hour less, below
                        minutes -= 60
                    row = months.setdefault(day.replace(day=1), [0, 0])
                    row[0] += minutes
                    row[1] += 1
                    total += minutes
                    enrollments.append(Enrollment(shift=shifts[k], volunteer=v, status="attended"))
                if rng.random() < 0.15:
                    enrollments.append(Enrollment(shift=shifts[5], volunteer=v, status="no_show"))
                for month, (m, n) in months.items():
                    rollups.append(
                        MonthlyRollup(
                            volunteer=v,
                            organization=org,
                            month=month,
                            region_code=org.region.code,
                            minutes=m,
                            credit_minutes=m,
                            records=n,
                        )
                    )
                hours.append(VolunteerHours(volunteer=v, total_minutes=total, credit_minutes=total))
                if rng.random() < 0.05:
                    honors.append(
                        Honor(
                            volunteer=v,
                            title="优秀志愿者",
                            level=rng.choice(["city", "city", "province", "national"]),
                            issuer="平湖市文明办",
                            awarded_on=today,
                        )
                    )
            ServiceRecord.objects.bulk_create(records, batch_size=2000)
            MonthlyRollup.objects.bulk_create(rollups, batch_size=2000)
            VolunteerHours.objects.bulk_create(hours, batch_size=2000)
            Enrollment.objects.bulk_create(enrollments, batch_size=2000)
            Honor.objects.bulk_create(honors, batch_size=2000)
            # An accepted dispute whose correction took an hour away: a reversal and a correction.
            disputes = Dispute.objects.bulk_create(
                [
                    Dispute(record=r, volunteer=r.volunteer, reason="bench", status="accepted")
                    for r in disputed
                ]
            )
            ServiceRecord.objects.bulk_create(
                [
                    ServiceRecord(
                        volunteer=r.volunteer,
                        organization=org,
                        region_code=org.region.code,
                        service_date=r.service_date,
                        minutes=delta,
                        kind=kind,
                        source="correction",
                        is_credit=True,
                        status="confirmed",
                        activity_name="基准测试活动",
                        dispute=d,
                        reverses=r if kind == "reversal" else None,
                    )
                    for r, d in zip(disputed, disputes, strict=True)
                    for kind, delta in (("reversal", -r.minutes), ("correction", r.minutes - 60))
                ]
            )


def measure(n: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from huiguang.credit.models import CreditSnapshot
    from huiguang.credit.selectors import current_policy
    from huiguang.credit.services import snapshots_recompute_all
    from huiguang.credit.sql import window_start

    policy = current_policy()
    CreditSnapshot.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_credit_baseline")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(baseline_sql(policy, window_start()))
    base_s = time.perf_counter() - started

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        result = snapshots_recompute_all()
    nightly_s = time.perf_counter() - started
    assert result.written == n, (result.written, n)
    statements = len(ctx.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM bench_credit_baseline b "
            "JOIN credit_creditsnapshot s ON s.volunteer_id = b.volunteer_id WHERE s.score <> b.score"
        )
        (differ,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM bench_credit_baseline")
        (rows,) = cursor.fetchone()
    assert rows == n
    inserts = sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT"))
    return {
        "n": n,
        "base_s": base_s,
        "nightly_s": nightly_s,
        "statements": statements,
        "inserts": inserts,
        "differ": differ,
    }


def run(small: int, large: int) -> None:
    from django.db import connection

    from huiguang.activities.models import Activity, Category, Shift
    from huiguang.network.models import Organization, Region

    rng = random.Random(85000)
    today = dt.date.today()
    city = Region.objects.create(code="330482", name="平湖市", level=Region.Level.CITY)
    org = Organization.objects.create(code="BENCH", name="基准测试志愿服务队", region=city, status="active")
    start = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
    activity = Activity.objects.create(
        organization=org,
        title="基准",
        category=Category.objects.get_or_create(code="bench", defaults={"name": "基准"})[0],
        region=city,
        address="平湖市",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        status="finished",
        share_token="bench",
    )
    shifts = [
        Shift.objects.create(
            activity=activity,
            name=f"岗位{k}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
            capacity=10**6,
        )
        for k in range(6)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_credit_baseline (volunteer_id bigint PRIMARY KEY, hours integer, "
            "regularity integer, reliability integer, quality integer, growth integer, penalties integer, "
            "score integer)"
        )
    results = []
    made = 0
    for n in (small, large):
        t = time.perf_counter()
        generate(made, n, rng=rng, org=org, shifts=shifts, today=today)
        made = n
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load: fresh statistics for the planner
        print(f"generated {n:,} volunteers in {time.perf_counter() - t:.1f} s", flush=True)
        results.append(measure(n))
    print(f"database: {connection.vendor}")
    for r in results:
        ratio = r["nightly_s"] / r["base_s"]
        print(
            f"{r['n']:>7,} volunteers: baseline (one statement) {r['base_s']:6.2f} s · nightly recompute "
            f"{r['nightly_s']:6.2f} s · ratio {ratio:.2f} · statements {r['statements']} "
            f"(inserts {r['inserts']}) · scores differing from the baseline: {r['differ']}"
        )
    counts = [r["statements"] for r in results]
    print(
        f"statements of the nightly recompute: {counts[0]} at {results[0]['n']:,}, "
        f"{counts[1]} at {results[1]['n']:,}"
    )
    ok = counts[0] == counts[1] and all(r["differ"] == 0 for r in results)
    print("OK" if ok else "FAILED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=85_000)
    parser.add_argument("--small", type=int, default=8_500)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="huiguang-bench-credit-")
    os.environ["HUIGUANG_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiguang.config.settings")
    sys.path.insert(0, str(REPO / "src"))
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        if connection.vendor != "sqlite":
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
                f"huiguang_bench_credit_{os.getpid()}"
            )
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            run(args.small, args.volunteers)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
