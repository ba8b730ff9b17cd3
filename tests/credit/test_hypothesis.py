"""Properties of the components under the default policy: bounds, caps, monotonicity, the prior."""

from hypothesis import given
from hypothesis import strategies as st

from huiguang.credit import scoring
from huiguang.credit.scoring import DEFAULT_BANDS, DEFAULT_BASE, DEFAULT_COMPONENTS, Inputs

small = st.integers(min_value=0, max_value=500)
P = DEFAULT_COMPONENTS


@st.composite
def ratings(draw):
    """n ratings of 1 to 5: their count and their sum."""
    values = draw(st.lists(st.integers(min_value=1, max_value=5), max_size=300))
    return len(values), sum(values)


def inputs():
    return st.builds(
        lambda r, **kw: Inputs(ratings_count=r[0], ratings_sum=r[1], **kw),
        ratings(),
        credit_minutes=st.integers(min_value=0, max_value=10_000_000),
        active_months=st.integers(min_value=0, max_value=12),
        attended=small,
        no_shows=small,
        honors_city=st.integers(min_value=0, max_value=20),
        honors_province=st.integers(min_value=0, max_value=20),
        honors_national=st.integers(min_value=0, max_value=20),
        qualifications=st.integers(min_value=0, max_value=12),
        revoked_records=st.integers(min_value=0, max_value=50),
    )


def run(i: Inputs):
    return scoring.score(i, base=DEFAULT_BASE, components=P, bands=DEFAULT_BANDS)


@given(inputs())
def test_score_and_every_component_stay_within_bounds(i):
    result = run(i)
    assert 0 <= result.score <= 1000
    for row in result.components:
        if row["key"] == "penalties":
            assert row["cap"] <= row["points"] <= 0
        elif row["key"] == "review":
            assert row["points"] == i.review_adjustment == 0
        else:
            assert 0 <= row["points"] <= row["cap"]


@given(st.integers(min_value=0, max_value=5_000_000), st.integers(min_value=0, max_value=100_000))
def test_more_credit_hours_never_lower_the_hours_component(minutes, more):
    assert scoring.hours_points(minutes + more, P["hours"]) >= scoring.hours_points(minutes, P["hours"])


@given(small, small, st.integers(min_value=1, max_value=50))
def test_attending_never_lowers_and_a_no_show_never_raises_reliability(attended, no_shows, more):
    p = P["reliability"]
    now = scoring.reliability_points(attended, no_shows, p)
    assert scoring.reliability_points(attended + more, no_shows, p) >= now
    assert scoring.reliability_points(attended, no_shows + more, p) <= now


def test_the_prior_does_not_punish_a_newcomer():
    p = P["reliability"]
    newcomer = scoring.reliability_points(0, 0, p)
    assert newcomer == 180  # the prior's 9 of 10
    # one no-show costs a newcomer less than a fifth of the component
    assert newcomer - scoring.reliability_points(0, 1, p) < 40
    assert scoring.quality_points(0, 0, P["quality"]) == 75


@given(
    inputs(),
    st.sampled_from(["honors_city", "honors_province", "honors_national", "active_months", "qualifications"]),
)
def test_more_honors_or_active_months_never_lower_the_score(i, field):
    bumped = Inputs(**{**i.__dict__, field: getattr(i, field) + 1})
    assert run(bumped).score >= run(i).score


@given(inputs())
def test_hints_promise_what_the_score_then_gives(i):
    from types import SimpleNamespace

    policy = SimpleNamespace(base=DEFAULT_BASE, components=P, bands=DEFAULT_BANDS)
    for hint in scoring.hints(i, policy):
        assert hint["gain"] > 0
        if hint["key"] == "hours":
            after = Inputs(**{**i.__dict__, "credit_minutes": i.credit_minutes + hint["minutes"]})
            assert run(after).score - run(i).score == hint["gain"]
