"""Properties every simulation must have, checked over many seeds."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalcourse.simulate import TRUTH_COLUMNS, Simulation, simulate_retention_email

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, n=st.integers(min_value=2, max_value=400), randomized=st.booleans())
def test_observed_outcome_is_the_potential_outcome_of_the_received_arm(seed, n, randomized):
    sim = simulate_retention_email(n, seed=seed, randomized=randomized)
    d = sim.data
    expected = np.where(d[sim.treatment] == 1, d["y1"], d["y0"])
    np.testing.assert_array_equal(d[sim.outcome].to_numpy(), expected)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, n=st.integers(min_value=2, max_value=400), randomized=st.booleans())
def test_stored_estimands_are_means_of_the_true_effect(seed, n, randomized):
    sim = simulate_retention_email(n, seed=seed, randomized=randomized)
    d, t = sim.data, sim.data[sim.treatment] == 1
    np.testing.assert_allclose(d["true_effect"], d["y1"] - d["y0"], atol=1e-12)
    assert sim.ate == pytest.approx(d["true_effect"].mean(), abs=1e-12)
    if t.any():
        assert sim.att == pytest.approx(d.loc[t, "true_effect"].mean(), abs=1e-12)
    if (~t).any():
        assert sim.atc == pytest.approx(d.loc[~t, "true_effect"].mean(), abs=1e-12)


def test_columns_split_into_observed_and_truth():
    sim = simulate_retention_email(300, seed=3)
    assert isinstance(sim, Simulation)
    assert list(sim.observed.columns) == [*sim.covariates, "email", "spend"]
    assert list(sim.truth.columns) == list(TRUTH_COLUMNS)
    assert not set(sim.observed.columns) & set(TRUTH_COLUMNS)
    assert set(sim.data[sim.treatment].unique()) <= {0, 1}
    assert sim.data["propensity"].between(0, 1).all()


def test_same_seed_same_data_and_randomized_keeps_the_population():
    a = simulate_retention_email(500, seed=11)
    b = simulate_retention_email(500, seed=11)
    pd.testing.assert_frame_equal(a.data, b.data)
    r = simulate_retention_email(500, seed=11, randomized=True)
    pd.testing.assert_frame_equal(a.data[["y0", "y1", *a.covariates]],
                                  r.data[["y0", "y1", *r.covariates]])
    assert (r.data["propensity"] == 0.5).all()


def test_generator_is_accepted_and_advanced():
    rng = np.random.default_rng(5)
    first = simulate_retention_email(100, seed=rng)
    second = simulate_retention_email(100, seed=rng)
    assert not first.data.equals(second.data)


def test_selection_world_is_biased_upwards_and_randomized_world_is_not():
    # The lecture's story, on a large sample so it is not a seed accident.
    sim = simulate_retention_email(40_000, seed=0)
    d, t = sim.data, sim.data["email"] == 1
    selection_bias = d.loc[t, "y0"].mean() - d.loc[~t, "y0"].mean()
    assert selection_bias > 5
    assert sim.att < sim.ate < sim.atc
    rnd = simulate_retention_email(40_000, seed=0, randomized=True)
    d, t = rnd.data, rnd.data["email"] == 1
    assert abs(d.loc[t, "y0"].mean() - d.loc[~t, "y0"].mean()) < 0.5


@pytest.mark.parametrize("n", [0, 1, -5, 2.5, True, "100"])
def test_bad_n_is_rejected(n):
    with pytest.raises(ValueError, match="n must be an integer"):
        simulate_retention_email(n, seed=1)


def test_missing_seed_is_rejected():
    with pytest.raises(ValueError, match="explicit seed"):
        simulate_retention_email(10)
