"""The two scoring rules of assessment indicators and the aggregation of a period, on numbers."""

from decimal import Decimal as D

from huiguang.reports.scoring import aggregate, rank_units, score_linear, score_rank


def test_linear_rule_gives_the_share_of_the_target_and_is_capped_at_the_weight():
    assert score_linear(D(50), weight=D(20), target=D(100)) == D("10.00")
    assert score_linear(D(100), weight=D(20), target=D(100)) == D("20.00")
    assert score_linear(D(250), weight=D(20), target=D(100)) == D("20.00")  # capped
    assert score_linear(D(1), weight=D(10), target=D(3)) == D("3.33")  # half up to the cent
    assert score_linear(None, weight=D(20), target=D(100)) == D("0.00")
    assert score_linear(D(0), weight=D(20), target=D(100)) == D("0.00")


def test_rank_rule_gives_the_first_the_weight_then_steps_down_and_ties_share_a_rank():
    ranks = rank_units({"a": D(30), "b": D(50), "c": D(30), "d": D(10), "e": None})
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}
    points = {k: score_rank(ranks.get(k), weight=D(10), step=D(2)) for k in "abcde"}
    assert points == {"b": D("10.00"), "a": D("8.00"), "c": D("8.00"), "d": D("4.00"), "e": D("0.00")}
    assert score_rank(9, weight=D(10), step=D(2)) == D("0.00")  # never below zero
    # a unit that did nothing takes no rank in an indicator (totals are still ranked with zeros)
    assert rank_units({"a": D(0), "b": D(5)}, positive_only=True) == {"b": 1}
    assert rank_units({"a": D(0), "b": D(5)}) == {"b": 1, "a": 2}


def test_a_period_sums_counts_reads_stocks_at_its_end_and_averages_rates():
    assert aggregate("hours", [1.5, None, 2]) == (D("3.5"), "sum")
    assert aggregate("registered", [100, 120, 130]) == (D(130), "latest")
    assert aggregate("activity_rate", [10.0, 20.0, None]) == (D("15.0"), "mean")
    assert aggregate("participations", [None, None]) == (None, "sum")
