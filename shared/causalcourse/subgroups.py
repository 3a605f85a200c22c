"""Interaction models and subgroup tests for lecture 05 (and later ones).

* :func:`interaction_cate` fits the treatment-by-covariate interaction OLS
  with standardized covariates (statsmodels, robust standard errors) and
  returns the implied CATE of every unit with its standard error.
* :func:`median_split_tests` splits units at the median of each covariate and
  tests whether the effect differs between the two halves: the "subgroup
  fishing" procedure whose false discoveries lecture 05 counts.
* :func:`plot_calibration` draws measured (and true) effects by bucket of a
  predicted effect, the table made by
  :func:`causalcourse.heterogeneity.calibration_by_bucket`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from causalcourse._validation import (
    require_arm_sizes,
    require_binary,
    require_columns,
    require_no_missing,
)

__all__ = ["InteractionFit", "interaction_cate", "median_split_tests", "plot_calibration"]


def _check_covariates(data: pd.DataFrame, covariates) -> list[str]:
    if isinstance(covariates, str):
        covariates = [covariates]
    covariates = list(covariates)
    if not covariates:
        raise ValueError("covariates is empty: name at least one column")
    if len(set(covariates)) != len(covariates):
        raise ValueError(f"covariates contains duplicates: {covariates}")
    require_columns(data, covariates)
    for col in covariates:
        require_no_missing(data[col], col)
        if not np.issubdtype(np.asarray(data[col]).dtype, np.number):
            raise ValueError(f"covariate '{col}' must be numeric; found dtype {data[col].dtype}")
    return covariates


@dataclass(frozen=True, repr=False)
class InteractionFit:
    """Result of :func:`interaction_cate`.

    Attributes
    ----------
    cate : pandas.Series
        Implied CATE of each unit, ``tau0 + z' gamma``, indexed like the data.
    std_error : pandas.Series
        Standard error of each implied CATE (from the robust covariance).
    coefficients : pandas.DataFrame
        One row per regression term (``Intercept``, the treatment, ``z_<cov>``,
        ``<treatment>:z_<cov>``) with ``estimate``, ``std_error``, ``z``,
        ``p_value``, ``ci_low``, ``ci_high``.
    vcov : pandas.DataFrame
        Robust covariance matrix of the coefficients.
    treatment : str
        Name of the treatment column.
    covariates : tuple of str
        Covariates, in the order used.
    means, scales : pandas.Series
        Mean and standard deviation (ddof=1) used to standardize each covariate.
    cov_type : str
        The statsmodels robust covariance type (``"HC3"`` by default).
    """

    cate: pd.Series
    std_error: pd.Series
    coefficients: pd.DataFrame
    vcov: pd.DataFrame
    treatment: str
    covariates: tuple[str, ...]
    means: pd.Series
    scales: pd.Series
    cov_type: str

    @property
    def effect_terms(self) -> list[str]:
        """Names of the terms that enter the CATE: the treatment and its interactions."""
        return [self.treatment] + [f"{self.treatment}:z_{c}" for c in self.covariates]

    def standardize(self, data: pd.DataFrame) -> pd.DataFrame:
        """Covariates of ``data`` standardized with the fitting sample's means and scales."""
        covariates = _check_covariates(data, self.covariates)
        return (data[covariates] - self.means) / self.scales

    def predict(self, data: pd.DataFrame) -> pd.Series:
        """Implied CATE for the units of ``data`` (e.g. a fresh sample).

        Covariates are standardized with the means and scales of the sample the
        model was fitted on, so the same customer gets the same prediction.
        """
        z = self.standardize(data).to_numpy(float)
        gamma = self.coefficients.loc[self.effect_terms, "estimate"].to_numpy(float)
        return pd.Series(gamma[0] + z @ gamma[1:], index=data.index, name="implied_cate")

    def __repr__(self) -> str:
        return (f"InteractionFit(treatment={self.treatment!r}, covariates={list(self.covariates)},"
                f" n={len(self.cate)}, cov_type={self.cov_type!r})")


def interaction_cate(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str],
    *,
    cov_type: str = "HC3",
    alpha: float = 0.05,
) -> InteractionFit:
    """Fit ``Y ~ T + Z + T:Z`` by OLS with standardized covariates ``Z``.

    With ``Z = (X - mean) / sd`` the model is

        Y = a + tau0 T + Z' beta + T Z' gamma + error,

    so the implied CATE of a unit is ``tau0 + z' gamma``; ``tau0`` is the
    effect at the average covariate values (in a randomized experiment, an
    estimate of the ATE, Lin 2013) and ``gamma_j`` the change in the effect per
    standard deviation of covariate ``j``, holding the others fixed. The
    implied CATE of each unit does not depend on the standardization; only
    the coefficients' meaning does.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit.
    outcome, treatment : str
        Outcome column and binary treatment column.
    covariates : sequence of str
        Numeric covariate columns, each interacted with the treatment.
    cov_type : str, default "HC3"
        Heteroskedasticity-robust covariance passed to statsmodels
        (``"HC0"`` ... ``"HC3"``).
    alpha : float, default 0.05
        Coefficient intervals have nominal coverage ``1 - alpha`` (normal).

    Returns
    -------
    InteractionFit

    Raises
    ------
    ValueError
        If a column is missing or has NaN, a covariate is constant or not
        numeric, the treatment is not binary, an arm has fewer than two units,
        or there are too few units for the number of coefficients.

    Examples
    --------
    >>> from causalcourse.simulate.outreach import simulate_outreach
    >>> d = simulate_outreach(3000, seed=0).data
    >>> fit = interaction_cate(d, "revenue", "outreach", ["satisfaction", "past_spend"])
    >>> fit.coefficients.index[-2:].tolist()
    ['outreach:z_satisfaction', 'outreach:z_past_spend']
    >>> bool(fit.coefficients.loc["outreach:z_satisfaction", "ci_high"] < 0)
    True
    >>> bool(np.corrcoef(fit.cate, d["true_cate"])[0, 1] > 0.9)
    True
    """
    import statsmodels.api as sm

    if cov_type not in {"HC0", "HC1", "HC2", "HC3", "nonrobust"}:
        raise ValueError(f"cov_type must be one of HC0, HC1, HC2, HC3, nonrobust; got {cov_type!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    covariates = _check_covariates(data, covariates)
    if treatment in covariates or outcome in covariates:
        raise ValueError("the treatment and outcome cannot also be covariates")
    require_columns(data, [outcome, treatment])
    require_no_missing(data[outcome], outcome)
    t = require_binary(data[treatment], treatment)
    require_arm_sizes(t, treatment)
    k = 2 + 2 * len(covariates)
    if len(data) <= k:
        raise ValueError(f"{len(data)} rows cannot fit {k} coefficients; need more units")

    x = data[covariates].astype(float)
    means, scales = x.mean(), x.std(ddof=1)
    constant = scales.index[~(scales > 0)].tolist()
    if constant:
        raise ValueError(f"covariate(s) {constant} are constant and cannot be standardized")
    z = (x - means) / scales
    z.columns = [f"z_{c}" for c in covariates]
    design = pd.concat(
        [pd.Series(1.0, index=data.index, name="Intercept"),
         pd.Series(t.astype(float), index=data.index, name=treatment),
         z,
         z.mul(t, axis=0).rename(columns=lambda c: f"{treatment}:{c}")],
        axis=1,
    )
    fit = sm.OLS(data[outcome].astype(float), design).fit(cov_type=cov_type)
    ci = fit.conf_int(alpha=alpha)
    coefficients = pd.DataFrame({
        "estimate": fit.params, "std_error": fit.bse, "z": fit.tvalues,
        "p_value": fit.pvalues, "ci_low": ci[0], "ci_high": ci[1],
    })
    vcov = fit.cov_params()

    terms = [treatment] + [f"{treatment}:z_{c}" for c in covariates]
    g = np.column_stack([np.ones(len(data)), z.to_numpy(float)])
    gamma = coefficients.loc[terms, "estimate"].to_numpy(float)
    v = vcov.loc[terms, terms].to_numpy(float)
    cate = pd.Series(g @ gamma, index=data.index, name="implied_cate")
    se = pd.Series(np.sqrt(np.einsum("ij,jk,ik->i", g, v, g)), index=data.index,
                   name="std_error")
    return InteractionFit(cate=cate, std_error=se, coefficients=coefficients, vcov=vcov,
                          treatment=treatment, covariates=tuple(covariates), means=means,
                          scales=scales, cov_type=cov_type)


def median_split_tests(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str],
) -> pd.DataFrame:
    """Test, covariate by covariate, whether the effect differs across a median split.

    For each covariate, units strictly above its median form the "above"
    half and the rest the "below" half. Within each half the effect is the
    difference in means; the test statistic is the difference between the
    two halves' effects divided by ``sqrt(se_above^2 + se_below^2)`` (Neyman
    standard errors), with a two-sided normal p-value. This equals the
    interaction coefficient of ``Y ~ T * above`` fitted by OLS with HC2
    standard errors.

    Parameters
    ----------
    data : pandas.DataFrame
        A randomized experiment, one row per unit.
    outcome, treatment : str
        Outcome column and binary treatment column.
    covariates : sequence of str
        Numeric columns to split on.

    Returns
    -------
    pandas.DataFrame
        Indexed by covariate: ``effect_below``, ``effect_above``,
        ``difference`` (above minus below), ``std_error``, ``z``, ``p_value``.

    Raises
    ------
    ValueError
        If a column is missing or has NaN, the treatment is not binary, or a
        half has fewer than two units in an arm (the message names the
        covariate).

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1., 2, 3, 5, 2, 4, 6, 11], "t": [0, 0, 1, 1] * 2,
    ...                    "x": [0, 0, 0, 0, 1, 1, 1, 1]})
    >>> table = median_split_tests(df, "y", "t", ["x"])
    >>> table.loc["x", ["effect_below", "effect_above", "difference"]].tolist()
    [2.5, 5.5, 3.0]
    """
    covariates = _check_covariates(data, covariates)
    require_columns(data, [outcome, treatment])
    require_no_missing(data[outcome], outcome)
    t = require_binary(data[treatment], treatment).astype(bool)
    y = data[outcome].to_numpy(float)
    rows = {}
    for col in covariates:
        x = data[col].to_numpy(float)
        above = x > np.median(x)
        parts = {}
        for label, half in (("above", above), ("below", ~above)):
            y1, y0 = y[half & t], y[half & ~t]
            if min(y1.size, y0.size) < 2:
                raise ValueError(f"covariate '{col}': the {label}-median half has fewer than "
                                 "two units in an arm")
            parts[label] = (y1.mean() - y0.mean(),
                            y1.var(ddof=1) / y1.size + y0.var(ddof=1) / y0.size)
        diff = parts["above"][0] - parts["below"][0]
        se = float(np.sqrt(parts["above"][1] + parts["below"][1]))
        z = diff / se
        rows[col] = {"effect_below": parts["below"][0], "effect_above": parts["above"][0],
                     "difference": diff, "std_error": se, "z": z,
                     "p_value": float(2 * stats.norm.sf(abs(z)))}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "covariate"
    return table


def plot_calibration(
    table: pd.DataFrame,
    *,
    ax=None,
    truth: str | None = "true_effect",
    xlabel: str = "mean predicted effect in bucket",
    ylabel: str = "effect in bucket",
    title: str | None = None,
):
    """Measured effect (with interval) against mean prediction, by bucket.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`causalcourse.heterogeneity.calibration_by_bucket`:
        columns ``predicted``, ``estimate``, ``ci_low``, ``ci_high`` (and the
        ``truth`` column if given).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is created when omitted.
    truth : str or None, default "true_effect"
        Column with the true mean effect per bucket, drawn as diamonds;
        ``None`` (or a missing column) draws none.
    xlabel, ylabel, title : str
        Labels.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If a needed column is missing.
    """
    require_columns(table, ["predicted", "estimate", "ci_low", "ci_high"])
    if ax is None:
        _, ax = plt.subplots()
    pred = table["predicted"].to_numpy(float)
    est = table["estimate"].to_numpy(float)
    err = np.vstack([est - table["ci_low"].to_numpy(float),
                     table["ci_high"].to_numpy(float) - est])
    ax.errorbar(pred, est, yerr=err, fmt="o", color="#1f6fb2", capsize=3,
                label="difference in means (95% CI)")
    if truth is not None and truth in table.columns:
        ax.scatter(pred, table[truth], marker="D", color="#222222", zorder=3,
                   label="true mean effect")
    lo = min(pred.min(), np.nanmin(table["ci_low"]))
    hi = max(pred.max(), np.nanmax(table["ci_high"]))
    ax.plot([lo, hi], [lo, hi], color="#888888", linestyle="--", linewidth=1,
            label="prediction = effect")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize="small")
    return ax
