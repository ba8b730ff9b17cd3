"""Benchmark: check-ins over HTTP against a multi-process server, with a trivial view as baseline.

    .venv/bin/python bench/checkin.py [--volunteers 300] [--workers 4] [--clients 16] [--duplicates 0.3]
                                      [--pause 0] [--json var/bench.jsonl]

Starts gunicorn itself (--workers sync processes on 127.0.0.1, a free port) against a throwaway
database: SQLite in WAL mode under a temporary directory, or, with DATABASE_URL set, a throwaway
database on that PostgreSQL server. It is migrated and seeded with one activity, a shift running
now and N confirmed volunteers, each with a bearer token. Then, from a thread pool:

1. every volunteer checks in (POST /api/v1/checkins, method qr, with an Idempotency-Key), and a
   share of them send the same request again (a retry: same key, same body), shuffled in;
2. every check-in is moved two minutes back (one UPDATE, so that each pair holds whole minutes
   and the check-out writes a pending ledger record through
   ledger.services.records.record_from_attendance, as in real use; `--pause 61` waits for real
   instead), then every volunteer checks out the same way;
3. the baselines: GET /api/v1/ping with each volunteer's bearer token (the same middleware and
   authentication doing nothing else: the ratio's baseline), interleaved with the check-ins and
   check-outs in chunks (each chunk of them after as many pings of the same tokens), so that both
   meet the machine in the same state; then GET /healthz (no authentication).

Each phase's timed chunks follow one untimed ping per volunteer (again after 40 s), so that none
of them pays a token's once-a-minute last-used write (accounts.auth) and all see the tokens alike.

It prints the rates, the ratios, the queries of one check-in and one check-out (counted in this
process through the same API) and the p50/p99 answer times, then checks the database: exactly one
check-in and one check-out per volunteer, every retry answered 200 with the first answer's id,
nothing lost or doubled. With --json the figures are appended to that file (bench/table.py prints
them). Everything is removed and the server stopped at the end. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import bench_volunteer, emit, free_port, interleaved, load, percentile

REPO = Path(__file__).resolve().parent.parent
MAX_VOLUNTEERS = 5000  # a bounded load: this is a benchmark, not a stress test


def dt_minutes(n: int):
    import datetime as dt

    return dt.timedelta(minutes=n)


def seed(n: int) -> tuple[int, list[tuple[int, str]]]:
    """One activity with a shift running now, n confirmed volunteers with bearer tokens."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from huiguang.accounts.services import token_create
    from huiguang.activities.models import Activity, Category, Enrollment, Shift
    from huiguang.core import crypto
    from huiguang.network.models import Organization, Region

    crypto.signing_key(), crypto.blind_index_key()  # the key files exist before the workers start
    city = Region.objects.create(code="330482", name="平湖市", level=Region.Level.CITY)
    org = Organization.objects.create(
        code="BENCH", name="基准测试志愿服务队", region=city, status=Organization.Status.ACTIVE
    )
    now = timezone.now()
    activity = Activity.objects.create(
        organization=org,
        title="签到基准测试",
        category=Category.objects.get_or_create(code="bench", defaults={"name": "基准"})[0],
        region=city,
        address="平湖市",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=5),
        status=Activity.Status.PUBLISHED,
        share_token=secrets.token_urlsafe(16),
    )
    shift = Shift.objects.create(
        activity=activity,
        name="现场服务",
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        capacity=n,
        taken=n,
    )
    people = []
    for i in range(n):
        volunteer = bench_volunteer(i, region=city, now=now)
        user = volunteer.user
        Enrollment.objects.create(shift=shift, volunteer=volunteer, status=Enrollment.Status.CONFIRMED)
        _token, key = token_create(user=user, name="bench", created_by=user)
        people.append((volunteer.pk, key))
    return shift.pk, people


class Client:
    def __init__(self, base: str):
        self.base = base

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")


def drive(client: Client, jobs: list, clients: int) -> tuple[float, list, list[float]]:
    """Run the jobs from `clients` threads: (seconds, [(job, answer)], answer times in ms)."""
    times: list[float] = []

    def one(job):
        started = time.perf_counter()
        answer = client.call(*job)
        times.append((time.perf_counter() - started) * 1000)
        return job, answer

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, jobs))
    return time.perf_counter() - start, results, times


def count_queries(shift_id: int, volunteer_id: int, key: str) -> tuple[int, int]:
    """The SQL statements of one QR check-in and one check-out (with its ledger record) through the
    API, in this process, for the spare volunteer (BEGIN/COMMIT are not logged by Django)."""
    import datetime as dt

    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    from huiguang.attendance import codes
    from huiguang.attendance.models import CheckIn

    client = DjangoClient(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get("/api/v1/ping")
    counts = []
    for kind in ("in", "out"):
        body = {"method": "qr", "kind": kind, "token": codes.qr_token(shift_id)}
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                "/api/v1/checkins",
                data=json.dumps(body),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"count-{kind}",
            )
        assert response.status_code == 201, response.content
        # BEGIN (IMMEDIATE) and COMMIT are logged on SQLite, not on PostgreSQL: not counted.
        counts.append(sum(1 for q in ctx.captured_queries if q["sql"].split()[0] not in ("BEGIN", "COMMIT")))
        print(f"  {kind}: " + " | ".join(q["sql"][:48] for q in ctx.captured_queries), flush=True)
        CheckIn.objects.filter(enrollment__volunteer_id=volunteer_id).update(
            at=models_f("at") - dt.timedelta(minutes=2)
        )
    return counts[0], counts[1]


def models_f(name: str):
    from django.db.models import F

    return F(name)


def checkin_jobs(shift_id: int, people, kind: str, duplicates: float, rng: random.Random) -> list:
    from huiguang.attendance import codes

    jobs = []
    for volunteer_id, key in people:
        body = {"method": "qr", "kind": kind, "token": codes.qr_token(shift_id)}
        headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": f"bench-{volunteer_id}-{kind}"}
        jobs.append(("POST", "/api/v1/checkins", body, headers))
        if rng.random() < duplicates:
            jobs.append(("POST", "/api/v1/checkins", body, headers))  # the phone's retry
    rng.shuffle(jobs)
    return jobs


def check_answers(results: list, kind: str) -> tuple[int, int, list[str]]:
    """(first answers, retries) and the problems: per key one 201, the rest 200 with the same id."""
    by_key: dict[str, list] = {}
    problems = []
    for (_m, _p, _body, headers), (status, answer) in results:
        by_key.setdefault(headers["Idempotency-Key"], []).append((status, answer))
    for key, answers in by_key.items():
        statuses = Counter(s for s, _a in answers)
        ids = {a.get("id") for s, a in answers if s in (200, 201)}
        if statuses.get(201) != 1 or set(statuses) - {200, 201} or len(ids) != 1:
            problems.append(f"{key}: {sorted(statuses.items())} {[a for _s, a in answers][:2]}")
        elif any(a["kind"] != kind for _s, a in answers):
            problems.append(f"{key}: wrong kind")
    first = sum(1 for a in by_key.values())
    return first, sum(len(a) for a in by_key.values()) - first, problems


def wait_until_up(client: Client, server: subprocess.Popen) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before answering")
        try:
            if client.call("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4, choices=[2, 3, 4])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duplicates", type=float, default=0.3, help="share of requests sent twice")
    parser.add_argument(
        "--pause",
        type=float,
        default=0,
        help="seconds to wait between check-ins and check-outs; 0: move the check-ins two minutes "
        "back instead (either way each check-out writes its ledger record)",
    )
    parser.add_argument("--json", default="", help="append the figures to this JSON-lines file")
    args = parser.parse_args()
    n = max(1, min(args.volunteers, MAX_VOLUNTEERS))
    clients = max(1, min(args.clients, 64))

    tmp = tempfile.mkdtemp(prefix="huiguang-bench-checkin-")
    env = os.environ.copy()
    env.update(
        {
            "HUIGUANG_VAR_DIR": tmp,  # SQLite, keys, secrets: all in the temp dir
            "HUIGUANG_QR_ROTATE_SECONDS": "3600",  # the run must not straddle a QR window's expiry
            "DJANGO_SETTINGS_MODULE": "huiguang.config.settings",
            "DJANGO_DEBUG": "0",
            "PYTHONPATH": str(REPO / "src"),
        }
    )
    os.environ.update(env)
    sys.path.insert(0, str(REPO / "src"))
    server = None
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    postgres = connection.vendor != "sqlite"
    old_name = None
    try:
        if postgres:
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
                f"huiguang_bench_checkin_{os.getpid()}"
            )
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            parts = urlsplit(env["DATABASE_URL"])
            env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
        else:
            call_command("migrate", verbosity=0)
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
        print(f"database: {connection.vendor}; seeding {n} volunteers …", flush=True)
        shift_id, people = seed(n + 1)
        if postgres:
            # The statistics autovacuum would gather within a minute of the seeding (a live
            # database has them): without them the planner takes the shift's 2,000 enrollments for
            # one row and scans them all on every check-in (5 ms instead of 0.05 ms at 2,000).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        spare_id, spare_key = people.pop()  # counts the queries, in this process
        queries_in, queries_out = count_queries(shift_id, spare_id, spare_key)
        connection.close()

        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "huiguang.config.wsgi:application",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            env=env,
            cwd=str(REPO),
            start_new_session=True,
        )
        client = Client(f"http://127.0.0.1:{port}")
        wait_until_up(client, server)
        rng = random.Random(4)
        # Warm every worker (the first API call of a process builds the API and its URL patterns).
        warm = [("GET", "/api/v1/ping", None, {"Authorization": f"Bearer {key}"}) for _v, key in people[:50]]
        drive(client, warm * 2, clients)

        # Before each phase's timed chunks (and again after 40 s), one ping per volunteer: a token's
        # first request of a minute writes its last-used time (accounts.auth), which neither the
        # check-ins nor their baseline must pay.
        tokens_used = [
            ("GET", "/api/v1/ping", None, {"Authorization": f"Bearer {key}"}) for _v, key in people
        ]
        in_jobs = checkin_jobs(shift_id, people, "in", args.duplicates, rng)
        out_jobs = checkin_jobs(shift_id, people, "out", args.duplicates, rng)
        by_token = {job[3]["Authorization"]: job for job in tokens_used}

        def pings_of(chunk: list) -> list:
            pings = [by_token[job[3]["Authorization"]] for job in chunk]
            rng.shuffle(pings)
            return pings

        def measured(jobs: list) -> tuple:
            """The jobs interleaved with their pings (common.interleaved): (seconds, answers, answer
            times, the pings' seconds, their answers, their times)."""
            seconds, parts, ping_seconds, ping_parts = interleaved(
                lambda chunk: drive(client, chunk, clients),
                jobs,
                pings_of,
                refresh=lambda: drive(client, tokens_used, clients),
            )
            return (
                seconds,
                [r for part in parts for r in part[0]],
                [t for part in parts for t in part[1]],
                ping_seconds,
                [r for part in ping_parts for r in part[0]],
                [t for part in ping_parts for t in part[1]],
            )

        in_s, in_results, in_times, ping_in_s, ping_in_results, ping_in_times = measured(in_jobs)
        if args.pause > 0:
            print(f"check-ins done; waiting {args.pause:.0f} s before the check-outs …", flush=True)
            time.sleep(args.pause)
        else:
            from huiguang.attendance.models import CheckIn

            CheckIn.objects.filter(enrollment__shift_id=shift_id).update(at=models_f("at") - dt_minutes(2))
            connection.close()
        out_s, out_results, out_times, ping_out_s, ping_out_results, ping_out_times = measured(out_jobs)
        requests = len(in_jobs) + len(out_jobs)
        ping_s, ping_results = ping_in_s + ping_out_s, ping_in_results + ping_out_results
        ping_times = ping_in_times + ping_out_times
        health_jobs = [("GET", "/healthz", None, None)] * requests
        health_s, health_results, health_times = drive(client, health_jobs, clients)

        first_in, retries_in, problems_in = check_answers(in_results, "in")
        first_out, retries_out, problems_out = check_answers(out_results, "out")
        bad_health = sum(1 for _j, (status, _a) in health_results + ping_results if status != 200)

        checkin_rate = requests / (in_s + out_s)
        health_rate = requests / health_s
        ping_rate = requests / ping_s
        print(f"server: gunicorn, {args.workers} sync workers; {clients} client threads; 127.0.0.1:{port}")
        print(
            f"check-in requests: {requests} ({first_in + first_out} first, "
            f"{retries_in + retries_out} retries) "
            f"in {in_s + out_s:.2f} s → {checkin_rate:,.0f} check-ins/s"
        )
        print(f"/api/v1/ping (authenticated no-op): {requests} in {ping_s:.2f} s → {ping_rate:,.0f} req/s")
        print(f"/healthz requests: {requests} in {health_s:.2f} s → {health_rate:,.0f} requests/s")
        print(
            f"  of which check-ins {len(in_jobs) / in_s:,.0f}/s "
            f"(ratio {ping_in_s / in_s:.2f} to the pings between them), "
            f"check-outs with their ledger record {len(out_jobs) / out_s:,.0f}/s "
            f"(ratio {ping_out_s / out_s:.2f})"
        )
        print(
            f"ratio check-in / authenticated no-op: {checkin_rate / ping_rate:.2f}; "
            f"check-in / healthz: {checkin_rate / health_rate:.2f}; load {load()}"
        )
        print(f"queries: check-in {queries_in}, check-out {queries_out} (with its ledger record)")

        # The database afterwards, read in this process.
        from huiguang.attendance.models import CheckIn
        from huiguang.ledger.models import ServiceRecord

        rows = Counter(
            CheckIn.objects.filter(enrollment__shift_id=shift_id)
            .exclude(enrollment__volunteer_id=spare_id)
            .values_list("enrollment__volunteer_id", "kind")
        )
        expected = {(vid, kind) for vid, _key in people for kind in ("in", "out")}
        lost = expected - set(rows)
        doubled = {k: v for k, v in rows.items() if v > 1}
        extra = set(rows) - expected
        problems = problems_in + problems_out
        records = Counter(
            ServiceRecord.objects.filter(shift_id=shift_id)
            .exclude(volunteer_id=spare_id)
            .values_list("volunteer_id", flat=True)
        )
        if True:
            want = {vid for vid, _key in people}
            if set(records) != want or any(v != 1 for v in records.values()):
                problems.append(
                    f"ledger: {len(records)} volunteers with records, {sum(records.values())} records"
                )
        print(
            f"database: {sum(rows.values())} check-in rows for {len(expected)} intended (volunteer, kind); "
            f"lost {len(lost)}, doubled {len(doubled)}, unexpected {len(extra)}; "
            f"answer problems {len(problems)}; failed /healthz {bad_health}; "
            f"pending ledger records {sum(records.values())} (one per volunteer's pair)"
        )
        for line in problems[:10]:
            print("  ", line)
        ok = not (lost or doubled or extra or problems or bad_health)
        database = connection.vendor
        common = {"bench": "checkin", "database": database, "baseline": "GET /api/v1/ping (auth)"}
        emit(
            args.json,
            **common,
            path="check-in (qr, api)",
            rate=len(in_jobs) / in_s,
            baseline_rate=len(in_jobs) / ping_in_s,
            queries=queries_in,
            p50_ms=percentile(in_times, 50),
            p99_ms=percentile(in_times, 99),
            lost=len({(v, k) for v, k in lost if k == "in"}),
            doubled=len({(v, k) for v, k in doubled if k == "in"}),
            note=f"{n} volunteers, {len(in_jobs) - n} retries, {clients} clients, {args.workers} workers"
            + ("" if ok else "; FAILED: " + "; ".join(problems[:3])),
        )
        emit(
            args.json,
            **common,
            path="check-out + ledger (qr, api)",
            rate=len(out_jobs) / out_s,
            baseline_rate=len(out_jobs) / ping_out_s,
            queries=queries_out,
            p50_ms=percentile(out_times, 50),
            p99_ms=percentile(out_times, 99),
            lost=len({(v, k) for v, k in lost if k == "out"}),
            doubled=len({(v, k) for v, k in doubled if k == "out"}),
        )
        emit(
            args.json,
            **common,
            path="GET /api/v1/ping",
            rate=ping_rate,
            baseline_rate=ping_rate,
            queries=1,
            p50_ms=percentile(ping_times, 50),
            p99_ms=percentile(ping_times, 99),
        )
        emit(
            args.json,
            **{**common, "baseline": "GET /api/v1/ping (auth)"},
            path="GET /healthz",
            rate=health_rate,
            baseline_rate=ping_rate,
            queries=0,
            p50_ms=percentile(health_times, 50),
            p99_ms=percentile(health_times, 99),
        )
        print("OK: no lost or doubled check-in" if ok else "FAILED")
        if not ok:
            sys.exit(1)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        connection.close()
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
