"""The partially linear world of lecture 09: structure, truth columns, stories."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalcourse.simulate._base import TRUTH_COLUMNS, Simulation
from causalcourse.simulate.plm import plm_cate, simulate_plm

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=30, deadline=None)
@given(seed=seeds, n=st.integers(min_value=2, max_value=300), heterogeneous=st.booleans())
def test_observed_outcome_and_truth_columns_are_consistent(seed, n, heterogeneous):
    sim = simulate_plm(n, seed=seed, heterogeneous=heterogeneous)
    d = sim.data
    np.testing.assert_array_equal(d["hours"], np.where(d["workshop"] == 1, d["y1"], d["y0"]))
    np.testing.assert_allclose(d["true_effect"], d["true_cate"], atol=1e-9)
    assert sim.ate == pytest.approx(d["true_effect"].mean(), abs=1e-12)
    assert d["propensity"].between(0.04, 0.96).all()


def test_columns_and_container():
    sim = simulate_plm(200, n_noise=2, seed=1)
    assert isinstance(sim, Simulation)
    assert list(sim.observed.columns) == [
        "engagement", "team_size", "tenure_years", "months_on_plan", "noise_1", "noise_2",
        "workshop", "hours"]
    assert set(TRUTH_COLUMNS) <= set(sim.data.columns)
    assert {"true_cate", "true_baseline"} <= set(sim.data.columns)
    assert not set(sim.observed.columns) & {*TRUTH_COLUMNS, "true_cate", "true_baseline"}


def test_partially_linear_structure():
    """y0 = g(X) + noise with the stored baseline; the effect is theta or tau(tenure)."""
    const = simulate_plm(20_000, theta=2.5, seed=2)
    resid = const.data["y0"] - const.data["true_baseline"]
    assert abs(resid.mean()) < 0.1 and 2.9 < resid.std() < 3.1
    np.testing.assert_allclose(const.data["true_effect"], 2.5, atol=1e-9)
    het = simulate_plm(500, heterogeneous=True, seed=2)
    np.testing.assert_allclose(het.data["true_cate"], plm_cate(het.data["tenure_years"]))


def test_confounding_story_naive_is_biased_upwards():
    sim = simulate_plm(20_000, seed=0)
    d, t = sim.data, sim.data["workshop"] == 1
    naive = d.loc[t, "hours"].mean() - d.loc[~t, "hours"].mean()
    assert naive > sim.ate + 3
    assert d.loc[t, "engagement"].mean() > d.loc[~t, "engagement"].mean() + 0.5


def test_proxy_covariate_tracks_tenure_but_plays_no_role():
    d = simulate_plm(20_000, heterogeneous=True, seed=4).data
    assert d["months_on_plan"].corr(d["tenure_years"]) > 0.85
    # The effect is a function of tenure alone ...
    assert d.groupby("tenure_years")["true_cate"].std().fillna(0).max() < 1e-12
    # ... the baseline is exactly linear in (1, e, e^2, log team size, tenure) ...
    e, log_team = d["engagement"], np.log(d["team_size"])
    basis = np.column_stack([np.ones(len(d)), e, e**2, log_team, d["tenure_years"]])
    coef, *_ = np.linalg.lstsq(basis, d["true_baseline"], rcond=None)
    np.testing.assert_allclose(basis @ coef, d["true_baseline"], atol=1e-8)
    # ... and the propensity's logit is linear in (1, e, log team size) where not clipped.
    logit = np.log(d["propensity"] / (1 - d["propensity"]))
    inside = logit.abs() < 2.99
    basis = np.column_stack([np.ones(len(d)), e, log_team])[inside]
    coef, *_ = np.linalg.lstsq(basis, logit[inside], rcond=None)
    np.testing.assert_allclose(basis @ coef, logit[inside], atol=1e-8)


def test_same_seed_same_data_and_generators_advance():
    rng = np.random.default_rng(9)
    a, b = simulate_plm(100, seed=rng), simulate_plm(100, seed=rng)
    assert not a.data.equals(b.data)
    pd.testing.assert_frame_equal(simulate_plm(100, seed=3).data, simulate_plm(100, seed=3).data)


def test_plm_cate_values_and_errors():
    np.testing.assert_allclose(plm_cate([0.0, 2.0, 100.0]), [5.0, 1 + 4 / np.e, 1.0], atol=1e-9)
    assert np.all(np.diff(plm_cate(np.linspace(0, 10, 50))) < 0)
    with pytest.raises(ValueError, match="non-negative"):
        plm_cate([-1.0])
    with pytest.raises(ValueError, match="non-negative"):
        plm_cate([np.nan])


@pytest.mark.parametrize("kwargs,match", [
    ({"n": 1}, "n must be"), ({"n": 2.5}, "n must be"), ({"n": True}, "n must be"),
    ({"n": 10, "n_noise": -1}, "n_noise"), ({"n": 10, "theta": float("nan")}, "theta"),
])
def test_bad_arguments_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_plm(seed=1, **kwargs)


def test_seed_is_required():
    with pytest.raises(ValueError, match="explicit seed"):
        simulate_plm(10)
