"""DAG utilities: d-separation, backdoor paths, adjustment sets, partial correlation.

Each hand-written check is compared with its library counterpart: networkx's
``is_d_separator``, DoWhy's backdoor-path listing, backdoor-set test and
exhaustive backdoor search, and statsmodels' OLS t statistic.
"""

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from dowhy.causal_identifier.auto_identifier import BackdoorAdjustment, identify_backdoor
from dowhy.graph import check_valid_backdoor_set, get_backdoor_paths

from causalcourse.graphs import (
    as_dag,
    backdoor_paths,
    is_d_separated,
    is_valid_adjustment_set,
    partial_correlation,
    valid_adjustment_sets,
)
from causalcourse.simulate.graphs import LOYALTY_EDGES, TUTORING_EDGES


def random_dag(seed, n_nodes=7, p=0.35):
    """A random DAG on nodes v0..v{n-1} (edges only from lower to higher index)."""
    rng = np.random.default_rng(seed)
    nodes = [f"v{i}" for i in range(n_nodes)]
    edges = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:] if rng.random() < p]
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(nodes)
    return graph


def test_elementary_structures():
    chain, fork, collider = [("x", "m"), ("m", "y")], [("z", "x"), ("z", "y")], [
        ("x", "c"), ("y", "c")]
    assert not is_d_separated(chain, "x", "y") and is_d_separated(chain, "x", "y", ["m"])
    assert not is_d_separated(fork, "x", "y") and is_d_separated(fork, "x", "y", "z")
    assert is_d_separated(collider, "x", "y") and not is_d_separated(collider, "x", "y", ["c"])
    # Conditioning on a descendant of a collider opens it too.
    assert not is_d_separated([*collider, ("c", "d")], "x", "y", ["d"])


@pytest.mark.parametrize("seed", range(12))
def test_d_separation_agrees_with_networkx_on_random_dags(seed):
    graph = random_dag(seed)
    if graph.number_of_edges() == 0:
        pytest.skip("empty graph")
    edges = list(graph.edges)
    nodes = sorted(set(itertools.chain.from_iterable(edges)))
    for x, y in itertools.combinations(nodes, 2):
        others = [v for v in nodes if v not in (x, y)]
        for size in range(3):
            for given in itertools.combinations(others, size):
                ours = is_d_separated(edges, x, y, given)
                assert ours == nx.is_d_separator(graph, {x}, {y}, set(given)), (x, y, given)


def test_d_separation_of_node_sets_agrees_with_networkx():
    graph = nx.DiGraph(list(LOYALTY_EDGES))
    x, y, z = {"deal_seeking", "past_spend"}, {"household_size"}, {"loyalty"}
    assert is_d_separated(LOYALTY_EDGES, x, y, z) == nx.is_d_separator(graph, x, y, z)
    z = {"coupon_use"}
    assert is_d_separated(LOYALTY_EDGES, x, y, z) == nx.is_d_separator(graph, x, y, z)


@pytest.mark.parametrize("seed", range(12))
def test_backdoor_paths_agree_with_dowhy(seed):
    graph = random_dag(seed)
    edges = list(graph.edges)
    nodes = sorted(set(itertools.chain.from_iterable(edges)))
    for t, y in itertools.permutations(nodes, 2):
        ours = set(backdoor_paths(edges, t, y))
        theirs = {tuple(p) for p in get_backdoor_paths(graph, [t], [y])}
        assert ours == theirs
        assert all(graph.has_edge(p[1], p[0]) for p in ours)


def test_backdoor_paths_of_the_loyalty_graph():
    assert backdoor_paths(LOYALTY_EDGES, "loyalty", "spend") == [
        ("loyalty", "past_spend", "spend"),
        ("loyalty", "deal_seeking", "coupon_use", "household_size", "spend"),
    ]


@pytest.mark.parametrize("seed", range(12))
def test_backdoor_criterion_agrees_with_dowhy(seed):
    # DoWhy splits the criterion in two: descendants of the treatment are never
    # candidates, and the rest is a d-separation test after removing T's
    # outgoing edges. Together they are the backdoor criterion.
    graph = random_dag(seed)
    edges = list(graph.edges)
    nodes = sorted(set(itertools.chain.from_iterable(edges)))
    for t, y in itertools.permutations(nodes, 2):
        if not nx.has_path(graph, t, y):
            continue
        descendants = nx.descendants(graph, t)
        others = [v for v in nodes if v not in (t, y)]
        for size in range(3):
            for z in itertools.combinations(others, size):
                dowhy = (not set(z) & descendants) and check_valid_backdoor_set(
                    graph, [t], [y], set(z))["is_dseparated"]
                assert is_valid_adjustment_set(edges, t, y, z) == dowhy, (t, y, z)


def _random_question(seed):
    """A random DAG and a treatment with a directed path to the outcome, two steps apart."""
    graph = random_dag(seed, n_nodes=8, p=0.4)
    pairs = [(t, y) for t, y in itertools.permutations(sorted(graph.nodes), 2)
             if nx.has_path(graph, t, y) and int(y[1:]) - int(t[1:]) >= 2 and int(t[1:]) >= 2]
    return list(graph.edges), *pairs[seed % len(pairs)]


@pytest.mark.parametrize("edges,treatment,outcome", [
    (LOYALTY_EDGES, "loyalty", "spend"),
    (TUTORING_EDGES, "tutoring", "score"),
    *[_random_question(s) for s in range(8)],
])
def test_exhaustive_search_agrees_with_dowhy(edges, treatment, outcome):
    graph = nx.DiGraph(list(edges))
    sets = identify_backdoor(graph, [treatment], [outcome], list(graph.nodes),
                             BackdoorAdjustment.BACKDOOR_EXHAUSTIVE)
    theirs = sorted({tuple(sorted(s.get_adjustment_variables())) for s in sets},
                    key=lambda s: (len(s), s))
    # DoWhy only searches variables that are d-connected to the treatment or the
    # outcome; restrict our exhaustive list to the same candidates.
    eligible = {v for v in graph.nodes if v not in (treatment, outcome)
                and v not in nx.descendants(graph, treatment)
                and not (nx.is_d_separator(graph, {treatment}, {v}, set())
                         and nx.is_d_separator(graph, {outcome}, {v}, set()))}
    ours = valid_adjustment_sets(edges, treatment, outcome, observed=sorted(eligible))
    assert ours == theirs


def test_valid_sets_of_the_course_graphs():
    measured = ["past_spend", "coupon_use", "visits", "points"]
    assert valid_adjustment_sets(LOYALTY_EDGES, "loyalty", "spend", measured) == [("past_spend",)]
    assert valid_adjustment_sets(TUTORING_EDGES, "tutoring", "score") == [
        ("motivation", "prior_grade"), ("distance", "motivation", "prior_grade")]
    assert not is_valid_adjustment_set(LOYALTY_EDGES, "loyalty", "spend", ["past_spend",
                                                                          "coupon_use"])
    assert is_valid_adjustment_set(LOYALTY_EDGES, "loyalty", "spend",
                                   ["past_spend", "coupon_use", "deal_seeking"])


def test_treatment_without_parents_needs_no_adjustment():
    edges = [("t", "m"), ("m", "y")]
    assert is_valid_adjustment_set(edges, "t", "y", [])
    assert not is_valid_adjustment_set(edges, "t", "y", ["m"])
    assert valid_adjustment_sets(edges, "t", "y") == [()]


@pytest.mark.parametrize("edges,match", [
    ([], "edges is empty"),
    ([("a", "b", "c")], "pair"),
    ([("a", 1)], "strings"),
    ([("a", "a")], "self-loop"),
    ([("a", "b"), ("b", "c"), ("c", "a")], "cycle"),
])
def test_bad_graphs_are_rejected(edges, match):
    with pytest.raises(ValueError, match=match):
        as_dag(edges)
    with pytest.raises(ValueError, match=match):
        is_d_separated(edges, "a", "b")


def test_bad_queries_are_rejected():
    edges = [("z", "t"), ("z", "y"), ("t", "y")]
    with pytest.raises(ValueError, match="unknown node"):
        is_d_separated(edges, "t", "nope")
    with pytest.raises(ValueError, match="must not share"):
        is_d_separated(edges, "t", "y", ["t"])
    with pytest.raises(ValueError, match="at least one node"):
        is_d_separated(edges, [], "y")
    with pytest.raises(ValueError, match="must not share"):
        is_valid_adjustment_set(edges, "t", "y", ["y"])
    with pytest.raises(ValueError, match="different nodes"):
        is_valid_adjustment_set(edges, "t", "t", [])
    with pytest.raises(ValueError, match="single node name"):
        backdoor_paths(edges, ["t", "z"], "y")
    with pytest.raises(ValueError, match="unknown node"):
        valid_adjustment_sets(edges, "t", "y", observed=["w"])
    with pytest.raises(ValueError, match="too many"):
        valid_adjustment_sets([("t", "y")] + [(f"c{i}", "t") for i in range(17)], "t", "y")


def _partial_corr_from_ols(data, x, y, given):
    """The partial correlation read off statsmodels: r = t / sqrt(t^2 + df)."""
    fit = sm.OLS(data[x], sm.add_constant(data[[y, *given]])).fit()
    t = fit.tvalues[y]
    return t / np.sqrt(t**2 + fit.df_resid)


def test_partial_correlation_agrees_with_statsmodels_and_the_precision_matrix():
    rng = np.random.default_rng(4)
    n = 400
    z1, z2 = rng.normal(size=n), rng.normal(size=n)
    data = pd.DataFrame({"z1": z1, "z2": z2, "a": z1 - z2 + rng.normal(size=n),
                         "b": 0.5 * z1 + z2 + rng.normal(size=n)})
    data["b"] += 0.3 * data["a"]
    for given in ([], ["z1"], ["z1", "z2"]):
        ours = partial_correlation(data, "a", "b", given)
        assert ours == pytest.approx(_partial_corr_from_ols(data, "a", "b", given), abs=1e-10)
        precision = np.linalg.inv(np.cov(data[["a", "b", *given]].to_numpy().T))
        formula = -precision[0, 1] / np.sqrt(precision[0, 0] * precision[1, 1])
        assert ours == pytest.approx(formula, abs=1e-10)
    assert partial_correlation(data, "a", "b") == pytest.approx(data["a"].corr(data["b"]))
    assert partial_correlation(data, "a", "b", "z1") == partial_correlation(data, "a", "b",
                                                                            ["z1"])


def test_partial_correlation_rejects_bad_input():
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 1.0, 4.0, 3.0],
                         "c": [2.0, 4.0, 6.0, 8.0]})
    with pytest.raises(ValueError, match="missing column"):
        partial_correlation(data, "a", "nope")
    with pytest.raises(ValueError, match="distinct"):
        partial_correlation(data, "a", "b", ["a"])
    with pytest.raises(ValueError, match="exact linear function"):
        partial_correlation(data, "a", "b", ["c"])
    with pytest.raises(ValueError, match="too few"):
        partial_correlation(data.head(3), "a", "b", ["c"])
    with pytest.raises(ValueError, match="missing value"):
        partial_correlation(data.assign(b=[1.0, np.nan, 2.0, 3.0]), "a", "b")
