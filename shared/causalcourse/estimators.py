"""Transparent estimators of treatment effects.

Each estimator is a few readable lines so a lecture can show exactly what it
computes; lectures then obtain the same number from a library and show that
the two agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from causalcourse._validation import (
    require_arm_sizes,
    require_binary,
    require_columns,
    require_no_missing,
)

__all__ = ["EffectEstimate", "difference_in_means", "neyman"]


@dataclass(frozen=True)
class EffectEstimate:
    """A point estimate of an effect with its standard error and interval.

    Attributes
    ----------
    estimate : float
        The point estimate.
    std_error : float
        Its estimated standard error.
    ci_low, ci_high : float
        Bounds of the ``1 - alpha`` confidence interval.
    alpha : float
        One minus the interval's nominal coverage.
    n_treated, n_control : int
        Units in each arm.
    method : str
        Short name of the estimator.
    """

    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    alpha: float
    n_treated: int
    n_control: int
    method: str

    @classmethod
    def from_normal(cls, estimate: float, std_error: float, *, alpha: float = 0.05,
                    n_treated: int, n_control: int, method: str) -> EffectEstimate:
        """Build an estimate with the normal-approximation interval ``estimate ± z SE``.

        Examples
        --------
        >>> est = EffectEstimate.from_normal(2.0, 0.5, n_treated=10, n_control=12, method="x")
        >>> round(est.ci_low, 3), round(est.ci_high, 3)
        (1.02, 2.98)
        """
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
        z = stats.norm.ppf(1 - alpha / 2)
        return cls(
            estimate=float(estimate),
            std_error=float(std_error),
            ci_low=float(estimate - z * std_error),
            ci_high=float(estimate + z * std_error),
            alpha=alpha,
            n_treated=int(n_treated),
            n_control=int(n_control),
            method=method,
        )

    def covers(self, value: float) -> bool:
        """Whether the interval contains ``value``."""
        return bool(self.ci_low <= value <= self.ci_high)

    def to_dict(self) -> dict:
        """The fields as a plain dict (handy for building tables)."""
        return asdict(self)

    def __str__(self) -> str:
        level = round(100 * (1 - self.alpha))
        return (
            f"{self.method}: {self.estimate:.2f} "
            f"(SE {self.std_error:.2f}; {level}% CI {self.ci_low:.2f} to {self.ci_high:.2f}; "
            f"n = {self.n_treated} treated, {self.n_control} control)"
        )


def neyman(y, t, alpha: float = 0.05) -> EffectEstimate:
    """Difference in means with the Neyman (unequal-variance) standard error.

    Parameters
    ----------
    y : array-like of float
        Observed outcomes.
    t : array-like of {0, 1}
        Treatment indicators, same length as ``y``.
    alpha : float, default 0.05
        The interval has nominal coverage ``1 - alpha`` (normal approximation).

    Returns
    -------
    EffectEstimate

    Raises
    ------
    ValueError
        If the inputs have different lengths, contain NaN, the treatment is not
        binary, or an arm has fewer than two units.

    Notes
    -----
    The estimate is ``mean(y | t=1) - mean(y | t=0)``; its variance estimate
    is ``s1^2 / n1 + s0^2 / n0`` with sample variances ``s^2`` (ddof=1), which is
    conservative for the sample ATE under complete randomization
    (Imbens & Rubin 2015, ch. 6).

    Examples
    --------
    >>> est = neyman([1.0, 3.0, 5.0, 7.0], [0, 0, 1, 1])
    >>> est.estimate, round(est.std_error ** 2, 6)
    (4.0, 2.0)
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    y_s = pd.Series(np.asarray(y, dtype=float) if not isinstance(y, pd.Series) else y)
    t_s = pd.Series(np.asarray(t) if not isinstance(t, pd.Series) else t)
    if len(y_s) != len(t_s):
        raise ValueError(f"outcome and treatment lengths differ: {len(y_s)} vs {len(t_s)}")
    y_name = str(y_s.name) if y_s.name is not None else "outcome"
    t_name = str(t_s.name) if t_s.name is not None else "treatment"
    require_no_missing(y_s, y_name)
    t_arr = require_binary(t_s, t_name)
    require_arm_sizes(t_arr, t_name)
    y_arr = y_s.to_numpy(dtype=float)

    y1, y0 = y_arr[t_arr == 1], y_arr[t_arr == 0]
    estimate = y1.mean() - y0.mean()
    std_error = np.sqrt(y1.var(ddof=1) / y1.size + y0.var(ddof=1) / y0.size)
    return EffectEstimate.from_normal(estimate, std_error, alpha=alpha, n_treated=y1.size,
                                      n_control=y0.size, method="difference in means")


def difference_in_means(
    data: pd.DataFrame, outcome: str, treatment: str, alpha: float = 0.05
) -> EffectEstimate:
    """Difference in mean outcome between treated and control units of a DataFrame.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit.
    outcome : str
        Name of the outcome column.
    treatment : str
        Name of the binary (0/1 or bool) treatment column.
    alpha : float, default 0.05
        The interval has nominal coverage ``1 - alpha``.

    Returns
    -------
    EffectEstimate
        Estimate, Neyman standard error and normal-approximation interval.

    Raises
    ------
    ValueError
        If a column is missing, contains NaN, the treatment is not binary, or
        an arm has fewer than two units.

    See Also
    --------
    neyman : the same computation on arrays.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, 3.0, 5.0, 7.0], "t": [0, 0, 1, 1]})
    >>> difference_in_means(df, "y", "t").estimate
    4.0
    """
    require_columns(data, [outcome, treatment])
    return neyman(data[outcome], data[treatment], alpha=alpha)
