"""The score as one set-based SQL statement, generated from a policy (docs/credit.md).

`snapshots_insert_sql` computes every volunteer's inputs with a handful of GROUP BY subqueries,
their points, score, band and the components JSON, and inserts a snapshot for each volunteer
whose inputs key differs from their newest snapshot's — all in ONE statement, whatever the
number of volunteers. Narrowed to one volunteer it is the on-demand compute: every snapshot is
written by this statement.

The arithmetic mirrors scoring.py operation by operation in IEEE doubles (every number is cast
to DOUBLE PRECISION, logarithms are LN(x)/LN(10), rounding is FLOOR(x + 0.5)), so that both give
the same points; tests/credit/test_sql.py checks it on random inputs, bench/credit.py on 85,000
volunteers. scoring.py stays the reference: the pages' "what would raise it" and the tests use it.

What counts (shown on the published policy page):
- credit minutes: VolunteerHours.credit_minutes (confirmed credit hours, kept by the ledger);
- active months: months of the window (this month and the ones before it) with credit minutes
  in the ledger's MonthlyRollup;
- attended / no-shows: activities.Enrollment rows with status attended / no_show;
- ratings: confirmed ServiceRecord rows (not reversals) with the organizer's rating 1–5;
- honors: the volunteer's Honor rows by level (a project's or an organization's honors count for
  no volunteer);
- qualifications: training.Qualification types the volunteer holds valid today (not revoked, no
  expiry or an expiry from today on), each type once;
- revoked records: accepted disputes whose linked confirmed rows (the reversal and the
  correction) sum to fewer than 0 minutes, i.e. the organization took hours away;
- review adjustments: the sum of the adjustments of corrected CreditReview rows.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from .scoring import COMPONENT_KEYS, INPUT_FIELDS, merged_params


def window_start(today: dt.date | None = None, months: int = 12) -> dt.date:
    """The first day of the month `months - 1` months before today's month."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def _quote(text: str) -> str:
    # A literal in the statement: quotes doubled, and % doubled for the driver's paramstyle.
    return "'" + str(text).replace("'", "''").replace("%", "%%") + "'"


def _num(x) -> str:
    return f"CAST({float(x)!r} AS DOUBLE PRECISION)"


def _d(column: str) -> str:
    return f"CAST({column} AS DOUBLE PRECISION)"


def _least(a: str, b: str) -> str:
    return f"(CASE WHEN ({a}) < ({b}) THEN ({a}) ELSE ({b}) END)"


def _half_up(x: str) -> str:
    return f"CAST(FLOOR(({x}) + {_num(0.5)}) AS INTEGER)"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _obj(*pairs: str) -> str:
    return ("jsonb_build_object(" if _postgres() else "json_object(") + ", ".join(pairs) + ")"


def _array(*items: str) -> str:
    return ("jsonb_build_array(" if _postgres() else "json_array(") + ", ".join(items) + ")"


def _key_sql(version: int) -> str:
    """scoring.inputs_key in SQL: one format call (a chain of casts and || costs a third of the
    statement on SQLite). % is doubled for the driver's paramstyle."""
    if _postgres():
        pattern = f"v{version}:" + ",".join(["%%s"] * len(INPUT_FIELDS))
        return f"format('{pattern}', {', '.join(INPUT_FIELDS)})"
    pattern = f"v{version}:" + ",".join(["%%d"] * len(INPUT_FIELDS))
    return f"printf('{pattern}', {', '.join(INPUT_FIELDS)})"


def inputs_sql(volunteer_id: int | None, months: int) -> tuple[str, list]:
    """CTEs ending in `i`: one row per volunteer with the inputs (columns named as in
    scoring.Inputs). Narrowed to `volunteer_id` when given."""
    one = volunteer_id is not None
    only = " AND volunteer_id = %s" if one else ""
    vid = [volunteer_id] if one else []
    ctes: list[tuple[str, list]] = [
        (
            "hv AS (SELECT volunteer_id, credit_minutes FROM ledger_volunteerhours "
            f"WHERE credit_minutes > 0{only})",
            vid,
        ),
        (
            "m AS (SELECT volunteer_id, COUNT(DISTINCT month) AS n FROM ledger_monthlyrollup "
            f"WHERE month >= %s AND credit_minutes > 0{only} GROUP BY volunteer_id)",
            [window_start(months=months), *vid],
        ),
        (
            "e AS (SELECT volunteer_id, SUM(CASE WHEN status = 'attended' THEN 1 ELSE 0 END) AS a, "
            "SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END) AS n FROM activities_enrollment "
            f"WHERE status IN ('attended', 'no_show'){only} GROUP BY volunteer_id)",
            vid,
        ),
        (
            "rt AS (SELECT volunteer_id, COUNT(*) AS c, SUM(rating) AS s FROM ledger_servicerecord "
            "WHERE status = 'confirmed' AND rating IS NOT NULL AND kind <> 'reversal'"
            f"{only} GROUP BY volunteer_id)",
            vid,
        ),
        (
            "hn AS (SELECT volunteer_id, SUM(CASE WHEN level = 'city' THEN 1 ELSE 0 END) AS c, "
            "SUM(CASE WHEN level = 'province' THEN 1 ELSE 0 END) AS p, "
            "SUM(CASE WHEN level = 'national' THEN 1 ELSE 0 END) AS n FROM credit_honor "
            f"WHERE volunteer_id IS NOT NULL{only} GROUP BY volunteer_id)",
            vid,
        ),
        (
            "ql AS (SELECT volunteer_id, COUNT(DISTINCT type_id) AS n FROM training_qualification "
            "WHERE revoked_at IS NULL AND (expires_on IS NULL OR expires_on >= %s)"
            f"{only} GROUP BY volunteer_id)",
            [timezone.localdate(), *vid],
        ),
        (
            "pn AS (SELECT x.volunteer_id, COUNT(*) AS n FROM (SELECT r.volunteer_id, r.dispute_id "
            "FROM ledger_servicerecord r JOIN ledger_dispute d ON d.id = r.dispute_id "
            "WHERE r.status = 'confirmed' AND d.status = 'accepted'"
            + (" AND r.volunteer_id = %s" if one else "")
            + " GROUP BY r.volunteer_id, r.dispute_id HAVING SUM(r.minutes) < 0) x GROUP BY x.volunteer_id)",
            vid,
        ),
        (
            "cr AS (SELECT volunteer_id, COUNT(*) AS n, SUM(adjustment) AS s FROM credit_creditreview "
            f"WHERE status = 'corrected'{only} GROUP BY volunteer_id)",
            vid,
        ),
        (
            "i AS (SELECT v.id AS volunteer_id, COALESCE(hv.credit_minutes, 0) AS credit_minutes, "
            "COALESCE(m.n, 0) AS active_months, COALESCE(e.a, 0) AS attended, COALESCE(e.n, 0) AS no_shows, "
            "COALESCE(rt.c, 0) AS ratings_count, COALESCE(rt.s, 0) AS ratings_sum, "
            "COALESCE(hn.c, 0) AS honors_city, COALESCE(hn.p, 0) AS honors_province, "
            "COALESCE(hn.n, 0) AS honors_national, COALESCE(ql.n, 0) AS qualifications, "
            "COALESCE(pn.n, 0) AS revoked_records, "
            "COALESCE(cr.s, 0) AS review_adjustment, COALESCE(cr.n, 0) AS reviews_corrected "
            "FROM volunteers_volunteer v LEFT JOIN hv ON hv.volunteer_id = v.id "
            "LEFT JOIN m ON m.volunteer_id = v.id LEFT JOIN e ON e.volunteer_id = v.id "
            "LEFT JOIN rt ON rt.volunteer_id = v.id LEFT JOIN hn ON hn.volunteer_id = v.id "
            "LEFT JOIN ql ON ql.volunteer_id = v.id "
            "LEFT JOIN pn ON pn.volunteer_id = v.id LEFT JOIN cr ON cr.volunteer_id = v.id"
            + (" WHERE v.id = %s" if one else "")
            + ")",
            vid,
        ),
    ]
    return "WITH " + ",\n".join(sql for sql, _p in ctes), [x for _s, p in ctes for x in p]


def scored_sql(policy) -> str:
    """CTEs `pts` and `sc` after `i`: the points of each component, the inputs key, the score."""
    h, r, rel, q, g, p = (merged_params(policy.components, k) for k in COMPONENT_KEYS)
    hours = _least(
        str(int(h["cap"])),
        _half_up(
            f"{_num(h['weight'])} * (LN({_num(1)} + {_d('credit_minutes')} / {_num(60)}) / LN({_num(10)}))"
        ),
    )
    months = _d(_least("active_months", str(int(r["months"]))))
    regularity = _least(str(int(r["cap"])), _half_up(f"{_num(r['per_month'])} * {months}"))
    reliability = _least(
        str(int(rel["cap"])),
        _half_up(
            f"{_num(rel['weight'])} * (({_d('attended')} + {_num(rel['prior_attended'])}) / "
            f"({_d('attended')} + {_d('no_shows')} + {_num(rel['prior_shifts'])}))"
        ),
    )
    mean = (
        f"(({_d('ratings_sum')} + {_num(q['prior_mean'])} * {_num(q['prior_count'])}) / "
        f"({_d('ratings_count')} + {_num(q['prior_count'])}))"
    )
    quality = _least(str(int(q["cap"])), _half_up(f"{_num(q['weight'])} * ({mean} - {_num(1)}) / {_num(4)}"))
    growth = _least(
        str(int(g["cap"])),
        _half_up(
            f"{_d('honors_city')} * {_num(g['city'])} + {_d('honors_province')} * {_num(g['province'])} + "
            f"{_d('honors_national')} * {_num(g['national'])} + "
            + _least(_num(g["qualification_cap"]), f"{_d('qualifications')} * {_num(g['per_qualification'])}")
        ),
    )
    revoked = _half_up(f"{_d('revoked_records')} * {_num(p['per_record'])}")
    penalties = f"(0 - {_least(str(int(p['cap'])), revoked)})"
    key = _key_sql(int(policy.version))
    total = (
        f"({int(policy.base)} + p_hours + p_regularity + p_reliability + p_quality + p_growth + p_penalties "
        "+ review_adjustment)"
    )
    # MATERIALIZED: computed once per volunteer; inlined, the score would be recomputed for every
    # reference to it (the band, the JSON), component by component.
    return (
        f",\npts AS MATERIALIZED (SELECT i.*, {hours} AS p_hours, {regularity} AS p_regularity, "
        f"{reliability} AS p_reliability, {quality} AS p_quality, {growth} AS p_growth, "
        f"{penalties} AS p_penalties, {key} AS inputs_key FROM i),\n"
        f"sc AS (SELECT pts.*, (CASE WHEN {total} < 0 THEN 0 WHEN {total} > 1000 THEN 1000 "
        f"ELSE {total} END) AS score FROM pts)"
    )


def band_sql(policy) -> str:
    whens = " ".join(
        f"WHEN sc.score >= {int(b['min'])} THEN {_quote(b['label'])}"
        for b in sorted(policy.bands, key=lambda b: b["min"], reverse=True)
    )
    return f"(CASE {whens} ELSE '' END)"


def components_sql(policy) -> str:
    """The components JSON of scoring.score(), built in SQL from the `sc` columns."""
    inputs = {
        "hours": ["credit_minutes"],
        "regularity": ["active_months"],
        "reliability": ["attended", "no_shows"],
        "quality": ["ratings_count", "ratings_sum"],
        "growth": ["honors_city", "honors_province", "honors_national", "qualifications"],
        "penalties": ["revoked_records"],
    }
    items = []
    for key in COMPONENT_KEYS:
        params = merged_params(policy.components, key)
        cap = -int(params["cap"]) if key == "penalties" else int(params["cap"])
        items.append(
            _obj(
                "'key'",
                _quote(key),
                "'inputs'",
                _obj(*[f"{_quote(f)}, sc.{f}" for f in inputs[key]]),
                "'points'",
                f"sc.p_{key}",
                "'cap'",
                str(cap),
            )
        )
    items.append(
        _obj(
            "'key'",
            "'review'",
            "'inputs'",
            _obj("'reviews_corrected', sc.reviews_corrected"),
            "'points'",
            "sc.review_adjustment",
            "'cap'",
            "NULL",
        )
    )
    return _array(*items)


def snapshots_insert_sql(policy, *, source: str, at, volunteer_id: int | None = None, months: int = 12):
    """(sql, params) of the one statement that writes the changed snapshots (see the docstring)."""
    head, params = inputs_sql(volunteer_id, months)
    newest_filter = "" if volunteer_id is None else " WHERE volunteer_id = %s"
    # INSERT … WITH … SELECT (not WITH … INSERT): drivers report the rows written only for a
    # statement that starts with INSERT.
    sql = (
        "INSERT INTO credit_creditsnapshot (volunteer_id, policy_id, policy_version, score, band, "
        "components, inputs_key, source, computed_at)\n"
        + head
        + scored_sql(policy)
        + ",\nlast AS (SELECT s.volunteer_id, s.inputs_key FROM credit_creditsnapshot s WHERE s.id IN "
        f"(SELECT MAX(id) FROM credit_creditsnapshot{newest_filter} GROUP BY volunteer_id))\n"
        f"SELECT sc.volunteer_id, %s, %s, sc.score, {band_sql(policy)}, {components_sql(policy)}, "
        "sc.inputs_key, %s, %s "
        "FROM sc LEFT JOIN last ON last.volunteer_id = sc.volunteer_id "
        "WHERE last.inputs_key IS NULL OR last.inputs_key <> sc.inputs_key"
    )
    if volunteer_id is not None:
        params.append(volunteer_id)
    params += [policy.pk, policy.version, source, at]
    return sql, params


def scores_select_sql(policy, values_sql: str) -> str:
    """The score and components of the rows of `values_sql` (a SELECT with the columns of `i`; run
    it with params=[], as its % are doubled):
    how the tests compare this statement's arithmetic with scoring.py."""
    return (
        f"WITH i AS ({values_sql})"
        + scored_sql(policy)
        + f"\nSELECT sc.volunteer_id, sc.score, {band_sql(policy)}, {components_sql(policy)}, "
        "sc.inputs_key FROM sc"
    )
