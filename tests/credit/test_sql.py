"""The set-based statement (sql.py) and the reference arithmetic (scoring.py) give the same
components, points, band and inputs key, on random inputs, on this database."""

import json

from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiguang.credit import scoring
from huiguang.credit.scoring import INPUT_FIELDS, Inputs
from huiguang.credit.selectors import current_policy
from huiguang.credit.sql import scores_select_sql

from .test_hypothesis import inputs


def _values(rows: list[Inputs]) -> str:
    return " UNION ALL ".join(
        "SELECT " + ", ".join([f"{n} AS volunteer_id"] + [f"{getattr(i, f)} AS {f}" for f in INPUT_FIELDS])
        for n, i in enumerate(rows, 1)
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        inputs().map(lambda i: Inputs(**{**i.__dict__, "review_adjustment": 0})), min_size=1, max_size=20
    )
)
def test_statement_equals_reference(db, rows):
    policy = current_policy()
    with connection.cursor() as cursor:
        cursor.execute(scores_select_sql(policy, _values(rows)), [])  # [] : %% is unescaped
        got = {r[0]: r[1:] for r in cursor.fetchall()}
    for n, i in enumerate(rows, 1):
        want = scoring.score(i, base=policy.base, components=policy.components, bands=policy.bands)
        score, band, components, key = got[n]
        components = json.loads(components) if isinstance(components, str) else components
        assert (score, band, key) == (want.score, want.band, scoring.inputs_key(i, policy.version))
        assert components == want.components
