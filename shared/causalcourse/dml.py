"""Double/debiased machine learning for the partially linear model, by hand.

In the partially linear model ``Y = theta * T + g(X) + U`` with
``E[U | X, T] = 0`` and ``T = m(X) + V`` with ``E[V | X] = 0``, Robinson's
(1988) residual-on-residual regression recovers ``theta`` from

* ``Y - l(X)`` where ``l(X) = E[Y | X]``, and
* ``T - m(X)`` where ``m(X) = E[T | X]`` (the propensity for a binary T).

Double machine learning (Chernozhukov et al. 2018, arXiv 1608.00060) learns
``l`` and ``m`` with any machine-learning model and *cross-fits*: each unit's
residuals come from models trained on the other folds. These functions do
exactly that in a few lines, so a lecture can show the same number coming out
of EconML's ``LinearDML`` when it is given the same folds and models.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.model_selection import KFold

from causalcourse._validation import require_arm_sizes, require_binary
from causalcourse.estimators import EffectEstimate

__all__ = ["make_folds", "crossfit_residuals", "residual_on_residual", "dml_plm"]


def make_folds(n: int, n_folds: int = 2, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled K-fold splits of ``range(n)`` as a list of ``(train, test)`` index arrays.

    The list can be passed both to :func:`crossfit_residuals` and to EconML's
    ``cv=`` argument, so the two use identical folds.

    Parameters
    ----------
    n : int
        Number of units.
    n_folds : int, default 2
        Number of folds (at least 2, at most ``n``).
    seed : int, default 0
        ``random_state`` of the shuffled ``sklearn.model_selection.KFold``.

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)

    Raises
    ------
    ValueError
        If ``n_folds`` < 2 or ``n`` < ``n_folds``.

    Examples
    --------
    >>> folds = make_folds(6, n_folds=3, seed=1)
    >>> sorted(int(i) for _, test in folds for i in test)
    [0, 1, 2, 3, 4, 5]
    """
    if not isinstance(n_folds, (int, np.integer)) or isinstance(n_folds, bool) or n_folds < 2:
        raise ValueError(f"n_folds must be an integer >= 2, got {n_folds!r}")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < n_folds:
        raise ValueError(f"n must be an integer >= n_folds ({n_folds}), got {n!r}")
    splitter = KFold(n_splits=int(n_folds), shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros((int(n), 1))))


def _as_vector(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains {int(np.isnan(arr).sum())} missing value(s) (NaN)")
    return arr


def _as_matrix(values, name: str, n: int) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[0] != n:
        raise ValueError(f"{name} must have {n} rows (one per unit), got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains {int(np.isnan(arr).sum())} missing value(s) (NaN)")
    return arr


def _check_folds(folds, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    folds = [(np.asarray(train, dtype=int), np.asarray(test, dtype=int)) for train, test in folds]
    if len(folds) < 2:
        raise ValueError(f"need at least 2 folds for cross-fitting, got {len(folds)}")
    seen = np.zeros(n, dtype=int)
    for k, (train, test) in enumerate(folds):
        if train.size == 0 or test.size == 0:
            raise ValueError(f"fold {k} has an empty train or test set")
        if min(train.min(), test.min()) < 0 or max(train.max(), test.max()) >= n:
            raise ValueError(f"fold {k} has indices outside 0..{n - 1}")
        if np.intersect1d(train, test).size:
            raise ValueError(f"fold {k} uses some units for both training and prediction")
        seen[test] += 1
    if not (seen == 1).all():
        raise ValueError("the test sets of the folds must cover every unit exactly once")
    return folds


def crossfit_residuals(y, t, X, model_y, model_t, folds) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold residuals ``Y - l_hat(X)`` and ``T - m_hat(X)``.

    For each ``(train, test)`` fold, fresh clones of ``model_y`` and
    ``model_t`` are fitted on the training units and predict the test units,
    so no unit's residual comes from a model that saw that unit.

    Parameters
    ----------
    y : array-like of float, shape (n,)
        Outcomes.
    t : array-like of float, shape (n,)
        Treatments. With a classifier as ``model_t`` it must be binary.
    X : array-like, shape (n, p)
        Covariates the nuisance models use (all confounders).
    model_y : scikit-learn regressor
        Model of ``E[Y | X]``; cloned per fold.
    model_t : scikit-learn regressor or classifier
        Model of ``E[T | X]``. A classifier's ``predict_proba[:, 1]`` is used
        (the propensity); a regressor's ``predict``.
    folds : iterable of (train, test) index arrays
        Their test sets must partition ``range(n)``; see :func:`make_folds`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``y_res`` and ``t_res``, each of shape (n,).

    Raises
    ------
    ValueError
        On mismatched lengths, NaN, folds that do not partition the units, or
        a non-binary treatment with a classifier.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> x = np.arange(8.0)
    >>> y_res, t_res = crossfit_residuals(2 * x, x, x, LinearRegression(),
    ...                                   LinearRegression(), make_folds(8))
    >>> bool(np.allclose(y_res, 0) and np.allclose(t_res, 0))
    True
    """
    y_arr = _as_vector(y, "y")
    t_arr = _as_vector(t, "t")
    if y_arr.size != t_arr.size:
        raise ValueError(f"y and t lengths differ: {y_arr.size} vs {t_arr.size}")
    n = y_arr.size
    X_arr = _as_matrix(X, "X", n)
    classify = is_classifier(model_t)
    if classify:
        require_binary(pd.Series(t_arr), "t")
    folds = _check_folds(folds, n)
    y_res = np.full(n, np.nan)
    t_res = np.full(n, np.nan)
    for train, test in folds:
        fitted_y = clone(model_y).fit(X_arr[train], y_arr[train])
        y_res[test] = y_arr[test] - fitted_y.predict(X_arr[test])
        fitted_t = clone(model_t).fit(X_arr[train], t_arr[train])
        if classify:
            t_hat = fitted_t.predict_proba(X_arr[test])[:, list(fitted_t.classes_).index(1)]
        else:
            t_hat = fitted_t.predict(X_arr[test])
        t_res[test] = t_arr[test] - t_hat
    return y_res, t_res


def residual_on_residual(y_res, t_res) -> tuple[float, float]:
    """Robinson's residual-on-residual slope and its robust (HC0) standard error.

    ``theta = sum(t_res * y_res) / sum(t_res ** 2)`` is the least-squares
    slope of ``y_res`` on ``t_res`` without intercept. Its standard error is
    ``sqrt(sum(t_res**2 * u**2)) / sum(t_res**2)`` with
    ``u = y_res - theta * t_res``: the heteroskedasticity-robust sandwich,
    which is the DML variance of Chernozhukov et al. (2018) for this model.

    Parameters
    ----------
    y_res, t_res : array-like of float, shape (n,)
        Outcome and treatment residuals (ideally cross-fitted).

    Returns
    -------
    (float, float)
        ``(theta, std_error)``.

    Raises
    ------
    ValueError
        On mismatched lengths, fewer than 2 units, NaN, or treatment residuals
        that are all zero (the treatment is fully explained by X).

    Examples
    --------
    >>> residual_on_residual([2.0, -2.0, 1.0, -1.0], [1.0, -1.0, 0.5, -0.5])
    (2.0, 0.0)
    """
    y_arr = _as_vector(y_res, "y_res")
    t_arr = _as_vector(t_res, "t_res")
    if y_arr.size != t_arr.size:
        raise ValueError(f"y_res and t_res lengths differ: {y_arr.size} vs {t_arr.size}")
    if y_arr.size < 2:
        raise ValueError("need at least 2 units")
    denom = float(t_arr @ t_arr)
    if denom <= 0:
        raise ValueError("t_res is all zero: X explains the treatment completely (no overlap)")
    theta = float(t_arr @ y_arr) / denom
    u = y_arr - theta * t_arr
    std_error = float(np.sqrt(np.sum(t_arr**2 * u**2)) / denom)
    return theta, std_error


def dml_plm(
    y,
    t,
    X,
    model_y,
    model_t,
    *,
    n_folds: int = 2,
    seed: int = 0,
    folds=None,
    alpha: float = 0.05,
) -> EffectEstimate:
    """Cross-fitted DML estimate of ``theta`` in the partially linear model.

    Parameters
    ----------
    y : array-like of float, shape (n,)
        Outcomes.
    t : array-like of {0, 1}, shape (n,)
        Binary treatment.
    X : array-like, shape (n, p)
        Confounders.
    model_y, model_t : scikit-learn estimators
        Nuisance models, see :func:`crossfit_residuals`.
    n_folds : int, default 2
        Folds for :func:`make_folds` when ``folds`` is not given.
    seed : int, default 0
        Shuffling seed for :func:`make_folds`.
    folds : list of (train, test), optional
        Explicit folds (e.g. the ones also passed to EconML's ``cv=``).
    alpha : float, default 0.05
        The interval has nominal coverage ``1 - alpha`` (normal approximation).

    Returns
    -------
    EffectEstimate
        ``method`` is ``"DML (partially linear)"``.

    Raises
    ------
    ValueError
        On bad inputs (see :func:`crossfit_residuals`), a non-binary treatment,
        an arm with fewer than two units, or ``alpha`` outside (0, 1).

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression, LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(4000, 1))
    >>> t = rng.binomial(1, 1 / (1 + np.exp(-x[:, 0])))
    >>> y = 2.0 * t + 3.0 * x[:, 0] + rng.normal(size=4000)
    >>> est = dml_plm(y, t, x, LinearRegression(), LogisticRegression(), seed=1)
    >>> round(est.estimate, 1), est.covers(2.0)
    (2.0, True)
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    t_arr = require_binary(pd.Series(np.asarray(t)), "t")
    require_arm_sizes(t_arr, "t")
    if folds is None:
        folds = make_folds(t_arr.size, n_folds=n_folds, seed=seed)
    y_res, t_res = crossfit_residuals(y, t_arr, X, model_y, model_t, folds)
    theta, std_error = residual_on_residual(y_res, t_res)
    return EffectEstimate.from_normal(theta, std_error, alpha=alpha, n_treated=t_arr.sum(),
                                      n_control=(t_arr == 0).sum(),
                                      method="DML (partially linear)")
