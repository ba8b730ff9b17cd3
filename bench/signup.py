"""Benchmark: sign-ups over HTTP against a multi-process server, with an authenticated baseline.

    python bench/signup.py [--volunteers 2000] [--workers 4] [--clients 32] [--racers 200] [--places 20]

Modelled on bench/checkin.py. Starts gunicorn itself (--workers sync processes on 127.0.0.1, a free
port) against a throwaway database: SQLite in WAL mode under a temporary directory, or, with
DATABASE_URL set, a throwaway database on that PostgreSQL server. It is migrated and seeded with
N volunteers (members of one team, each with a bearer token and a web session) and three
activities on three days. Then, from a thread pool of --clients threads:

1. every volunteer signs up through the API (POST /api/v1/shifts/<id>/enrollments) for one of ten
   positions of the first activity;
2. every volunteer signs up through the web form (POST /activities/shifts/<id>/enroll/, session
   cookie and CSRF header) for one of the positions of the second activity;
3. the authenticated baseline: GET /api/v1/ping with the same bearer tokens, as many times (the same
   middleware and token authentication doing nothing else), measured in turns with the API
   sign-ups of step 1 (chunks of each, common.interleaved), and GET /healthz;
4. the race: --racers volunteers sign up through the API for one shift with --places places and no
   waitlist, all at once.

The baseline and the API sign-ups follow one untimed ping per volunteer (again after 40 s), so that
neither pays a token's once-a-minute last-used write (accounts.auth) and both see the tokens alike.

It prints the rates, the ratio to the authenticated baseline, p50/p99 answer times, the SQL
statements of one sign-up of each kind and of the baseline (counted in this process with the same
code, Django's test client), the machine's load, and the correctness lines: overbooked (a shift
with more confirmed sign-ups than places, or a counter that disagrees), lost (a 201 without its
row, or a volunteer without a sign-up) and doubled (two active sign-ups of one volunteer). Exits 1
when anything is wrong. Everything is removed and the server stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
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

from common import bench_volunteer, emit, free_port, interleaved

REPO = Path(__file__).resolve().parent.parent
MAX_VOLUNTEERS = 5000
POSITIONS = 10


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def seed(n: int, places: int):
    """n volunteers (active members, bearer token, web session); the API activity, the web
    activity (each POSITIONS shifts with room for everyone) and the race shift."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from huiguang.accounts.services import token_create
    from huiguang.activities.models import Activity, Category, Shift
    from huiguang.core import crypto
    from huiguang.network.models import Membership, Organization, Region

    crypto.signing_key(), crypto.blind_index_key(), crypto.data_keys()  # key files before the workers
    city = Region.objects.create(code="330482", name="平湖市", level=Region.Level.CITY)
    org = Organization.objects.create(
        code="BENCH", name="基准测试志愿服务队", region=city, status=Organization.Status.ACTIVE
    )
    category = Category.objects.get_or_create(code="bench", defaults={"name": "基准"})[0]
    now = timezone.now().replace(microsecond=0)

    def activity(title: str, days: int) -> Activity:
        starts = now + dt.timedelta(days=days)
        return Activity.objects.create(
            organization=org,
            title=title,
            category=category,
            region=city,
            address="平湖市",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=4),
            status=Activity.Status.PUBLISHED,
            share_token=secrets.token_urlsafe(16),
        )

    def shifts(act: Activity, count: int, capacity: int) -> list[int]:
        made = Shift.objects.bulk_create(
            Shift(
                activity=act,
                name=f"岗位{i + 1}",
                starts_at=act.starts_at,
                ends_at=act.ends_at,
                capacity=capacity,
            )
            for i in range(count)
        )
        return [s.pk for s in made]

    per_shift = -(-n // POSITIONS)
    api_shifts = shifts(activity("报名基准测试（接口）", 3), POSITIONS, per_shift)
    web_shifts = shifts(activity("报名基准测试（网页）", 4), POSITIONS, per_shift)
    (race_shift,) = shifts(activity("报名基准测试（抢名额）", 5), 1, places)
    # One more sign-up of each kind, counted in-process, on days nobody has signed up for.
    counted = (shifts(activity("计数（接口）", 6), 1, 5)[0], shifts(activity("计数（网页）", 7), 1, 5)[0])

    backend = "django.contrib.auth.backends.ModelBackend"
    assert backend in settings.AUTHENTICATION_BACKENDS
    people = []
    for i in range(n):
        volunteer = bench_volunteer(i, region=city, now=now)
        user = volunteer.user
        Membership.objects.create(volunteer=volunteer, organization=org, status=Membership.Status.ACTIVE)
        _token, key = token_create(user=user, name="bench", created_by=user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        people.append((volunteer.pk, key, session.session_key))
    return api_shifts, web_shifts, race_shift, counted, people


class Client:
    def __init__(self, base: str):
        self.base = base

    def call(self, method: str, path: str, body=None, headers: dict | None = None):
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Accept": "application/json", **(headers or {})},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        elapsed = time.perf_counter() - started
        try:
            answer = json.loads(raw or b"null")
        except ValueError:
            answer = None
        return status, answer, elapsed


def drive(client: Client, jobs: list, clients: int) -> tuple[float, list]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda job: (job, client.call(*job)), jobs))
    return time.perf_counter() - start, results


def api_jobs(people, shift_ids) -> list:
    return [
        (
            "POST",
            f"/api/v1/shifts/{shift_ids[i % len(shift_ids)]}/enrollments",
            {},
            {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        for i, (_vid, key, _sid) in enumerate(people)
    ]


CSRF = "b" * 32  # a CSRF secret the client holds in its cookie and repeats in the header


def web_jobs(people, shift_ids) -> list:
    return [
        (
            "POST",
            f"/activities/shifts/{shift_ids[i % len(shift_ids)]}/enroll/",
            b"next=/me/activities/",
            {
                "Cookie": f"sessionid={sid}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        for i, (_vid, _key, sid) in enumerate(people)
    ]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def percentiles(results) -> tuple[float, float]:
    times = sorted(r[2] for _job, r in results)
    if not times:
        return 0.0, 0.0
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return statistics.median(times) * 1000, p99 * 1000


CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _count(captured) -> str:
    """Statements, and the transaction's BEGIN/COMMIT apart (the tests pin the former)."""
    control = sum(1 for q in captured if q["sql"].startswith(CONTROL))
    return f"{len(captured) - control}" + (f" (+{control} BEGIN/COMMIT)" if control else "")


def statements_per_request(people, api_shift: int, web_shift: int) -> dict[str, str]:
    """One more sign-up of each kind and one baseline request, in this process, counted."""
    import logging

    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    from huiguang.accounts.models import ApiToken

    logging.getLogger("django.request").setLevel(logging.ERROR)
    _vid, key, sid = people[-1]
    out = {}
    api = DjangoClient(HTTP_AUTHORIZATION=f"Bearer {key}")
    ApiToken.objects.update(last_used_at=None)
    api.get("/api/v1/ping")  # the token's last use is fresh, as in the steady state
    with CaptureQueriesContext(connection) as q:
        api.get("/api/v1/ping")
    out["baseline GET /api/v1/ping"] = _count(q.captured_queries)
    with CaptureQueriesContext(connection) as q:
        status = api.post(
            f"/api/v1/shifts/{api_shift}/enrollments", content_type="application/json"
        ).status_code
    out[f"API sign-up (answer {status})"] = _count(q.captured_queries)
    if os.environ.get("BENCH_SHOW_SQL"):
        print("\n".join(x["sql"][:150] for x in q.captured_queries))
    web = DjangoClient(enforce_csrf_checks=False)
    web.cookies["sessionid"] = sid
    with CaptureQueriesContext(connection) as q:
        status = web.post(f"/activities/shifts/{web_shift}/enroll/", {"next": "/"}).status_code
    out[f"web sign-up (answer {status})"] = _count(q.captured_queries)
    return out


def check(kind: str, results, people, shift_ids, expect_status: int, expect_redirect=False) -> list[str]:
    """Every volunteer has exactly one active sign-up on these shifts; counters agree; 201s have rows."""
    from huiguang.activities.models import Enrollment, Shift

    problems = []
    statuses = Counter(r[0] for _j, r in results)
    if set(statuses) != {expect_status}:
        problems.append(f"{kind}: answers {dict(statuses)}")
    rows = Counter(
        Enrollment.objects.filter(shift_id__in=shift_ids, status__in=Enrollment.ACTIVE).values_list(
            "volunteer_id", flat=True
        )
    )
    want = {vid for vid, _k, _s in people}
    lost = want - set(rows)
    doubled = [v for v, c in rows.items() if c > 1]
    overbooked = []
    for shift in Shift.objects.filter(pk__in=shift_ids):
        confirmed = Enrollment.objects.filter(shift=shift, status=Enrollment.Status.CONFIRMED).count()
        if confirmed > shift.capacity or shift.taken != confirmed:
            overbooked.append(
                f"shift {shift.pk}: {confirmed} confirmed, taken {shift.taken}, {shift.capacity}"
            )
    print(f"  {kind}: lost {len(lost)}, doubled {len(doubled)}, overbooked {len(overbooked)}")
    problems += [f"{kind}: lost {len(lost)}"] if lost else []
    problems += [f"{kind}: doubled {len(doubled)}"] if doubled else []
    problems += overbooked
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4, choices=[1, 2, 3, 4])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--racers", type=int, default=200)
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument("--json", help="append result lines for bench/table.py to this file")
    args = parser.parse_args()
    n = max(POSITIONS, min(args.volunteers, MAX_VOLUNTEERS))
    racers = max(1, min(args.racers, n))
    clients = max(1, min(args.clients, 64))

    tmp = tempfile.mkdtemp(prefix="huiguang-bench-signup-")
    env = os.environ.copy()
    env.update(
        {
            "HUIGUANG_VAR_DIR": tmp,
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
    failures: list[str] = []
    try:
        if postgres:
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
                f"huiguang_bench_signup_{os.getpid()}"
            )
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            parts = urlsplit(env["DATABASE_URL"])
            env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
        else:
            call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor}; seeding {n} volunteers … ({load()})", flush=True)
        api_shifts, web_shifts, race_shift, counted, people = seed(n, args.places)
        connection.close()

        port = free_port()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        server_log = open(Path(tmp) / "gunicorn.log", "wb")  # noqa: SIM115 - closed with the server
        server = subprocess.Popen(
            [str(gunicorn), "huiguang.config.wsgi:application", "--workers", str(args.workers)]
            + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120"],
            env=env,
            cwd=str(REPO),
            start_new_session=True,
            stdout=server_log,
            stderr=subprocess.STDOUT,  # 409s are logged as warnings; errors are counted below
        )
        urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
        client = Client(f"http://127.0.0.1:{port}")
        deadline = time.time() + 60
        while True:
            try:
                if client.call("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not answer")
            time.sleep(0.2)

        print(
            f"server: gunicorn, {args.workers} sync workers; {clients} client threads; {load()}", flush=True
        )
        rows = []
        # Before the timed chunks that send the tokens (the baseline and the API sign-ups, in turns),
        # and again after 40 s, one untimed ping per volunteer: a token's first request of a minute
        # writes its last-used time (accounts.auth), and both must meet the tokens alike (the steady
        # state: no write). It also warms the workers.
        me_jobs = [("GET", "/api/v1/ping", None, {"Authorization": f"Bearer {k}"}) for _v, k, _s in people]
        by_token = {job[3]["Authorization"]: job for job in me_jobs}
        # The API sign-ups in chunks, each after as many pings of the same tokens (common.interleaved).
        api_s, parts, me_s, me_parts = interleaved(
            lambda chunk: drive(client, chunk, clients),
            api_jobs(people, api_shifts),
            lambda chunk: [by_token[job[3]["Authorization"]] for job in chunk],
            refresh=lambda: drive(client, me_jobs, clients),
        )
        api_results = [r for part in parts for r in part[0]]
        me_results = [r for part in me_parts for r in part[0]]
        rows.append(("baseline GET /api/v1/ping", n, me_s, me_results, load()))
        hz_s, hz_results = drive(client, [("GET", "/healthz", None, None)] * n, clients)
        rows.append(("GET /healthz", n, hz_s, hz_results, load()))
        rows.append(("API sign-up", n, api_s, api_results, load()))
        web_s, web_results = drive(client, web_jobs(people, web_shifts), clients)
        rows.append(("web sign-up", n, web_s, web_results, load()))

        race_people = people[:racers]
        race_started = time.perf_counter()
        race_s, race_results = drive(client, api_jobs(race_people, [race_shift]), min(clients, racers))
        race_total = time.perf_counter() - race_started
        rows.append((f"race {racers} on {args.places} places", racers, race_s, race_results, load()))

        baseline = n / me_s
        print(f"\n{'':28} {'requests':>8} {'rate/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8}  machine")
        for name, count, seconds, results, when in rows:
            p50, p99 = percentiles(results)
            print(
                f"{name:28} {count:8d} {count / seconds:8.1f} {count / seconds / baseline:6.2f} "
                f"{p50:8.1f} {p99:8.1f}  {when}"
            )
        print(f"race settled in {race_total:.2f} s")

        print("\nSQL statements per request (this process, the same code):")
        statements = statements_per_request(people, *counted)
        for name, count in statements.items():
            print(f"  {name}: {count}")

        print("\ncorrectness:")
        failures += check("API sign-ups", api_results, people, api_shifts, 201)
        failures += check("web sign-ups", web_results, people, web_shifts, 302)
        from huiguang.activities.models import Enrollment, Shift

        race_answers = Counter((r[0], (r[1] or {}).get("reason")) for _j, r in race_results)
        confirmed = Enrollment.objects.filter(shift_id=race_shift, status=Enrollment.Status.CONFIRMED).count()
        taken = Shift.objects.get(pk=race_shift).taken
        print(
            f"  race: answers {dict(race_answers)}; {confirmed} confirmed, taken {taken}, "
            f"places {args.places}"
        )
        want = min(args.places, racers)
        if confirmed != want or taken != want or race_answers.get((201, None), 0) != want:
            failures.append(f"race: {confirmed} confirmed for {want} places")
        if sum(c for (s, _r), c in race_answers.items() if s not in (201, 409)):
            failures.append("race: answers other than 201 and 409")
        bad = [r[0] for _j, r in me_results + hz_results if r[0] != 200]
        if bad:
            failures.append(f"baseline: {len(bad)} failed requests")
        for line in failures:
            print("  ", line)
        if failures:
            server_log.flush()
            print((Path(tmp) / "gunicorn.log").read_text(errors="replace")[-3000:])
        print("OK: nothing overbooked, lost or doubled" if not failures else "FAILED")
        by_kind = {name.split(" (")[0]: count.split(" ")[0] for name, count in statements.items()}
        for name, count, seconds, results, _when in rows[2:]:
            p50, p99 = percentiles(results)
            emit(
                args.json,
                bench="signup",
                database=connection.vendor,
                path=name,
                rate=round(count / seconds, 1),
                baseline="GET /api/v1/ping",
                baseline_rate=round(baseline, 1),
                queries=by_kind.get(name, ""),
                p50_ms=round(p50, 1),
                p99_ms=round(p99, 1),
                overbooked=sum("overbooked" in f or "confirmed for" in f for f in failures),
                lost=sum("lost" in f for f in failures),
                doubled=sum("doubled" in f for f in failures),
            )
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
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
