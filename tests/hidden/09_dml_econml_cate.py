"""Hidden checks for exercises/09_dml_econml_cate (never shipped to students).

References are computed here with the course package from the same simulator
seeds and model settings the notebook uses; the student's
``dml_from_residuals`` is called on residuals cross-fitted from seeds the
notebook never uses.
"""

import numpy as np
import pandas as pd
from econml.dml import LinearDML
from scipy import stats
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer

from causalcourse.dml import crossfit_residuals, make_folds, residual_on_residual
from causalcourse.grading import (
    Call,
    CheckFailed,
    Question,
    expect_choice,
    expect_close,
    expect_raises,
    expect_tuple,
)
from causalcourse.heterogeneity import interval_coverage
from causalcourse.simulate.plm import simulate_plm

EXERCISE = "09_dml_econml_cate"

_COVARIATES = ["engagement", "team_size", "tenure_years", "months_on_plan"]
_CONTROLS = ["engagement", "team_size", "months_on_plan"]


def _forests():
    forest_y = RandomForestRegressor(n_estimators=100, min_samples_leaf=5, random_state=0,
                                     n_jobs=1)
    forest_t = RandomForestClassifier(n_estimators=100, min_samples_leaf=5, random_state=0,
                                      n_jobs=1)
    return forest_y, forest_t


def _interval(y_res, t_res, alpha=0.05):
    theta, se = residual_on_residual(y_res, t_res)
    z = stats.norm.ppf(1 - alpha / 2)
    return theta, se, theta - z * se, theta + z * se


def _references():
    d = simulate_plm(n=1500, seed=901).data
    X = d[_COVARIATES].to_numpy(dtype=float)
    y, t = d["hours"].to_numpy(), d["workshop"].to_numpy()
    forest_y, forest_t = _forests()
    g_model = clone(forest_y).fit(X[t == 0], y[t == 0])
    naive = float(np.mean(y[t == 1] - g_model.predict(X[t == 1])))
    folds = make_folds(len(y), n_folds=2, seed=0)
    dml = _interval(*crossfit_residuals(y, t, X, forest_y, forest_t, folds))
    econ = LinearDML(model_y=forest_y, model_t=forest_t, discrete_treatment=True, cv=folds,
                     random_state=0).fit(y, t, X=None, W=X)

    het = simulate_plm(n=3000, heterogeneous=True, seed=902).data
    test = simulate_plm(n=400, heterogeneous=True, seed=903).data
    spline_y = make_pipeline(SplineTransformer(n_knots=5, knots="quantile"),
                             Ridge(alpha=1.0))
    spline_t = make_pipeline(SplineTransformer(n_knots=5, knots="quantile"),
                             LogisticRegression(max_iter=2000))
    X_test, tau = test[["tenure_years"]].to_numpy(float), test["true_cate"].to_numpy()
    coverages = []
    for featurizer in (None, SplineTransformer(n_knots=4, degree=3, include_bias=False)):
        model = LinearDML(model_y=spline_y, model_t=spline_t, discrete_treatment=True,
                          featurizer=featurizer, cv=make_folds(len(het), n_folds=2, seed=0),
                          random_state=0)
        model.fit(het["hours"].to_numpy(), het["workshop"].to_numpy(),
                  X=het[["tenure_years"]].to_numpy(float), W=het[_CONTROLS].to_numpy(float))
        coverages.append(interval_coverage(*model.effect_interval(X_test, alpha=0.05), tau))
    return {"naive": naive, "dml": dml, "econml": float(econ.intercept_),
            "straight": coverages[0], "spline": coverages[1]}


_REF = _references()


def _check_naive(values, calls):
    expect_close(values["naive_plugin"], _REF["naive"], "naive_plugin", rel=1e-6)
    return "naive plug-in estimate is correct"


def _fresh_cases():
    """Residuals cross-fitted on data the notebook never saw, with quick linear models."""
    cases = []
    for seed, n, alpha in ((9301, 600, 0.05), (9302, 400, 0.10), (9303, 900, 0.01)):
        d = simulate_plm(n=n, seed=seed, heterogeneous=seed == 9302).data
        X = d[_COVARIATES].to_numpy(float)
        y_res, t_res = crossfit_residuals(d["hours"], d["workshop"], X, LinearRegression(),
                                          LogisticRegression(max_iter=1000),
                                          make_folds(n, n_folds=2, seed=seed))
        cases.append(Call((y_res, t_res), {"alpha": alpha}))
    d = simulate_plm(n=300, seed=9304).data
    y_res, t_res = crossfit_residuals(d["hours"], d["workshop"], d[_COVARIATES],
                                      LinearRegression(), LinearRegression(),
                                      make_folds(300, n_folds=3, seed=1))
    cases.append(Call((pd.Series(y_res), pd.Series(t_res))))  # Series, default alpha
    cases.append(Call((np.ones(5), np.ones(4))))  # lengths differ
    cases.append(Call((np.arange(4.0), np.zeros(4))))  # no treatment variation left
    return cases


def _check_function(values, calls):
    results = calls["dml_from_residuals"]
    cases = _fresh_cases()
    if len(results) != len(cases):
        raise CheckFailed("dml_from_residuals could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases[:-2], results[:-2], strict=True), start=1):
        ref = _interval(*call.args, **call.kwargs)
        parts = expect_tuple(got, 4, f"dml_from_residuals (test {i}) result")
        for label, value, expected in zip(("theta", "std_error", "ci_low", "ci_high"), parts,
                                          ref, strict=True):
            expect_close(value, expected, f"{label} on unseen residuals (test {i})", rel=1e-7)
    expect_raises(results[-2], "ValueError", "dml_from_residuals with inputs of different lengths")
    expect_raises(results[-1], "ValueError", "dml_from_residuals with all-zero t_res")
    return "dml_from_residuals matches the reference on unseen residuals and rejects bad input"


def _check_crossfit(values, calls):
    parts = expect_tuple(values["dml_result"], 4, "dml_result")
    for label, value, expected in zip(("theta", "std_error", "ci_low", "ci_high"), parts,
                                      _REF["dml"], strict=True):
        expect_close(value, expected, f"dml_result {label}", rel=1e-6)
    expect_close(values["econml_theta"], _REF["econml"], "econml_theta", rel=1e-6)
    return "cross-fitted DML by hand and EconML's LinearDML are correct"


def _check_coverage(values, calls):
    # Coverage shares move in steps of 1/400; allow a couple of steps for platform noise.
    expect_close(values["straight_coverage"], _REF["straight"], "straight_coverage",
                 rel=0, abs_=0.006)
    expect_close(values["spline_coverage"], _REF["spline"], "spline_coverage", rel=0, abs_=0.006)
    return "both coverages are correct"


def _check_q5(values, calls):
    expect_choice(values["q5_answer"], ["a", "b", "c", "d"], "b", "q5_answer")
    return "correct: out-of-fold residuals keep each unit's own noise out of its nuisance fit"


def _check_q6(values, calls):
    expect_choice(values["q6_answer"], ["a", "b", "c", "d"], "b", "q6_answer")
    return "correct: interpreters describe the fitted model, not the causal mechanism"


QUESTIONS = [
    Question("q1", 2, ("naive_plugin",), _check_naive, title="naive plug-in"),
    Question("q2", 3, ("dml_from_residuals",), _check_function,
             calls={"dml_from_residuals": _fresh_cases}, title="your DML final stage"),
    Question("q3", 2, ("dml_result", "econml_theta"), _check_crossfit,
             title="cross-fitting and EconML"),
    Question("q4", 2, ("straight_coverage", "spline_coverage"), _check_coverage,
             title="CATE coverage"),
    Question("q5", 1, ("q5_answer",), _check_q5, title="why cross-fit"),
    Question("q6", 1, ("q6_answer",), _check_q6, title="reading an interpreter"),
]
