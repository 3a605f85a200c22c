"""Balance and overlap diagnostics: standardized mean differences, love plots,
overlap plots and the effective sample size of a set of weights.

Plot helpers take ``ax=None``, draw on it (or on a new axes) and return the
axes; they never call ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from causalcourse._validation import require_arm_sizes, require_binary

__all__ = ["effective_sample_size", "love_plot", "overlap_plot", "smd_table"]

_MARKERS = ("o", "s", "D", "^", "v")
_COLORS = ("#c0392b", "#1f6fb2", "#2e8b57", "#8e44ad", "#d35400")


def _numeric_frame(X) -> pd.DataFrame:
    frame = X.copy() if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X, float))
    if frame.ndim != 2 or frame.shape[1] == 0:
        raise ValueError("covariates must be a table with at least one column")
    bad = [c for c in frame.columns if not (pd.api.types.is_numeric_dtype(frame[c])
                                            or pd.api.types.is_bool_dtype(frame[c]))]
    if bad:
        raise ValueError(f"covariates must be numeric; encode these columns first: {bad}")
    frame = frame.astype(float)
    if frame.isna().any().any():
        raise ValueError("covariates contain missing values (NaN)")
    return frame


def _check_weights(weights, n: int, label: str) -> np.ndarray:
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != n:
        raise ValueError(f"weights '{label}' have {w.size} values but there are {n} units")
    if np.isnan(w).any() or (w < 0).any():
        raise ValueError(f"weights '{label}' must be non-negative numbers without NaN")
    return w


def smd_table(X, t, weights: Mapping[str, object] | None = None) -> pd.DataFrame:
    """Standardized mean differences of each covariate, before and after adjustment.

    For covariate ``x`` and weights ``w`` (all ones when unweighted),

    ``SMD = (weighted mean of x among treated - weighted mean among controls)
    / sqrt((s1^2 + s0^2) / 2)``

    where ``s1^2`` and ``s0^2`` are the *unweighted* sample variances (ddof=1)
    of ``x`` in each arm. Keeping the unadjusted denominator for every column
    means a change in SMD reflects a change in the means only (the convention
    of R's cobalt package); an absolute SMD below 0.1 is the usual rule of
    thumb for adequate balance (Austin 2009, doi:10.1002/sim.3697).

    Parameters
    ----------
    X : pandas.DataFrame or array-like, shape (n, p)
        Numeric covariates (encode categories as 0/1 columns first).
    t : array-like of {0, 1}
        Treatment indicators.
    weights : mapping of label -> array-like or None, optional
        One column of the table per entry; ``None`` means unweighted. Default:
        ``{"unadjusted": None}``. Weights of 0 drop a unit (e.g. unmatched).

    Returns
    -------
    pandas.DataFrame
        Rows are covariates, columns the labels of ``weights``.

    Raises
    ------
    ValueError
        On non-numeric or missing covariates, a non-binary treatment, an arm
        with fewer than two units, weights of the wrong length or negative,
        or weights that give an arm zero total weight.

    Examples
    --------
    >>> X = pd.DataFrame({"age": [20.0, 30.0, 40.0, 50.0]})
    >>> smd_table(X, [0, 0, 1, 1]).round(3)
         unadjusted
    age       2.828
    >>> # keep only the two middle units: the means are now 10 years apart, not 20
    >>> round(float(smd_table(X, [0, 0, 1, 1], {"after": [0, 1, 1, 0]}).loc["age", "after"]), 3)
    1.414
    """
    frame = _numeric_frame(X)
    t_arr = require_binary(pd.Series(np.asarray(t).ravel()), "treatment")
    if t_arr.size != len(frame):
        raise ValueError(f"treatment has {t_arr.size} values but X has {len(frame)} rows")
    require_arm_sizes(t_arr, "treatment")
    weights = {"unadjusted": None} if weights is None else dict(weights)
    values = frame.to_numpy()
    treated, control = t_arr == 1, t_arr == 0
    sd = np.sqrt((values[treated].var(axis=0, ddof=1) + values[control].var(axis=0, ddof=1)) / 2)
    sd = np.where(sd > 0, sd, np.nan)
    columns = {}
    for label, w in weights.items():
        w_arr = np.ones(t_arr.size) if w is None else _check_weights(w, t_arr.size, label)
        if w_arr[treated].sum() == 0 or w_arr[control].sum() == 0:
            raise ValueError(f"weights '{label}' give one arm a total weight of zero")
        mean_t = np.average(values[treated], axis=0, weights=w_arr[treated])
        mean_c = np.average(values[control], axis=0, weights=w_arr[control])
        columns[label] = (mean_t - mean_c) / sd
    return pd.DataFrame(columns, index=frame.columns)


def effective_sample_size(weights) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of a set of weights.

    Equal weights give the number of units; a few huge weights (a sign of
    poor overlap) make it small.

    Parameters
    ----------
    weights : array-like of float
        Non-negative weights, not all zero.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a weight is negative or NaN, or all are zero.

    Examples
    --------
    >>> effective_sample_size([1.0, 1.0, 1.0, 1.0])
    4.0
    >>> effective_sample_size([1.0, 1.0, 1.0, 3.0])
    3.0
    """
    w = _check_weights(weights, np.size(weights), "weights")
    if w.sum() == 0:
        raise ValueError("all weights are zero")
    return float(w.sum() ** 2 / np.sum(w**2))


def love_plot(table: pd.DataFrame, *, ax=None, threshold: float = 0.1, title: str | None = None):
    """Dot plot of absolute standardized mean differences (a "love plot").

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`smd_table`: rows are covariates, one column per
        adjustment. Covariates are drawn in the order of the table's first
        column (largest imbalance at the top).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is created when omitted.
    threshold : float, default 0.1
        Drawn as a dashed vertical line (rule-of-thumb balance threshold).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the table is empty or has more columns than the plot can style (5).
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ValueError("table must be a non-empty DataFrame from smd_table")
    if table.shape[1] > len(_MARKERS):
        raise ValueError(f"at most {len(_MARKERS)} columns can be drawn, got {table.shape[1]}")
    absolute = table.abs()
    order = absolute.iloc[:, 0].sort_values().index
    absolute = absolute.loc[order]
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 0.9 + 0.38 * len(absolute)))
    rows = np.arange(len(absolute))
    for (label, col), marker, color in zip(absolute.items(), _MARKERS, _COLORS, strict=False):
        ax.scatter(col.to_numpy(), rows, marker=marker, color=color, s=42, label=str(label),
                   zorder=3)
    ax.axvline(threshold, color="#444444", linestyle="--", linewidth=1,
               label=f"|SMD| = {threshold:g}")
    ax.set_yticks(rows, [str(i) for i in absolute.index])
    ax.set_xlabel("absolute standardized mean difference")
    ax.set_xlim(left=0)
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small", frameon=True)
    return ax


def overlap_plot(
    e,
    t,
    *,
    ax=None,
    bins: int = 40,
    labels: tuple[str, str] = ("control", "treated"),
    density: bool = False,
    scale: str = "probability",
    title: str | None = None,
):
    """Mirrored histograms of the propensity score in the two arms.

    Treated units are drawn above the axis and controls below it, on the same
    bins, so regions where one arm has units and the other has (almost) none
    stand out: those are the regions where positivity is in doubt.

    Parameters
    ----------
    e : array-like of float
        Propensity scores in [0, 1].
    t : array-like of {0, 1}
        Treatment indicators.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is created when omitted.
    bins : int, default 40
        Number of equal-width bins on [0, 1].
    labels : (str, str), default ("control", "treated")
        Legend labels for t = 0 and t = 1.
    density : bool, default False
        Show each arm's share of its units per bin instead of counts (useful
        when one arm is much larger than the other).
    scale : {"probability", "logit"}, default "probability"
        Plot ``e`` on [0, 1], or its logit ``log(e / (1 - e))``, which spreads
        out scores crowded near 0 or 1 (every score must then be strictly
        between 0 and 1).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If lengths differ, a score is NaN or outside [0, 1] (or equal to 0 or 1
        on the logit scale), the treatment is not binary, an arm is empty, or
        the scale is unknown.
    """
    e_arr = np.asarray(e, dtype=float).ravel()
    t_arr = require_binary(pd.Series(np.asarray(t).ravel()), "treatment")
    if e_arr.size != t_arr.size:
        raise ValueError(f"propensity has {e_arr.size} values but treatment has {t_arr.size}")
    if np.isnan(e_arr).any() or ((e_arr < 0) | (e_arr > 1)).any():
        raise ValueError("propensity scores must be numbers in [0, 1]")
    require_arm_sizes(t_arr, "treatment", minimum=1)
    if scale == "probability":
        x, edges, xlabel = e_arr, np.linspace(0, 1, bins + 1), "propensity score"
    elif scale == "logit":
        if ((e_arr == 0) | (e_arr == 1)).any():
            raise ValueError("the logit scale needs scores strictly between 0 and 1 (positivity)")
        x = np.log(e_arr / (1 - e_arr))
        edges = np.linspace(x.min(), x.max(), bins + 1)
        xlabel = "logit of the propensity score"
    else:
        raise ValueError(f"scale must be 'probability' or 'logit', got {scale!r}")
    if ax is None:
        _, ax = plt.subplots()
    count_t, _ = np.histogram(x[t_arr == 1], bins=edges)
    count_c, _ = np.histogram(x[t_arr == 0], bins=edges)
    if density:
        count_t = count_t / count_t.sum()
        count_c = count_c / count_c.sum()
    width = np.diff(edges)
    ax.bar(edges[:-1], count_t, width=width, align="edge", color=_COLORS[1], alpha=0.8,
           label=labels[1])
    ax.bar(edges[:-1], -count_c, width=width, align="edge", color=_COLORS[0], alpha=0.8,
           label=labels[0])
    ax.axhline(0, color="#222222", linewidth=0.8)
    top = max(count_t.max(), count_c.max())
    ax.set_ylim(-1.08 * top, 1.08 * top)
    fmt = "{:.0%}" if density else "{:.0f}"
    # Counts below the axis are controls: label the ticks with absolute values.
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.format(abs(v))))
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of the arm's units" if density else "number of units")
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    return ax
