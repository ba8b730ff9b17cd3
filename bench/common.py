"""Shared by the benches: one JSON line per measured path (`--json FILE`), latency percentiles, the
machine's load; `bench/table.py` prints the lines as one table (make bench)."""

from __future__ import annotations

import json
import os
import platform
import socket
import time
from collections.abc import Callable
from pathlib import Path

CHUNKS = 8


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`, 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def load() -> str:
    """The 1-minute load average and the number of CPUs: figures on a shared machine need it."""
    try:
        one = os.getloadavg()[0]
    except OSError:
        return "?"
    return f"{one:.1f}/{os.cpu_count() or '?'} CPUs"


def emit(file: str | None, **row) -> None:
    """Append one result line to `file` (nothing without one). Fields: bench, database, path,
    rate, baseline, baseline_rate, queries, p50_ms, p99_ms, lost, doubled, overbooked, load, note."""
    if not file:
        return
    row.setdefault("load", load())
    row.setdefault("host", platform.node())
    Path(file).parent.mkdir(parents=True, exist_ok=True)
    with open(file, "a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_volunteer(i: int, *, region, now):
    """The i-th volunteer of a request bench (the same people in every bench): a user, a real-name
    profile with a valid ID number and a volunteer number. Called after django.setup(), hence the
    imports here."""
    import datetime as dt

    from huiguang.accounts.models import User
    from huiguang.core.id_card import make_id_number
    from huiguang.volunteers.models import Volunteer

    user = User.objects.create(phone=f"137{i:08d}", display_name=f"志愿者{i}")
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=i // 999)
    volunteer = Volunteer(
        user=user,
        real_name=f"志愿者{i}",
        gender="M",
        birth_date=birth,
        residence_region=region,
        volunteer_number=f"3304822026{i:06d}",
        privacy_policy_version="2026-01",
        consented_at=now,
    )
    volunteer.set_id_number(make_id_number("330482", birth, i % 999 + 1))
    volunteer.save()
    return volunteer


def interleaved(
    run: Callable[[list], tuple],
    jobs: list,
    baseline_of: Callable[[list], list],
    *,
    refresh: Callable[[], object] | None = None,
    every: float = 40.0,
) -> tuple[float, list[tuple], float, list[tuple]]:
    """A measured path and its baseline in turns: `jobs` in CHUNKS chunks, each after its baseline
    `baseline_of(chunk)` (e.g. as many pings of the same tokens), so that both meet the machine in
    the same state; a load that comes and goes touches both alike (measured one after the other,
    the ratio moved by ±0.1 from run to run). `run(jobs)` sends jobs and returns (seconds, *rest);
    `refresh()` (untimed) runs first and again whenever `every` seconds have passed. Returns (the
    jobs' seconds, each chunk's rest, the baselines' seconds, each baseline chunk's rest)."""
    seconds = base_seconds = 0.0
    parts: list[tuple] = []
    base_parts: list[tuple] = []
    refreshed = -every
    size = max(1, -(-len(jobs) // CHUNKS))
    for start in range(0, len(jobs), size):
        chunk = jobs[start : start + size]
        if refresh is not None and time.monotonic() - refreshed >= every:
            refresh()
            refreshed = time.monotonic()
        took, *rest = run(baseline_of(chunk))
        base_seconds += took
        base_parts.append(tuple(rest))
        took, *rest = run(chunk)
        seconds += took
        parts.append(tuple(rest))
    return seconds, parts, base_seconds, base_parts
