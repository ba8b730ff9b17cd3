"""Benchmark: one month's whole bulletin against one raw SQL GROUP BY over the ledger, in the same run.

    python bench/bulletin.py [--scale 1] [--volunteers 85000] [--months 48]

County scale (issue 10): 85,000 volunteers, 1.5 M confirmed service records and 26,000 activities
over `--months` months, with every rollup. `--scale N` multiplies the ledger (records and
activities: N times the history); the volunteers stay a county's (`--volunteers` changes them).
Everything is inserted in bulk (bulk_create for people and activities; the records by COPY on
PostgreSQL and executemany on SQLite; the rollups by INSERT … SELECT … GROUP BY over the ledger,
what `rebuild_rollups` computes, without the hash chains and seals, which a bulletin never reads;
reports' per-volunteer active marks, which only the incremental upkeep reads, are not built).

Then, for the last month of the data:
- the baseline: one raw SQL GROUP BY over the ledger computing only hours, participations and
  active volunteers per town for the month;
- the bulletin: `bulletin_generate` — every unit type (city, towns, villages, departments, teams)
  and every measure of the catalogue for the month and the month before, ranks, changes, the
  days, the categories, the corrections since, saved as the draft's snapshot (with its audit
  entry). Its PDF and .xlsx are renderings of that snapshot made on first download or at
  publication (services.bulletins.bulletin_files): timed apart and printed, not in the ratio —
  their cost depends on the number of units, not on the ledger;
- each timed as the best of --repeat runs after a warm-up; the ratio bulletin / baseline is
  printed (targets: ≤ 0.5 at scale 1; ≤ 0.1 at --scale 10 on PostgreSQL), and the bulletin's town
  lines are checked against the baseline's numbers.

Runs on a throwaway database: SQLite under a temporary directory, or, with DATABASE_URL set, a
throwaway database on that server (like the test suite). Both are removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from throwaway import throwaway_database

TOWNS = 9
VILLAGES_PER_TOWN = 12
DEPARTMENTS = 26
PROFESSIONAL_TEAMS = 20
SCHOOLS = 6
TEAMS_PER_TOWN = 12
BATCH = 20_000


def month_starts(last: dt.date, count: int) -> list[dt.date]:
    months, month = [], last
    for _ in range(count):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def network(rng: random.Random):
    """The city, its towns and villages; departments, professional teams, schools, town federations
    and their teams. bulk_create skips save(), so the paths are set here."""
    from huiguang.network.models import Organization, Region

    city = Region(code="330482", name="平湖市", level=Region.Level.CITY, path="330482/", population=700_000)
    city.save()
    towns, villages = [], []
    for t in range(1, TOWNS + 1):
        code = f"330482{t:03d}"
        towns.append(
            Region(code=code, name=f"镇街{t}", level=Region.Level.TOWN, parent=city, path=f"330482/{code}/")
        )
    Region.objects.bulk_create(towns)
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    for town in towns:
        for v in range(1, VILLAGES_PER_TOWN + 1):
            code = f"{town.code}{v:03d}"
            villages.append(
                Region(
                    code=code,
                    name=f"{town.name}村社{v}",
                    level=Region.Level.VILLAGE,
                    parent=town,
                    path=f"{town.path}{code}/",
                    population=rng.randint(2000, 12000),
                )
            )
    Region.objects.bulk_create(villages)
    Region.objects.filter(level=Region.Level.TOWN).update(population=VILLAGES_PER_TOWN * 7000)
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("code"))
    K, active = Organization.Kind, Organization.Status.ACTIVE

    def org(code, name, kind, region, parent=None, **extra):
        return Organization(
            code=code,
            name=name,
            kind=kind,
            region=region,
            parent=parent,
            path=f"{parent.path if parent else '/'}{code}/",
            status=active,
            **extra,
        )

    tops = [
        org(f"BM{i:02d}", f"市级部门{i}", K.DEPARTMENT, city, staff_count=rng.randint(50, 900))
        for i in range(DEPARTMENTS)
    ]
    tops += [
        org(f"ZY{i:02d}", f"专业队伍{i}", K.PROFESSIONAL, city, staff_count=rng.randint(30, 300))
        for i in range(PROFESSIONAL_TEAMS)
    ]
    tops += [
        org(f"XX{i:02d}", f"学校{i}", K.SCHOOL, towns[i % TOWNS], enrolled_students=rng.randint(800, 3000))
        for i in range(SCHOOLS)
    ]
    tops += [org(f"LH{t.code}", f"{t.name}志愿者联合会", K.FEDERATION, t, staff_count=200) for t in towns]
    Organization.objects.bulk_create(tops)
    federations = {o.region_id: o for o in Organization.objects.filter(kind=K.FEDERATION)}
    teams = []
    for village in villages:
        fed = federations[village.parent_id]
        teams.append(org(f"TD{village.code}", f"{village.name}志愿服务队", K.TEAM, village, parent=fed))
    Organization.objects.bulk_create(teams)
    return villages, list(Organization.objects.select_related("region").order_by("pk"))


def people(rng: random.Random, villages, orgs, n: int, first_month: dt.date):
    """n volunteers registered over the period, each an active member of one or two organizations."""
    from django.utils import timezone

    from huiguang.accounts.models import User
    from huiguang.network.models import Membership
    from huiguang.volunteers.models import Volunteer

    Volunteer._meta.get_field("registered_at").auto_now_add = False  # bench data: given dates
    start = timezone.make_aware(dt.datetime.combine(first_month - dt.timedelta(days=365), dt.time(9)))
    span = (timezone.now() - start).total_seconds()
    for lo in range(0, n, BATCH):
        hi = min(n, lo + BATCH)
        User.objects.bulk_create(
            [User(phone=f"15{i:09d}", password="!", display_name=f"志愿者{i}") for i in range(lo, hi)]
        )
        users = (
            User.objects.filter(phone__gte=f"15{lo:09d}", phone__lt=f"15{hi:09d}")
            .order_by("phone")
            .values_list("pk", flat=True)
        )
        Volunteer.objects.bulk_create(
            [
                Volunteer(
                    user_id=user_id,
                    real_name=f"志愿者{i}",
                    id_number_encrypted="-",
                    id_blind_index=f"bench{i}",
                    id_masked="330482********0000",
                    gender="M" if i % 2 else "F",
                    birth_date=dt.date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                    residence_region=villages[rng.randrange(len(villages))],
                    volunteer_number=f"B{i:09d}",
                    registered_at=start + dt.timedelta(seconds=rng.random() * span),
                    privacy_policy_version="2026-01",
                    consented_at=start,
                )
                for i, user_id in zip(range(lo, hi), users, strict=True)
            ],
            batch_size=5000,
        )
    volunteers = list(Volunteer.objects.order_by("pk").values_list("pk", "registered_at"))
    joins = []
    for pk, registered in volunteers:
        for org in rng.sample(orgs, rng.choice((1, 1, 2))):
            joins.append(
                Membership(volunteer_id=pk, organization=org, status="active", decided_at=registered)
            )
    Membership.objects.bulk_create(joins, batch_size=5000)
    return [pk for pk, _r in volunteers]


def activities(rng: random.Random, orgs, months, count: int):
    from django.utils import timezone

    from huiguang.activities.models import Activity, Category

    categories = list(Category.objects.all())
    rows = []
    for i in range(count):
        month = months[i % len(months)]
        org = orgs[rng.randrange(len(orgs))]
        starts = timezone.make_aware(
            dt.datetime.combine(month + dt.timedelta(days=rng.randrange(28)), dt.time(8 + rng.randrange(10)))
        )
        rows.append(
            Activity(
                organization=org,
                title=f"活动{i}",
                category=categories[i % len(categories)],
                region_id=org.region_id,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                status=Activity.Status.FINISHED,
                people_served=rng.randint(0, 80),
                share_token=f"bench{i:010d}",
            )
        )
    Activity.objects.bulk_create(rows, batch_size=5000)
    by_month: dict[dt.date, list] = {m: [] for m in months}
    for pk, org_id, code, starts in Activity.objects.values_list(
        "pk", "organization_id", "region__code", "starts_at"
    ):
        by_month[timezone.localtime(starts).date().replace(day=1)].append((pk, org_id, code))
    return by_month


COLUMNS = (
    "volunteer_id, organization_id, activity_id, region_code, service_date, minutes, kind, source, "
    "is_credit, status, activity_name, place, recipients, content, evaluation, responsible_person, "
    "recorder, note, created_at, confirmed_at, prev_hash, hash"
)


def records(rng: random.Random, volunteer_ids, by_month, count: int) -> None:
    """`count` confirmed service records spread evenly over the months, inserted in batches."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    months = sorted(by_month)
    per_month = count // len(months)
    placeholders = ", ".join(["%s"] * 22)
    for month in months:
        acts = by_month[month]
        rows = []
        for _ in range(per_month):
            pk, org_id, code = acts[rng.randrange(len(acts))]
            day = month + dt.timedelta(days=rng.randrange(28))
            minutes = rng.choice((60, 90, 120, 120, 180, 240))
            rows.append(
                (
                    rng.choice(volunteer_ids),
                    org_id,
                    pk,
                    code,
                    day,
                    minutes,
                    "service",
                    "qr",
                    True,
                    "confirmed",
                    "活动",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    now,
                    now,
                    "",
                    "",
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY ledger_servicerecord ({COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO ledger_servicerecord ({COLUMNS}) VALUES ({placeholders})", rows
                )


def rollups() -> None:
    """Every rollup the confirmations keep, computed from the ledger by INSERT … SELECT … GROUP BY."""
    from django.db import connection, transaction

    from huiguang.network.models import Organization, Region
    from huiguang.reports.services.registrations import registration_rollups_rebuild

    pg = connection.vendor == "postgresql"
    month = "date_trunc('month', r.service_date)::date" if pg else "date(r.service_date, 'start of month')"
    sums = (
        "SUM(r.minutes), SUM(CASE WHEN r.is_credit THEN r.minutes ELSE 0 END), COUNT(*), "
        "SUM(CASE WHEN r.kind = 'reversal' THEN -1 ELSE 1 END)"
    )
    confirmed = "r.status = 'confirmed'"
    levels = {0: "city", 1: "town", 2: "village", 3: "grid"}
    region_units = [
        (code, unit, levels[i])
        for code, path in Region.objects.values_list("code", "path")
        for i, unit in enumerate(path.strip("/").split("/"))
    ]
    ids = dict(Organization.objects.values_list("code", "pk"))
    org_units = [
        (pk, ids[c])
        for pk, path in Organization.objects.values_list("pk", "path")
        for c in path.strip("/").split("/")
    ]
    with transaction.atomic(), connection.cursor() as c:
        c.execute("CREATE TABLE bench_region_unit (code varchar(15), unit varchar(15), level varchar(10))")
        c.executemany("INSERT INTO bench_region_unit VALUES (%s, %s, %s)", region_units)
        c.execute("CREATE TABLE bench_org_unit (org_id bigint, unit_id bigint)")
        c.executemany("INSERT INTO bench_org_unit VALUES (%s, %s)", org_units)
        c.execute("CREATE INDEX bench_region_unit_code ON bench_region_unit (code)")
        c.execute("CREATE INDEX bench_org_unit_org ON bench_org_unit (org_id)")
        c.execute(
            "INSERT INTO reports_regionmonth (region_code, level, month, minutes, credit_minutes, records, "
            f"participations, active_volunteers, new_stars) SELECT u.unit, u.level, {month}, {sums}, "
            "COUNT(DISTINCT r.volunteer_id), 0 FROM ledger_servicerecord r JOIN bench_region_unit u ON "
            f"u.code = r.region_code WHERE {confirmed} GROUP BY u.unit, u.level, {month}"
        )
        c.execute(
            "INSERT INTO reports_organizationmonth (organization_id, month, minutes, credit_minutes, "
            "records, "
            f"participations, active_volunteers, new_stars) SELECT u.unit_id, {month}, {sums}, "
            "COUNT(DISTINCT r.volunteer_id), 0 FROM ledger_servicerecord r JOIN bench_org_unit u ON "
            f"u.org_id = r.organization_id WHERE {confirmed} GROUP BY u.unit_id, {month}"
        )
        c.execute(
            "INSERT INTO reports_categorymonth (category_id, month, minutes, credit_minutes, records, "
            f"participations, active_volunteers, new_stars) SELECT a.category_id, {month}, {sums}, "
            "COUNT(DISTINCT r.volunteer_id), 0 FROM ledger_servicerecord r JOIN activities_activity a ON "
            f"a.id = r.activity_id WHERE {confirmed} GROUP BY a.category_id, {month}"
        )
        c.execute(
            "INSERT INTO reports_dailycounter (day, minutes, credit_minutes, records, participations) "
            f"SELECT r.service_date, {sums} FROM ledger_servicerecord r WHERE {confirmed} "
            "GROUP BY r.service_date"
        )
        c.execute(
            "INSERT INTO ledger_monthlyrollup (volunteer_id, organization_id, month, region_code, minutes, "
            f"credit_minutes, records) SELECT r.volunteer_id, r.organization_id, {month}, MIN(o.code), "
            "SUM(r.minutes), SUM(CASE WHEN r.is_credit THEN r.minutes ELSE 0 END), COUNT(*) FROM "
            "ledger_servicerecord r JOIN network_organization o2 ON o2.id = r.organization_id "
            "JOIN network_region o "
            f"ON o.id = o2.region_id WHERE {confirmed} GROUP BY r.volunteer_id, r.organization_id, {month}"
        )
        now = "now()" if pg else "datetime('now')"
        c.execute(
            "INSERT INTO ledger_volunteerhours (volunteer_id, total_minutes, credit_minutes, star, "
            "updated_at) "
            "SELECT r.volunteer_id, SUM(r.minutes), SUM(CASE WHEN r.is_credit THEN r.minutes ELSE 0 END), "
            f"0, {now} "
            f"FROM ledger_servicerecord r WHERE {confirmed} GROUP BY r.volunteer_id"
        )
    # The registration rollups (registered volunteers and members by month): what rebuild_rollups
    # computes from the volunteers' and memberships' tables (two GROUP BYs).
    registration_rollups_rebuild(apply=True)
    if pg:
        with connection.cursor() as c:
            c.execute("ANALYZE")


def raw_query(month: dt.date):
    """The baseline: hours, participations and active volunteers per town, straight from the ledger."""
    from django.db import connection

    end = (month + dt.timedelta(days=32)).replace(day=1)
    with connection.cursor() as c:
        c.execute(
            "SELECT substr(region_code, 1, 9) AS town, SUM(minutes), "
            "SUM(CASE WHEN kind = 'reversal' THEN -1 ELSE 1 END), COUNT(DISTINCT volunteer_id) "
            "FROM ledger_servicerecord WHERE status = 'confirmed' "
            "AND service_date >= %s AND service_date < %s "
            "GROUP BY substr(region_code, 1, 9) ORDER BY town",
            [month, end],
        )
        return c.fetchall()


def best(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm-up: caches, the font, the query plans
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def run(scale: int, n_volunteers: int, n_months: int, repeat: int, n_records: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from huiguang.core.formatting import hours_from_minutes
    from huiguang.reports.figures import bulletin_figures, section_lines
    from huiguang.reports.services.bulletins import bulletin_generate

    rng = random.Random(330482)
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    months = month_starts(last, n_months)
    n_records, n_activities = n_records * scale, 26_000 * scale
    t0 = time.perf_counter()
    villages, orgs = network(rng)
    volunteer_ids = people(rng, villages, orgs, n_volunteers, months[0])
    t1 = time.perf_counter()
    by_month = activities(rng, orgs, months, n_activities)
    records(rng, volunteer_ids, by_month, n_records)
    t2 = time.perf_counter()
    rollups()
    t3 = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SELECT COUNT(*) FROM ledger_servicerecord")
        (count,) = c.fetchone()
    print(f"database: {connection.vendor}; scale {scale}")
    print(
        f"data: {n_volunteers:,} volunteers, {count:,} confirmed records, {n_activities:,} activities over "
        f"{n_months} months ({count // n_months:,} records a month)"
    )
    print(
        f"generated in {t3 - t0:.0f} s (people {t1 - t0:.0f} s, activities and ledger {t2 - t1:.0f} s, "
        f"rollups {t3 - t2:.0f} s)"
    )

    raw_s, raw = best(lambda: raw_query(last), repeat)
    bulletin_s, bulletin = best(lambda: bulletin_generate(actor=None, month=last), repeat)
    figures_s, _figures = best(lambda: bulletin_figures(last), repeat)
    towns = {line["id"]: line["values"] for line in section_lines(bulletin.snapshot["sections"]["town"])}
    for town, minutes, participations, active in raw:
        if town not in towns:
            continue  # records of the city's own organizations, in no town
        line = towns[town]
        got = (line["hours"], line["participations"], line["active"])
        assert got == (float(hours_from_minutes(minutes)), participations, active), (town, got)
    print(f"month {last:%Y-%m}: the bulletin's {len(towns)} town lines equal the raw query's numbers")
    print(
        f"raw SQL GROUP BY over the ledger (hours, participations, active per town): {raw_s * 1000:8.1f} ms"
    )
    print(
        "whole bulletin (every unit type and measure, ranks, changes, corrections, saved): "
        f"{bulletin_s * 1000:8.1f} ms"
    )
    print(f"ratio bulletin / raw query: {bulletin_s / raw_s:.3f}")
    print(
        f"the bulletin's figures alone (no PDF, .xlsx, save): {figures_s * 1000:8.1f} ms; "
        f"ratio to the raw query: {figures_s / raw_s:.3f}"
    )
    parts(last)


def parts(month: dt.date) -> None:
    """Where the bulletin's time goes: its figures (and their slowest queries), the PDF, the .xlsx."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from huiguang.reports.exports.bulletins import bulletin_pdf, bulletin_xlsx
    from huiguang.reports.figures import bulletin_figures

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        figures = bulletin_figures(month)
        figures_s = time.perf_counter() - started
    pdf_s, _pdf = best(lambda: bulletin_pdf(month, figures, generated_at=timezone.now()), 3)
    xlsx_s, _xlsx = best(lambda: bulletin_xlsx(month, figures), 3)
    print(
        f"  of which: figures {figures_s * 1000:.1f} ms in {len(queries.captured_queries)} queries; "
        f"slowest queries:"
    )
    slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]
    for q in slow:
        print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:100]}")
    print(
        f"its files, rendered from the snapshot on first download or at publication (not in the "
        f"ratio): PDF {pdf_s * 1000:.1f} ms, .xlsx {xlsx_s * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--volunteers", type=int, default=85_000)
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--records", type=int, default=1_500_000, help="confirmed records at scale 1")
    args = parser.parse_args()

    with throwaway_database() as vendor:
        if vendor == "sqlite":
            from django.db import connection

            with connection.cursor() as cursor:  # a throwaway database: no need to survive a crash
                cursor.execute("PRAGMA synchronous = OFF")
        run(args.scale, args.volunteers, args.months, args.repeat, args.records)


if __name__ == "__main__":
    main()
