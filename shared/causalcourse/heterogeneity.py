"""Tools for heterogeneous effects shared by lectures 05-10.

Subgroup effect tables, the transformed (IPW pseudo-) outcome, calibration
of predicted effects by bucket, and the coverage of a set of intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from causalcourse._validation import (
    require_binary,
    require_columns,
    require_no_missing,
)
from causalcourse.estimators import neyman

__all__ = ["subgroup_effects", "transformed_outcome", "calibration_by_bucket",
           "interval_coverage"]


def subgroup_effects(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    by: str | pd.Series,
    *,
    truth: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference in means with a Neyman interval within each subgroup.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (a randomized experiment, or within-group randomization).
    outcome, treatment : str
        Outcome column and binary treatment column.
    by : str or pandas.Series
        Column name, or a Series aligned with ``data`` (e.g. ``pd.qcut(...)``),
        defining the subgroups.
    truth : str, optional
        A truth column (e.g. ``"true_effect"``) whose subgroup mean is added as
        ``true_effect`` so estimates can be compared with the truth.
    alpha : float, default 0.05
        Intervals have nominal coverage ``1 - alpha``.

    Returns
    -------
    pandas.DataFrame
        Indexed by subgroup, columns ``estimate``, ``std_error``, ``ci_low``,
        ``ci_high``, ``n_treated``, ``n_control`` (and ``true_effect``).

    Raises
    ------
    ValueError
        If a column is missing, the treatment is not binary, or a subgroup has
        fewer than two units in an arm (the message names the subgroup).

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1., 2, 3, 4, 5, 6, 7, 9], "t": [0, 0, 1, 1] * 2,
    ...                    "g": ["a"] * 4 + ["b"] * 4})
    >>> subgroup_effects(df, "y", "t", "g")["estimate"].tolist()
    [2.0, 2.5]
    """
    cols = [outcome, treatment] + ([by] if isinstance(by, str) else []) + (
        [truth] if truth else [])
    require_columns(data, cols)
    groups = data[by] if isinstance(by, str) else by
    if len(groups) != len(data):
        raise ValueError(f"`by` has {len(groups)} values but data has {len(data)} rows")
    require_no_missing(pd.Series(groups), str(getattr(groups, "name", "by")))
    require_binary(data[treatment], treatment)
    rows = {}
    for label, part in data.groupby(np.asarray(groups), sort=True, observed=True):
        try:
            est = neyman(part[outcome], part[treatment], alpha=alpha)
        except ValueError as err:
            raise ValueError(f"subgroup {label!r}: {err}") from None
        row = {k: getattr(est, k) for k in ("estimate", "std_error", "ci_low", "ci_high",
                                             "n_treated", "n_control")}
        if truth:
            row["true_effect"] = float(part[truth].mean())
        rows[label] = row
    if isinstance(groups, pd.Series) and isinstance(groups.dtype, pd.CategoricalDtype):
        order = [c for c in groups.cat.categories if c in rows]
        rows = {k: rows[k] for k in order}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = getattr(groups, "name", None) or "subgroup"
    return table


def transformed_outcome(y, t, propensity) -> np.ndarray:
    """The IPW transformed outcome ``Y* = Y (T - e) / (e (1 - e))``.

    Under unconfoundedness with known propensity ``e(x)``, ``E[Y* | X = x]``
    equals the CATE ``tau(x)`` (Athey & Imbens 2016), so any regression of
    ``Y*`` on ``X`` estimates the CATE, noisily.

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    t : array-like of {0, 1}
        Treatment indicators.
    propensity : float or array-like
        P(T = 1 | X), strictly between 0 and 1.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        On NaN, a non-binary treatment, mismatched lengths, or a propensity
        of 0 or 1 (the transformation divides by it).

    Examples
    --------
    >>> transformed_outcome([2.0, 1.0], [1, 0], 0.5).tolist()
    [4.0, -2.0]
    """
    y_arr = np.asarray(y, dtype=float)
    t_arr = require_binary(pd.Series(np.asarray(t)), "treatment")
    e = np.broadcast_to(np.asarray(propensity, dtype=float), y_arr.shape)
    if t_arr.shape != y_arr.shape:
        raise ValueError(f"y and t lengths differ: {y_arr.size} vs {t_arr.size}")
    if np.isnan(y_arr).any() or np.isnan(e).any():
        raise ValueError("y or propensity contains NaN")
    if ((e <= 0) | (e >= 1)).any():
        raise ValueError("propensity must be strictly between 0 and 1 (positivity)")
    return y_arr * (t_arr - e) / (e * (1 - e))


def calibration_by_bucket(
    predicted,
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    *,
    n_buckets: int = 10,
    truth: str | None = None,
) -> pd.DataFrame:
    """Compare predicted effects with effects measured within prediction buckets.

    Units are split into ``n_buckets`` quantile buckets of the predicted
    effect; in each, the mean prediction is set beside the difference in means
    (a randomized experiment makes it unbiased) and, for simulations, the mean
    true effect. A well-calibrated model has the two columns line up.

    Parameters
    ----------
    predicted : array-like of float
        Predicted CATE per unit, aligned with ``data``.
    data : pandas.DataFrame
        Contains ``outcome`` and ``treatment`` (and ``truth`` if given).
    outcome, treatment : str
        Column names.
    n_buckets : int, default 10
        Number of quantile buckets (deciles by default).
    truth : str, optional
        Truth column to average per bucket (``true_effect`` or ``true_cate``).

    Returns
    -------
    pandas.DataFrame
        One row per bucket (1 = lowest predictions): ``predicted`` plus the
        columns of :func:`subgroup_effects`.

    Raises
    ------
    ValueError
        If the lengths differ, ``n_buckets`` < 2, or a bucket lacks an arm.
    """
    pred = np.asarray(predicted, dtype=float)
    if pred.shape != (len(data),):
        raise ValueError(f"predicted has shape {pred.shape}; expected ({len(data)},)")
    if np.isnan(pred).any():
        raise ValueError("predicted contains NaN")
    if not isinstance(n_buckets, (int, np.integer)) or n_buckets < 2:
        raise ValueError(f"n_buckets must be an integer >= 2, got {n_buckets!r}")
    ranks = pd.Series(pred, index=data.index).rank(method="first")
    bucket = pd.qcut(ranks, n_buckets, labels=range(1, n_buckets + 1)).rename("bucket")
    table = subgroup_effects(data, outcome, treatment, bucket, truth=truth)
    table.insert(0, "predicted", pd.Series(pred, index=data.index).groupby(bucket,
                                                                        observed=True).mean())
    return table


def interval_coverage(ci_low, ci_high, truth) -> float:
    """Share of intervals ``[ci_low, ci_high]`` that contain ``truth``.

    Parameters
    ----------
    ci_low, ci_high : array-like of float
        Interval bounds, one pair per interval.
    truth : float or array-like
        The true value(s) each interval targets.

    Returns
    -------
    float
        Coverage in [0, 1].

    Raises
    ------
    ValueError
        If the inputs are empty, of different lengths, contain NaN, or a lower
        bound exceeds its upper bound.

    Examples
    --------
    >>> interval_coverage([0, 1, 2], [2, 3, 2.5], [1, 4, 2.2])
    0.6666666666666666
    """
    lo = np.asarray(ci_low, dtype=float)
    hi = np.asarray(ci_high, dtype=float)
    tr = np.broadcast_to(np.asarray(truth, dtype=float), lo.shape)
    if lo.size == 0:
        raise ValueError("no intervals given")
    if lo.shape != hi.shape:
        raise ValueError(f"ci_low and ci_high lengths differ: {lo.size} vs {hi.size}")
    if np.isnan(lo).any() or np.isnan(hi).any() or np.isnan(tr).any():
        raise ValueError("interval bounds or truth contain NaN")
    if (lo > hi).any():
        raise ValueError("some lower bounds exceed their upper bounds")
    return float(((lo <= tr) & (tr <= hi)).mean())
