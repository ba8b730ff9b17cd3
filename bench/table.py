"""Print the results the benches appended to a JSON-lines file as one table (make bench).

    python bench/table.py var/bench.jsonl

ratio = rate / baseline rate (1.0: as fast as the baseline); for a request path the baseline is
the same stack doing nothing behind the same bearer authentication (GET /api/v1/ping), /healthz
is shown beside it; for the import the baseline is parse + one bulk insert of the same file.
"""

from __future__ import annotations

import json
import sys


def fmt(value, spec: str = ",.0f") -> str:
    if value is None or value == "":
        return "–"
    return format(value, spec) if isinstance(value, int | float) else str(value)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    head = (
        f"{'database':<10} {'path':<26} {'rate/s':>9} {'baseline':<22} {'base/s':>9} {'ratio':>6} "
        f"{'queries':>8} {'p50 ms':>7} {'p99 ms':>7} {'lost':>5} {'doubled':>8} {'overbooked':>11} "
        f"{'load':>14}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        rate, base = r.get("rate"), r.get("baseline_rate")
        ratio = rate / base if rate and base else None
        print(
            f"{r.get('database', ''):<10} {r.get('path', ''):<26} {fmt(rate):>9} {r.get('baseline', ''):<22} "
            f"{fmt(base):>9} {fmt(ratio, '.2f'):>6} {fmt(r.get('queries'), '.1f'):>8} "
            f"{fmt(r.get('p50_ms'), '.1f'):>7} {fmt(r.get('p99_ms'), '.1f'):>7} {fmt(r.get('lost'), 'd'):>5} "
            f"{fmt(r.get('doubled'), 'd'):>8} {fmt(r.get('overbooked'), 'd'):>11} {r.get('load', ''):>14}"
        )
        if r.get("note"):
            print(f"{'':<10} {'':<26} {r['note']}")


if __name__ == "__main__":
    main()
