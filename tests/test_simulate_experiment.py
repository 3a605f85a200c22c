"""The loyalty-programme experiment world: structure, truth and known properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalcourse.simulate import TRUTH_COLUMNS, Simulation
from causalcourse.simulate.experiment import (
    MEAN_BASELINE_SPEND,
    ExperimentSimulation,
    simulate_experiment,
)

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=30, deadline=None)
@given(seed=seeds, n=st.integers(min_value=4, max_value=300), nc=st.booleans())
def test_observed_outcome_and_treatment_follow_the_truth(seed, n, nc):
    sim = simulate_experiment(n, noncompliance=nc, seed=seed)
    d = sim.data
    np.testing.assert_array_equal(d["spend"], np.where(d["enrolled"] == 1, d["y1"], d["y0"]))
    np.testing.assert_allclose(d["true_effect"], d["y1"] - d["y0"], atol=1e-12)
    assert sim.ate == pytest.approx(d["true_effect"].mean(), abs=1e-12)
    if nc:
        np.testing.assert_array_equal(d["enrolled"],
                                      np.where(d["assigned"] == 1, d["d1"], d["d0"]))
        complier = (d["compliance"] == "complier").to_numpy()
        assert sim.complier_share == pytest.approx(complier.mean())
        assert sim.itt == pytest.approx((d["true_effect"] * complier).mean(), abs=1e-12)
        assert not ((d["d0"] == 1) & (d["d1"] == 0)).any()  # no defiers
    else:
        assert sim.itt == sim.late == sim.ate
        assert sim.complier_share == 1.0


def test_columns_and_types():
    sim = simulate_experiment(200, seed=1)
    assert isinstance(sim, ExperimentSimulation) and isinstance(sim, Simulation)
    assert sim.assignment is None
    assert list(sim.observed.columns) == ["pre_spend", "tenure_months", "visits_pre",
                                          "enrolled", "spend"]
    assert list(sim.truth.columns) == list(TRUTH_COLUMNS)
    assert (sim.data["propensity"] == 0.5).all()
    nc = simulate_experiment(200, noncompliance=True, seed=1)
    assert nc.assignment == "assigned"
    assert "assigned" in nc.observed.columns and "compliance" not in nc.observed.columns
    assert list(nc.truth.columns) == [*TRUTH_COLUMNS, "compliance", "d0", "d1"]
    expected = np.select([nc.data["compliance"] == "always-taker",
                          nc.data["compliance"] == "never-taker"], [1.0, 0.0], 0.5)
    np.testing.assert_array_equal(nc.data["propensity"], expected)


def test_same_seed_same_population_in_both_designs():
    a = simulate_experiment(500, seed=9)
    b = simulate_experiment(500, seed=9)
    pd.testing.assert_frame_equal(a.data, b.data)
    c = simulate_experiment(500, noncompliance=True, seed=9)
    cols = ["pre_spend", "tenure_months", "visits_pre", "y0", "y1"]
    pd.testing.assert_frame_equal(a.data[cols], c.data[cols])
    np.testing.assert_array_equal(a.data["enrolled"], c.data["assigned"])


def test_population_moments():
    sim = simulate_experiment(200_000, effect=1.5, seed=0)
    d = sim.data
    assert d["pre_spend"].mean() == pytest.approx(MEAN_BASELINE_SPEND, rel=0.01)
    assert d["y0"].mean() == pytest.approx(MEAN_BASELINE_SPEND, rel=0.01)
    assert sim.ate == pytest.approx(1.5, abs=0.02)
    rho = np.corrcoef(d["pre_spend"], d["y0"])[0, 1]
    assert 0.65 < rho < 0.75  # CUPED removes about half the variance
    assert np.corrcoef(d["pre_spend"], d["true_effect"])[0, 1] > 0.3  # heavier spenders gain more


def test_compliance_shares_and_late_above_ate():
    sim = simulate_experiment(100_000, noncompliance=True, seed=1)
    shares = sim.data["compliance"].value_counts(normalize=True)
    assert shares["always-taker"] == pytest.approx(0.10, abs=0.01)
    assert shares["never-taker"] == pytest.approx(0.40, abs=0.01)
    by_type = sim.data.groupby("compliance")["true_effect"].mean()
    assert by_type["never-taker"] < by_type["complier"] < by_type["always-taker"]
    assert sim.late > sim.ate + 0.1


def test_bad_arguments():
    with pytest.raises(ValueError, match="n must be"):
        simulate_experiment(3, seed=1)
    with pytest.raises(ValueError, match="p_assign"):
        simulate_experiment(100, p_assign=1.0, seed=1)
    with pytest.raises(ValueError, match="effect"):
        simulate_experiment(100, effect=np.inf, seed=1)
    with pytest.raises(ValueError, match="explicit seed"):
        simulate_experiment(100)
