"""The growth-workshop world: truth columns, hidden confounder, designed biases."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from causalcourse.simulate import TRUTH_COLUMNS, Simulation
from causalcourse.simulate.confounded import simulate_confounded


def _adjusted(data, covariates):
    x = sm.add_constant(data[["workshop", *covariates]].astype(float))
    return sm.OLS(data["growth"], x).fit()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 300),
       u_strength=st.sampled_from([0.0, 0.5, 1.0]))
def test_observed_outcome_and_estimands_follow_from_the_truth(seed, n, u_strength):
    sim = simulate_confounded(n, u_strength=u_strength, seed=seed)
    d, t = sim.data, sim.data["workshop"] == 1
    np.testing.assert_array_equal(d["growth"], np.where(t, d["y1"], d["y0"]))
    np.testing.assert_allclose(d["true_effect"], d["y1"] - d["y0"], atol=1e-12)
    assert sim.ate == pytest.approx(d["true_effect"].mean(), abs=1e-12)
    assert d["propensity"].between(0, 1).all()
    assert set(d["workshop"].unique()) <= {0, 1}


def test_columns_and_hidden_confounder():
    sim = simulate_confounded(500, seed=3)
    assert isinstance(sim, Simulation)
    assert list(sim.observed.columns) == ["tenure_years", "prior_growth", "products",
                                          "workshop", "growth"]
    assert list(sim.truth.columns) == list(TRUTH_COLUMNS)
    assert "ambition" in sim.data
    assert "ambition" not in sim.observed and "ambition" not in sim.truth
    assert sim.treatment == "workshop" and sim.outcome == "growth"


def test_same_seed_same_merchants_whatever_the_hidden_strength():
    a = simulate_confounded(800, seed=11)
    b = simulate_confounded(800, seed=11)
    pd.testing.assert_frame_equal(a.data, b.data)
    c = simulate_confounded(800, u_strength=1.0, seed=11)
    cols = [*a.covariates, "ambition"]
    pd.testing.assert_frame_equal(a.data[cols], c.data[cols])
    # The unit effects are shared too; only ambition's role changes.
    np.testing.assert_allclose(a.data["true_effect"], c.data["true_effect"], atol=2e-4)


def test_without_hidden_confounding_the_propensity_is_a_function_of_covariates():
    d = simulate_confounded(2000, seed=4).data
    logit = np.log(d["propensity"] / (1 - d["propensity"]))
    fit = sm.OLS(logit, sm.add_constant(d[["tenure_years", "prior_growth", "products"]])).fit()
    assert fit.rsquared > 1 - 1e-10
    hidden = simulate_confounded(2000, u_strength=1.0, seed=4).data
    logit_h = np.log(hidden["propensity"] / (1 - hidden["propensity"]))
    cov = hidden[["tenure_years", "prior_growth", "products"]]
    assert sm.OLS(logit_h, sm.add_constant(cov)).fit().rsquared < 0.9


def test_designed_biases():
    sim = simulate_confounded(40_000, seed=1)
    d, cov = sim.data, list(sim.covariates)
    naive = d.loc[d.workshop == 1, "growth"].mean() - d.loc[d.workshop == 0, "growth"].mean()
    assert naive > 2 * sim.ate  # selection on observed covariates inflates the naive gap
    fit = _adjusted(d, cov)
    assert abs(fit.params["workshop"] - sim.ate) < 4 * fit.bse["workshop"]

    bad = simulate_confounded(40_000, u_strength=1.0, seed=1)
    short = _adjusted(bad.data, cov)
    assert short.params["workshop"] - bad.ate > 0.1  # hidden ambition biases it upwards
    long = _adjusted(bad.data, [*cov, "ambition"])
    assert abs(long.params["workshop"] - bad.ate) < 4 * long.bse["workshop"]


def test_ate_parameter_sets_the_average_effect():
    sim = simulate_confounded(20_000, ate=0.1, seed=2)
    assert sim.ate == pytest.approx(0.1, abs=0.002)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1, "seed": 0}, "n must be"),
        ({"n": True, "seed": 0}, "n must be"),
        ({"n": 10.0, "seed": 0}, "n must be"),
        ({"n": 10, "ate": float("nan"), "seed": 0}, "ate must be"),
        ({"n": 10, "u_strength": -0.5, "seed": 0}, "u_strength must be >= 0"),
        ({"n": 10, "u_strength": "strong", "seed": 0}, "u_strength must be"),
        ({"n": 10}, "explicit seed"),
    ],
)
def test_bad_input_raises_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate_confounded(**kwargs)
