"""Subgroup tables, transformed outcome, calibration and coverage."""

import numpy as np
import pandas as pd
import pytest

from causalcourse.estimators import neyman
from causalcourse.heterogeneity import (
    calibration_by_bucket,
    interval_coverage,
    subgroup_effects,
    transformed_outcome,
)
from causalcourse.simulate.outreach import outreach_cate, simulate_outreach


@pytest.fixture(scope="module")
def sim():
    return simulate_outreach(6000, seed=21)


def test_outreach_world_has_the_designed_properties():
    d = simulate_outreach(40_000, seed=1).data
    assert d["true_effect"].mean() > 2
    assert 0.10 < (d["true_effect"] < 0).mean() < 0.25
    prognostic = d[["past_spend", "satisfaction"]].corrwith(d["y0"]).abs()
    modifier = d[["past_spend", "satisfaction"]].corrwith(d["true_cate"]).abs()
    assert prognostic["past_spend"] > 0.5 > modifier["past_spend"]
    assert modifier["satisfaction"] > 0.5 > prognostic["satisfaction"]
    np.testing.assert_allclose(d["true_cate"], outreach_cate(d["satisfaction"],
                                                             d["tenure_months"]))
    flat = simulate_outreach(500, seed=1, heterogeneous=False, n_noise=2).data
    np.testing.assert_allclose(flat["true_effect"], 4.0, atol=1e-9)
    assert "noise_2" in flat


def test_subgroup_effects_match_neyman_per_group(sim):
    d = sim.data
    groups = pd.qcut(d["satisfaction"], 4)
    table = subgroup_effects(d, "revenue", "outreach", groups, truth="true_effect")
    assert len(table) == 4 and list(table.index) == list(groups.cat.categories)
    first = d[groups == groups.cat.categories[0]]
    ref = neyman(first["revenue"], first["outreach"])
    assert table.iloc[0]["estimate"] == pytest.approx(ref.estimate)
    assert table.iloc[0]["std_error"] == pytest.approx(ref.std_error)
    assert table["true_effect"].is_monotonic_decreasing  # effect falls with satisfaction


def test_subgroup_effects_errors(sim):
    d = sim.data.head(50).copy()
    with pytest.raises(ValueError, match="missing column"):
        subgroup_effects(d, "nope", "outreach", "age")
    d["g"] = ["a"] * 49 + ["b"]
    with pytest.raises(ValueError, match="subgroup 'b'"):
        subgroup_effects(d, "revenue", "outreach", "g")
    with pytest.raises(ValueError, match="rows"):
        subgroup_effects(d, "revenue", "outreach", pd.Series([1, 2]))


def test_transformed_outcome_is_unbiased_for_the_ate(sim):
    d = sim.data
    ystar = transformed_outcome(d["revenue"], d["outreach"], d["propensity"])
    # Its mean is the Horvitz-Thompson estimate of the ATE.
    se = ystar.std(ddof=1) / np.sqrt(len(ystar))
    assert abs(ystar.mean() - sim.ate) < 3 * se


def test_transformed_outcome_errors():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        transformed_outcome([1.0, 2.0], [1, 0], [0.5, 1.0])
    with pytest.raises(ValueError, match="binary"):
        transformed_outcome([1.0, 2.0], [1, 2], 0.5)
    with pytest.raises(ValueError, match="NaN"):
        transformed_outcome([np.nan, 2.0], [1, 0], 0.5)


def test_calibration_by_bucket_with_oracle_predictions(sim):
    d = sim.data
    table = calibration_by_bucket(d["true_cate"], d, "revenue", "outreach", n_buckets=5,
                                  truth="true_cate")
    assert list(table.index) == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(table["predicted"], table["true_effect"], atol=1e-9)
    assert table["predicted"].is_monotonic_increasing
    assert np.corrcoef(table["predicted"], table["estimate"])[0, 1] > 0.9
    with pytest.raises(ValueError, match="shape"):
        calibration_by_bucket([1.0], d, "revenue", "outreach")
    with pytest.raises(ValueError, match="n_buckets"):
        calibration_by_bucket(d["true_cate"], d, "revenue", "outreach", n_buckets=1)


def test_interval_coverage():
    assert interval_coverage([0, 1, 2], [2, 3, 2.5], [1, 4, 2.2]) == pytest.approx(2 / 3)
    assert interval_coverage([0, 0], [1, 1], 0.5) == 1.0
    with pytest.raises(ValueError, match="exceed"):
        interval_coverage([2], [1], 1.5)
    with pytest.raises(ValueError, match="no intervals"):
        interval_coverage([], [], 0)
    with pytest.raises(ValueError, match="lengths differ"):
        interval_coverage([0, 1], [1], 0)
