"""Refutation helpers for lecture 08: placebo checks and tidy DoWhy results.

DoWhy's refuters return objects whose printed text carries raw floats, and
its estimands print their adjustment sets in an order that depends on Python's
hash seed. The helpers here turn them into deterministic summaries:

* :func:`ols_effect` is the regression adjustment DoWhy's
  ``backdoor.linear_regression`` runs, in a few lines of NumPy;
* :func:`placebo_check` re-estimates the effect after permuting the treatment
  (a placebo that cannot have an effect);
* :func:`placebo_reading` reads a placebo effect against the real estimate;
* :func:`refutation_table` collects DoWhy refutation results in one DataFrame
  with a reading per row;
* :func:`describe_estimand` states a DoWhy identified estimand with sorted
  variable names.

Nothing here imports DoWhy: its result objects are recognised by their
attributes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from causalcourse._validation import (
    require_arm_sizes,
    require_binary,
    require_columns,
    require_no_missing,
)
from causalcourse.estimators import EffectEstimate
from causalcourse.simulate._base import make_rng

__all__ = [
    "PlaceboCheck",
    "ols_effect",
    "placebo_check",
    "placebo_reading",
    "refutation_table",
    "describe_estimand",
]

#: DoWhy refutation types, the short name the table shows, and what the new
#: effect should be close to: 0 ("zero") or the original estimate ("estimate").
_REFUTERS = {
    "Refute: Use a Placebo Treatment": ("placebo treatment", "zero"),
    "Refute: Use a Dummy Outcome": ("dummy outcome", "zero"),
    "Refute: Add a random common cause": ("random common cause", "estimate"),
    "Refute: Use a subset of data": ("data subset", "estimate"),
    "Refute: Bootstrap Sample Dataset": ("bootstrap", "estimate"),
    "Refute: Add an Unobserved Common Cause": ("unobserved common cause", "sign"),
}

_TABLE_COLUMNS = ["refuter", "estimate", "new_effect", "expected", "p_value",
                  "robustness_value", "reading"]


def _design(data: pd.DataFrame, treatment: str, outcome: str, covariates) -> tuple:
    """Validated outcome vector, treatment vector and covariate matrix."""
    if isinstance(covariates, str):
        covariates = [covariates]
    covariates = list(covariates)
    require_columns(data, [treatment, outcome, *covariates])
    overlap = {treatment, outcome} & set(covariates)
    if overlap:
        raise ValueError(f"covariates must not include the treatment or outcome: {sorted(overlap)}")
    for name in [outcome, *covariates]:
        require_no_missing(data[name], name)
        if not pd.api.types.is_numeric_dtype(data[name]):
            raise ValueError(
                f"column '{name}' must be numeric (found dtype {data[name].dtype}); "
                "encode categories as 0/1 dummy columns first"
            )
    t = require_binary(data[treatment], treatment)
    require_arm_sizes(t, treatment)
    y = data[outcome].to_numpy(dtype=float)
    w = data[covariates].to_numpy(dtype=float) if covariates else np.empty((len(data), 0))
    return y, t, w


def _basis(w: np.ndarray) -> np.ndarray:
    """Orthonormal basis of the column space of [1, w] (rank-aware, via SVD)."""
    x = np.column_stack([np.ones(w.shape[0]), w])
    u, sv, _ = np.linalg.svd(x, full_matrices=False)
    rank = int(np.sum(sv > sv[0] * max(x.shape) * np.finfo(float).eps))
    return u[:, :rank]


def _ols(y: np.ndarray, t: np.ndarray, basis: np.ndarray) -> tuple[float, float, int]:
    """Coefficient on ``t`` in OLS of y on [t, basis], its classical SE, residual dof.

    Frisch-Waugh-Lovell: regress the residual of y on the residual of t, both
    taken after projecting out the covariates (``basis`` spans [1, w]).
    """
    dof = y.shape[0] - basis.shape[1] - 1
    if dof < 1:
        raise ValueError(
            f"need more rows than regressors: {y.shape[0]} rows, {basis.shape[1] + 1} regressors"
        )
    t = t.astype(float)
    t_res = t - basis @ (basis.T @ t)
    y_res = y - basis @ (basis.T @ y)
    ss_t = float(t_res @ t_res)
    if ss_t <= 1e-12 * max(float(t @ t), 1.0):
        raise ValueError("the treatment is (almost) a linear function of the covariates")
    beta = float(t_res @ y_res) / ss_t
    resid = y_res - beta * t_res
    se = math.sqrt(float(resid @ resid) / dof / ss_t)
    return beta, se, dof


def ols_effect(
    data: pd.DataFrame,
    treatment: str,
    outcome: str,
    covariates: Iterable[str] = (),
    *,
    alpha: float = 0.05,
) -> EffectEstimate:
    """Regression adjustment: the treatment coefficient of an OLS fit.

    Fits ``outcome ~ 1 + treatment + covariates`` by least squares. Under
    no unobserved confounding *and* a correctly specified linear outcome model
    with a constant effect, the coefficient estimates the ATE. This is the
    number DoWhy's ``backdoor.linear_regression`` reports.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit.
    treatment : str
        Binary (0/1 or bool) treatment column.
    outcome : str
        Numeric outcome column.
    covariates : iterable of str, default ()
        Numeric adjustment columns (encode categories as dummies first).
    alpha : float, default 0.05
        The interval has nominal coverage ``1 - alpha`` (normal approximation).

    Returns
    -------
    EffectEstimate
        The coefficient with its classical (homoskedastic) standard error,
        as ``statsmodels.OLS`` reports by default.

    Raises
    ------
    ValueError
        If a column is missing, non-numeric or has NaN, the treatment is not
        binary, an arm has fewer than two units, or there are no more rows
        than regressors.

    Examples
    --------
    >>> df = pd.DataFrame({"t": [0, 0, 1, 1, 0, 1], "x": [0., 1, 0, 1, 2, 2]})
    >>> df["y"] = 1 + 2 * df["t"] + 3 * df["x"]
    >>> round(ols_effect(df, "t", "y", ["x"]).estimate, 10)
    2.0
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    y, t, w = _design(data, treatment, outcome, covariates)
    beta, se, _ = _ols(y, t, _basis(w))
    z = stats.norm.ppf(1 - alpha / 2)
    return EffectEstimate(
        estimate=beta, std_error=se, ci_low=beta - z * se, ci_high=beta + z * se,
        alpha=alpha, n_treated=int(t.sum()), n_control=int((1 - t).sum()),
        method="OLS adjustment",
    )


def placebo_reading(
    estimate: float,
    placebo: float,
    placebo_se: float | None = None,
    *,
    z: float = 1.96,
    suspect_share: float = 0.5,
) -> str:
    """Read a placebo effect against the real estimate (a rule of thumb).

    A placebo (a treatment that cannot have an effect) should give an effect
    of zero. The reading compares the placebo effect with zero (using its
    standard error, if given) and with the estimate itself:

    * ``"pass"``: the placebo effect is within ``z`` standard errors of zero
      (or, without a standard error, under 10% of the estimate);
    * ``"suspect"``: the placebo effect is at least ``suspect_share`` of the
      estimate, so whatever produced the placebo effect could produce most of
      the estimate too (estimate 0.18 with placebo 0.16 is suspect);
    * ``"caution"``: the placebo effect is clearly not zero but small
      relative to the estimate.

    Parameters
    ----------
    estimate : float
        The effect estimate being checked.
    placebo : float
        The effect the same analysis finds for the placebo.
    placebo_se : float, optional
        Standard error of ``placebo``.
    z : float, default 1.96
        How many standard errors count as "within noise of zero".
    suspect_share : float, default 0.5
        Share of the estimate above which the placebo makes it suspect.

    Returns
    -------
    str
        ``"pass"``, ``"caution"`` or ``"suspect"``.

    Raises
    ------
    ValueError
        If a number is not finite, ``placebo_se`` is negative, or
        ``suspect_share`` is not positive.

    Examples
    --------
    >>> placebo_reading(0.18, 0.16)
    'suspect'
    >>> placebo_reading(0.18, 0.004, placebo_se=0.005)
    'pass'
    >>> placebo_reading(0.18, 0.03, placebo_se=0.005)
    'caution'
    """
    for name, value in (("estimate", estimate), ("placebo", placebo), ("z", z),
                        ("suspect_share", suspect_share)):
        if not isinstance(value, int | float | np.floating | np.integer) or not math.isfinite(
            float(value)
        ):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if suspect_share <= 0:
        raise ValueError(f"suspect_share must be positive, got {suspect_share}")
    if placebo_se is not None and (not math.isfinite(float(placebo_se)) or placebo_se < 0):
        raise ValueError(f"placebo_se must be a non-negative finite number, got {placebo_se!r}")
    share = abs(placebo) / abs(estimate) if estimate != 0 else math.inf
    if placebo_se is not None and abs(placebo) <= z * placebo_se:
        return "pass"
    if share >= suspect_share:
        return "suspect"
    if placebo_se is None and share < 0.1:
        return "pass"
    return "caution"


@dataclass(frozen=True)
class PlaceboCheck:
    """Result of :func:`placebo_check`.

    Attributes
    ----------
    estimate : float
        The OLS-adjusted estimate with the real treatment.
    placebo_effects : numpy.ndarray
        The estimate after each permutation of the treatment.
    p_value : float
        Two-sided permutation p-value of the real estimate: the share of
        placebo effects at least as large in absolute value (counting the real
        estimate itself, so it is never 0).
    """

    estimate: float
    placebo_effects: np.ndarray = field(repr=False)
    p_value: float

    @property
    def placebo_mean(self) -> float:
        """Average placebo effect (should be close to zero)."""
        return float(np.mean(self.placebo_effects))

    @property
    def placebo_sd(self) -> float:
        """Spread of the placebo effects: the estimate's size under no effect."""
        return float(np.std(self.placebo_effects, ddof=1))

    @property
    def reading(self) -> str:
        """:func:`placebo_reading` of the average placebo effect."""
        se = self.placebo_sd / math.sqrt(len(self.placebo_effects))
        return placebo_reading(self.estimate, self.placebo_mean, se)

    def __str__(self) -> str:
        return (
            f"estimate {self.estimate:.4f}; placebo mean {self.placebo_mean:.4f} "
            f"(sd {self.placebo_sd:.4f}, {len(self.placebo_effects)} permutations); "
            f"permutation p-value {self.p_value:.3f}; reading: {self.reading}"
        )


def placebo_check(
    data: pd.DataFrame,
    treatment: str,
    outcome: str,
    covariates: Iterable[str] = (),
    *,
    n_permutations: int = 100,
    seed: int | np.random.Generator | None = None,
) -> PlaceboCheck:
    """Permutation placebo: re-estimate the effect with a shuffled treatment.

    Shuffling the treatment column keeps how many units are treated but cuts
    every link between treatment and covariates or outcome, so the true effect
    of the placebo is zero. The OLS adjustment of :func:`ols_effect` is rerun
    for each shuffle. Permutation ``k`` uses
    ``rng.permutation(treatment values)`` with ``rng =
    numpy.random.default_rng(seed)``, called ``k + 1`` times.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit.
    treatment, outcome : str
        Binary treatment and numeric outcome columns.
    covariates : iterable of str, default ()
        Numeric adjustment columns.
    n_permutations : int, default 100
        Number of shuffles (at least 2).
    seed : int or numpy.random.Generator
        Source of randomness; required.

    Returns
    -------
    PlaceboCheck
        The real estimate, the placebo effects, and the permutation p-value.

    Raises
    ------
    ValueError
        For the input problems of :func:`ols_effect`, ``n_permutations`` below
        2, or no seed.

    Examples
    --------
    >>> df = pd.DataFrame({"t": [0, 1] * 20, "x": np.arange(40.0)})
    >>> df["y"] = 0.5 * df["x"] + 3 * df["t"] + np.sin(np.arange(40.0))
    >>> check = placebo_check(df, "t", "y", ["x"], n_permutations=50, seed=0)
    >>> round(check.estimate, 2), check.reading, bool(check.p_value < 0.05)
    (3.04, 'pass', True)
    """
    if (not isinstance(n_permutations, int | np.integer) or isinstance(n_permutations, bool)
            or n_permutations < 2):
        raise ValueError(f"n_permutations must be an integer >= 2, got {n_permutations!r}")
    rng = make_rng(seed)
    y, t, w = _design(data, treatment, outcome, covariates)
    basis = _basis(w)
    estimate, _, _ = _ols(y, t, basis)
    effects = np.array([_ols(y, rng.permutation(t), basis)[0] for _ in range(n_permutations)])
    extreme = int(np.sum(np.abs(effects) >= abs(estimate)))
    p_value = (1 + extreme) / (1 + n_permutations)
    return PlaceboCheck(estimate=estimate, placebo_effects=effects, p_value=p_value)


def _is_refutation(obj) -> bool:
    return all(hasattr(obj, a) for a in ("refutation_type", "estimated_effect", "new_effect"))


def _is_sensitivity(obj) -> bool:
    return hasattr(obj, "stats") and hasattr(obj, "benchmarking_results")


def _refutation_row(label: str, ref, estimate: float | None, alpha: float) -> dict:
    if ref.refutation_type not in _REFUTERS:
        raise ValueError(f"{label!r}: unknown refutation type {ref.refutation_type!r}")
    name, target = _REFUTERS[ref.refutation_type]
    reported = float(np.mean(ref.estimated_effect))
    new = float(np.mean(ref.new_effect))
    result = getattr(ref, "refutation_result", None)
    p_value = float(result["p_value"]) if result else math.nan
    if name == "dummy outcome":
        # DoWhy reports the dummy outcome's known effect as "estimated_effect".
        expected, shown = reported, (math.nan if estimate is None else float(estimate))
    elif target == "zero":
        expected, shown = 0.0, reported
    else:
        expected, shown = reported, reported
    if target == "sign":
        reading = "robust" if np.sign(new) == np.sign(reported) else "fragile"
        expected = math.nan
    elif math.isnan(p_value):
        reading = "no test"
    elif p_value <= alpha:
        reading = "fail"
    elif name == "placebo treatment" and shown != 0 and abs(new) >= 0.5 * abs(shown):
        reading = "suspect"
    else:
        reading = "pass"
    return {"refuter": name, "estimate": shown, "new_effect": new, "expected": expected,
            "p_value": p_value, "robustness_value": math.nan, "reading": reading}


def _sensitivity_row(label: str, analyzer) -> dict:
    st = analyzer.stats
    bench = pd.DataFrame(analyzer.benchmarking_results)
    needed = {"bias_adjusted_estimate", "bias_adjusted_lower_CI", "bias_adjusted_upper_CI"}
    if st is None or not needed <= set(bench.columns):
        raise ValueError(
            f"{label!r}: the sensitivity analysis has no benchmark results; pass "
            "benchmark_common_causes=[...] to DoWhy's linear-partial-R2 method"
        )
    est = float(st["estimate"])
    adjusted = bench["bias_adjusted_estimate"].to_numpy(dtype=float)
    worst = float(adjusted[np.argmin(adjusted * np.sign(est))])  # least favourable
    low = bench["bias_adjusted_lower_CI"].to_numpy(dtype=float)
    high = bench["bias_adjusted_upper_CI"].to_numpy(dtype=float)
    lo, hi = np.minimum(low, high), np.maximum(low, high)
    keeps_sign = np.all(np.sign(adjusted) == np.sign(est)) and not np.any((lo <= 0) & (hi >= 0))
    return {"refuter": "unobserved common cause (partial R2)", "estimate": est,
            "new_effect": worst, "expected": math.nan, "p_value": math.nan,
            "robustness_value": float(st["robustness_value"]),
            "reading": "robust" if keeps_sign else "fragile"}


def refutation_table(
    refutations: Mapping[str, object],
    *,
    estimate: float | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Collect DoWhy refutation results in one tidy DataFrame.

    Parameters
    ----------
    refutations : mapping of str -> DoWhy result
        Labels mapped to what ``CausalModel.refute_estimate`` returned: a
        ``CausalRefutation``, a list of them (the dummy-outcome refuter), or
        the ``LinearSensitivityAnalyzer`` of
        ``simulation_method="linear-partial-R2"`` (with
        ``benchmark_common_causes``).
    estimate : float, optional
        The original estimate. Needed only to show it on dummy-outcome rows,
        whose DoWhy result carries the dummy's known effect instead.
    alpha : float, default 0.05
        Level below which a refuter's p-value counts as a failure.

    Returns
    -------
    pandas.DataFrame
        Indexed by label, with columns ``refuter`` (which test), ``estimate``,
        ``new_effect`` (the refuter's average re-estimate, or for the
        sensitivity analysis the bias-adjusted estimate closest to zero),
        ``expected`` (what ``new_effect`` should be close to: 0 for placebo
        and dummy outcome, the estimate for the others), ``p_value`` (DoWhy's
        test of ``expected`` against the refuter's simulations),
        ``robustness_value`` (sensitivity rows only) and ``reading``:

        * ``"pass"``: p-value above ``alpha``;
        * ``"fail"``: p-value at or below ``alpha``;
        * ``"suspect"``: a placebo re-estimate that passes the test but is at
          least half the size of the estimate;
        * ``"robust"`` / ``"fragile"``: sensitivity rows, whether every
          benchmark-adjusted estimate keeps its sign with an interval
          excluding zero (simulated unobserved common cause: whether the new
          effect keeps the sign).

    Raises
    ------
    ValueError
        If ``refutations`` is empty, ``alpha`` is not in (0, 1), or a value is
        not a DoWhy refutation result (the message names its label).

    Notes
    -----
    With fewer than 100 simulations DoWhy's p-value is a *one-sided* normal
    tail probability (about 0.5 when the expected value sits in the middle of
    the simulations); with 100 or more it is a two-sided bootstrap p-value.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> placebo = SimpleNamespace(refutation_type="Refute: Use a Placebo Treatment",
    ...                           estimated_effect=0.18, new_effect=0.002,
    ...                           refutation_result={"p_value": 0.46})
    >>> subset = SimpleNamespace(refutation_type="Refute: Use a subset of data",
    ...                          estimated_effect=0.18, new_effect=0.179,
    ...                          refutation_result={"p_value": 0.41})
    >>> refutation_table({"placebo": placebo, "subset": subset})[["refuter", "reading"]]
                       refuter reading
    placebo  placebo treatment    pass
    subset         data subset    pass
    """
    if not isinstance(refutations, Mapping) or not refutations:
        raise ValueError("refutations must be a non-empty mapping of label -> DoWhy result")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    rows, index = [], []
    for label, result in refutations.items():
        items = list(result) if isinstance(result, list | tuple) else [result]
        for k, item in enumerate(items):
            name = label if len(items) == 1 else f"{label} [{k + 1}]"
            if _is_refutation(item):
                rows.append(_refutation_row(name, item, estimate, alpha))
            elif _is_sensitivity(item):
                rows.append(_sensitivity_row(name, item))
            else:
                raise ValueError(
                    f"{name!r} is a {type(item).__name__}, not a DoWhy refutation result"
                )
            index.append(name)
    return pd.DataFrame(rows, index=index, columns=_TABLE_COLUMNS)


def describe_estimand(identified_estimand) -> str:
    """State a DoWhy identified estimand with its variables sorted.

    DoWhy prints adjustment sets in an order that changes with Python's hash
    seed; this summary does not, so it can be shown in a notebook whose
    outputs are compared across runs.

    Parameters
    ----------
    identified_estimand : dowhy IdentifiedEstimand
        What ``CausalModel.identify_effect`` returned.

    Returns
    -------
    str
        One line per identification strategy DoWhy found (backdoor,
        instrumental variables, front-door), with the backdoor estimand in
        DoWhy's notation and the assumption it rests on.

    Raises
    ------
    ValueError
        If the object is not an identified estimand.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> est = SimpleNamespace(treatment_variable=["t"], outcome_variable=["y"],
    ...                       estimand_type=SimpleNamespace(name="NONPARAMETRIC_ATE"),
    ...                       estimands={"backdoor": {}}, instrumental_variables=[],
    ...                       frontdoor_variables=[],
    ...                       get_backdoor_variables=lambda: ["w2", "w1"])
    >>> print(describe_estimand(est))
    estimand type: NONPARAMETRIC_ATE (effect of t on y)
    backdoor: d/d[t] E[y | W] with W = {w1, w2}
      assumes: no unobserved common cause of t and y given W
    instrumental variables: none
    front-door variables: none
    """
    needed = ("treatment_variable", "outcome_variable", "estimands", "get_backdoor_variables")
    if not all(hasattr(identified_estimand, a) for a in needed):
        raise ValueError(
            f"expected a DoWhy identified estimand, got {type(identified_estimand).__name__}"
        )
    t = ", ".join(map(str, identified_estimand.treatment_variable))
    y = ", ".join(map(str, identified_estimand.outcome_variable))
    kind = getattr(getattr(identified_estimand, "estimand_type", None), "name", "unknown")
    lines = [f"estimand type: {kind} (effect of {t} on {y})"]
    if identified_estimand.estimands.get("backdoor") is not None:
        w = sorted(map(str, identified_estimand.get_backdoor_variables() or []))
        if w:
            lines.append(f"backdoor: d/d[{t}] E[{y} | W] with W = {{{', '.join(w)}}}")
            lines.append(f"  assumes: no unobserved common cause of {t} and {y} given W")
        else:
            lines.append(f"backdoor: d/d[{t}] E[{y}] (nothing to adjust for)")
            lines.append(f"  assumes: no unobserved common cause of {t} and {y}")
    else:
        lines.append("backdoor: not identified")
    iv = sorted(map(str, getattr(identified_estimand, "instrumental_variables", None) or []))
    fd = sorted(map(str, getattr(identified_estimand, "frontdoor_variables", None) or []))
    lines.append(f"instrumental variables: {', '.join(iv) or 'none'}")
    lines.append(f"front-door variables: {', '.join(fd) or 'none'}")
    return "\n".join(lines)
