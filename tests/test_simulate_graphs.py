"""Lecture 02's simulators: linear structural models with known effects."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from causalcourse.graphs import is_valid_adjustment_set, partial_correlation
from causalcourse.simulate import TRUTH_COLUMNS, Simulation
from causalcourse.simulate.graphs import (
    ELEMENTARY_KINDS,
    LOYALTY_DIRECT_EFFECT,
    LOYALTY_EDGES,
    LOYALTY_TOTAL_EFFECT,
    LOYALTY_UNOBSERVED,
    TUTORING_COEFFICIENTS,
    TUTORING_EDGES,
    elementary_sem,
    linear_total_effect,
    simulate_linear_sem,
    simulate_loyalty_program,
    simulate_tutoring,
)

seeds = st.integers(min_value=0, max_value=2**32 - 1)
EDGES = [("z", "t"), ("z", "y"), ("t", "m"), ("m", "y"), ("t", "y"), ("y", "c"), ("t", "c")]
COEFS = {("z", "t"): 0.7, ("z", "y"): -1.2, ("t", "m"): 2.0, ("m", "y"): 0.5,
         ("t", "y"): 0.4, ("y", "c"): 1.0, ("t", "c"): 1.0}


def _slope(data, outcome, regressors, name):
    fit = sm.OLS(data[outcome], sm.add_constant(data[list(regressors)])).fit()
    return fit.params[name]


def test_columns_are_in_topological_order_and_seeds_repeat():
    a = simulate_linear_sem(EDGES, COEFS, 50, seed=1)
    assert a.columns.tolist() == ["z", "t", "m", "y", "c"]
    pd.testing.assert_frame_equal(a, simulate_linear_sem(EDGES, COEFS, 50, seed=1))
    assert not a.equals(simulate_linear_sem(EDGES, COEFS, 50, seed=2))


def test_regression_on_parents_recovers_the_structural_coefficients():
    data = simulate_linear_sem(EDGES, COEFS, 40_000, seed=5)
    graph = nx.DiGraph(EDGES)
    for node in graph:
        parents = sorted(graph.predecessors(node))
        for parent in parents:
            assert _slope(data, node, parents, parent) == pytest.approx(COEFS[(parent, node)],
                                                                        abs=0.03)


def test_zero_noise_and_intercepts_give_exact_equations():
    data = simulate_linear_sem([("a", "b")], {("a", "b"): 3.0}, 20, seed=2,
                               noise_sd={"b": 0.0}, intercepts={"b": 1.5})
    np.testing.assert_allclose(data["b"], 1.5 + 3.0 * data["a"], atol=1e-12)
    scaled = simulate_linear_sem([("a", "b")], {("a", "b"): 0.0}, 20_000, seed=2, noise_sd=2.0)
    assert scaled["a"].std() == pytest.approx(2.0, rel=0.03)


def test_total_effect_is_the_path_sum_and_matches_the_matrix_formula():
    assert linear_total_effect(EDGES, COEFS, "t", "y") == pytest.approx(0.4 + 2.0 * 0.5)
    assert linear_total_effect(EDGES, COEFS, "z", "y") == pytest.approx(-1.2 + 0.7 * 1.4)
    assert linear_total_effect(EDGES, COEFS, "y", "t") == 0.0
    # (I - B)^-1 sums every directed path: entry [i, j] is the total effect of i on j.
    nodes = ["z", "t", "m", "y", "c"]
    b = np.zeros((5, 5))
    for (cause, effect), value in COEFS.items():
        b[nodes.index(cause), nodes.index(effect)] = value
    total = np.linalg.inv(np.eye(5) - b)
    for i, cause in enumerate(nodes):
        for j, effect in enumerate(nodes):
            if i != j:
                assert linear_total_effect(EDGES, COEFS, cause, effect) == pytest.approx(
                    total[i, j])


def test_adjusting_for_a_valid_set_recovers_the_total_effect():
    data = simulate_linear_sem(EDGES, COEFS, 40_000, seed=8)
    truth = linear_total_effect(EDGES, COEFS, "t", "y")
    assert is_valid_adjustment_set(EDGES, "t", "y", ["z"])
    assert _slope(data, "y", ["t", "z"], "t") == pytest.approx(truth, abs=0.03)
    # Bad controls: the mediator leaves only the direct effect, the collider biases.
    assert _slope(data, "y", ["t", "z", "m"], "t") == pytest.approx(0.4, abs=0.03)
    assert abs(_slope(data, "y", ["t", "z", "c"], "t") - truth) > 0.5


@pytest.mark.parametrize("kind,middle", [("chain", "m"), ("fork", "z"), ("collider", "c")])
def test_elementary_structures_show_their_signature(kind, middle):
    edges, coefs = elementary_sem(kind)
    data = simulate_linear_sem(edges, coefs, 20_000, seed=9)
    marginal = partial_correlation(data, "x", "y")
    conditional = partial_correlation(data, "x", "y", [middle])
    if kind == "collider":
        assert abs(marginal) < 0.03 and abs(conditional) > 0.3
    else:
        assert abs(marginal) > 0.3 and abs(conditional) < 0.03
    assert kind in ELEMENTARY_KINDS


@pytest.mark.parametrize("kwargs,match", [
    ({"edges": [("a", "b"), ("b", "a")], "coefficients": {("a", "b"): 1, ("b", "a"): 1}},
     "cycle"),
    ({"coefficients": {}}, "no coefficient"),
    ({"coefficients": {("a", "b"): 1.0, ("b", "a"): 1.0}}, "not in the graph"),
    ({"noise_sd": -1.0}, "noise_sd"),
    ({"noise_sd": {"nope": 1.0}}, "not in the graph"),
    ({"n": 1}, "n must be an integer"),
    ({"n": 10.5}, "n must be an integer"),
    ({"seed": None}, "explicit seed"),
    ({"edges": []}, "empty"),
    ({"edges": [("a", 2)]}, "strings"),
])
def test_bad_sem_input_is_rejected(kwargs, match):
    args = {"edges": [("a", "b")], "coefficients": {("a", "b"): 1.0}, "n": 10, "seed": 1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        simulate_linear_sem(args.pop("edges"), args.pop("coefficients"), args.pop("n"), **args)


def test_bad_total_effect_and_kind_requests_are_rejected():
    with pytest.raises(ValueError, match="unknown node"):
        linear_total_effect(EDGES, COEFS, "t", "nope")
    with pytest.raises(ValueError, match="different"):
        linear_total_effect(EDGES, COEFS, "t", "t")
    with pytest.raises(ValueError, match="kind must be one of"):
        elementary_sem("v-structure")


@settings(max_examples=30, deadline=None)
@given(seed=seeds, n=st.integers(min_value=2, max_value=300))
def test_loyalty_outcome_is_the_potential_outcome_of_the_received_arm(seed, n):
    sim = simulate_loyalty_program(n, seed=seed)
    d = sim.data
    np.testing.assert_array_equal(d["spend"], np.where(d["loyalty"] == 1, d["y1"], d["y0"]))
    np.testing.assert_allclose(d["true_effect"], LOYALTY_TOTAL_EFFECT, atol=1e-9)
    assert sim.ate == pytest.approx(LOYALTY_TOTAL_EFFECT, abs=1e-9)
    assert d["propensity"].between(0, 1, inclusive="neither").all()


def test_loyalty_columns_and_reproducibility():
    sim = simulate_loyalty_program(200, seed=4)
    assert isinstance(sim, Simulation)
    assert sim.observed.columns.tolist() == [
        "past_spend", "coupon_use", "visits", "points", "loyalty", "spend"]
    assert set(LOYALTY_UNOBSERVED) <= set(sim.data.columns)
    assert not set(LOYALTY_UNOBSERVED) & set(sim.observed.columns)
    assert sim.truth.columns.tolist() == list(TRUTH_COLUMNS)
    pd.testing.assert_frame_equal(sim.data, simulate_loyalty_program(200, seed=4).data)
    with pytest.raises(ValueError, match="n must be an integer"):
        simulate_loyalty_program(1, seed=4)


def test_loyalty_data_follow_the_graph():
    # Every regression of a node on its graph parents recovers that node's
    # structural coefficients; and missing arrows show up as zero coefficients.
    d = simulate_loyalty_program(40_000, seed=6).data
    assert _slope(d, "visits", ["loyalty"], "loyalty") == pytest.approx(2.0, abs=0.05)
    full = ["loyalty", "visits", "past_spend", "household_size"]
    assert _slope(d, "spend", full, "loyalty") == pytest.approx(LOYALTY_DIRECT_EFFECT, abs=0.05)
    assert _slope(d, "spend", [*full, "deal_seeking", "coupon_use"], "deal_seeking") == (
        pytest.approx(0.0, abs=0.05))
    assert _slope(d, "points", ["loyalty", "spend"], "spend") == pytest.approx(0.5, abs=0.02)
    assert {tuple(e) for e in LOYALTY_EDGES} >= {("past_spend", "loyalty"), ("spend", "points")}


def test_loyalty_story_good_and_bad_controls():
    # The lecture's claims, on a large sample so they are not a seed accident.
    d = simulate_loyalty_program(60_000, seed=0).data
    truth = LOYALTY_TOTAL_EFFECT

    def effect(*z):
        return _slope(d, "spend", ["loyalty", *z], "loyalty")

    assert effect() - truth > 1  # confounded upwards
    assert effect("past_spend") == pytest.approx(truth, abs=0.06)
    assert effect("past_spend", "visits") == pytest.approx(LOYALTY_DIRECT_EFFECT, abs=0.06)
    assert effect("past_spend", "points") < 0  # the collider flips the sign
    assert -1.5 < effect("past_spend", "coupon_use") - truth < -0.5  # M-bias
    assert effect("past_spend", "coupon_use", "deal_seeking") == pytest.approx(truth, abs=0.06)


def test_tutoring_world_is_the_linear_sem_of_its_constants():
    data = simulate_tutoring(300, seed=3)
    expected = simulate_linear_sem(TUTORING_EDGES, TUTORING_COEFFICIENTS, 300, seed=3)
    pd.testing.assert_frame_equal(data, expected)
    truth = linear_total_effect(TUTORING_EDGES, TUTORING_COEFFICIENTS, "tutoring", "score")
    assert truth == pytest.approx(0.3 + 0.7 * 0.5)
    big = simulate_tutoring(40_000, seed=12)
    assert _slope(big, "score", ["tutoring", "motivation", "prior_grade"], "tutoring") == (
        pytest.approx(truth, abs=0.03))
