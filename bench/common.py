"""Shared by the benches: one JSON line per measured path (`--json FILE`), latency percentiles, the
machine's load; `bench/table.py` prints the lines as one table (make bench)."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path


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
