"""Honest regression trees for discovering subgroups with different effects.

The recipe of lecture 06 (after Athey & Imbens 2016, doi:10.1073/pnas.1510489113):

1. split a randomized experiment into a *discovery* and an *estimation* half
   (:func:`honest_split`);
2. on the discovery half, build the transformed outcome (optionally after
   subtracting a cross-fitted prediction of the outcome from the covariates,
   :func:`residualize_outcome`) and fit a shallow regression tree to it
   (:func:`fit_effect_tree`); its leaves are the candidate subgroups;
3. estimate the effect in each leaf with a difference in means on the
   estimation half (:func:`honest_leaf_effects`), where the splits could not
   chase that half's noise.

:func:`adaptive_vs_honest_coverage` runs the recipe once and returns both the
same-sample ("adaptive") and the held-out ("honest") leaf intervals next to the
true leaf means, so a simulation study can measure their coverage.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats
from sklearn.model_selection import KFold
from sklearn.tree import DecisionTreeRegressor

from causalcourse._validation import require_binary, require_columns
from causalcourse.heterogeneity import subgroup_effects, transformed_outcome
from causalcourse.simulate._base import make_rng

__all__ = [
    "honest_split",
    "residualize_outcome",
    "fit_effect_tree",
    "leaf_rules",
    "leaf_truth",
    "honest_leaf_effects",
    "adaptive_vs_honest_coverage",
    "plot_leaf_effects",
]


def _as_matrix(X, name: str = "X") -> np.ndarray:
    """A 2-D float array without NaN, or a ValueError naming the problem."""
    arr = np.asarray(X, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (rows = units, columns = covariates); "
                         f"got {arr.ndim} dimension(s)")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; drop or impute missing covariates first")
    return arr


def _as_vector(y, n: int, name: str) -> np.ndarray:
    arr = np.asarray(y, dtype=float)
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"{name} must be 1-D with {n} values (one per row of X); "
                         f"got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def honest_split(data: pd.DataFrame, frac: float = 0.5, *, seed) -> tuple[pd.DataFrame,
                                                                          pd.DataFrame]:
    """Randomly split units into a discovery part and an estimation part.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit.
    frac : float, default 0.5
        Share of units in the discovery part (rounded down), strictly
        between 0 and 1.
    seed : int or numpy.random.Generator
        Source of randomness; required.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``(discovery, estimation)``: disjoint, together all rows, each in the
        original row order and keeping the original index.

    Raises
    ------
    ValueError
        If ``frac`` is not strictly between 0 and 1 or a part would be empty.

    Examples
    --------
    >>> df = pd.DataFrame({"x": range(10)})
    >>> disc, est = honest_split(df, 0.3, seed=0)
    >>> len(disc), len(est), sorted(disc.index.union(est.index)) == list(range(10))
    (3, 7, True)
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(data).__name__}")
    if not 0 < frac < 1:
        raise ValueError(f"frac must be strictly between 0 and 1, got {frac}")
    n = len(data)
    n_disc = int(np.floor(frac * n))
    if n_disc == 0 or n_disc == n:
        raise ValueError(f"splitting {n} rows with frac={frac} leaves one part empty")
    in_discovery = make_rng(seed).permutation(n) < n_disc
    return data[in_discovery], data[~in_discovery]


def residualize_outcome(X, y, *, n_splits: int = 2, random_state: int = 0) -> np.ndarray:
    """The outcome minus a cross-fitted linear prediction of it from the covariates.

    Each unit's prediction comes from a linear regression fitted on the other
    folds, so it does not use the unit's own outcome. In a randomized
    experiment the prediction does not involve the treatment, so subtracting
    it leaves differences in means and the conditional mean of the transformed
    outcome unbiased, while removing the variation that the covariates explain.

    Parameters
    ----------
    X : array-like of shape (n, p)
        Pre-treatment covariates (never the treatment).
    y : array-like of shape (n,)
        Outcomes.
    n_splits : int, default 2
        Number of cross-fitting folds (at least 2).
    random_state : int, default 0
        Seed of the shuffled fold assignment.

    Returns
    -------
    numpy.ndarray
        ``y - m_hat(X)``.

    Raises
    ------
    ValueError
        On NaN, mismatched lengths or fewer than 2 folds.

    Examples
    --------
    >>> x = np.arange(8.0).reshape(-1, 1)
    >>> bool(np.abs(residualize_outcome(x, 3 + 2 * x[:, 0])).max() < 1e-9)
    True
    """
    X_arr = _as_matrix(X)
    y_arr = _as_vector(y, X_arr.shape[0], "y")
    if not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    if X_arr.shape[0] < 2 * n_splits * (X_arr.shape[1] + 1):
        raise ValueError(f"{X_arr.shape[0]} units are too few for {n_splits}-fold "
                         f"cross-fitting of a regression on {X_arr.shape[1]} covariates")
    # Least squares with an intercept on the other folds: the same numbers as
    # sklearn's cross_val_predict(LinearRegression(), X, y, cv=KFold(...)),
    # several times faster for the many small samples of a simulation study.
    design = np.column_stack([np.ones(X_arr.shape[0]), X_arr])
    fitted = np.empty_like(y_arr)
    folds = KFold(n_splits, shuffle=True, random_state=random_state)
    for train, test in folds.split(design):
        coef, *_ = np.linalg.lstsq(design[train], y_arr[train], rcond=None)
        fitted[test] = design[test] @ coef
    return y_arr - fitted


def fit_effect_tree(
    X,
    y_star,
    *,
    max_depth: int = 2,
    min_samples_leaf: int = 100,
    random_state: int = 0,
) -> DecisionTreeRegressor:
    """A shallow regression tree of the transformed outcome on the covariates.

    Because ``E[Y* | X = x]`` is the CATE in a randomized experiment, a
    regression tree of ``Y*`` groups units whose effects look alike; its leaves
    are candidate subgroups. The tree's own leaf means are noisy and, on the
    sample it was grown on, biased away from the truth: re-estimate them on
    held-out data (:func:`honest_leaf_effects`).

    Parameters
    ----------
    X : pandas.DataFrame or array-like of shape (n, p)
        Covariates. A DataFrame's column names are kept for :func:`leaf_rules`;
        later calls must then pass DataFrames with the same columns.
    y_star : array-like of shape (n,)
        Transformed outcome (see :func:`causalcourse.heterogeneity.transformed_outcome`).
    max_depth : int, default 2
        Depth of the tree (at most ``2 ** max_depth`` leaves).
    min_samples_leaf : int, default 100
        Smallest number of discovery units in a leaf.
    random_state : int, default 0
        Makes ties between equally good splits break the same way every run.

    Returns
    -------
    sklearn.tree.DecisionTreeRegressor
        The fitted tree.

    Raises
    ------
    ValueError
        On NaN, mismatched lengths or non-positive tree sizes.

    Examples
    --------
    >>> x = pd.DataFrame({"s": np.repeat([0.0, 1.0], 50)})
    >>> tree = fit_effect_tree(x, np.repeat([5.0, -1.0], 50), max_depth=1,
    ...                        min_samples_leaf=10)
    >>> int(tree.get_n_leaves()), tree.predict(x.iloc[[0, -1]]).tolist()
    (2, [5.0, -1.0])
    """
    X_arr = _as_matrix(X)
    y_arr = _as_vector(y_star, X_arr.shape[0], "y_star")
    for name, value in (("max_depth", max_depth), ("min_samples_leaf", min_samples_leaf)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if 2 * min_samples_leaf > X_arr.shape[0]:
        raise ValueError(f"min_samples_leaf={min_samples_leaf} is more than half of the "
                         f"{X_arr.shape[0]} units: the tree could not split at all")
    tree = DecisionTreeRegressor(max_depth=max_depth, min_samples_leaf=min_samples_leaf,
                                 random_state=random_state)
    return tree.fit(X if isinstance(X, pd.DataFrame) else X_arr, y_arr)


def _check_fitted(tree) -> None:
    if not isinstance(tree, DecisionTreeRegressor) or not hasattr(tree, "tree_"):
        raise ValueError("tree must be a fitted sklearn DecisionTreeRegressor "
                         "(e.g. from fit_effect_tree)")


def leaf_rules(tree, feature_names=None, *, decimals: int = 2) -> dict[int, str]:
    """The rule that defines each leaf, as readable text.

    Parameters
    ----------
    tree : sklearn.tree.DecisionTreeRegressor
        A fitted tree.
    feature_names : sequence of str, optional
        Names of the columns; by default the DataFrame columns the tree was
        fitted on (or ``x0, x1, ...``).
    decimals : int, default 2
        Decimal places of the printed thresholds.

    Returns
    -------
    dict of int -> str
        Leaf id (as returned by ``tree.apply``) -> one condition per covariate
        used on the way down (``lo < name <= hi`` when split on twice), joined by
        ``" & "`` in the order the tree first splits on them.

    Raises
    ------
    ValueError
        If the tree is not fitted or the number of names is wrong.

    Examples
    --------
    >>> x = pd.DataFrame({"s": np.repeat([0.0, 1.0], 50)})
    >>> tree = fit_effect_tree(x, np.repeat([5.0, -1.0], 50), max_depth=1,
    ...                        min_samples_leaf=10)
    >>> leaf_rules(tree)
    {1: 's <= 0.50', 2: 's > 0.50'}
    """
    _check_fitted(tree)
    if feature_names is None:
        feature_names = getattr(tree, "feature_names_in_", None)
        if feature_names is None:
            feature_names = [f"x{j}" for j in range(tree.n_features_in_)]
    names = [str(f) for f in feature_names]
    if len(names) != tree.n_features_in_:
        raise ValueError(f"{len(names)} feature names given for a tree fitted on "
                         f"{tree.n_features_in_} features")
    t = tree.tree_
    rules: dict[int, str] = {}

    def describe(bounds: dict[str, list[float | None]]) -> str:
        parts = []
        for name, (lo, hi) in bounds.items():
            if lo is not None and hi is not None:
                parts.append(f"{lo:.{decimals}f} < {name} <= {hi:.{decimals}f}")
            elif hi is not None:
                parts.append(f"{name} <= {hi:.{decimals}f}")
            else:
                parts.append(f"{name} > {lo:.{decimals}f}")
        return " & ".join(parts) if parts else "all units"

    def walk(node: int, bounds: dict[str, list[float | None]]) -> None:
        left, right = t.children_left[node], t.children_right[node]
        if left == right:  # a leaf
            rules[int(node)] = describe(bounds)
            return
        name, thr = names[t.feature[node]], float(t.threshold[node])
        lo, hi = bounds.get(name, [None, None])
        walk(left, {**bounds, name: [lo, thr]})    # x <= thr tightens the upper bound
        walk(right, {**bounds, name: [thr, hi]})   # x > thr tightens the lower bound

    walk(0, {})
    return dict(sorted(rules.items()))


def _leaf_ids(tree, X) -> np.ndarray:
    """Leaf of each row; a tree fitted on a DataFrame needs one with its columns."""
    _check_fitted(tree)
    names = getattr(tree, "feature_names_in_", None)
    if names is None:
        return tree.apply(_as_matrix(X))
    if not isinstance(X, pd.DataFrame):
        raise ValueError("the tree was fitted on a DataFrame: pass a DataFrame with the "
                         f"same columns ({', '.join(map(str, names))})")
    require_columns(X, list(names))
    X = X[list(names)]
    _as_matrix(X)
    return tree.apply(X)


def leaf_truth(tree, X_ref, tau_ref) -> pd.Series:
    """Mean true effect in each leaf over a large reference population.

    With a reference sample drawn from the same simulated world, this is a
    Monte Carlo value of the estimand ``E[tau(X) | X in leaf]`` that a leaf's
    difference in means targets.

    Parameters
    ----------
    tree : sklearn.tree.DecisionTreeRegressor
        A fitted tree.
    X_ref : pandas.DataFrame or array-like of shape (m, p)
        Covariates of the reference population (same columns as the tree's).
    tau_ref : array-like of shape (m,)
        True conditional effects of those units (e.g. ``true_cate``).

    Returns
    -------
    pandas.Series
        Indexed by leaf id (sorted), named ``true_effect``.

    Raises
    ------
    ValueError
        If lengths differ or a leaf has no reference unit.

    Examples
    --------
    >>> x = pd.DataFrame({"s": np.repeat([0.0, 1.0], 50)})
    >>> tree = fit_effect_tree(x, np.repeat([5.0, -1.0], 50), max_depth=1,
    ...                        min_samples_leaf=10)
    >>> leaf_truth(tree, x, np.repeat([4.0, 0.0], 50)).tolist()
    [4.0, 0.0]
    """
    leaves = _leaf_ids(tree, X_ref)
    tau = _as_vector(tau_ref, leaves.size, "tau_ref")
    truth = pd.Series(tau).groupby(leaves).mean().rename("true_effect")
    missing = sorted(set(leaf_rules(tree)) - set(truth.index))
    if missing:
        raise ValueError(f"leaf/leaves {missing} contain no reference unit; "
                         "use a larger reference population")
    truth.index.name = "leaf"
    return truth


def honest_leaf_effects(
    tree,
    X_est,
    data_est: pd.DataFrame,
    outcome: str,
    treatment: str,
    *,
    truth: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference in means with a Neyman interval in each leaf of ``tree``.

    Pass held-out units (not used to grow the tree) for honest estimates;
    passing the tree's own discovery units gives the *adaptive* estimates
    whose intervals undercover.

    Parameters
    ----------
    tree : sklearn.tree.DecisionTreeRegressor
        A fitted tree (e.g. from :func:`fit_effect_tree`).
    X_est : pandas.DataFrame or array-like
        Covariates of the units to estimate on, as the tree expects them.
    data_est : pandas.DataFrame
        The same units, with the outcome and treatment columns.
    outcome, treatment : str
        Column names.
    truth : str, optional
        A truth column averaged per leaf over these units (see
        :func:`causalcourse.heterogeneity.subgroup_effects`).
    alpha : float, default 0.05
        Intervals have nominal coverage ``1 - alpha``.

    Returns
    -------
    pandas.DataFrame
        Indexed by leaf id (``leaf``), the columns of
        :func:`~causalcourse.heterogeneity.subgroup_effects`.

    Raises
    ------
    ValueError
        If lengths differ, a leaf receives no unit, or a leaf has fewer than
        two units in an arm (the message names the leaf).

    Examples
    --------
    >>> x = pd.DataFrame({"s": np.repeat([0.0, 1.0], 50)})
    >>> tree = fit_effect_tree(x, np.repeat([5.0, -1.0], 50), max_depth=1,
    ...                        min_samples_leaf=10)
    >>> df = pd.DataFrame({"y": np.tile([0.0, 3.0], 50), "t": np.tile([0, 1], 50)})
    >>> honest_leaf_effects(tree, x, df, "y", "t")["estimate"].tolist()
    [3.0, 3.0]
    """
    require_columns(data_est, [outcome, treatment] + ([truth] if truth else []))
    leaves = _leaf_ids(tree, X_est)
    if leaves.size != len(data_est):
        raise ValueError(f"X_est has {leaves.size} rows but data_est has {len(data_est)}")
    empty = sorted(set(leaf_rules(tree)) - set(np.unique(leaves).tolist()))
    if empty:
        raise ValueError(f"leaf/leaves {empty} received no estimation unit; use more "
                         "estimation data or a larger min_samples_leaf")
    groups = pd.Series(leaves, index=data_est.index, name="leaf")
    table = subgroup_effects(data_est, outcome, treatment, groups, truth=truth, alpha=alpha)
    table.index.name = "leaf"
    return table


def adaptive_vs_honest_coverage(
    data: pd.DataFrame,
    covariates,
    outcome: str,
    treatment: str,
    *,
    reference: pd.DataFrame,
    truth: str = "true_cate",
    propensity: str = "propensity",
    adjust_for=None,
    max_depth: int = 2,
    min_samples_leaf: int = 50,
    alpha: float = 0.05,
    seed: int,
) -> pd.DataFrame:
    """One replication of the honesty experiment: adaptive and honest leaf intervals.

    Splits ``data`` in halves; in each half subtracts a cross-fitted linear
    prediction of the outcome (:func:`residualize_outcome`); grows a tree on
    the discovery half's transformed outcome; then estimates every leaf's
    effect (difference in means of the adjusted outcome, Neyman interval)
    twice with the *same* tree: on the discovery half itself (adaptive) and
    on the estimation half (honest). Both halves have the same size, so the
    only difference is whether the estimating data also chose the splits.

    Parameters
    ----------
    data : pandas.DataFrame
        A randomized experiment with covariates, treatment, outcome and a
        propensity column.
    covariates : sequence of str
        Columns the tree may split on.
    outcome, treatment : str
        Column names.
    reference : pandas.DataFrame
        A large sample from the same world with the covariates and ``truth``;
        the true leaf means are averaged over it (:func:`leaf_truth`).
    truth : str, default "true_cate"
        Column of ``reference`` with the true conditional effect.
    propensity : str, default "propensity"
        Column with P(T = 1 | X) used in the transformed outcome.
    adjust_for : sequence of str, optional
        Columns of the linear prediction subtracted from the outcome
        (default: ``covariates``); e.g. add a log-transformed skewed covariate.
    max_depth, min_samples_leaf : int
        Tree size (see :func:`fit_effect_tree`).
    alpha : float, default 0.05
        Intervals have nominal coverage ``1 - alpha``.
    seed : int
        Seed of the split, the cross-fitting folds and the tree.

    Returns
    -------
    pandas.DataFrame
        One row per (sample, leaf): ``sample`` ("adaptive" or "honest"),
        ``leaf``, ``estimate``, ``std_error``, ``ci_low``, ``ci_high``,
        ``truth`` (true leaf mean) and ``root`` (the covariate of the first
        split, or ``"none"`` if the tree did not split).

    Raises
    ------
    ValueError
        If a column is missing or a leaf lacks units in an arm.

    Examples
    --------
    >>> from causalcourse.simulate.outreach import simulate_outreach
    >>> cols = ["past_spend", "tenure_months", "satisfaction", "num_products", "age"]
    >>> ref = simulate_outreach(5000, seed=1).data
    >>> out = adaptive_vs_honest_coverage(simulate_outreach(1000, seed=2).data, cols,
    ...                                   "revenue", "outreach", reference=ref, seed=3)
    >>> sorted(out["sample"].unique()), out.groupby("sample").size().nunique()
    (['adaptive', 'honest'], 1)
    """
    covariates = list(covariates)
    adjust_for = covariates if adjust_for is None else list(adjust_for)
    require_columns(data, [*covariates, *adjust_for, outcome, treatment, propensity])
    require_columns(reference, [*covariates, truth])
    discovery, estimation = honest_split(data, 0.5, seed=seed)
    halves = {}
    for name, part in (("adaptive", discovery), ("honest", estimation)):
        X = part[covariates].to_numpy(float)
        adjusted = residualize_outcome(part[adjust_for], part[outcome], random_state=seed)
        halves[name] = (X, adjusted, require_binary(part[treatment], treatment))
    X_disc, adj_disc, t_disc = halves["adaptive"]
    y_star = transformed_outcome(adj_disc, t_disc, discovery[propensity].to_numpy(float))
    tree = fit_effect_tree(X_disc, y_star, max_depth=max_depth,
                           min_samples_leaf=min_samples_leaf, random_state=seed)
    true_means = leaf_truth(tree, reference[covariates].to_numpy(float),
                            reference[truth].to_numpy(float))
    root = covariates[tree.tree_.feature[0]] if tree.tree_.node_count > 1 else "none"
    frames = []
    for name, (X, adjusted, t) in halves.items():
        leaves = tree.apply(X)
        empty = sorted(set(true_means.index) - set(np.unique(leaves).tolist()))
        if empty:
            raise ValueError(f"leaf/leaves {empty} received no {name} unit")
        frame = _leaf_neyman(leaves, adjusted, t, alpha).reset_index()
        frame.insert(0, "sample", name)
        frame["truth"] = true_means.loc[frame["leaf"]].to_numpy()
        frame["root"] = root
        frames.append(frame.drop(columns=["n_treated", "n_control"]))
    return pd.concat(frames, ignore_index=True)


def _leaf_neyman(leaves: np.ndarray, y: np.ndarray, t: np.ndarray, alpha: float) -> pd.DataFrame:
    """Vectorized difference in means with a Neyman interval per leaf.

    The same numbers as :func:`honest_leaf_effects` (which loops through
    :func:`~causalcourse.heterogeneity.subgroup_effects`), computed with
    ``np.bincount`` so a simulation study can afford hundreds of replications.
    """
    labels, codes = np.unique(leaves, return_inverse=True)
    k = labels.size
    stats_by_arm = {}
    for arm in (1, 0):
        mask = t == arm
        n = np.bincount(codes[mask], minlength=k).astype(float)
        if (n < 2).any():
            bad = labels[n < 2].tolist()
            label = "treated" if arm == 1 else "control"
            raise ValueError(f"leaf/leaves {bad} have fewer than 2 {label} units")
        total = np.bincount(codes[mask], weights=y[mask], minlength=k)
        mean = total / n
        sq = np.bincount(codes[mask], weights=(y[mask] - mean[codes[mask]]) ** 2, minlength=k)
        stats_by_arm[arm] = (n, mean, sq / (n - 1))
    (n1, m1, v1), (n0, m0, v0) = stats_by_arm[1], stats_by_arm[0]
    estimate = m1 - m0
    std_error = np.sqrt(v1 / n1 + v0 / n0)
    z = stats.norm.ppf(1 - alpha / 2)
    table = pd.DataFrame(
        {"estimate": estimate, "std_error": std_error, "ci_low": estimate - z * std_error,
         "ci_high": estimate + z * std_error, "n_treated": n1.astype(int),
         "n_control": n0.astype(int)},
        index=pd.Index(labels, name="leaf"),
    )
    return table


def plot_leaf_effects(
    tables,
    truth=None,
    *,
    labels=None,
    ax=None,
    xlabel: str = "effect",
    title: str | None = None,
):
    """Forest plot of leaf effects: one row per leaf, one interval per table.

    Parameters
    ----------
    tables : mapping of str -> pandas.DataFrame
        Label (e.g. ``"adaptive"``, ``"honest"``) -> a table indexed by leaf
        with columns ``estimate``, ``ci_low``, ``ci_high`` (as returned by
        :func:`honest_leaf_effects`). Rows follow the first table's index,
        top to bottom.
    truth : pandas.Series, optional
        True effect per leaf (e.g. from :func:`leaf_truth`), drawn as diamonds.
    labels : mapping of leaf -> str, optional
        Tick labels (e.g. :func:`leaf_rules`); default ``"leaf <id>"``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is created when omitted.
    xlabel, title : str
        Axis label and title.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``tables`` is empty, a table lacks a column, or the tables do not
        cover the same leaves.

    Examples
    --------
    >>> tab = pd.DataFrame({"estimate": [1.0, 3.0], "ci_low": [0.0, 2.0],
    ...                     "ci_high": [2.0, 4.0]}, index=[1, 2])
    >>> ax = plot_leaf_effects({"honest": tab}, truth=pd.Series([1.5, 2.5], index=[1, 2]))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['leaf 1', 'leaf 2']
    >>> plt.close("all")
    """
    from causalcourse.plotting import PALETTE

    if not tables:
        raise ValueError("tables is empty: pass at least one label -> leaf table")
    frames = dict(tables)
    leaves = list(next(iter(frames.values())).index)
    for label, frame in frames.items():
        require_columns(frame, ["estimate", "ci_low", "ci_high"])
        if sorted(map(str, frame.index)) != sorted(map(str, leaves)):
            raise ValueError(f"table {label!r} has leaves {list(frame.index)}; "
                             f"expected {leaves}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.8 + 0.7 * len(leaves)))
    rows = np.arange(len(leaves))[::-1].astype(float)
    colors = [PALETTE["biased"], PALETTE["estimate"], "#2e8b57", "#8e44ad"]
    k = len(frames)
    offsets = (np.arange(k) - (k - 1) / 2) * (0.5 / max(k, 2))
    for (label, frame), color, off in zip(frames.items(), colors * 3, offsets, strict=False):
        frame = frame.loc[leaves]
        est = frame["estimate"].to_numpy(float)
        err = np.vstack([est - frame["ci_low"].to_numpy(float),
                         frame["ci_high"].to_numpy(float) - est])
        ax.errorbar(est, rows - off, xerr=err, fmt="o", color=color, capsize=3, label=label)
    if truth is not None:
        values = pd.Series(truth).reindex(leaves).to_numpy(float)
        ax.scatter(values, rows, marker="D", s=45, color=PALETTE["truth"], zorder=3,
                   label="true leaf mean")
    names = labels or {}
    ax.set_yticks(rows, [str(names.get(leaf, f"leaf {leaf}")) for leaf in leaves])
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize="small", frameon=False)
    return ax
