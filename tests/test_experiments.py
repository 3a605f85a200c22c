"""Experiment estimators: worked examples, agreement with libraries, clear errors."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from linearmodels.iv import IV2SLS
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower

from causalcourse.estimators import EffectEstimate, neyman
from causalcourse.experiments import (
    PermutationResult,
    cuped_adjust,
    cuped_estimate,
    cuped_theta,
    lin_estimate,
    normal_power,
    permutation_test,
    required_sample_size,
    wald_estimate,
)
from causalcourse.simulate.experiment import simulate_experiment

COVS = ["pre_spend", "tenure_months", "visits_pre"]


@pytest.fixture(scope="module")
def rct():
    return simulate_experiment(1500, seed=21).data


@pytest.fixture(scope="module")
def encouragement():
    return simulate_experiment(6000, noncompliance=True, seed=22).data


# ---------------------------------------------------------------- Lin (2013)


def test_lin_agrees_with_statsmodels_interacted_hc2(rct):
    est = lin_estimate(rct["spend"], rct["enrolled"], rct[COVS])
    centred = rct.assign(**{f"{c}_c": rct[c] - rct[c].mean() for c in COVS})
    fit = smf.ols("spend ~ enrolled * (pre_spend_c + tenure_months_c + visits_pre_c)",
                  data=centred).fit(cov_type="HC2")
    assert est.estimate == pytest.approx(fit.params["enrolled"], abs=1e-9)
    assert est.std_error == pytest.approx(fit.bse["enrolled"], rel=1e-8)
    assert isinstance(est, EffectEstimate) and est.method.startswith("Lin")


def test_lin_equals_difference_of_arm_predictions_at_the_mean(rct):
    # Centring makes the coefficient the gap between the two arms' regression lines at x-bar.
    est = lin_estimate(rct["spend"], rct["enrolled"], rct["pre_spend"])
    xbar = rct["pre_spend"].mean()
    preds = []
    for arm in (1, 0):
        sub = rct[rct["enrolled"] == arm]
        slope, intercept = np.polyfit(sub["pre_spend"], sub["spend"], 1)
        preds.append(intercept + slope * xbar)
    assert est.estimate == pytest.approx(preds[0] - preds[1], abs=1e-8)


def test_lin_with_an_irrelevant_covariate_is_close_to_neyman():
    rng = np.random.default_rng(3)
    y, t, x = rng.normal(size=400), np.repeat([0, 1], 200), rng.normal(size=400)
    lin, dim = lin_estimate(y, t, x), neyman(y, t)
    assert abs(lin.estimate - dim.estimate) < 0.5 * dim.std_error
    assert lin.std_error == pytest.approx(dim.std_error, rel=0.05)


def test_lin_rejects_bad_covariates(rct):
    y, t = rct["spend"], rct["enrolled"]
    with pytest.raises(ValueError, match="rank deficient"):
        lin_estimate(y, t, np.ones(len(y)))
    with pytest.raises(ValueError, match="missing values"):
        lin_estimate(y, t, rct["pre_spend"].where(rct.index > 0))
    with pytest.raises(ValueError, match="different lengths"):
        lin_estimate(y, t, rct["pre_spend"].iloc[:-1])
    with pytest.raises(ValueError, match="too few"):
        lin_estimate([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1], [[1, 2], [3, 1], [2, 2], [0, 1]])


# --------------------------------------------------------------------- CUPED


def test_cuped_theta_is_the_ols_slope(rct):
    slope = smf.ols("spend ~ pre_spend", data=rct).fit().params["pre_spend"]
    assert cuped_theta(rct["spend"], rct["pre_spend"]) == pytest.approx(slope, rel=1e-10)


def test_cuped_adjust_keeps_the_mean_and_removes_the_covariate(rct):
    adjusted = cuped_adjust(rct["spend"], rct["pre_spend"])
    assert adjusted.mean() == pytest.approx(rct["spend"].mean(), abs=1e-9)
    assert np.corrcoef(adjusted, rct["pre_spend"])[0, 1] == pytest.approx(0, abs=1e-10)


def test_cuped_estimate_is_neyman_on_adjusted_outcomes_and_close_to_ancova(rct):
    est = cuped_estimate(rct["spend"], rct["enrolled"], rct["pre_spend"])
    ref = neyman(cuped_adjust(rct["spend"], rct["pre_spend"]), rct["enrolled"])
    assert (est.estimate, est.std_error) == pytest.approx((ref.estimate, ref.std_error))
    ancova = smf.ols("spend ~ enrolled + pre_spend", data=rct).fit(cov_type="HC2")
    assert est.estimate == pytest.approx(ancova.params["enrolled"], abs=0.05 * est.std_error)
    assert est.std_error == pytest.approx(ancova.bse["enrolled"], rel=0.02)


def test_cuped_variance_falls_by_one_minus_rho_squared():
    dims, cupeds, rhos = [], [], []
    for seed in range(300, 500):
        d = simulate_experiment(600, seed=seed).data
        dims.append(neyman(d["spend"], d["enrolled"]).estimate)
        cupeds.append(cuped_estimate(d["spend"], d["enrolled"], d["pre_spend"]).estimate)
        rhos.append(np.corrcoef(d["spend"], d["pre_spend"])[0, 1])
    ratio = np.var(cupeds) / np.var(dims)
    assert ratio == pytest.approx(1 - np.mean(rhos) ** 2, abs=0.1)


def test_cuped_rejects_constant_covariate():
    with pytest.raises(ValueError, match="constant"):
        cuped_estimate([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1], [5.0, 5.0, 5.0, 5.0])
    with pytest.raises(ValueError, match="theta must be"):
        cuped_adjust([1.0, 2.0], [0.0, 1.0], theta=np.nan)


# ------------------------------------------------------ randomization inference


def test_permutation_agrees_with_scipy_exact_on_small_data():
    y = np.array([3.1, 0.4, 2.2, 5.0, 4.4, 6.3, 1.9, 7.2, 5.5, 2.8])
    t = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    ours = permutation_test(y, t, n_permutations=40_000, seed=1)
    exact = stats.permutation_test(
        (y[t == 1], y[t == 0]), lambda a, b: abs(a.mean() - b.mean()),
        permutation_type="independent", alternative="greater", n_resamples=np.inf,
    )
    assert ours.statistic == pytest.approx(y[t == 1].mean() - y[t == 0].mean())
    mc_se = np.sqrt(exact.pvalue * (1 - exact.pvalue) / 40_000)
    assert abs(ours.p_value - exact.pvalue) < 4 * mc_se + 1e-4


def test_permutation_is_seeded_and_keeps_arm_sizes(rct):
    a = permutation_test(rct["spend"], rct["enrolled"], 500, seed=4)
    b = permutation_test(rct["spend"], rct["enrolled"], 500, seed=4)
    assert isinstance(a, PermutationResult)
    assert a.p_value == b.p_value
    np.testing.assert_array_equal(a.null_distribution, b.null_distribution)
    assert a.null_distribution.shape == (500,)
    assert 1 / 501 <= a.p_value <= 1
    assert "permutation test" in str(a)


def test_permutation_p_values_are_uniform_under_the_sharp_null():
    rng = np.random.default_rng(0)
    ps = [permutation_test(rng.normal(size=30), np.repeat([0, 1], 15), 199, seed=s).p_value
          for s in range(300)]
    assert 0.02 < np.mean(np.array(ps) <= 0.05) < 0.09


def test_permutation_input_errors():
    with pytest.raises(ValueError, match="explicit seed"):
        permutation_test([1.0, 2.0], [0, 1], 10)
    with pytest.raises(ValueError, match="n_permutations"):
        permutation_test([1.0, 2.0], [0, 1], 0, seed=1)
    with pytest.raises(ValueError, match="binary"):
        permutation_test([1.0, 2.0, 3.0], [0, 1, 2], 10, seed=1)


# ----------------------------------------------------------- power and size


@pytest.mark.parametrize("effect,sd,alpha,power", [
    (0.5, 1.0, 0.05, 0.8), (1.0, 16.0, 0.05, 0.9), (2.0, 11.0, 0.01, 0.8), (-0.3, 1.0, 0.1, 0.5),
])
def test_sample_size_matches_statsmodels(effect, sd, alpha, power):
    n = required_sample_size(effect, sd, alpha=alpha, power=power)
    exact = NormalIndPower().solve_power(effect_size=abs(effect) / sd, alpha=alpha, power=power)
    assert n == int(np.ceil(exact))
    assert normal_power(effect, sd, n, alpha) >= power > normal_power(effect, sd, n - 1, alpha)
    t_based = TTestIndPower().solve_power(effect_size=abs(effect) / sd, alpha=alpha, power=power)
    assert 0 <= t_based - exact < 3


def test_power_matches_statsmodels_and_simulation():
    assert normal_power(0.2, 1.0, 300) == pytest.approx(
        NormalIndPower().power(effect_size=0.2, nobs1=300, alpha=0.05), rel=1e-10)
    rng = np.random.default_rng(1)
    n, hits = 100, 0
    for _ in range(2000):
        a, b = rng.normal(0.4, 1, n), rng.normal(0, 1, n)
        hits += abs(neyman(np.r_[a, b], np.r_[np.ones(n), np.zeros(n)]).estimate) / np.sqrt(
            a.var(ddof=1) / n + b.var(ddof=1) / n) > stats.norm.ppf(0.975)
    assert hits / 2000 == pytest.approx(normal_power(0.4, 1.0, n), abs=0.035)


def test_power_input_errors():
    with pytest.raises(ValueError, match="effect must be"):
        required_sample_size(0.0, 1.0)
    with pytest.raises(ValueError, match="sd must be"):
        required_sample_size(1.0, -1.0)
    with pytest.raises(ValueError, match="power must be"):
        required_sample_size(1.0, 1.0, power=1.0)
    with pytest.raises(ValueError, match="n_per_arm"):
        normal_power(1.0, 1.0, 0)


# --------------------------------------------------------------- Wald / LATE


def test_wald_is_itt_over_first_stage(encouragement):
    d = encouragement
    est = wald_estimate(d["spend"], d["assigned"], d["enrolled"])
    itt = neyman(d["spend"], d["assigned"]).estimate
    first = neyman(d["enrolled"], d["assigned"]).estimate
    assert est.estimate == pytest.approx(itt / first, rel=1e-10)
    assert (est.n_treated, est.n_control) == (d["assigned"].sum(), (1 - d["assigned"]).sum())


def test_wald_matches_linearmodels_iv2sls(encouragement):
    d = encouragement
    est = wald_estimate(d["spend"], d["assigned"], d["enrolled"])
    fit = IV2SLS(d["spend"], pd.DataFrame({"const": 1.0}, index=d.index),
                 d["enrolled"], d["assigned"]).fit(cov_type="robust")
    assert est.estimate == pytest.approx(fit.params["enrolled"], rel=1e-10)
    assert est.std_error == pytest.approx(fit.std_errors["enrolled"], rel=1e-8)


def test_wald_recovers_the_late_not_the_ate():
    lates, truths = [], []
    for seed in range(40, 100):
        sim = simulate_experiment(5000, noncompliance=True, seed=seed)
        d = sim.data
        lates.append(wald_estimate(d["spend"], d["assigned"], d["enrolled"]).estimate)
        truths.append(sim.late)
    mc_se = np.std(lates, ddof=1) / np.sqrt(len(lates))
    assert abs(np.mean(lates) - np.mean(truths)) < 3.5 * mc_se


def test_wald_errors():
    with pytest.raises(ValueError, match="first stage is zero"):
        wald_estimate([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1], [0, 1, 0, 1])
    with pytest.raises(ValueError, match="assignment"):
        wald_estimate([1.0, 2.0, 3.0, 4.0], [0, 2, 1, 1], [0, 1, 0, 1])
    with pytest.raises(ValueError, match="different lengths"):
        wald_estimate([1.0, 2.0, 3.0], [0, 0, 1, 1], [0, 1, 0, 1])
    with pytest.raises(ValueError, match="alpha"):
        wald_estimate([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1], [0, 0, 1, 1], alpha=2)
