"""Estimators and design tools for randomized experiments (lecture 03).

Each function is a few transparent lines of NumPy so a lecture can show what
it computes; the unit tests check each against its library counterpart
(statsmodels, scipy, linearmodels).

* :func:`lin_estimate`: regression adjustment with treatment-covariate
  interactions and centred covariates, HC2 standard error (Lin 2013).
* :func:`cuped_theta`, :func:`cuped_adjust`, :func:`cuped_estimate`: CUPED
  variance reduction with a pre-period covariate (Deng et al. 2013).
* :func:`permutation_test`: Fisher randomization test of the sharp null.
* :func:`normal_power`, :func:`required_sample_size`: power and sample size
  of a two-sided test of a difference in means.
* :func:`wald_estimate`: the Wald (instrumental-variable) estimator of the
  local average treatment effect under noncompliance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from causalcourse._validation import require_arm_sizes, require_binary, require_no_missing
from causalcourse.estimators import EffectEstimate, neyman

__all__ = [
    "PermutationResult",
    "cuped_adjust",
    "cuped_estimate",
    "cuped_theta",
    "lin_estimate",
    "normal_power",
    "permutation_test",
    "required_sample_size",
    "wald_estimate",
]


# --------------------------------------------------------------------- helpers


def _vector(values, name: str) -> np.ndarray:
    """A 1-D float array without missing values, or a ValueError naming ``name``."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).ravel())
    require_no_missing(series, name)
    try:
        return series.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric, found dtype {series.dtype}") from None


def _binary(values, name: str) -> np.ndarray:
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).ravel())
    return require_binary(series, name)


def _same_length(**arrays) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise ValueError(f"inputs have different lengths: {shown}")


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")


def _interval(estimate, std_error, alpha, n_treated, n_control, method) -> EffectEstimate:
    return EffectEstimate.from_normal(estimate, std_error, alpha=alpha, n_treated=n_treated,
                                      n_control=n_control, method=method)


# ------------------------------------------------------ regression adjustment


def lin_estimate(y, t, covariates, alpha: float = 0.05) -> EffectEstimate:
    """Lin's (2013) interacted regression adjustment with an HC2 standard error.

    Fits by least squares ``y ~ 1 + t + Xc + t * Xc`` where ``Xc`` are the
    covariates centred at their full-sample means, and reports the coefficient
    of ``t``. Centring makes that coefficient the estimated average effect:
    the difference between the treated-arm and control-arm regression lines,
    both evaluated at the covariate means. The standard error is the HC2
    heteroskedasticity-robust (sandwich) one; Lin shows sandwich errors are
    consistent or conservative here, and without covariates HC2 equals the
    Neyman standard error (Samii & Aronow 2012, doi:10.1016/j.spl.2011.10.024).

    Parameters
    ----------
    y : array-like of float
        Observed outcomes.
    t : array-like of {0, 1}
        Treatment indicators.
    covariates : array-like, shape (n,) or (n, k), or DataFrame
        Pre-treatment covariates (never variables the treatment could move).
    alpha : float, default 0.05
        The interval has nominal coverage ``1 - alpha`` (normal approximation).

    Returns
    -------
    EffectEstimate
        With ``method`` "Lin (interacted OLS, HC2)".

    Raises
    ------
    ValueError
        If lengths differ, values are missing, the treatment is not binary, an
        arm has fewer than two units, there are too few units for the number
        of coefficients, or the design is rank deficient (e.g. a constant
        covariate).

    Notes
    -----
    Under complete randomization the estimator is consistent and
    asymptotically never less precise than the unadjusted difference in means
    (Lin 2013, doi:10.1214/12-AOAS583). With no covariates it reduces to the
    difference in means and its HC2 error to Neyman's.

    Examples
    --------
    >>> y = [1.0, 2.0, 4.0, 3.0, 5.0, 8.0, 6.0, 7.0]
    >>> t = [0, 0, 0, 0, 1, 1, 1, 1]
    >>> x = [0.0, 1.0, 3.0, 2.0, 0.0, 3.0, 1.0, 2.0]
    >>> est = lin_estimate(y, t, x)
    >>> round(est.estimate, 6), est.method
    (4.0, 'Lin (interacted OLS, HC2)')
    """
    _check_alpha(alpha)
    y_arr = _vector(y, "outcome")
    t_arr = _binary(t, "treatment")
    x_arr = np.asarray(covariates, dtype=float)
    if x_arr.ndim == 1:
        x_arr = x_arr[:, None]
    if x_arr.ndim != 2:
        raise ValueError(f"covariates must be 1-D or 2-D, got {x_arr.ndim} dimensions")
    if np.isnan(x_arr).any():
        raise ValueError("covariates contain missing values (NaN); drop or impute them first")
    _same_length(outcome=y_arr, treatment=t_arr, covariates=x_arr)
    require_arm_sizes(t_arr, "treatment")

    xc = x_arr - x_arr.mean(axis=0)
    design = np.column_stack([np.ones(len(y_arr)), t_arr, xc, t_arr[:, None] * xc])
    n, k = design.shape
    if n <= k:
        raise ValueError(f"{n} units are too few for {k} regression coefficients")
    if np.linalg.matrix_rank(design) < k:
        raise ValueError("the design is rank deficient: is a covariate constant or "
                         "a copy of another (within an arm)?")
    bread = np.linalg.inv(design.T @ design)
    beta = bread @ design.T @ y_arr
    resid = y_arr - design @ beta
    leverage = np.einsum("ij,jk,ik->i", design, bread, design)
    meat = (design * (resid**2 / (1 - leverage))[:, None]).T @ design
    std_error = math.sqrt((bread @ meat @ bread)[1, 1])
    return _interval(beta[1], std_error, alpha, t_arr.sum(), (1 - t_arr).sum(),
                     "Lin (interacted OLS, HC2)")


# ----------------------------------------------------------------------- CUPED


def cuped_theta(y, x_pre) -> float:
    """The CUPED coefficient ``cov(y, x_pre) / var(x_pre)`` over all units.

    Parameters
    ----------
    y : array-like of float
        Outcomes measured during the experiment.
    x_pre : array-like of float
        A covariate measured before assignment (typically the same metric in a
        pre-period).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If lengths differ, values are missing or ``x_pre`` is constant.

    Examples
    --------
    >>> cuped_theta([2.0, 4.0, 6.0], [1.0, 2.0, 3.0])
    2.0
    """
    y_arr, x_arr = _vector(y, "outcome"), _vector(x_pre, "x_pre")
    _same_length(outcome=y_arr, x_pre=x_arr)
    var_x = x_arr.var(ddof=1) if x_arr.size > 1 else 0.0
    if not var_x > 0:
        raise ValueError("x_pre is constant (zero variance): it cannot reduce variance")
    return float(np.cov(y_arr, x_arr, ddof=1)[0, 1] / var_x)


def cuped_adjust(y, x_pre, theta: float | None = None) -> np.ndarray:
    """CUPED-adjusted outcomes ``y - theta * (x_pre - mean(x_pre))``.

    Parameters
    ----------
    y, x_pre : array-like of float
        Outcome and pre-period covariate, same length.
    theta : float, optional
        The coefficient; by default :func:`cuped_theta` on the same data.

    Returns
    -------
    numpy.ndarray
        Adjusted outcomes; their mean equals the mean of ``y``.

    Raises
    ------
    ValueError
        As :func:`cuped_theta`, or if ``theta`` is not finite.

    Examples
    --------
    >>> cuped_adjust([2.0, 4.0, 6.0], [1.0, 2.0, 3.0]).tolist()
    [4.0, 4.0, 4.0]
    """
    if theta is None:
        theta = cuped_theta(y, x_pre)
    elif not np.isfinite(theta):
        raise ValueError(f"theta must be a finite number, got {theta}")
    y_arr, x_arr = _vector(y, "outcome"), _vector(x_pre, "x_pre")
    _same_length(outcome=y_arr, x_pre=x_arr)
    return y_arr - theta * (x_arr - x_arr.mean())


def cuped_estimate(y, t, x_pre, alpha: float = 0.05) -> EffectEstimate:
    """Difference in means of CUPED-adjusted outcomes, with a Neyman interval.

    Because ``x_pre`` is measured before assignment, subtracting
    ``theta * (x_pre - mean)`` changes each arm's mean only by chance
    imbalance, so the estimator stays (nearly) unbiased, while its variance
    falls by the factor ``1 - rho**2``, ``rho`` being the correlation of
    outcome and covariate (Deng et al. 2013, doi:10.1145/2433396.2433413).
    ``theta`` is estimated from both arms pooled.

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    t : array-like of {0, 1}
        Treatment indicators.
    x_pre : array-like of float
        Pre-period covariate.
    alpha : float, default 0.05
        The interval has nominal coverage ``1 - alpha``.

    Returns
    -------
    EffectEstimate
        With ``method`` "CUPED". The standard error treats ``theta`` as known,
        which is accurate in large samples.

    Raises
    ------
    ValueError
        If lengths differ, values are missing, the treatment is not binary, an
        arm has fewer than two units or ``x_pre`` is constant.

    Examples
    --------
    >>> est = cuped_estimate([2.0, 4.0, 6.0, 5.0, 7.0, 9.0], [0, 0, 0, 1, 1, 1],
    ...                      [1.0, 2.0, 3.0, 1.0, 2.0, 3.0])
    >>> round(est.estimate, 6), round(est.std_error, 6)
    (3.0, 0.0)
    """
    _check_alpha(alpha)
    t_arr = _binary(t, "treatment")
    adjusted = cuped_adjust(y, x_pre)
    _same_length(outcome=adjusted, treatment=t_arr)
    est = neyman(adjusted, t_arr, alpha=alpha)
    return _interval(est.estimate, est.std_error, alpha, est.n_treated, est.n_control, "CUPED")


# ------------------------------------------------------ randomization inference


@dataclass(frozen=True)
class PermutationResult:
    """Outcome of a randomization (permutation) test.

    Attributes
    ----------
    statistic : float
        Observed difference in means (treated minus control).
    p_value : float
        Two-sided Monte Carlo p-value ``(1 + #{|T*| >= |T|}) / (1 + B)``.
    n_permutations : int
        Number ``B`` of random re-assignments drawn.
    null_distribution : numpy.ndarray
        The ``B`` differences in means under the re-assignments.
    """

    statistic: float
    p_value: float
    n_permutations: int
    null_distribution: np.ndarray

    def __str__(self) -> str:
        return (f"permutation test: difference {self.statistic:.3f}, two-sided p = "
                f"{self.p_value:.4f} ({self.n_permutations} permutations)")


def permutation_test(
    y, t, n_permutations: int = 10_000, seed: int | np.random.Generator | None = None
) -> PermutationResult:
    """Fisher randomization test of the sharp null of no effect for any unit.

    Under the sharp null every unit's outcome would have been the same in
    either arm, so the outcomes are fixed and only the assignment is random.
    Re-drawing the assignment (same number treated) and recomputing the
    difference in means gives the statistic's exact null distribution, which
    is sampled ``n_permutations`` times.

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    t : array-like of {0, 1}
        Treatment indicators as actually assigned.
    n_permutations : int, default 10000
        Random re-assignments to draw.
    seed : int or numpy.random.Generator
        Source of randomness; required so the p-value repeats.

    Returns
    -------
    PermutationResult

    Raises
    ------
    ValueError
        If lengths differ, values are missing, the treatment is not binary, an
        arm is empty, ``n_permutations`` < 1 or no seed is given.

    Notes
    -----
    Adding one to numerator and denominator counts the observed assignment
    among the draws, which keeps the Monte Carlo p-value valid (never below
    its nominal level under the null; Phipson & Smyth 2010,
    doi:10.2202/1544-6115.1585).

    Examples
    --------
    >>> res = permutation_test([1.0, 2.0, 3.0, 10.0, 11.0, 12.0], [0, 0, 0, 1, 1, 1],
    ...                        n_permutations=2000, seed=0)
    >>> res.statistic
    9.0
    >>> 0.05 < res.p_value < 0.15  # exact value: 2 of 20 assignments are as extreme
    True
    """
    from causalcourse.simulate._base import make_rng

    if isinstance(n_permutations, bool) or not isinstance(n_permutations, (int, np.integer)) \
            or n_permutations < 1:
        raise ValueError(f"n_permutations must be a positive integer, got {n_permutations!r}")
    rng = make_rng(seed)
    y_arr = _vector(y, "outcome")
    t_arr = _binary(t, "treatment")
    _same_length(outcome=y_arr, treatment=t_arr)
    require_arm_sizes(t_arr, "treatment", minimum=1)

    n1 = int(t_arr.sum())
    n0 = t_arr.size - n1
    total = y_arr.sum()

    observed_sum = float(t_arr @ y_arr)
    observed = float(observed_sum / n1 - (total - observed_sum) / n0)
    # Each row of `shuffled` is one re-assignment; only the treated sums are needed.
    sums, chunk = [], 2000
    for start in range(0, n_permutations, chunk):
        size = min(chunk, n_permutations - start)
        shuffled = rng.permuted(np.tile(t_arr.astype(float), (size, 1)), axis=1)
        sums.append(shuffled @ y_arr)
    treated_sums = np.concatenate(sums)
    null = treated_sums / n1 - (total - treated_sums) / n0
    tolerance = 1e-12 * max(1.0, abs(observed))
    extreme = int(np.sum(np.abs(null) >= abs(observed) - tolerance))
    p_value = (1 + extreme) / (1 + n_permutations)
    return PermutationResult(observed, float(p_value), int(n_permutations), null)


# ------------------------------------------------------------ power and size


def _check_design(effect, sd, alpha) -> None:
    _check_alpha(alpha)
    if not np.isfinite(effect) or effect == 0:
        raise ValueError(f"effect must be a non-zero finite number, got {effect}")
    if not np.isfinite(sd) or sd <= 0:
        raise ValueError(f"sd must be a positive finite number, got {sd}")


def normal_power(effect: float, sd: float, n_per_arm: float, alpha: float = 0.05) -> float:
    """Power of the two-sided z-test of a difference in means, equal arms.

    With ``n`` units per arm and outcome standard deviation ``sd`` in each
    arm, the difference in means has standard error ``se = sd * sqrt(2 / n)``
    and the test rejects when ``|estimate| / se > z`` with
    ``z = Phi^{-1}(1 - alpha/2)``. Its power against a true ``effect`` is
    ``Phi(effect/se - z) + Phi(-effect/se - z)``.

    Parameters
    ----------
    effect : float
        True difference in means to detect (non-zero).
    sd : float
        Outcome standard deviation within an arm.
    n_per_arm : float
        Units in each arm.
    alpha : float, default 0.05
        Significance level.

    Returns
    -------
    float
        Probability of rejecting the null of no difference.

    Raises
    ------
    ValueError
        If ``effect`` is zero or not finite, ``sd`` or ``n_per_arm`` is not
        positive, or ``alpha`` is outside (0, 1).

    Examples
    --------
    >>> round(normal_power(effect=0.5, sd=1.0, n_per_arm=63), 3)
    0.801
    """
    _check_design(effect, sd, alpha)
    if not n_per_arm > 0:
        raise ValueError(f"n_per_arm must be positive, got {n_per_arm}")
    z = stats.norm.ppf(1 - alpha / 2)
    shift = abs(effect) / (sd * math.sqrt(2 / n_per_arm))
    return float(stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z))


def required_sample_size(
    effect: float, sd: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Units per arm for a two-sided z-test to reach ``power`` against ``effect``.

    Solves ``n = 2 * ((z_{1-alpha/2} + z_{power}) * sd / effect)**2`` and
    rounds up. The formula neglects the (tiny) chance of rejecting in the
    wrong direction, so it can exceed the exact solution by a fraction of a
    unit, never by a whole unit in practice.

    Parameters
    ----------
    effect : float
        Smallest effect worth detecting (non-zero), in outcome units.
    sd : float
        Outcome standard deviation within an arm (for CUPED, the standard
        deviation of the adjusted outcome, ``sd * sqrt(1 - rho**2)``).
    alpha : float, default 0.05
        Significance level.
    power : float, default 0.8
        Target probability of rejecting when the effect is ``effect``.

    Returns
    -------
    int
        Units in each of the two arms.

    Raises
    ------
    ValueError
        If ``effect`` is zero or not finite, ``sd`` is not positive, or
        ``alpha`` or ``power`` is outside (0, 1).

    Examples
    --------
    >>> required_sample_size(effect=0.5, sd=1.0)
    63
    >>> required_sample_size(effect=0.25, sd=1.0)  # half the effect, four times the units
    252
    """
    _check_design(effect, sd, alpha)
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, got {power}")
    z_sum = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return int(math.ceil(2 * (z_sum * sd / effect) ** 2))


# ---------------------------------------------------------------- noncompliance


def wald_estimate(y, z, d, alpha: float = 0.05) -> EffectEstimate:
    """Wald estimator of the local average treatment effect (LATE).

    The effect of assignment ``z`` on the outcome (intention to treat)
    divided by its effect on treatment received ``d`` (the first stage). Under
    random assignment, the exclusion restriction, a non-zero first stage and
    monotonicity (no defiers) it estimates the average effect among compliers
    (Imbens & Angrist 1994, doi:10.2307/2951620).

    Parameters
    ----------
    y : array-like of float
        Outcomes.
    z : array-like of {0, 1}
        Random assignment (the instrument).
    d : array-like of {0, 1}
        Treatment actually received.
    alpha : float, default 0.05
        The interval has nominal coverage ``1 - alpha``.

    Returns
    -------
    EffectEstimate
        ``n_treated`` / ``n_control`` count units *assigned* to each arm. The
        standard error is the heteroskedasticity-robust (HC0) two-stage least
        squares one, ``sqrt(sum((z - zbar)^2 e^2)) / |sum((z - zbar)(d - dbar))|``
        with residuals ``e = y - a - late * d``.

    Raises
    ------
    ValueError
        If lengths differ, values are missing, ``z`` or ``d`` is not binary, an
        assignment arm has fewer than two units, or assignment does not change
        the treatment rate (no first stage).

    Examples
    --------
    >>> y = [1.0, 2.0, 5.0, 1.0, 4.0, 6.0, 5.0, 2.0]
    >>> z = [0, 0, 0, 0, 1, 1, 1, 1]
    >>> d = [0, 0, 1, 0, 1, 1, 1, 0]
    >>> round(wald_estimate(y, z, d).estimate, 6)  # ITT 2.0 / first stage 0.5
    4.0
    """
    _check_alpha(alpha)
    y_arr = _vector(y, "outcome")
    z_arr = _binary(z, "assignment")
    d_arr = _binary(d, "treatment received")
    _same_length(outcome=y_arr, assignment=z_arr, treatment=d_arr)
    require_arm_sizes(z_arr, "assignment")

    zc = z_arr - z_arr.mean()
    dc = d_arr - d_arr.mean()
    first_stage_cov = float(zc @ dc)
    if abs(first_stage_cov) < 1e-12 * len(z_arr):
        raise ValueError("assignment does not change the treatment rate (first stage is "
                         "zero): the Wald ratio is undefined")
    late = float(zc @ (y_arr - y_arr.mean())) / first_stage_cov
    resid = y_arr - y_arr.mean() - late * dc
    std_error = math.sqrt(float((zc**2) @ (resid**2))) / abs(first_stage_cov)
    return _interval(late, std_error, alpha, z_arr.sum(), (1 - z_arr).sum(), "Wald (LATE)")
