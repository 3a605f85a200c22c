"""Lecture 02's worlds: linear structural causal models drawn from a DAG.

Two kinds of simulator live here.

* :func:`simulate_linear_sem` draws data from *any* linear-Gaussian structural
  model given as a list of edges and one coefficient per edge, and
  :func:`linear_total_effect` returns the true total effect of one variable on
  another in that model (the sum, over directed paths, of the products of the
  path's coefficients). :func:`elementary_sem` provides the three
  building blocks: chain, fork and collider.
* :func:`simulate_loyalty_program` is a worked world with a *binary*
  treatment and stored potential outcomes, whose graph contains a confounder,
  a mediator, a collider and an M-bias structure, so that each kind of bad
  control can be shown next to the truth.
* :func:`simulate_tutoring` is the exercise's world: a continuous treatment
  (hours of tutoring) in a linear-Gaussian model, :data:`TUTORING_EDGES` with
  :data:`TUTORING_COEFFICIENTS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from causalcourse.simulate._base import Simulation, assemble, make_rng

__all__ = [
    "ELEMENTARY_KINDS",
    "LOYALTY_EDGES",
    "LOYALTY_UNOBSERVED",
    "LOYALTY_DIRECT_EFFECT",
    "LOYALTY_TOTAL_EFFECT",
    "TUTORING_COEFFICIENTS",
    "TUTORING_EDGES",
    "elementary_sem",
    "linear_total_effect",
    "simulate_linear_sem",
    "simulate_loyalty_program",
    "simulate_tutoring",
]

#: Names accepted by :func:`elementary_sem`.
ELEMENTARY_KINDS = ("chain", "fork", "collider")

#: The loyalty-program graph, including its two unobserved variables.
LOYALTY_EDGES = (
    ("past_spend", "loyalty"),
    ("past_spend", "spend"),
    ("deal_seeking", "loyalty"),
    ("deal_seeking", "coupon_use"),
    ("household_size", "coupon_use"),
    ("household_size", "spend"),
    ("loyalty", "visits"),
    ("visits", "spend"),
    ("loyalty", "spend"),
    ("loyalty", "points"),
    ("spend", "points"),
)

#: Variables of the loyalty world an analyst cannot measure.
LOYALTY_UNOBSERVED = ("deal_seeking", "household_size")

# Structural coefficients of the loyalty world (spend is in hundreds of dollars).
_LOY_VISITS = 2.0  # loyalty -> visits (extra store visits per year)
_LOY_DIRECT = 1.0  # loyalty -> spend, not through visits
_VISITS_SPEND = 1.5  # visits -> spend

#: Effect of joining on spend that does not run through extra visits.
LOYALTY_DIRECT_EFFECT = _LOY_DIRECT
#: Total effect of joining on spend: direct part plus the part through visits.
LOYALTY_TOTAL_EFFECT = _LOY_DIRECT + _LOY_VISITS * _VISITS_SPEND


#: The tutoring graph of the exercise: does tutoring raise exam scores?
TUTORING_EDGES = (
    ("motivation", "tutoring"),
    ("motivation", "score"),
    ("motivation", "prior_grade"),
    ("prior_grade", "tutoring"),
    ("prior_grade", "score"),
    ("distance", "tutoring"),
    ("tutoring", "homework"),
    ("homework", "score"),
    ("tutoring", "score"),
    ("tutoring", "feedback"),
    ("score", "feedback"),
)

#: Structural coefficients of the tutoring world, one per edge.
TUTORING_COEFFICIENTS = {
    ("motivation", "tutoring"): 0.8,
    ("motivation", "score"): 1.0,
    ("motivation", "prior_grade"): 0.5,
    ("prior_grade", "tutoring"): -0.4,
    ("prior_grade", "score"): 0.8,
    ("distance", "tutoring"): -0.8,
    ("tutoring", "homework"): 0.7,
    ("homework", "score"): 0.5,
    ("tutoring", "score"): 0.3,
    ("tutoring", "feedback"): 0.6,
    ("score", "feedback"): 0.8,
}


def _check_n(n) -> None:
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")


def _sem_graph(edges, coefficients) -> tuple[nx.DiGraph, dict]:
    """Validate edges and coefficients; return the DAG and a clean coefficient dict."""
    edges = list(edges)
    if not edges:
        raise ValueError("edges is empty: a structural model needs at least one edge")
    for edge in edges:
        if not (isinstance(edge, tuple | list) and len(edge) == 2):
            raise ValueError(f"each edge must be a (cause, effect) pair, got {edge!r}")
        if not all(isinstance(node, str) for node in edge):
            raise ValueError(f"node names must be strings, got {edge!r}")
    graph = nx.DiGraph([tuple(e) for e in edges])
    if not nx.is_directed_acyclic_graph(graph):
        cycle = " -> ".join(u for u, _ in nx.find_cycle(graph))
        raise ValueError(f"the edges contain a cycle ({cycle}); a causal DAG cannot")
    if not isinstance(coefficients, Mapping):
        raise ValueError("coefficients must be a mapping (cause, effect) -> float")
    coefs = {tuple(k): float(v) for k, v in coefficients.items()}
    missing = sorted(set(graph.edges) - set(coefs))
    extra = sorted(set(coefs) - set(graph.edges))
    if missing:
        raise ValueError(f"no coefficient given for edge(s) {missing}")
    if extra:
        raise ValueError(f"coefficient(s) given for edge(s) not in the graph: {extra}")
    return graph, coefs


def _node_values(values, nodes, name: str, default: float) -> dict[str, float]:
    """Broadcast a scalar or a partial mapping node -> value to every node."""
    if values is None:
        return dict.fromkeys(nodes, default)
    if isinstance(values, Mapping):
        unknown = sorted(set(values) - set(nodes))
        if unknown:
            raise ValueError(f"{name} names node(s) not in the graph: {unknown}")
        return {node: float(values.get(node, default)) for node in nodes}
    return dict.fromkeys(nodes, float(values))


def simulate_linear_sem(
    edges: Iterable[tuple[str, str]],
    coefficients: Mapping[tuple[str, str], float],
    n: int,
    *,
    seed: int | np.random.Generator | None = None,
    noise_sd: float | Mapping[str, float] = 1.0,
    intercepts: float | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Draw ``n`` units from a linear-Gaussian structural causal model.

    Each variable is its intercept, plus the coefficient-weighted sum of its
    parents, plus its own independent normal noise::

        X_j = intercept_j + sum_{i -> j} coefficients[(i, j)] * X_i + noise_j.

    Parameters
    ----------
    edges : iterable of (str, str)
        Directed edges ``(cause, effect)`` of a DAG.
    coefficients : mapping of (cause, effect) -> float
        One structural coefficient per edge, no more and no less.
    n : int
        Number of units (rows), at least 2.
    seed : int or numpy.random.Generator
        Source of randomness; required so every result repeats.
    noise_sd : float or mapping of node -> float, default 1.0
        Standard deviation of each variable's own noise (nodes left out of a
        mapping get 1.0). Zero is allowed.
    intercepts : float or mapping of node -> float, optional
        Constant added to each variable (default 0).

    Returns
    -------
    pandas.DataFrame
        One column per node, in a fixed topological order (causes before
        effects, ties broken alphabetically).

    Raises
    ------
    ValueError
        If an edge is malformed, the edges contain a cycle, a coefficient is
        missing or extra, a noise scale is negative, ``n`` is not an integer
        >= 2, or no seed is given.

    Examples
    --------
    >>> edges = [("x", "m"), ("m", "y")]
    >>> data = simulate_linear_sem(edges, {("x", "m"): 2.0, ("m", "y"): 0.5}, 1000, seed=1)
    >>> data.columns.tolist()
    ['x', 'm', 'y']
    >>> bool(abs(data["x"].corr(data["y"])) > 0.3)
    True
    """
    graph, coefs = _sem_graph(edges, coefficients)
    _check_n(n)
    rng = make_rng(seed)
    order = list(nx.lexicographical_topological_sort(graph))
    sds = _node_values(noise_sd, order, "noise_sd", 1.0)
    bad = sorted(node for node, sd in sds.items() if not sd >= 0)
    if bad:
        raise ValueError(f"noise_sd must be >= 0; negative or NaN for {bad}")
    consts = _node_values(intercepts, order, "intercepts", 0.0)
    noise = rng.normal(size=(n, len(order)))
    values: dict[str, np.ndarray] = {}
    for j, node in enumerate(order):
        value = consts[node] + sds[node] * noise[:, j]
        for parent in sorted(graph.predecessors(node)):
            value = value + coefs[(parent, node)] * values[parent]
        values[node] = value
    return pd.DataFrame(values, columns=order)


def linear_total_effect(
    edges: Iterable[tuple[str, str]],
    coefficients: Mapping[tuple[str, str], float],
    cause: str,
    effect: str,
) -> float:
    """True total effect of ``cause`` on ``effect`` in a linear structural model.

    Raising ``cause`` by one unit (by intervention) changes ``effect`` by the
    sum, over every directed path from ``cause`` to ``effect``, of the product
    of the coefficients along that path (Wright's path rule). Zero when there
    is no directed path.

    Parameters
    ----------
    edges : iterable of (str, str)
        Directed edges ``(cause, effect)`` of a DAG.
    coefficients : mapping of (cause, effect) -> float
        One structural coefficient per edge.
    cause, effect : str
        Two distinct nodes of the graph.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If either node is not in the graph, they are the same node, or the
        graph or coefficients are invalid (see :func:`simulate_linear_sem`).

    Examples
    --------
    >>> edges = [("t", "m"), ("m", "y"), ("t", "y"), ("z", "t"), ("z", "y")]
    >>> coefs = {("t", "m"): 2.0, ("m", "y"): 1.5, ("t", "y"): 1.0,
    ...          ("z", "t"): 0.7, ("z", "y"): 3.0}
    >>> linear_total_effect(edges, coefs, "t", "y")  # 1.0 + 2.0 * 1.5
    4.0
    >>> linear_total_effect(edges, coefs, "y", "t")
    0.0
    """
    graph, coefs = _sem_graph(edges, coefficients)
    for node in (cause, effect):
        if node not in graph:
            raise ValueError(f"unknown node {node!r}; the graph has {sorted(graph.nodes)}")
    if cause == effect:
        raise ValueError("cause and effect must be different nodes")
    total = 0.0
    for path in nx.all_simple_paths(graph, cause, effect):
        total += float(np.prod([coefs[(a, b)] for a, b in zip(path[:-1], path[1:], strict=True)]))
    return total


def elementary_sem(kind: str) -> tuple[list[tuple[str, str]], dict[tuple[str, str], float]]:
    """Edges and coefficients of one of the three elementary structures.

    All three connect ``x`` and ``y`` through a middle node:

    * ``"chain"``: ``x -> m -> y`` (``m`` is a mediator);
    * ``"fork"``: ``x <- z -> y`` (``z`` is a common cause);
    * ``"collider"``: ``x -> c <- y`` (``c`` is a common effect).

    Parameters
    ----------
    kind : {"chain", "fork", "collider"}

    Returns
    -------
    edges : list of (str, str)
    coefficients : dict of (str, str) -> float

    Raises
    ------
    ValueError
        For an unknown ``kind``.

    Examples
    --------
    >>> edges, coefs = elementary_sem("collider")
    >>> edges
    [('x', 'c'), ('y', 'c')]
    >>> data = simulate_linear_sem(edges, coefs, 20_000, seed=3)
    >>> bool(abs(data["x"].corr(data["y"])) < 0.05)  # no path: independent
    True
    """
    structures = {
        "chain": ([("x", "m"), ("m", "y")], {("x", "m"): 0.8, ("m", "y"): 0.8}),
        "fork": ([("z", "x"), ("z", "y")], {("z", "x"): 0.8, ("z", "y"): 0.8}),
        "collider": ([("x", "c"), ("y", "c")], {("x", "c"): 0.8, ("y", "c"): 0.8}),
    }
    if kind not in structures:
        raise ValueError(f"kind must be one of {list(ELEMENTARY_KINDS)}, got {kind!r}")
    edges, coefs = structures[kind]
    return list(edges), dict(coefs)


def simulate_loyalty_program(
    n: int = 5000,
    *,
    seed: int | np.random.Generator | None = None,
) -> Simulation:
    """Customers who may join a loyalty program; which variables to adjust for?

    The question is the total effect of joining (``loyalty``, 0/1) on next
    year's ``spend`` (hundreds of dollars). The graph is :data:`LOYALTY_EDGES`:

    * ``past_spend`` (last year's spend, standardized) is a **confounder**:
      big spenders join more often and keep spending more;
    * ``visits`` (store visits next year) is a **mediator**: members visit
      more, and visits raise spend;
    * ``points`` (reward points at year end) is a **collider**: members earn
      points, and so does every dollar spent;
    * ``coupon_use`` (last year, standardized) is a pre-treatment collider of
      two *unobserved* causes, ``deal_seeking`` (which makes joining likelier)
      and ``household_size`` (which raises spend): the **M-bias** structure.

    Everything is linear, so every customer has the same effect of joining,
    :data:`LOYALTY_TOTAL_EFFECT` (``1.0`` direct plus ``2.0 * 1.5`` through
    extra visits). The potential outcomes ``y0``/``y1`` set ``loyalty`` to 0/1
    and let ``visits`` respond, keeping each customer's own noise.

    Parameters
    ----------
    n : int, default 5000
        Number of customers.
    seed : int or numpy.random.Generator
        Source of randomness; required so every result repeats.

    Returns
    -------
    Simulation
        ``covariates`` lists every *measured* variable other than treatment and
        outcome: ``past_spend``, ``coupon_use``, ``visits`` and ``points``
        (the last two are post-treatment, which is the point of the lecture).
        ``data`` also holds the truth columns and, at the end, the unobserved
        ``deal_seeking`` and ``household_size``.

    Raises
    ------
    ValueError
        If ``n`` is smaller than 2 or no seed is given.

    Examples
    --------
    >>> sim = simulate_loyalty_program(1000, seed=1)
    >>> sim.observed.columns.tolist()
    ['past_spend', 'coupon_use', 'visits', 'points', 'loyalty', 'spend']
    >>> round(sim.ate, 9) == LOYALTY_TOTAL_EFFECT  # the same for every customer
    True
    """
    _check_n(n)
    rng = make_rng(seed)
    past_spend = rng.normal(size=n)
    deal_seeking = rng.normal(size=n)
    household_size = rng.normal(size=n)
    coupon_use = (deal_seeking + household_size + rng.normal(0, 0.5, n)) / np.sqrt(2.25)

    propensity = 1 / (1 + np.exp(-(-0.3 + 0.9 * past_spend + 1.2 * deal_seeking)))
    t = rng.binomial(1, propensity)

    visits_noise = rng.normal(0, 1.0, n)
    spend_noise = rng.normal(0, 1.5, n)
    points_noise = rng.normal(0, 1.0, n)

    def visits_if(treated):
        return 6.0 + _LOY_VISITS * treated + visits_noise

    def spend_if(treated):
        return (
            10.0 + _LOY_DIRECT * treated + _VISITS_SPEND * visits_if(treated)
            + 2.5 * past_spend + 2.0 * household_size + spend_noise
        )

    y0, y1 = spend_if(0.0), spend_if(1.0)
    spend = np.where(t == 1, y1, y0)
    points = 3.0 * t + 0.5 * spend + points_noise
    covariates = pd.DataFrame(
        {
            "past_spend": past_spend,
            "coupon_use": coupon_use,
            "visits": visits_if(t.astype(float)),
            "points": points,
        }
    )
    sim = assemble(
        covariates, "loyalty", "spend", t, y0, y1, propensity,
        description="loyalty program: confounder, mediator, collider and M-bias",
    )
    sim.data["deal_seeking"] = deal_seeking
    sim.data["household_size"] = household_size
    return sim


def simulate_tutoring(
    n: int = 3000,
    *,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Students, hours of tutoring and exam scores: the exercise's world.

    A linear-Gaussian model on :data:`TUTORING_EDGES` with
    :data:`TUTORING_COEFFICIENTS` and unit-variance noise. ``tutoring`` is
    hours of tutoring (centred), ``score`` the exam score; ``motivation`` and
    ``prior_grade`` confound them, ``distance`` (to the tutoring centre)
    affects only tutoring, ``homework`` is a mediator and ``feedback`` (a
    post-exam rating) is caused by both tutoring and the score. The true total
    effect of one more hour is ``linear_total_effect(TUTORING_EDGES,
    TUTORING_COEFFICIENTS, "tutoring", "score")``.

    Parameters
    ----------
    n : int, default 3000
        Number of students.
    seed : int or numpy.random.Generator
        Source of randomness; required so every result repeats.

    Returns
    -------
    pandas.DataFrame
        Columns ``distance``, ``motivation``, ``prior_grade``, ``tutoring``,
        ``homework``, ``score``, ``feedback``.

    Raises
    ------
    ValueError
        If ``n`` is smaller than 2 or no seed is given.

    Examples
    --------
    >>> data = simulate_tutoring(500, seed=1)
    >>> data.columns.tolist()
    ['distance', 'motivation', 'prior_grade', 'tutoring', 'homework', 'score', 'feedback']
    >>> round(linear_total_effect(TUTORING_EDGES, TUTORING_COEFFICIENTS, "tutoring", "score"), 2)
    0.65
    """
    return simulate_linear_sem(TUTORING_EDGES, TUTORING_COEFFICIENTS, n, seed=seed)
