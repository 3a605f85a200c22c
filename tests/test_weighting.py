"""Propensity scores, IPW, matching, stratification, standardization and AIPW:
worked examples, agreement with DoWhy / EconML / statsmodels, clear errors."""

import logging

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from sklearn.linear_model import LinearRegression

from causalcourse.simulate.observational import COVARIATES, simulate_sales_training
from causalcourse.weighting import (
    aipw_crossfit,
    aipw_scores,
    caliper_match,
    check_positivity,
    crossfit_folds,
    fit_propensity,
    ipw_estimate,
    ipw_weights,
    overlap_mask,
    standardization,
    stratified_estimate,
    stratum_table,
)


@pytest.fixture(scope="module")
def sim():
    return simulate_sales_training(3000, seed=77)


@pytest.fixture(scope="module")
def arrays(sim):
    d = sim.data
    return (d["sales"].to_numpy(), d["course"].to_numpy(), d["propensity"].to_numpy(),
            d[list(COVARIATES)])


def _dowhy_estimate(data, method, target_units, **params):
    from dowhy import CausalModel

    logging.getLogger("dowhy").setLevel(logging.ERROR)
    model = CausalModel(data=data.copy(), treatment="course", outcome="sales",
                        common_causes=list(COVARIATES))
    estimand = model.identify_effect(proceed_when_unidentifiable=True)
    return model.estimate_effect(estimand, method_name=method, target_units=target_units,
                                 method_params=params).value


# ---------------------------------------------------------------- positivity


def test_positivity_errors_name_the_problem():
    with pytest.raises(ValueError, match="positivity violated: 2 propensity"):
        check_positivity([0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        check_positivity([0.5, 1.2])
    with pytest.raises(ValueError, match="missing"):
        check_positivity([0.5, np.nan])
    with pytest.raises(ValueError, match="positivity"):
        ipw_estimate([1.0, 2.0], [1, 0], [1.0, 0.5])
    with pytest.raises(ValueError, match="positivity"):
        caliper_match([1.0, 2.0], [1, 0], [0.5, 0.0])
    with pytest.raises(ValueError, match="positivity"):
        aipw_scores([1.0, 2.0], [1, 0], [0.5, 1.0], [0.0, 0.0], [1.0, 1.0])


def test_overlap_mask_and_its_errors():
    e = np.array([0.01, 0.1, 0.5, 0.9, 0.99])
    assert overlap_mask(e).tolist() == [False, True, True, True, False]
    assert overlap_mask(e, 0.05, 0.95).sum() == 3
    with pytest.raises(ValueError, match="lower < upper"):
        overlap_mask(e, 0.6)
    with pytest.raises(ValueError, match="NaN"):
        overlap_mask([0.5, np.nan])


# ----------------------------------------------------------------- propensity


def test_default_propensity_model_is_the_logit_mle(sim):
    d = sim.data
    e = fit_propensity(d[list(COVARIATES)], d["course"])
    logit = sm.Logit(d["course"], sm.add_constant(d[list(COVARIATES)])).fit(disp=0)
    np.testing.assert_allclose(e, logit.predict(), atol=1e-6)


def test_cross_fitted_propensity_uses_other_folds(sim):
    d = sim.data
    folds = crossfit_folds(d["course"], 4, seed=2)
    e_cf = fit_propensity(d[list(COVARIATES)], d["course"], folds=folds)
    e_in = fit_propensity(d[list(COVARIATES)], d["course"])
    assert not np.allclose(e_cf, e_in)
    assert np.max(np.abs(e_cf - e_in)) < 0.1
    test_rows = np.sort(np.concatenate([test for _, test in folds]))
    np.testing.assert_array_equal(test_rows, np.arange(len(d)))


def test_propensity_and_fold_errors():
    with pytest.raises(ValueError, match="numeric"):
        fit_propensity(pd.DataFrame({"a": list("abcd")}), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="4 rows"):
        fit_propensity(np.zeros((3, 1)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="NaN"):
        fit_propensity(np.array([[1.0], [np.nan], [2.0], [3.0]]), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="n_folds"):
        crossfit_folds([0, 1] * 5, n_folds=1)
    with pytest.raises(ValueError, match="fewer than n_folds"):
        crossfit_folds([0, 0, 0, 0, 1, 1], n_folds=3)
    with pytest.raises(ValueError, match="treated arm is empty"):
        crossfit_folds([0, 0, 0, 0])


# ---------------------------------------------------------------- weighting


def test_ipw_with_constant_propensity_is_the_difference_in_means():
    y = np.array([3.0, 1.0, 4.0, 2.0, 7.0, 0.0])
    t = np.array([1, 0, 1, 0, 1, 0])
    diff = y[t == 1].mean() - y[t == 0].mean()
    assert ipw_estimate(y, t, np.full(6, 0.5)) == pytest.approx(diff)
    assert ipw_estimate(y, t, np.full(6, 0.5), normalized=False) == pytest.approx(diff)
    assert ipw_estimate(y, t, np.full(6, 0.5), estimand="att") == pytest.approx(diff)


def test_hajek_is_shift_invariant_horvitz_thompson_is_not(arrays):
    y, t, e, _ = arrays
    assert ipw_estimate(y + 100, t, e) == pytest.approx(ipw_estimate(y, t, e), abs=1e-9)
    moved = ipw_estimate(y + 100, t, e, normalized=False) - ipw_estimate(y, t, e,
                                                                          normalized=False)
    assert abs(moved) > 0.1


def test_hajek_equals_weighted_least_squares(arrays):
    y, t, e, _ = arrays
    for estimand in ("ate", "att"):
        fit = sm.WLS(y, sm.add_constant(t), weights=ipw_weights(t, e, estimand)).fit()
        assert ipw_estimate(y, t, e, estimand=estimand) == pytest.approx(fit.params[1],
                                                                         abs=1e-9)


def test_horvitz_thompson_att_formula(arrays):
    y, t, e, _ = arrays
    odds = e / (1 - e)
    expected = (np.sum(t * y) - np.sum((1 - t) * odds * y)) / t.sum()
    assert ipw_estimate(y, t, e, estimand="att", normalized=False) == pytest.approx(expected)


@pytest.mark.parametrize("target", ["ate", "att"])
def test_hajek_agrees_with_dowhy_weighting(sim, target):
    d = sim.observed
    d["propensity_score"] = sim.data["propensity"]
    ours = ipw_estimate(d["sales"], d["course"], d["propensity_score"], estimand=target)
    theirs = _dowhy_estimate(d, "backdoor.propensity_score_weighting", target,
                             min_ps_score=0.0, max_ps_score=1.0, weighting_scheme="ips_weight")
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_ipw_with_true_propensity_is_close_to_the_truth():
    errors_hajek, errors_ht = [], []
    for seed in range(40):
        s = simulate_sales_training(2000, seed=seed)
        d = s.data
        errors_hajek.append(ipw_estimate(d["sales"], d["course"], d["propensity"]) - s.ate)
        errors_ht.append(ipw_estimate(d["sales"], d["course"], d["propensity"],
                                      normalized=False) - s.ate)
    assert abs(np.mean(errors_hajek)) < 0.3
    assert abs(np.mean(errors_ht)) < 3 * np.std(errors_ht) / np.sqrt(40)
    assert np.std(errors_ht) > 2 * np.std(errors_hajek)


def test_ipw_input_errors():
    with pytest.raises(ValueError, match="estimand"):
        ipw_estimate([1.0, 2.0], [1, 0], [0.5, 0.5], estimand="atc")
    with pytest.raises(ValueError, match="has 3 values"):
        ipw_estimate([1.0, 2.0, 3.0], [1, 0], [0.5, 0.5])
    with pytest.raises(ValueError, match="must be binary"):
        ipw_estimate([1.0, 2.0], [1, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match="control arm is empty"):
        ipw_estimate([1.0, 2.0], [1, 1], [0.5, 0.5])


# ------------------------------------------------------------------ matching


def test_matching_without_caliper_agrees_with_dowhy(sim):
    # Estimated scores are continuous, so there are no ties to break differently.
    d = sim.observed
    d["propensity_score"] = fit_propensity(d[list(COVARIATES)], d["course"])
    assert d["propensity_score"].nunique() == len(d)
    ours = caliper_match(d["sales"], d["course"], d["propensity_score"], caliper=None,
                         scale="probability")
    theirs = _dowhy_estimate(d, "backdoor.propensity_score_matching", "att")
    assert ours.estimate == pytest.approx(theirs, abs=1e-9)
    assert ours.n_unmatched == 0


def test_caliper_drops_distant_treated_units():
    y = [5.0, 4.0, 9.0, 1.0, 1.5]
    t = [1, 0, 1, 0, 0]
    e = [0.5, 0.52, 0.95, 0.2, 0.25]
    res = caliper_match(y, t, e, caliper=0.2)
    assert res.n_treated == 2 and res.n_matched == 1 and res.n_unmatched == 1
    assert res.estimate == pytest.approx(1.0)
    assert res.weights.tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert np.isfinite(res.caliper_width)
    with pytest.raises(ValueError, match="scale"):
        caliper_match(y, t, e, scale="rank")
    with pytest.raises(ValueError, match="caliper"):
        caliper_match(y, t, e, caliper=-1.0)
    with pytest.raises(ValueError, match="no treated unit"):
        caliper_match([1.0, 2.0, 3.0], [1, 0, 0], [0.9, 0.1, 0.12], caliper=0.01)


def test_matching_recovers_the_att(sim):
    d = sim.data
    res = caliper_match(d["sales"], d["course"], d["propensity"])
    matched_att = d.loc[(d["course"] == 1) & (res.weights > 0), "true_effect"].mean()
    assert abs(res.estimate - matched_att) < 0.8
    assert res.weights[d["course"].to_numpy() == 0].sum() == res.n_matched


# ------------------------------------------------------------ stratification


def test_one_stratum_is_the_difference_in_means(arrays):
    y, t, e, _ = arrays
    diff = y[t == 1].mean() - y[t == 0].mean()
    assert stratified_estimate(y, t, e, n_strata=1) == pytest.approx(diff)


def test_stratum_table_sizes_and_weighting(arrays):
    y, t, e, _ = arrays
    table = stratum_table(y, t, e, n_strata=5)
    sizes = table["n_treated"] + table["n_control"]
    assert sizes.sum() == len(y) and sizes.max() - sizes.min() <= 1
    assert (table["e_high"].iloc[:-1].to_numpy() <= table["e_low"].iloc[1:].to_numpy()).all()
    att = stratified_estimate(y, t, e, 5, estimand="att")
    expected = np.average(table["effect"], weights=table["n_treated"])
    assert att == pytest.approx(expected)


def test_stratum_without_an_arm_is_named():
    with pytest.raises(ValueError, match="stratum 1 of 2 has no treated"):
        stratum_table([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], n_strata=2)
    with pytest.raises(ValueError, match="n_strata"):
        stratum_table([1.0, 2.0], [0, 1], [0.4, 0.6], n_strata=0)


# ------------------------------------------------------------ standardization


def test_standardization_by_arm_equals_fully_interacted_ols(sim):
    d = sim.observed
    centred = d[list(COVARIATES)] - d[list(COVARIATES)].mean()
    frame = centred.assign(course=d["course"], sales=d["sales"])
    formula = "sales ~ course * (" + " + ".join(COVARIATES) + ")"
    lin = smf.ols(formula, data=frame).fit()
    ours = standardization(d["sales"], d["course"], d[list(COVARIATES)])
    assert ours == pytest.approx(lin.params["course"], abs=1e-8)


def test_pooled_linear_standardization_is_the_treatment_coefficient(sim):
    d = sim.observed
    ours = standardization(d["sales"], d["course"], d[list(COVARIATES)], by_arm=False)
    fit = smf.ols("sales ~ course + " + " + ".join(COVARIATES), data=d).fit()
    assert ours == pytest.approx(fit.params["course"], abs=1e-8)


def test_standardization_att_averages_over_the_treated():
    X = np.array([[0.0], [1.0], [0.0], [1.0], [1.0]])
    t = np.array([0, 0, 1, 1, 1])
    y = 1 + 2 * X[:, 0] + t * (1 + 3 * X[:, 0])     # effect 1 at x=0, 4 at x=1
    assert standardization(y, t, X) == pytest.approx(np.mean(1 + 3 * X[:, 0]))
    assert standardization(y, t, X, estimand="att") == pytest.approx(3.0)


# -------------------------------------------------------------------- AIPW


def test_aipw_agrees_with_econml_dr_learner(sim):
    from econml.dr import LinearDRLearner
    from sklearn.linear_model import LogisticRegression

    d = sim.data
    y, t, X = d["sales"].to_numpy(), d["course"].to_numpy(), d[list(COVARIATES)].to_numpy()
    folds = crossfit_folds(t, 3, seed=4)
    outcome, propensity = LinearRegression(), LogisticRegression(C=1e6, max_iter=5000)
    ours = aipw_crossfit(y, t, X, outcome_model=outcome, propensity_model=propensity,
                         folds=folds, by_arm=False)
    dr = LinearDRLearner(model_regression=outcome, model_propensity=propensity, cv=folds,
                         random_state=0)
    dr.fit(y, t, X=None, W=X)
    assert ours.estimate == pytest.approx(float(dr.ate()), abs=1e-8)
    assert ours.std_error == pytest.approx(float(dr.intercept__inference(T=1).stderr),
                                           rel=1e-6)


def test_aipw_is_doubly_robust():
    s = simulate_sales_training(20_000, seed=3)
    d = s.data
    y, t = d["sales"].to_numpy(), d["course"].to_numpy()
    good_ps = fit_propensity(d[list(COVARIATES)], t)
    bad_ps = fit_propensity(d[["experience", "past_sales", "remote"]], t)
    good_x = np.column_stack([d["past_sales"], d["motivation"], d["remote"],
                              np.log1p(d["experience"])])
    bad_x = np.column_stack([d["past_sales"], d["remote"], np.log1p(d["experience"])])

    def mus(F):
        return tuple(LinearRegression().fit(F[t == a], y[t == a]).predict(F) for a in (0, 1))

    errors = {}
    for on, F in (("good", good_x), ("bad", bad_x)):
        mu0, mu1 = mus(F)
        for pn, e in (("good", good_ps), ("bad", bad_ps)):
            errors[on, pn] = aipw_scores(y, t, e, mu0, mu1).mean() - s.ate
    assert max(abs(errors[k]) for k in [("good", "good"), ("good", "bad"),
                                        ("bad", "good")]) < 0.2
    assert abs(errors["bad", "bad"]) > 1.0


def test_aipw_interval_and_errors():
    s = simulate_sales_training(2000, seed=8)
    d = s.data
    est = aipw_crossfit(d["sales"], d["course"], d[list(COVARIATES)], seed=1, alpha=0.1)
    assert est.ci_low < est.estimate < est.ci_high
    assert est.alpha == 0.1 and est.n_treated + est.n_control == 2000
    with pytest.raises(ValueError, match="alpha"):
        aipw_crossfit(d["sales"], d["course"], d[list(COVARIATES)], alpha=2.0)
    with pytest.raises(ValueError, match="clip"):
        aipw_crossfit(d["sales"], d["course"], d[list(COVARIATES)], clip=0.7)
    with pytest.raises(ValueError, match="mu1 has 1 values"):
        aipw_scores([1.0, 2.0], [1, 0], [0.5, 0.5], [0.0, 0.0], [1.0])
