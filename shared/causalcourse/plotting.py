"""Notebook style, DAG drawing and effect/interval plots.

Plot helpers take ``ax=None``, draw on it (or on a new axes) and return the
axes; they never call ``plt.show()``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["set_style", "draw_dag", "plot_estimates", "plot_sampling_distributions"]

#: Colours used consistently across the course.
PALETTE = {
    "truth": "#222222",
    "estimate": "#1f6fb2",
    "biased": "#c0392b",
    "randomized": "#1f6fb2",
    "highlight": "#f5c242",
}


def set_style(dpi: int = 90, precision: int = 3) -> None:
    """Apply the course's look to matplotlib, seaborn and pandas.

    Call it once in a notebook's import cell. Nothing in the package changes
    global state on import; this function is the one explicit place that does.

    Parameters
    ----------
    dpi : int, default 90
        Resolution of inline figures. Moderate, so notebooks stay small.
    precision : int, default 3
        Decimal places pandas shows for floats.
    """
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", font_scale=1.05)
    plt.rcParams.update(
        {
            "figure.dpi": dpi,
            "savefig.dpi": dpi,
            "figure.figsize": (6.4, 3.8),
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "causalcourse",
        }
    )
    _inline_figures_without_version_stamp()
    pd.set_option("display.precision", precision)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.width", 100)


def _inline_figures_without_version_stamp() -> None:
    """Inline PNGs: tight bounding box, no 'Software: Matplotlib version' stamp.

    Stored notebook outputs should depend on the code and the lock only, not
    carry tool version strings. Does nothing outside IPython.
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # pragma: no cover - IPython is in the lock
        return
    if get_ipython() is None:
        return
    InlineBackend.instance().print_figure_kwargs = {
        "bbox_inches": "tight",
        "metadata": {"Software": None},
    }


def draw_dag(
    edges: Iterable[tuple[str, str]],
    *,
    treatment: str | None = None,
    outcome: str | None = None,
    unobserved: Iterable[str] = (),
    highlight: Iterable[str] = (),
    rankdir: str = "LR",
    title: str | None = None,
):
    """Draw a causal DAG as a ``graphviz.Digraph``.

    Parameters
    ----------
    edges : iterable of (str, str)
        Directed edges ``(cause, effect)``.
    treatment, outcome : str, optional
        Nodes drawn with a distinct fill so the question reads at a glance.
    unobserved : iterable of str
        Nodes drawn dashed (not measured).
    highlight : iterable of str
        Nodes drawn with a thick border (e.g. an adjustment set).
    rankdir : {"LR", "TB"}, default "LR"
        Layout direction.
    title : str, optional
        Label shown under the graph.

    Returns
    -------
    graphviz.Digraph
        Displayed inline by Jupyter as SVG; its text repr names the node and
        edge counts (no memory address); ``.render()`` writes a file.

    Raises
    ------
    ValueError
        If an edge is not a pair of node names, or the edges contain a cycle.

    Examples
    --------
    >>> g = draw_dag([("recency", "email"), ("recency", "spend"), ("email", "spend")],
    ...              treatment="email", outcome="spend")
    >>> "email -> spend" in g.source
    True
    >>> g
    <causal DAG: 3 nodes, 3 edges>
    """
    import networkx as nx

    edges = list(edges)
    for edge in edges:
        if not (isinstance(edge, tuple | list) and len(edge) == 2):
            raise ValueError(f"each edge must be a (cause, effect) pair, got {edge!r}")
    graph = nx.DiGraph([tuple(map(str, e)) for e in edges])
    if not nx.is_directed_acyclic_graph(graph):
        cycle = nx.find_cycle(graph)
        raise ValueError(f"the edges contain a cycle: {cycle}")
    if rankdir not in {"LR", "TB", "RL", "BT"}:
        raise ValueError(f"rankdir must be one of LR, TB, RL, BT; got {rankdir!r}")

    unobserved, highlight = set(unobserved), set(highlight)
    dot = _dag_class()(graph_attr={"rankdir": rankdir, "bgcolor": "transparent"})
    dot.attr("node", shape="ellipse", fontname="Helvetica", fontsize="12")
    dot.attr("edge", arrowsize="0.7")
    # Sorted insertion makes the output identical from run to run.
    for node in sorted(graph.nodes):
        attrs = {}
        if node == treatment:
            attrs.update(style="filled", fillcolor="#cfe3f5")
        elif node == outcome:
            attrs.update(style="filled", fillcolor="#f9e0c7")
        if node in unobserved:
            attrs["style"] = ",".join(filter(None, [attrs.get("style"), "dashed"]))
        if node in highlight:
            attrs["penwidth"] = "2.5"
        dot.node(node, **attrs)
    for cause, effect in sorted(graph.edges):
        style = "dashed" if cause in unobserved else "solid"
        dot.edge(cause, effect, style=style)
    if title:
        dot.attr(label=title, labelloc="b", fontname="Helvetica", fontsize="12")
    dot.n_nodes, dot.n_edges = graph.number_of_nodes(), graph.number_of_edges()
    return dot


@functools.cache
def _dag_class():
    """A Digraph whose text repr is stable (no memory address in stored outputs)."""
    import graphviz

    class CausalDAG(graphviz.Digraph):
        n_nodes = 0
        n_edges = 0

        def __repr__(self) -> str:
            return f"<causal DAG: {self.n_nodes} nodes, {self.n_edges} edges>"

    return CausalDAG


def _as_frame(estimates) -> pd.DataFrame:
    if isinstance(estimates, pd.DataFrame):
        frame = estimates
    elif isinstance(estimates, Mapping):
        rows = {}
        for label, est in estimates.items():
            rows[label] = est.to_dict() if hasattr(est, "to_dict") else dict(est)
        frame = pd.DataFrame.from_dict(rows, orient="index")
    else:
        raise TypeError("estimates must be a DataFrame or a mapping label -> EffectEstimate")
    needed = {"estimate", "ci_low", "ci_high"}
    if not needed <= set(frame.columns):
        raise ValueError(f"estimates need columns {sorted(needed)}; got {list(frame.columns)}")
    return frame


def plot_estimates(
    estimates,
    truth: float | Mapping[str, float] | None = None,
    *,
    ax=None,
    xlabel: str = "effect",
    title: str | None = None,
):
    """Forest plot: one row per estimate with its interval, against the truth.

    Parameters
    ----------
    estimates : mapping of label -> EffectEstimate, or DataFrame
        A DataFrame needs columns ``estimate``, ``ci_low``, ``ci_high`` and is
        plotted in index order (top to bottom).
    truth : float or mapping of label -> float, optional
        One true value drawn as a vertical line, or one per row drawn as a
        marker on that row.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is created when omitted.
    xlabel, title : str
        Axis label and title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    frame = _as_frame(estimates)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 0.5 + 0.55 * len(frame)))
    rows = np.arange(len(frame))[::-1]
    est = frame["estimate"].to_numpy(float)
    err = np.vstack([est - frame["ci_low"].to_numpy(float), frame["ci_high"].to_numpy(float) - est])
    ax.errorbar(est, rows, xerr=err, fmt="o", color=PALETTE["estimate"], capsize=4,
                label="estimate with interval")
    if isinstance(truth, Mapping):
        values = [truth.get(label, np.nan) for label in frame.index]
        ax.scatter(values, rows, marker="D", color=PALETTE["truth"], zorder=3, label="truth")
    elif truth is not None:
        ax.axvline(float(truth), color=PALETTE["truth"], linestyle="--", label="truth")
    ax.set_yticks(rows, [str(label) for label in frame.index])
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize="small", frameon=False)
    return ax


def plot_sampling_distributions(
    draws: Mapping[str, Sequence[float]],
    truth: float | None = None,
    *,
    ax=None,
    bins: int = 30,
    xlabel: str = "estimate",
    title: str | None = None,
):
    """Overlayed histograms of an estimator's values across repeated samples.

    Parameters
    ----------
    draws : mapping of label -> sequence of float
        Estimates from repeated simulations, one entry per estimator or design.
    truth : float, optional
        The estimand, drawn as a vertical line.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is created when omitted.
    bins : int, default 30
        Histogram bins, shared by all entries.
    xlabel, title : str
        Axis label and title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not draws:
        raise ValueError("draws is empty: pass at least one label -> values")
    if ax is None:
        _, ax = plt.subplots()
    values = {k: np.asarray(v, dtype=float) for k, v in draws.items()}
    lo = min(v.min() for v in values.values())
    hi = max(v.max() for v in values.values())
    if truth is not None:
        lo, hi = min(lo, truth), max(hi, truth)
    edges = np.linspace(lo, hi, bins + 1)
    colors = [PALETTE["biased"], PALETTE["randomized"], "#2e8b57", "#8e44ad"]
    for (label, v), color in zip(values.items(), colors * 3, strict=False):
        ax.hist(v, bins=edges, alpha=0.55, color=color, label=label)
    if truth is not None:
        ax.axvline(truth, color=PALETTE["truth"], linestyle="--", label="truth")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("number of samples")
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize="small")
    return ax
