"""Standardized mean differences, effective sample size, love and overlap plots."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from causalcourse.balance import effective_sample_size, love_plot, overlap_plot, smd_table
from causalcourse.simulate.observational import COVARIATES, simulate_sales_training
from causalcourse.weighting import caliper_match, ipw_weights


@pytest.fixture(scope="module")
def sim():
    return simulate_sales_training(3000, seed=31)


def test_unweighted_smd_agrees_with_causalml(sim):
    from causalml.match import smd as causalml_smd

    d = sim.data
    table = smd_table(d[list(COVARIATES)], d["course"])
    for col in COVARIATES:
        assert table.loc[col, "unadjusted"] == pytest.approx(
            causalml_smd(d[col], d["course"]), rel=1e-12)


def test_weighted_smd_uses_weighted_means_and_the_unadjusted_sd(sim):
    d = sim.data
    t = d["course"].to_numpy()
    w = ipw_weights(t, d["propensity"])
    table = smd_table(d[list(COVARIATES)], t, {"before": None, "ipw": w})
    x = d["experience"].to_numpy()
    sd = np.sqrt((x[t == 1].var(ddof=1) + x[t == 0].var(ddof=1)) / 2)
    diff = np.average(x[t == 1], weights=w[t == 1]) - np.average(x[t == 0], weights=w[t == 0])
    assert table.loc["experience", "ipw"] == pytest.approx(diff / sd, rel=1e-12)
    # Weighting by the true propensity balances every covariate.
    assert table["before"].abs().max() > 0.3
    assert table["ipw"].abs().max() < 0.1


def test_matching_weights_drop_unmatched_units(sim):
    d = sim.data
    res = caliper_match(d["sales"], d["course"], d["propensity"])
    table = smd_table(d[list(COVARIATES)], d["course"], {"matched": res.weights})
    assert table["matched"].abs().max() < 0.1
    assert list(table.columns) == ["matched"]


def test_smd_errors():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match="numeric"):
        smd_table(pd.DataFrame({"a": list("abcd")}), [0, 0, 1, 1])
    with pytest.raises(ValueError, match="missing"):
        smd_table(pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0]}), [0, 0, 1, 1])
    with pytest.raises(ValueError, match="rows"):
        smd_table(X, [0, 1, 1])
    with pytest.raises(ValueError, match="must be binary"):
        smd_table(X, [0, 2, 1, 1])
    with pytest.raises(ValueError, match="have 3 values"):
        smd_table(X, [0, 0, 1, 1], {"w": [1.0, 1.0, 1.0]})
    with pytest.raises(ValueError, match="non-negative"):
        smd_table(X, [0, 0, 1, 1], {"w": [1.0, -1.0, 1.0, 1.0]})
    with pytest.raises(ValueError, match="total weight of zero"):
        smd_table(X, [0, 0, 1, 1], {"w": [0.0, 0.0, 1.0, 1.0]})


def test_effective_sample_size():
    assert effective_sample_size(np.ones(10)) == pytest.approx(10.0)
    assert effective_sample_size([5.0, 0.0, 0.0]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="all weights are zero"):
        effective_sample_size([0.0, 0.0])
    with pytest.raises(ValueError, match="non-negative"):
        effective_sample_size([1.0, -2.0])


def test_love_plot_draws_one_series_per_column(sim):
    d = sim.data
    table = smd_table(d[list(COVARIATES)], d["course"],
                      {"before": None, "after": ipw_weights(d["course"], d["propensity"])})
    fig, ax = plt.subplots()
    out = love_plot(table, ax=ax, threshold=0.1, title="balance")
    assert out is ax
    assert len(ax.collections) == 2
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert set(labels) == set(COVARIATES)
    # Largest unadjusted imbalance is drawn at the top.
    assert labels[-1] == table["before"].abs().idxmax()
    plt.close(fig)
    with pytest.raises(ValueError, match="non-empty"):
        love_plot(pd.DataFrame())


def test_overlap_plot_counts_and_shares(sim):
    d = sim.data
    fig, ax = plt.subplots()
    assert overlap_plot(d["propensity"], d["course"], ax=ax, bins=20) is ax
    heights = np.array([p.get_height() for p in ax.patches])
    assert heights.size == 40
    assert heights[heights > 0].sum() == (d["course"] == 1).sum()
    assert -heights[heights < 0].sum() == (d["course"] == 0).sum()
    plt.close(fig)
    fig, ax = plt.subplots()
    overlap_plot(d["propensity"], d["course"], ax=ax, bins=10, density=True)
    heights = np.array([p.get_height() for p in ax.patches])
    assert heights[:10].sum() == pytest.approx(1.0)
    plt.close(fig)
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        overlap_plot([0.2, 1.5], [0, 1])
    with pytest.raises(ValueError, match="values but treatment"):
        overlap_plot([0.2, 0.5], [0, 1, 1])
    with pytest.raises(ValueError, match="positivity"):
        overlap_plot([0.0, 0.5], [0, 1], scale="logit")
    with pytest.raises(ValueError, match="scale"):
        overlap_plot([0.2, 0.5], [0, 1], scale="log")


def test_overlap_plot_on_the_logit_scale(sim):
    d = sim.data
    fig, ax = plt.subplots()
    overlap_plot(d["propensity"], d["course"], ax=ax, bins=15, scale="logit")
    logit = np.log(d["propensity"] / (1 - d["propensity"]))
    assert ax.get_xlim() == pytest.approx((logit.min(), logit.max()))
    assert ax.get_xlabel() == "logit of the propensity score"
    plt.close(fig)
