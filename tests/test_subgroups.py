"""Interaction-model CATE, median-split tests and the calibration plot."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from causalcourse.estimators import neyman
from causalcourse.heterogeneity import calibration_by_bucket
from causalcourse.simulate.outreach import simulate_outreach
from causalcourse.subgroups import (
    InteractionFit,
    interaction_cate,
    median_split_tests,
    plot_calibration,
)

COVARIATES = ["past_spend", "tenure_months", "satisfaction", "num_products", "age"]


@pytest.fixture(scope="module")
def data():
    return simulate_outreach(3000, seed=31).data


@pytest.fixture(scope="module")
def fit(data):
    return interaction_cate(data, "revenue", "outreach", COVARIATES)


def test_coefficients_match_numpy_least_squares(data, fit):
    z = (data[COVARIATES] - data[COVARIATES].mean()) / data[COVARIATES].std(ddof=1)
    t = data["outreach"].to_numpy(float)
    x = np.column_stack([np.ones(len(data)), t, z, z.to_numpy() * t[:, None]])
    beta, *_ = np.linalg.lstsq(x, data["revenue"].to_numpy(float), rcond=None)
    np.testing.assert_allclose(fit.coefficients["estimate"].to_numpy(), beta, atol=1e-8)
    # The implied CATE is tau0 + z'gamma, built from the same numbers.
    np.testing.assert_allclose(fit.cate, beta[1] + z.to_numpy() @ beta[2 + len(COVARIATES):],
                               atol=1e-8)


def test_hc3_matches_a_hand_written_sandwich(data, fit):
    z = (data[COVARIATES] - data[COVARIATES].mean()) / data[COVARIATES].std(ddof=1)
    t = data["outreach"].to_numpy(float)
    x = np.column_stack([np.ones(len(data)), t, z, z.to_numpy() * t[:, None]])
    y = data["revenue"].to_numpy(float)
    bread = np.linalg.inv(x.T @ x)
    e = y - x @ (bread @ x.T @ y)
    h = np.einsum("ij,jk,ik->i", x, bread, x)
    v = bread @ ((x * (e / (1 - h))[:, None] ** 2).T @ x) @ bread
    np.testing.assert_allclose(fit.vcov.to_numpy(), v, rtol=1e-8)
    np.testing.assert_allclose(fit.coefficients["std_error"], np.sqrt(np.diag(v)), rtol=1e-8)


def test_agrees_with_statsmodels_formula_on_raw_covariates(data, fit):
    # Standardizing changes the coefficients' meaning, not the implied CATE
    # or the test of each interaction.
    formula = "revenue ~ outreach * (" + " + ".join(COVARIATES) + ")"
    raw = smf.ols(formula, data=data).fit(cov_type="HC3")
    raw_cate = raw.params["outreach"] + sum(raw.params[f"outreach:{c}"] * data[c]
                                            for c in COVARIATES)
    np.testing.assert_allclose(fit.cate, raw_cate, atol=1e-8)
    for c in COVARIATES:
        assert fit.coefficients.loc[f"outreach:z_{c}", "p_value"] == pytest.approx(
            raw.pvalues[f"outreach:{c}"], rel=1e-6)
        assert fit.coefficients.loc[f"outreach:z_{c}", "estimate"] == pytest.approx(
            raw.params[f"outreach:{c}"] * data[c].std(ddof=1), rel=1e-8)


def test_cate_std_error_matches_the_linear_combination(data, fit):
    terms = fit.effect_terms
    g = np.r_[1.0, ((data.iloc[0][COVARIATES] - fit.means) / fit.scales).to_numpy(float)]
    v = fit.vcov.loc[terms, terms].to_numpy()
    assert fit.std_error.iloc[0] == pytest.approx(np.sqrt(g @ v @ g), rel=1e-10)
    assert (fit.std_error > 0).all()


def test_tracks_the_true_cate_and_recovers_the_modifier(data, fit):
    assert np.corrcoef(fit.cate, data["true_cate"])[0, 1] > 0.95
    sat = fit.coefficients.loc["outreach:z_satisfaction"]
    true_gamma = -2.0 * fit.scales["satisfaction"]
    assert sat["ci_low"] < true_gamma < sat["ci_high"]
    assert fit.coefficients.loc["outreach:z_past_spend", "p_value"] > 0.01


def test_predict_uses_the_fitting_standardization(data, fit):
    np.testing.assert_allclose(fit.predict(data), fit.cate, atol=1e-10)
    new = simulate_outreach(500, seed=32).data
    pred = fit.predict(new)
    assert pred.index.equals(new.index) and pred.shape == (500,)
    # A single customer gets the same prediction whatever sample surrounds it.
    np.testing.assert_allclose(fit.predict(new.iloc[:1]), pred.iloc[:1])
    assert "InteractionFit(treatment='outreach'" in repr(fit)
    assert isinstance(fit, InteractionFit)


def test_interaction_cate_errors(data):
    with pytest.raises(ValueError, match="missing column"):
        interaction_cate(data, "revenue", "outreach", ["nope"])
    with pytest.raises(ValueError, match="empty"):
        interaction_cate(data, "revenue", "outreach", [])
    with pytest.raises(ValueError, match="constant"):
        interaction_cate(data.assign(k=1.0), "revenue", "outreach", ["k"])
    with pytest.raises(ValueError, match="binary"):
        interaction_cate(data.assign(tr=2), "revenue", "tr", ["age"])
    with pytest.raises(ValueError, match="cov_type"):
        interaction_cate(data, "revenue", "outreach", ["age"], cov_type="HC9")
    with pytest.raises(ValueError, match="numeric"):
        interaction_cate(data.assign(s="x"), "revenue", "outreach", ["s"])
    with pytest.raises(ValueError, match="missing value"):
        interaction_cate(data.assign(a=np.where(data.index == 0, np.nan, 1.0)),
                         "revenue", "outreach", ["a"])
    with pytest.raises(ValueError, match="rows"):
        interaction_cate(data.head(4), "revenue", "outreach", COVARIATES)


def test_median_split_matches_neyman_and_ols_hc2(data):
    table = median_split_tests(data, "revenue", "outreach", ["satisfaction", "age"])
    above = data["satisfaction"] > data["satisfaction"].median()
    hi = neyman(data.loc[above, "revenue"], data.loc[above, "outreach"])
    lo = neyman(data.loc[~above, "revenue"], data.loc[~above, "outreach"])
    row = table.loc["satisfaction"]
    assert row["effect_above"] == pytest.approx(hi.estimate)
    assert row["effect_below"] == pytest.approx(lo.estimate)
    assert row["std_error"] == pytest.approx(np.hypot(hi.std_error, lo.std_error))
    ols = smf.ols("revenue ~ outreach * above", data=data.assign(above=above.astype(int))).fit(
        cov_type="HC2")
    assert row["difference"] == pytest.approx(ols.params["outreach:above"], abs=1e-8)
    assert row["std_error"] == pytest.approx(ols.bse["outreach:above"], rel=1e-8)
    assert row["p_value"] == pytest.approx(ols.pvalues["outreach:above"], rel=1e-6)
    assert row["p_value"] < 0.01  # satisfaction is a real modifier


def test_median_split_p_values_are_uniform_under_the_null():
    pvals = []
    for seed in range(40, 60):
        d = simulate_outreach(800, heterogeneous=False, n_noise=10, seed=seed).data
        covs = [f"noise_{k}" for k in range(1, 11)]
        pvals.append(median_split_tests(d, "revenue", "outreach", covs)["p_value"])
    p = pd.concat(pvals).to_numpy()
    assert 0.01 < (p < 0.05).mean() < 0.10
    assert 0.4 < p.mean() < 0.6


def test_median_split_errors(data):
    with pytest.raises(ValueError, match="missing column"):
        median_split_tests(data, "revenue", "outreach", ["nope"])
    tiny = data.head(6).assign(outreach=[1, 1, 1, 0, 0, 0], x=[1, 2, 3, 4, 5, 6])
    with pytest.raises(ValueError, match="covariate 'x'"):
        median_split_tests(tiny, "revenue", "outreach", ["x"])
    with pytest.raises(ValueError, match="duplicates"):
        median_split_tests(data, "revenue", "outreach", ["age", "age"])


def test_plot_calibration_draws_and_returns_axes(data, fit):
    table = calibration_by_bucket(fit.cate, data, "revenue", "outreach", n_buckets=5,
                                  truth="true_cate")
    fig, ax = plt.subplots()
    out = plot_calibration(table, ax=ax)
    assert out is ax
    assert len(ax.collections) >= 1 and ax.get_legend() is not None
    plt.close(fig)
    with pytest.raises(ValueError, match="missing column"):
        plot_calibration(table.drop(columns="predicted"))
