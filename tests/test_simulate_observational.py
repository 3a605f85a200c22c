"""The sales-training world of lecture 04: truth columns, selection, designed properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalcourse.simulate import TRUTH_COLUMNS, Simulation
from causalcourse.simulate.observational import (
    COVARIATES,
    simulate_sales_training,
    training_propensity,
)
from causalcourse.weighting import fit_propensity

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=30, deadline=None)
@given(seed=seeds, n=st.integers(min_value=2, max_value=300),
       selection=st.sampled_from([0.0, 0.5, 1.0, 3.0]))
def test_observed_outcome_is_the_received_arm_and_estimands_add_up(seed, n, selection):
    sim = simulate_sales_training(n, selection=selection, seed=seed)
    d = sim.data
    np.testing.assert_array_equal(d["sales"], np.where(d["course"] == 1, d["y1"], d["y0"]))
    np.testing.assert_allclose(d["true_effect"], d["y1"] - d["y0"], atol=1e-12)
    assert sim.ate == pytest.approx(d["true_effect"].mean(), abs=1e-12)
    assert d["propensity"].between(0, 1).all()


def test_columns_and_types():
    sim = simulate_sales_training(500, seed=3)
    assert isinstance(sim, Simulation)
    assert sim.covariates == COVARIATES
    assert list(sim.observed.columns) == [*COVARIATES, "course", "sales"]
    assert list(sim.truth.columns) == list(TRUTH_COLUMNS)
    assert set(sim.data["course"].unique()) == {0, 1}
    assert set(sim.data["remote"].unique()) <= {0, 1}
    assert sim.data["experience"].between(0, 20).all()


def test_stored_propensity_is_the_documented_function():
    d = simulate_sales_training(800, selection=2.0, seed=5).data
    expected = training_propensity(d["experience"], d["past_sales"], d["motivation"],
                                   d["remote"], selection=2.0)
    np.testing.assert_allclose(d["propensity"], expected, rtol=1e-12)


def test_same_reps_under_every_selection_strength():
    base = simulate_sales_training(600, seed=11)
    for selection in (0.0, 3.0):
        other = simulate_sales_training(600, selection=selection, seed=11)
        cols = [*COVARIATES, "y0", "y1"]
        pd.testing.assert_frame_equal(base.data[cols], other.data[cols])
    coin = simulate_sales_training(600, selection=0.0, seed=11)
    assert (coin.data["propensity"] == 0.5).all()
    assert "randomized" in coin.description


def test_designed_properties_hold_in_a_large_sample():
    sim = simulate_sales_training(40_000, seed=1)
    d, treated = sim.data, sim.data["course"] == 1
    naive = d.loc[treated, "sales"].mean() - d.loc[~treated, "sales"].mean()
    # The naive comparison is far below the truth; the ATT exceeds the ATE.
    assert naive < sim.ate / 2
    assert sim.att > sim.ate + 0.4
    # Participants would have sold less without the course (negative selection bias).
    assert d.loc[treated, "y0"].mean() < d.loc[~treated, "y0"].mean() - 3
    # Overlap is decent in the default world and poor under strong selection.
    assert d["propensity"].between(0.001, 0.999).all()
    strong = simulate_sales_training(40_000, selection=3.0, seed=1).data["propensity"]
    assert ((strong < 0.01) | (strong > 0.99)).mean() > 0.1
    # A main-effects logistic regression is correctly specified.
    e_hat = fit_propensity(d[list(COVARIATES)], d["course"])
    assert np.max(np.abs(e_hat - d["propensity"])) < 0.05


def test_generator_is_accepted_and_bad_input_rejected():
    rng = np.random.default_rng(5)
    first = simulate_sales_training(100, seed=rng)
    second = simulate_sales_training(100, seed=rng)
    assert not first.data.equals(second.data)
    with pytest.raises(ValueError, match="explicit seed"):
        simulate_sales_training(100)
    with pytest.raises(ValueError, match="n must be an integer"):
        simulate_sales_training(1, seed=1)
    with pytest.raises(ValueError, match="selection must be"):
        simulate_sales_training(100, selection=-1.0, seed=1)
    with pytest.raises(ValueError, match="selection must be"):
        simulate_sales_training(100, selection=float("nan"), seed=1)
