"""Causal DAG utilities: d-separation, backdoor paths and adjustment sets.

Graphs are given the way the rest of the course draws them, as a list of
directed edges ``(cause, effect)`` with string node names. Each check is
written from its textbook definition in a few lines; the unit tests confirm
that the answers agree with networkx (``nx.is_d_separator``) and DoWhy
(``dowhy.graph.check_valid_backdoor_set`` and its backdoor search).

:func:`partial_correlation` is the data side of d-separation: in a
linear-Gaussian model, d-separated variables have zero partial correlation.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from causalcourse._validation import require_columns, require_no_missing

__all__ = [
    "as_dag",
    "is_d_separated",
    "backdoor_paths",
    "is_valid_adjustment_set",
    "valid_adjustment_sets",
    "partial_correlation",
]


def as_dag(edges: Iterable[tuple[str, str]]) -> nx.DiGraph:
    """Build a ``networkx.DiGraph`` from edges, refusing anything that is not a DAG.

    Parameters
    ----------
    edges : iterable of (str, str)
        Directed edges ``(cause, effect)``; node names are strings.

    Returns
    -------
    networkx.DiGraph

    Raises
    ------
    ValueError
        If there are no edges, an edge is not a pair of strings, an edge is a
        self-loop, or the edges contain a cycle (the cycle is named).

    Examples
    --------
    >>> g = as_dag([("z", "t"), ("z", "y"), ("t", "y")])
    >>> sorted(g.nodes)
    ['t', 'y', 'z']
    >>> as_dag([("a", "b"), ("b", "a")])
    Traceback (most recent call last):
    ...
    ValueError: the edges contain a cycle (a -> b -> a); a causal graph must be acyclic
    """
    if isinstance(edges, nx.DiGraph):
        edges = list(edges.edges)
    edges = list(edges)
    if not edges:
        raise ValueError("edges is empty: give the graph as a list of (cause, effect) pairs")
    for edge in edges:
        if not (isinstance(edge, tuple | list) and len(edge) == 2):
            raise ValueError(f"each edge must be a (cause, effect) pair, got {edge!r}")
        if not all(isinstance(node, str) for node in edge):
            raise ValueError(f"node names must be strings, got {edge!r}")
        if edge[0] == edge[1]:
            raise ValueError(f"self-loop on {edge[0]!r}: a variable cannot cause itself")
    graph = nx.DiGraph([tuple(e) for e in edges])
    if not nx.is_directed_acyclic_graph(graph):
        cycle = [u for u, _ in nx.find_cycle(graph)]
        shown = " -> ".join([*cycle, cycle[0]])
        raise ValueError(f"the edges contain a cycle ({shown}); a causal graph must be acyclic")
    return graph


def _node_set(graph: nx.DiGraph, nodes, name: str) -> set[str]:
    """A node name or an iterable of names, as a set; unknown names are an error."""
    if nodes is None:
        return set()
    out = {nodes} if isinstance(nodes, str) else set(nodes)
    unknown = sorted(map(str, out - set(graph.nodes)))
    if unknown:
        raise ValueError(
            f"{name}: unknown node(s) {unknown}; the graph has {sorted(graph.nodes)}"
        )
    return out


def _treatment_outcome(graph: nx.DiGraph, treatment, outcome) -> tuple[str, str]:
    for name, node in (("treatment", treatment), ("outcome", outcome)):
        if not isinstance(node, str):
            raise ValueError(f"{name} must be a single node name (a string), got {node!r}")
        _node_set(graph, node, name)
    if treatment == outcome:
        raise ValueError("treatment and outcome must be different nodes")
    return treatment, outcome


def _disjoint(**sets: set[str]) -> None:
    for (a, sa), (b, sb) in itertools.combinations(sets.items(), 2):
        common = sa & sb
        if common:
            raise ValueError(f"{a} and {b} must not share nodes; both contain {sorted(common)}")


def is_d_separated(edges, x, y, given=()) -> bool:
    """Whether ``x`` and ``y`` are d-separated by ``given`` in a DAG.

    Written with the moral-graph criterion of Lauritzen et al. (1990), which is
    equivalent to checking every path: keep only ``x``, ``y``, ``given`` and
    their ancestors; connect ("marry") every pair of parents of a common
    child; drop the arrow directions; delete ``given``. The sets are
    d-separated exactly when no undirected path then joins ``x`` to ``y``.

    Parameters
    ----------
    edges : iterable of (str, str)
        Directed edges ``(cause, effect)`` of a DAG.
    x, y : str or iterable of str
        The two nodes (or node sets) whose separation is tested.
    given : str or iterable of str, default ()
        The conditioning set.

    Returns
    -------
    bool
        True if every path between ``x`` and ``y`` is blocked by ``given``.

    Raises
    ------
    ValueError
        If the graph is not a DAG, a node is unknown, ``x`` or ``y`` is empty,
        or the three sets overlap.

    Examples
    --------
    A collider ``x -> c <- y`` blocks the path until we condition on it:

    >>> collider = [("x", "c"), ("y", "c")]
    >>> is_d_separated(collider, "x", "y")
    True
    >>> is_d_separated(collider, "x", "y", given=["c"])
    False
    """
    graph = as_dag(edges)
    xs, ys = _node_set(graph, x, "x"), _node_set(graph, y, "y")
    zs = _node_set(graph, given, "given")
    if not xs or not ys:
        raise ValueError("x and y must each name at least one node")
    _disjoint(x=xs, y=ys, given=zs)

    return _d_separated(graph, xs, ys, zs)


def _d_separated(graph: nx.DiGraph, xs: set, ys: set, zs: set) -> bool:
    """The moral-graph test on validated, disjoint node sets."""
    keep = xs | ys | zs
    for node in xs | ys | zs:
        keep |= nx.ancestors(graph, node)
    ancestral = graph.subgraph(keep)
    moral = nx.Graph(ancestral.to_undirected())
    for child in ancestral:
        moral.add_edges_from(itertools.combinations(ancestral.predecessors(child), 2))
    moral.remove_nodes_from(zs)
    reachable = set().union(*(nx.node_connected_component(moral, node) for node in xs))
    return not (reachable & ys)


def backdoor_paths(edges, treatment: str, outcome: str) -> list[tuple[str, ...]]:
    """Every backdoor path from ``treatment`` to ``outcome``.

    A backdoor path is a path (ignoring arrow directions, visiting no node
    twice) that starts with an arrow *into* the treatment, ``T <- ...``. Those
    are the paths that can carry non-causal association.

    Parameters
    ----------
    edges : iterable of (str, str)
        Directed edges ``(cause, effect)`` of a DAG.
    treatment, outcome : str
        Two distinct nodes.

    Returns
    -------
    list of tuple of str
        Each path as a tuple of nodes from treatment to outcome, sorted by
        length and then alphabetically.

    Raises
    ------
    ValueError
        If the graph is not a DAG, a node is unknown, or the two are the same.

    Examples
    --------
    >>> edges = [("z", "t"), ("z", "y"), ("t", "m"), ("m", "y")]
    >>> backdoor_paths(edges, "t", "y")
    [('t', 'z', 'y')]
    """
    graph = as_dag(edges)
    t, y = _treatment_outcome(graph, treatment, outcome)
    skeleton = graph.to_undirected(as_view=True)
    paths = [
        tuple(p) for p in nx.all_simple_paths(skeleton, t, y) if graph.has_edge(p[1], p[0])
    ]
    return sorted(paths, key=lambda p: (len(p), p))


def is_valid_adjustment_set(edges, treatment: str, outcome: str, adjustment=()) -> bool:
    """Whether ``adjustment`` satisfies the backdoor criterion (Pearl 1993, 2009).

    A set Z is a valid backdoor adjustment set for the effect of T on Y when

    1. no variable in Z is a descendant of T (no mediators, no colliders
       caused by T, nothing else downstream of the treatment), and
    2. Z blocks every backdoor path from T to Y: equivalently, Z d-separates
       T and Y in the graph with T's outgoing arrows removed.

    Parameters
    ----------
    edges : iterable of (str, str)
        Directed edges ``(cause, effect)`` of a DAG.
    treatment, outcome : str
        Two distinct nodes.
    adjustment : str or iterable of str, default ()
        The candidate adjustment set (may be empty).

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If the graph is not a DAG, a node is unknown, or the treatment or the
        outcome is in the adjustment set.

    Examples
    --------
    >>> edges = [("z", "t"), ("z", "y"), ("t", "m"), ("m", "y")]
    >>> is_valid_adjustment_set(edges, "t", "y", ["z"])
    True
    >>> is_valid_adjustment_set(edges, "t", "y", [])        # confounding left open
    False
    >>> is_valid_adjustment_set(edges, "t", "y", ["z", "m"])  # m is a mediator
    False
    """
    graph = as_dag(edges)
    t, y = _treatment_outcome(graph, treatment, outcome)
    zs = _node_set(graph, adjustment, "adjustment")
    _disjoint(treatment={t}, outcome={y}, adjustment=zs)
    if zs & nx.descendants(graph, t):
        return False
    cut = graph.copy()
    cut.remove_edges_from(list(graph.out_edges(t)))
    return _d_separated(cut, {t}, {y}, zs)


def valid_adjustment_sets(edges, treatment: str, outcome: str, observed=None) -> list[tuple]:
    """All valid backdoor adjustment sets built from ``observed`` variables.

    Parameters
    ----------
    edges : iterable of (str, str)
        Directed edges ``(cause, effect)`` of a DAG.
    treatment, outcome : str
        Two distinct nodes.
    observed : iterable of str, optional
        Variables an analyst can measure (default: every node). Treatment
        and outcome are never candidates.

    Returns
    -------
    list of tuple of str
        Each valid set as a sorted tuple, the list ordered by size and then
        alphabetically. Empty if the effect is not identified by adjustment
        on observed variables.

    Raises
    ------
    ValueError
        As :func:`is_valid_adjustment_set`, or if there are more than 16
        candidate variables (the search is exhaustive).

    Examples
    --------
    >>> edges = [("z", "t"), ("z", "y"), ("t", "m"), ("m", "y"), ("w", "y")]
    >>> valid_adjustment_sets(edges, "t", "y")
    [('z',), ('w', 'z')]
    """
    graph = as_dag(edges)
    _treatment_outcome(graph, treatment, outcome)
    observed = graph.nodes if observed is None else observed
    candidates = sorted(_node_set(graph, observed, "observed") - {treatment, outcome})
    if len(candidates) > 16:
        raise ValueError(f"{len(candidates)} candidate variables is too many for an exhaustive "
                         "search (at most 16)")
    found = []
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            if is_valid_adjustment_set(graph.edges, treatment, outcome, subset):
                found.append(subset)
    return found


def partial_correlation(data: pd.DataFrame, x: str, y: str, given=()) -> float:
    """Correlation of ``x`` and ``y`` after removing the linear effect of ``given``.

    Regress ``x`` on ``given`` (with an intercept), regress ``y`` on
    ``given``, and correlate the two residuals. With ``given`` empty this is
    the ordinary Pearson correlation. In a linear-Gaussian model it is zero
    exactly when ``x`` and ``y`` are independent given ``given``.

    Parameters
    ----------
    data : pandas.DataFrame
        The variables, one per column.
    x, y : str
        Column names.
    given : str or iterable of str, default ()
        Columns to partial out.

    Returns
    -------
    float
        A number in [-1, 1].

    Raises
    ------
    ValueError
        If a column is missing or has missing values, a column appears twice
        among ``x``, ``y`` and ``given``, there are too few rows, or a residual
        is constant (the variable is an exact linear function of ``given``).

    Examples
    --------
    Two noisy copies of one cause are correlated, but not once it is removed:

    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=5000)
    >>> df = pd.DataFrame({"z": z, "a": z + rng.normal(size=5000),
    ...                    "b": z + rng.normal(size=5000)})
    >>> round(partial_correlation(df, "a", "b"), 1)
    0.5
    >>> abs(partial_correlation(df, "a", "b", given=["z"])) < 0.05
    True
    """
    given = [given] if isinstance(given, str) else list(given)
    columns = [x, y, *given]
    if len(set(columns)) != len(columns):
        raise ValueError(f"x, y and given must be distinct columns, got {columns}")
    require_columns(data, columns)
    for column in columns:
        require_no_missing(data[column], column)
    n = len(data)
    if n < len(given) + 3:
        raise ValueError(f"{n} rows is too few to partial out {len(given)} variable(s)")
    design = np.column_stack([np.ones(n), data[given].to_numpy(float)])
    residuals = []
    for column in (x, y):
        v = data[column].to_numpy(float)
        beta, *_ = np.linalg.lstsq(design, v, rcond=None)
        r = v - design @ beta
        if np.std(r) <= 1e-12 * max(1.0, np.std(v)):
            raise ValueError(f"'{column}' is an exact linear function of {given}: "
                             "its partial correlation is undefined")
        residuals.append(r)
    return float(np.corrcoef(residuals[0], residuals[1])[0, 1])
