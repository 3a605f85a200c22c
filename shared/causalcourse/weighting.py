"""Adjustment for observed confounders: propensity scores, weighting, matching,
stratification, standardization and doubly robust (AIPW) estimation.

Every estimator here is a few transparent lines on NumPy arrays, so a lecture
can show exactly what it computes; lecture 04 then obtains the same numbers
from DoWhy and EconML and shows that they agree.

Conventions: ``y`` is the outcome, ``t`` the 0/1 treatment, ``e`` the
propensity score P(T = 1 | X) and ``X`` the covariates (a DataFrame or a 2-D
array). Propensities of exactly 0 or 1 raise a ``ValueError`` that names
positivity: such units have no counterpart in the other arm, and no amount of
weighting can stand in for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from causalcourse._validation import require_arm_sizes, require_binary
from causalcourse.estimators import EffectEstimate

__all__ = [
    "MatchResult",
    "aipw_crossfit",
    "aipw_scores",
    "caliper_match",
    "check_positivity",
    "crossfit_folds",
    "fit_propensity",
    "ipw_estimate",
    "ipw_weights",
    "overlap_mask",
    "standardization",
    "stratified_estimate",
    "stratum_table",
]

_ESTIMANDS = ("ate", "att")


# --------------------------------------------------------------------- inputs


def _as_outcome(y, n: int | None = None, name: str = "outcome") -> np.ndarray:
    arr = np.asarray(y, dtype=float).ravel()
    if n is not None and arr.size != n:
        raise ValueError(f"{name} has {arr.size} values but the treatment has {n}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} has {int(np.isnan(arr).sum())} missing value(s) (NaN)")
    return arr


def _as_treatment(t) -> np.ndarray:
    arr = require_binary(pd.Series(np.asarray(t).ravel()), "treatment")
    require_arm_sizes(arr, "treatment", minimum=1)
    return arr


def _as_covariates(X, n: int) -> np.ndarray:
    if isinstance(X, pd.DataFrame):
        bad = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])
               and not pd.api.types.is_bool_dtype(X[c])]
        if bad:
            raise ValueError(f"covariates must be numeric; encode these columns first: {bad}")
        arr = X.to_numpy(dtype=float)
    else:
        arr = np.asarray(X, dtype=float)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[0] != n:
        raise ValueError(f"covariates must be a 2-D table with {n} rows, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError("covariates contain missing values (NaN); drop or impute them first")
    return arr


def _check_estimand(estimand: str) -> str:
    if estimand not in _ESTIMANDS:
        raise ValueError(f"estimand must be one of {_ESTIMANDS}, got {estimand!r}")
    return estimand


def check_positivity(e, n: int | None = None) -> np.ndarray:
    """Return propensity scores as a float array after checking positivity.

    Parameters
    ----------
    e : array-like of float
        Propensity scores P(T = 1 | X), one per unit.
    n : int, optional
        Expected number of units.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        If a score is NaN, outside [0, 1], or exactly 0 or 1. The last case
        is a violation of positivity: such a unit can never be (or always is)
        treated, so it has no comparable unit in the other arm.

    Examples
    --------
    >>> check_positivity([0.2, 0.5, 0.9]).tolist()
    [0.2, 0.5, 0.9]
    >>> check_positivity([0.2, 1.0])
    Traceback (most recent call last):
    ...
    ValueError: positivity violated: 1 propensity score(s) are exactly 0 or 1...
    """
    arr = np.asarray(e, dtype=float).ravel()
    if n is not None and arr.size != n:
        raise ValueError(f"propensity has {arr.size} values but the treatment has {n}")
    if np.isnan(arr).any():
        raise ValueError(f"propensity has {int(np.isnan(arr).sum())} missing value(s) (NaN)")
    if ((arr < 0) | (arr > 1)).any():
        raise ValueError("propensity scores must lie in [0, 1]; found values outside it")
    extreme = int(((arr == 0) | (arr == 1)).sum())
    if extreme:
        raise ValueError(
            f"positivity violated: {extreme} propensity score(s) are exactly 0 or 1, so those "
            "units have no comparable units in the other arm; restrict the population "
            "(see overlap_mask) or revisit the propensity model"
        )
    return arr


# ----------------------------------------------------------------- propensity


def _default_classifier():
    return make_pipeline(StandardScaler(), LogisticRegression(C=1e6, tol=1e-8, max_iter=5000))


def crossfit_folds(t, n_folds: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified cross-fitting folds as a list of ``(train_index, test_index)``.

    Stratifying on the treatment keeps both arms in every training fold. The
    list can be passed to :func:`aipw_crossfit` and, unchanged, as ``cv=`` to
    EconML's DR learners, so both use exactly the same sample splits.

    Parameters
    ----------
    t : array-like of {0, 1}
        Treatment indicators.
    n_folds : int, default 5
        Number of folds (at least 2).
    seed : int, default 0
        Seed of the shuffle.

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)

    Raises
    ------
    ValueError
        If ``n_folds`` < 2 or an arm has fewer units than folds.

    Examples
    --------
    >>> folds = crossfit_folds([0, 1] * 10, n_folds=5, seed=1)
    >>> len(folds), sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(20))
    (5, True)
    """
    t_arr = _as_treatment(t)
    if not isinstance(n_folds, (int, np.integer)) or n_folds < 2:
        raise ValueError(f"n_folds must be an integer >= 2, got {n_folds!r}")
    smallest = int(min(t_arr.sum(), (1 - t_arr).sum()))
    if smallest < n_folds:
        raise ValueError(f"an arm has only {smallest} unit(s), fewer than n_folds = {n_folds}")
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return [(train, test) for train, test in splitter.split(np.zeros((t_arr.size, 1)), t_arr)]


def fit_propensity(X, t, *, model=None, folds=None) -> np.ndarray:
    """Estimate propensity scores P(T = 1 | X) with a classifier.

    Parameters
    ----------
    X : pandas.DataFrame or array-like, shape (n, p)
        Numeric pre-treatment covariates.
    t : array-like of {0, 1}
        Treatment indicators.
    model : scikit-learn classifier, optional
        Anything with ``fit`` and ``predict_proba``; it is cloned, never
        changed. Default: a logistic regression on standardized covariates
        with negligible penalty (``C=1e6``) and a tight tolerance: the usual
        maximum-likelihood logit, to about 1e-8.
    folds : list of (train_index, test_index), optional
        If given, each unit's score comes from a model fitted on the other
        folds (cross-fitting, see :func:`crossfit_folds`).

    Returns
    -------
    numpy.ndarray
        One score per unit. Not clipped: pass it through
        :func:`check_positivity` or :func:`overlap_mask` before weighting.

    Raises
    ------
    ValueError
        On non-numeric or missing covariates, a non-binary treatment, or
        mismatched lengths.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> e = fit_propensity(X, [0, 0, 1, 0, 1, 1])
    >>> bool(np.all(np.diff(e) > 0)), round(float(e.mean()), 3)
    (True, 0.5)
    """
    t_arr = _as_treatment(t)
    X_arr = _as_covariates(X, t_arr.size)
    base = _default_classifier() if model is None else model
    if folds is None:
        return clone(base).fit(X_arr, t_arr).predict_proba(X_arr)[:, 1]
    e = np.full(t_arr.size, np.nan)
    for train, test in folds:
        e[test] = clone(base).fit(X_arr[train], t_arr[train]).predict_proba(X_arr[test])[:, 1]
    if np.isnan(e).any():
        raise ValueError("the folds do not cover every unit exactly once")
    return e


def overlap_mask(e, lower: float = 0.1, upper: float | None = None) -> np.ndarray:
    """Units whose propensity lies in ``[lower, upper]`` (trimming for overlap).

    Crump, Hotz, Imbens & Mitnik (2009, doi:10.1093/biomet/asn055) suggest
    ``[0.1, 0.9]`` as a rule of thumb. Trimming changes the estimand: the
    effect is then the average over the kept population only.

    Parameters
    ----------
    e : array-like of float
        Propensity scores.
    lower : float, default 0.1
        Smallest score kept, in [0, 0.5).
    upper : float, optional
        Largest score kept; default ``1 - lower``.

    Returns
    -------
    numpy.ndarray of bool

    Raises
    ------
    ValueError
        If the bounds are not ``0 <= lower < upper <= 1`` or a score is NaN.

    Examples
    --------
    >>> overlap_mask([0.05, 0.2, 0.5, 0.95]).tolist()
    [False, True, True, False]
    """
    arr = np.asarray(e, dtype=float).ravel()
    if np.isnan(arr).any():
        raise ValueError("propensity contains NaN")
    upper = 1.0 - lower if upper is None else upper
    if not 0 <= lower < upper <= 1:
        raise ValueError(f"need 0 <= lower < upper <= 1, got lower={lower}, upper={upper}")
    return (arr >= lower) & (arr <= upper)


# ----------------------------------------------------------------- weighting


def ipw_weights(t, e, estimand: str = "ate") -> np.ndarray:
    """Inverse-probability weights.

    For the ATE, ``1 / e`` for treated and ``1 / (1 - e)`` for control units:
    each arm is reweighted to look like the whole population. For the ATT,
    treated units keep weight 1 and controls get the odds ``e / (1 - e)``:
    the controls are reweighted to look like the treated.

    Parameters
    ----------
    t : array-like of {0, 1}
        Treatment indicators.
    e : array-like of float
        Propensity scores, strictly between 0 and 1.
    estimand : {"ate", "att"}, default "ate"

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        On a non-binary treatment, mismatched lengths, or a score of 0 or 1
        (positivity).

    Examples
    --------
    >>> ipw_weights([1, 0], [0.25, 0.25]).tolist()
    [4.0, 1.3333333333333333]
    >>> ipw_weights([1, 0], [0.25, 0.25], estimand="att").tolist()
    [1.0, 0.3333333333333333]
    """
    _check_estimand(estimand)
    t_arr = _as_treatment(t)
    e_arr = check_positivity(e, t_arr.size)
    if estimand == "ate":
        return np.where(t_arr == 1, 1 / e_arr, 1 / (1 - e_arr))
    return np.where(t_arr == 1, 1.0, e_arr / (1 - e_arr))


def ipw_estimate(y, t, e, *, normalized: bool = True, estimand: str = "ate") -> float:
    """Inverse probability weighting estimate of the ATE or ATT.

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    t : array-like of {0, 1}
        Treatment indicators.
    e : array-like of float
        Propensity scores, strictly between 0 and 1.
    normalized : bool, default True
        ``True`` gives the Hajek estimator: each arm's weighted mean divides
        by that arm's sum of weights. ``False`` gives the Horvitz-Thompson
        estimator, which divides by the number of units (ATE) or of treated
        units (ATT) instead; it is unbiased with the true propensity but not
        invariant to shifting ``y`` by a constant, and usually much noisier.
    estimand : {"ate", "att"}, default "ate"

    Returns
    -------
    float

    Raises
    ------
    ValueError
        On NaN, a non-binary treatment, mismatched lengths, an empty arm, or
        a propensity of exactly 0 or 1 (positivity).

    Notes
    -----
    Horvitz-Thompson ATE: ``mean(t y / e) - mean((1 - t) y / (1 - e))``.
    Hajek ATE: ``sum(t y / e) / sum(t / e) - sum((1-t) y / (1-e)) / sum((1-t) / (1-e))``.

    Examples
    --------
    >>> y, t, e = [3.0, 1.0, 4.0, 2.0], [1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5]
    >>> ipw_estimate(y, t, e), ipw_estimate(y, t, e, normalized=False)
    (2.0, 2.0)
    >>> # treated mean 3.5, weighted control mean (2 * 1 + 4/3 * 2) / (2 + 4/3) = 1.4
    >>> round(ipw_estimate(y, t, [0.5, 0.5, 0.5, 0.25]), 6)
    2.1
    """
    _check_estimand(estimand)
    t_arr = _as_treatment(t)
    y_arr = _as_outcome(y, t_arr.size)
    w = ipw_weights(t_arr, e, estimand)
    treated, control = t_arr == 1, t_arr == 0
    sum_t = float(np.sum(w[treated] * y_arr[treated]))
    sum_c = float(np.sum(w[control] * y_arr[control]))
    if normalized:
        return sum_t / float(w[treated].sum()) - sum_c / float(w[control].sum())
    denominator = t_arr.size if estimand == "ate" else int(treated.sum())
    return (sum_t - sum_c) / denominator


# ------------------------------------------------------------------ matching


@dataclass(frozen=True)
class MatchResult:
    """Outcome of one-to-one nearest-neighbour matching of treated units.

    Attributes
    ----------
    estimate : float
        Mean over matched treated units of (own outcome - matched control's
        outcome): the ATT over the treated units that found a match.
    n_treated : int
        Treated units before matching.
    n_matched : int
        Treated units with a control within the caliper.
    n_controls_used : int
        Distinct control units used (matching is with replacement).
    caliper_width : float
        The largest allowed distance, on the matching scale (``inf`` if none).
    weights : numpy.ndarray
        Per-unit matching weights: 1 for a matched treated unit, the number of
        times it was used for a control, 0 otherwise. Use them for balance
        checks.
    """

    estimate: float
    n_treated: int
    n_matched: int
    n_controls_used: int
    caliper_width: float
    weights: np.ndarray

    @property
    def n_unmatched(self) -> int:
        """Treated units dropped because no control was within the caliper."""
        return self.n_treated - self.n_matched


def caliper_match(y, t, e, *, caliper: float | None = 0.2, scale: str = "logit") -> MatchResult:
    """Match each treated unit to its nearest control on the propensity score.

    One-to-one nearest-neighbour matching with replacement. With a caliper,
    treated units whose nearest control is farther than ``caliper`` standard
    deviations of the (logit) propensity score are dropped; 0.2 SD of the
    logit is the common recommendation of Austin (2011,
    doi:10.1002/pst.433). Dropping units changes the estimand to the ATT of
    the matched treated units; the result reports how many were dropped.

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    t : array-like of {0, 1}
        Treatment indicators.
    e : array-like of float
        Propensity scores, strictly between 0 and 1.
    caliper : float or None, default 0.2
        Maximum distance in standard deviations of the matching score (the
        SD over all units); ``None`` means no caliper.
    scale : {"logit", "probability"}, default "logit"
        Match on ``log(e / (1 - e))`` or on ``e`` itself.

    Returns
    -------
    MatchResult

    Raises
    ------
    ValueError
        On bad inputs, a propensity of 0 or 1, a negative caliper, an unknown
        scale, or if no treated unit finds a match.

    Examples
    --------
    >>> y = [10.0, 7.0, 9.0, 5.0, 1.0]
    >>> t = [1, 0, 1, 0, 0]
    >>> e = [0.6, 0.55, 0.3, 0.32, 0.9]
    >>> res = caliper_match(y, t, e, caliper=None)
    >>> res.estimate, res.weights.tolist()
    (3.5, [1.0, 1.0, 1.0, 1.0, 0.0])
    """
    t_arr = _as_treatment(t)
    y_arr = _as_outcome(y, t_arr.size)
    e_arr = check_positivity(e, t_arr.size)
    if scale == "logit":
        score = np.log(e_arr / (1 - e_arr))
    elif scale == "probability":
        score = e_arr
    else:
        raise ValueError(f"scale must be 'logit' or 'probability', got {scale!r}")
    if caliper is None:
        width = np.inf
    elif caliper < 0 or not np.isfinite(caliper):
        raise ValueError(f"caliper must be a non-negative number or None, got {caliper!r}")
    else:
        width = float(caliper * score.std(ddof=1))

    treated_idx = np.flatnonzero(t_arr == 1)
    control_idx = np.flatnonzero(t_arr == 0)
    order = np.argsort(score[control_idx], kind="mergesort")
    sorted_scores = score[control_idx][order]
    pos = np.searchsorted(sorted_scores, score[treated_idx])
    left = np.clip(pos - 1, 0, sorted_scores.size - 1)
    right = np.clip(pos, 0, sorted_scores.size - 1)
    dist_left = np.abs(score[treated_idx] - sorted_scores[left])
    dist_right = np.abs(sorted_scores[right] - score[treated_idx])
    nearest = np.where(dist_right < dist_left, right, left)
    distance = np.minimum(dist_left, dist_right)
    matched = distance <= width
    if not matched.any():
        raise ValueError("no treated unit has a control within the caliper; widen it")

    partners = control_idx[order[nearest[matched]]]
    own = treated_idx[matched]
    weights = np.zeros(t_arr.size)
    weights[own] = 1.0
    np.add.at(weights, partners, 1.0)
    return MatchResult(
        estimate=float(np.mean(y_arr[own] - y_arr[partners])),
        n_treated=int(treated_idx.size),
        n_matched=int(matched.sum()),
        n_controls_used=int(np.unique(partners).size),
        caliper_width=width,
        weights=weights,
    )


# ------------------------------------------------------------- stratification


def stratum_table(y, t, e, n_strata: int = 5) -> pd.DataFrame:
    """Difference in means within strata of the propensity score.

    Units are cut into ``n_strata`` groups of (nearly) equal size at quantiles
    of ``e`` (Rosenbaum & Rubin 1984, doi:10.1080/01621459.1984.10478078).

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    t : array-like of {0, 1}
        Treatment indicators.
    e : array-like of float
        Propensity scores.
    n_strata : int, default 5

    Returns
    -------
    pandas.DataFrame
        One row per stratum: ``e_low``, ``e_high``, ``n_treated``,
        ``n_control``, ``mean_treated``, ``mean_control``, ``effect``.

    Raises
    ------
    ValueError
        If ``n_strata`` < 1, inputs are malformed, or a stratum lacks one arm
        (the message names the stratum: fewer strata or trimming help).

    Examples
    --------
    >>> tab = stratum_table([1.0, 3.0, 2.0, 6.0], [0, 1, 0, 1], [0.2, 0.3, 0.6, 0.7], n_strata=2)
    >>> tab["effect"].tolist()
    [2.0, 4.0]
    """
    t_arr = _as_treatment(t)
    y_arr = _as_outcome(y, t_arr.size)
    e_arr = np.asarray(e, dtype=float).ravel()
    if e_arr.size != t_arr.size or np.isnan(e_arr).any():
        raise ValueError("propensity must have one non-missing value per unit")
    if not isinstance(n_strata, (int, np.integer)) or n_strata < 1:
        raise ValueError(f"n_strata must be a positive integer, got {n_strata!r}")
    ranks = np.argsort(np.argsort(e_arr, kind="mergesort"), kind="mergesort")
    stratum = ranks * n_strata // t_arr.size
    rows = []
    for s in range(n_strata):
        inside = stratum == s
        yt, yc = y_arr[inside & (t_arr == 1)], y_arr[inside & (t_arr == 0)]
        if yt.size == 0 or yc.size == 0:
            arm = "treated" if yt.size == 0 else "control"
            raise ValueError(
                f"stratum {s + 1} of {n_strata} has no {arm} units; use fewer strata or "
                "trim units without overlap"
            )
        rows.append({"e_low": float(e_arr[inside].min()), "e_high": float(e_arr[inside].max()),
                     "n_treated": int(yt.size), "n_control": int(yc.size),
                     "mean_treated": float(yt.mean()), "mean_control": float(yc.mean()),
                     "effect": float(yt.mean() - yc.mean())})
    table = pd.DataFrame(rows, index=pd.RangeIndex(1, n_strata + 1, name="stratum"))
    return table


def stratified_estimate(y, t, e, n_strata: int = 5, estimand: str = "ate") -> float:
    """Average of within-stratum differences in means (propensity-score strata).

    Parameters
    ----------
    y, t, e, n_strata
        As in :func:`stratum_table`.
    estimand : {"ate", "att"}, default "ate"
        Weight each stratum by its number of units (ATE) or of treated units (ATT).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As :func:`stratum_table`, or for an unknown estimand.

    Examples
    --------
    >>> stratified_estimate([1.0, 3.0, 2.0, 6.0], [0, 1, 0, 1], [0.2, 0.3, 0.6, 0.7], n_strata=2)
    3.0
    """
    _check_estimand(estimand)
    table = stratum_table(y, t, e, n_strata)
    size = table["n_treated"] if estimand == "att" else table["n_treated"] + table["n_control"]
    return float(np.sum(table["effect"] * size) / size.sum())


# ------------------------------------------------------------ standardization


def _default_regressor():
    return LinearRegression()


def _outcome_predictions(y, t, X, model, by_arm, train=None, test=None):
    """Predictions of E[Y | X, T=0] and E[Y | X, T=1] on ``test`` from a fit on ``train``."""
    n = t.size
    train = np.arange(n) if train is None else train
    test = np.arange(n) if test is None else test
    if by_arm:
        preds = []
        for arm in (0, 1):
            rows = train[t[train] == arm]
            if rows.size == 0:
                raise ValueError(f"a training fold has no units with treatment == {arm}")
            preds.append(clone(model).fit(X[rows], y[rows]).predict(X[test]))
        return preds[0], preds[1]
    fitted = clone(model).fit(np.column_stack([X[train], t[train]]), y[train])
    zeros, ones = np.zeros(test.size), np.ones(test.size)
    return (fitted.predict(np.column_stack([X[test], zeros])),
            fitted.predict(np.column_stack([X[test], ones])))


def standardization(y, t, X, *, model=None, by_arm: bool = True, estimand: str = "ate") -> float:
    """Outcome regression with standardization (the parametric g-formula).

    Fit E[Y | X, T], predict every unit's outcome under treatment and under
    control, and average the difference over the target population (everyone
    for the ATE, the treated for the ATT).

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    t : array-like of {0, 1}
        Treatment indicators.
    X : pandas.DataFrame or array-like, shape (n, p)
        Numeric covariates.
    model : scikit-learn regressor, optional
        Cloned, never changed. Default: ordinary least squares.
    by_arm : bool, default True
        Fit one model per arm (so the effect may vary with ``X`` even for a
        linear model), or a single model on ``[X, t]``.
    estimand : {"ate", "att"}, default "ate"

    Returns
    -------
    float

    Raises
    ------
    ValueError
        On malformed inputs or an empty arm.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [0.0], [1.0]])
    >>> y = 1 + 2 * X[:, 0] + np.array([0, 0, 3, 3])   # effect 3 for everyone
    >>> round(standardization(y, [0, 0, 1, 1], X), 6)
    3.0
    """
    _check_estimand(estimand)
    t_arr = _as_treatment(t)
    y_arr = _as_outcome(y, t_arr.size)
    X_arr = _as_covariates(X, t_arr.size)
    model = _default_regressor() if model is None else model
    mu0, mu1 = _outcome_predictions(y_arr, t_arr, X_arr, model, by_arm)
    target = np.ones(t_arr.size, bool) if estimand == "ate" else t_arr == 1
    return float(np.mean(mu1[target] - mu0[target]))


# ----------------------------------------------------------- doubly robust


def aipw_scores(y, t, e, mu0, mu1) -> np.ndarray:
    """Per-unit AIPW (doubly robust) scores; their mean estimates the ATE.

    ``psi = mu1 - mu0 + t (y - mu1) / e - (1 - t) (y - mu0) / (1 - e)``: the
    outcome model's prediction of the unit's effect, corrected by the
    inverse-probability-weighted residual of the arm it was observed in. The
    mean is consistent if either the outcome model or the propensity model
    is right (Robins, Rotnitzky & Zhao 1994, doi:10.1080/01621459.1994.10476818).

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    t : array-like of {0, 1}
        Treatment indicators.
    e : array-like of float
        Propensity scores, strictly between 0 and 1.
    mu0, mu1 : array-like of float
        Predicted outcomes of each unit without and with treatment.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        On mismatched lengths, NaN, or a propensity of 0 or 1 (positivity).

    Examples
    --------
    >>> aipw_scores([5.0, 1.0], [1, 0], [0.5, 0.5], mu0=[1.0, 2.0], mu1=[4.0, 4.0]).tolist()
    [5.0, 4.0]
    """
    t_arr = _as_treatment(t)
    n = t_arr.size
    y_arr = _as_outcome(y, n)
    e_arr = check_positivity(e, n)
    m0 = _as_outcome(mu0, n, "mu0")
    m1 = _as_outcome(mu1, n, "mu1")
    return m1 - m0 + t_arr * (y_arr - m1) / e_arr - (1 - t_arr) * (y_arr - m0) / (1 - e_arr)


def aipw_crossfit(
    y,
    t,
    X,
    *,
    outcome_model=None,
    propensity_model=None,
    n_folds: int = 5,
    seed: int = 0,
    folds=None,
    by_arm: bool = True,
    clip: float | None = None,
    alpha: float = 0.05,
) -> EffectEstimate:
    """Cross-fitted AIPW (doubly robust) estimate of the ATE with a standard error.

    For each fold, the propensity and outcome models are fitted on the other
    folds and predict for this fold, so no unit's nuisance prediction uses its
    own outcome (Chernozhukov et al. 2018, arXiv 1608.00060). The estimate is
    the mean of :func:`aipw_scores`; its standard error is the standard
    deviation of the scores over ``sqrt(n)``.

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    t : array-like of {0, 1}
        Treatment indicators.
    X : pandas.DataFrame or array-like, shape (n, p)
        Numeric covariates.
    outcome_model : scikit-learn regressor, optional
        Default: ordinary least squares.
    propensity_model : scikit-learn classifier, optional
        Default: the logistic regression of :func:`fit_propensity`.
    n_folds : int, default 5
        Number of folds when ``folds`` is not given.
    seed : int, default 0
        Seed of the fold split when ``folds`` is not given.
    folds : list of (train_index, test_index), optional
        Explicit folds (e.g. from :func:`crossfit_folds`), to share them with
        another library.
    by_arm : bool, default True
        One outcome model per arm, or (``False``) one model on ``[X, t]`` as
        EconML's ``DRLearner`` does.
    clip : float, optional
        Clip propensities to ``[clip, 1 - clip]`` instead of raising on 0 or 1.
    alpha : float, default 0.05
        The interval has nominal coverage ``1 - alpha``.

    Returns
    -------
    EffectEstimate
        ``method`` is ``"AIPW (cross-fitted)"``.

    Raises
    ------
    ValueError
        On malformed inputs, a propensity of 0 or 1 without ``clip``, or a
        training fold without one of the arms.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(400, 1))
    >>> t = rng.binomial(1, 1 / (1 + np.exp(-x[:, 0])))
    >>> y = 2 * x[:, 0] + 1.5 * t + rng.normal(size=400)
    >>> est = aipw_crossfit(y, t, x, seed=0)
    >>> bool(abs(est.estimate - 1.5) < 3 * est.std_error), est.method
    (True, 'AIPW (cross-fitted)')
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    t_arr = _as_treatment(t)
    n = t_arr.size
    y_arr = _as_outcome(y, n)
    X_arr = _as_covariates(X, n)
    folds = crossfit_folds(t_arr, n_folds, seed) if folds is None else list(folds)
    outcome_model = _default_regressor() if outcome_model is None else outcome_model
    e = fit_propensity(X_arr, t_arr, model=propensity_model, folds=folds)
    if clip is not None:
        if not 0 < clip < 0.5:
            raise ValueError(f"clip must be between 0 and 0.5, got {clip}")
        e = np.clip(e, clip, 1 - clip)
    mu0, mu1 = np.full(n, np.nan), np.full(n, np.nan)
    for train, test in folds:
        mu0[test], mu1[test] = _outcome_predictions(
            y_arr, t_arr, X_arr, outcome_model, by_arm, np.asarray(train), np.asarray(test)
        )
    psi = aipw_scores(y_arr, t_arr, e, mu0, mu1)
    estimate = float(psi.mean())
    std_error = float(psi.std(ddof=1) / np.sqrt(n))
    return EffectEstimate.from_normal(estimate, std_error, alpha=alpha,
                                      n_treated=t_arr.sum(), n_control=n - t_arr.sum(),
                                      method="AIPW (cross-fitted)")
