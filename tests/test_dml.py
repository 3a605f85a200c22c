"""causalcourse.dml: cross-fitting by hand, and agreement with EconML's LinearDML."""

import numpy as np
import pytest
from econml.dml import LinearDML
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression

from causalcourse.dml import crossfit_residuals, dml_plm, make_folds, residual_on_residual
from causalcourse.estimators import EffectEstimate
from causalcourse.simulate.plm import simulate_plm

COVARIATES = ["engagement", "team_size", "tenure_years", "months_on_plan"]


def _arrays(n=800, seed=5, **kwargs):
    d = simulate_plm(n, seed=seed, **kwargs).data
    return d["hours"].to_numpy(), d["workshop"].to_numpy(), d[COVARIATES].to_numpy(float)


def test_make_folds_partition_the_units_and_repeat():
    folds = make_folds(101, n_folds=3, seed=4)
    tests = np.sort(np.concatenate([test for _, test in folds]))
    np.testing.assert_array_equal(tests, np.arange(101))
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0
        assert train.size + test.size == 101
    again = make_folds(101, n_folds=3, seed=4)
    for (a, b), (c, e) in zip(folds, again, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, e)


@pytest.mark.parametrize("n,k", [(10, 1), (3, 4), (10, 2.5), (True, 2)])
def test_make_folds_rejects_bad_sizes(n, k):
    with pytest.raises(ValueError, match="must be an integer"):
        make_folds(n, n_folds=k)


def test_residual_on_residual_algebra():
    t_res = np.array([1.0, -1.0, 0.5, -0.5, 0.2])
    noise = np.array([0.3, 0.1, -0.2, 0.4, -0.1])
    y_res = 2.5 * t_res + noise
    theta, se = residual_on_residual(y_res, t_res)
    assert theta == pytest.approx(np.sum(t_res * y_res) / np.sum(t_res**2), abs=1e-14)
    u = y_res - theta * t_res
    assert se == pytest.approx(np.sqrt(np.sum(t_res**2 * u**2)) / np.sum(t_res**2), abs=1e-14)
    # It is the no-intercept OLS slope.
    slope = np.linalg.lstsq(t_res.reshape(-1, 1), y_res, rcond=None)[0][0]
    assert theta == pytest.approx(slope, abs=1e-12)
    assert isinstance(theta, float) and isinstance(se, float)


def test_residual_on_residual_matches_statsmodels_hc0():
    import statsmodels.api as sm

    rng = np.random.default_rng(0)
    t_res = rng.normal(size=300)
    y_res = 1.5 * t_res + rng.normal(size=300) * (1 + np.abs(t_res))
    theta, se = residual_on_residual(y_res, t_res)
    fit = sm.OLS(y_res, t_res.reshape(-1, 1)).fit(cov_type="HC0")
    assert theta == pytest.approx(fit.params[0], rel=1e-12)
    assert se == pytest.approx(fit.bse[0], rel=1e-10)


@pytest.mark.parametrize("y_res,t_res,message", [
    ([1.0, 2.0], [1.0], "lengths differ"),
    ([1.0], [1.0], "at least 2"),
    ([1.0, 2.0], [0.0, 0.0], "all zero"),
    ([1.0, np.nan], [1.0, 2.0], "NaN"),
    ([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], "one-dimensional"),
])
def test_residual_on_residual_rejects_bad_input(y_res, t_res, message):
    with pytest.raises(ValueError, match=message):
        residual_on_residual(y_res, t_res)


def test_crossfit_residuals_are_out_of_fold():
    y, t, X = _arrays(200)
    folds = make_folds(200, 2, seed=0)
    y_res, t_res = crossfit_residuals(y, t, X, LinearRegression(), LogisticRegression(), folds)
    for train, test in folds:
        ell = LinearRegression().fit(X[train], y[train])
        np.testing.assert_allclose(y_res[test], y[test] - ell.predict(X[test]), atol=1e-10)
        m = LogisticRegression().fit(X[train], t[train])
        np.testing.assert_allclose(t_res[test], t[test] - m.predict_proba(X[test])[:, 1],
                                   atol=1e-10)
    # A regressor for the treatment uses predict instead of predict_proba.
    _, t_res_lin = crossfit_residuals(y, t, X, LinearRegression(), LinearRegression(), folds)
    assert not np.allclose(t_res_lin, t_res)


def test_crossfit_residuals_reject_bad_folds_and_inputs():
    y, t, X = _arrays(50)
    model = LinearRegression()
    with pytest.raises(ValueError, match="exactly once"):
        crossfit_residuals(y, t, X, model, model, [(np.arange(25, 50), np.arange(25))] * 2)
    with pytest.raises(ValueError, match="both training and prediction"):
        crossfit_residuals(y, t, X, model, model,
                           [(np.arange(50), np.arange(25)), (np.arange(25), np.arange(25, 50))])
    with pytest.raises(ValueError, match="at least 2 folds"):
        crossfit_residuals(y, t, X, model, model, [(np.arange(25), np.arange(25, 50))])
    with pytest.raises(ValueError, match="outside"):
        crossfit_residuals(y, t, X, model, model,
                           [(np.arange(25), np.arange(25, 51)), (np.arange(25, 50), np.arange(25))])
    with pytest.raises(ValueError, match="rows"):
        crossfit_residuals(y, t, X[:40], model, model, make_folds(50))
    with pytest.raises(ValueError, match="lengths differ"):
        crossfit_residuals(y, t[:40], X, model, model, make_folds(50))
    with pytest.raises(ValueError, match="binary"):
        crossfit_residuals(y, t * 2.0, X, model, LogisticRegression(), make_folds(50))


def test_dml_plm_agrees_with_econml_linear_dml():
    """The hand-written DML and EconML's LinearDML give the same theta with the same folds."""
    y, t, X = _arrays(1000, seed=11)
    forest_y = RandomForestRegressor(n_estimators=30, min_samples_leaf=5, random_state=0,
                                     n_jobs=1)
    forest_t = RandomForestClassifier(n_estimators=30, min_samples_leaf=5, random_state=0,
                                      n_jobs=1)
    folds = make_folds(len(y), n_folds=3, seed=2)
    ours = dml_plm(y, t, X, forest_y, forest_t, folds=folds)
    econml = LinearDML(model_y=forest_y, model_t=forest_t, discrete_treatment=True, cv=folds,
                       random_state=0).fit(y, t, X=None, W=X)
    assert ours.estimate == pytest.approx(float(econml.intercept_), abs=1e-9)
    # EconML's default inference is HC1: HC0 times sqrt(n / (n - 1)).
    n = len(y)
    se_econml = float(econml.intercept__inference().stderr)
    assert ours.std_error * np.sqrt(n / (n - 1)) == pytest.approx(se_econml, abs=1e-9)


def test_dml_plm_recovers_theta_where_naive_fails():
    y, t, X = _arrays(3000, seed=21)
    est = dml_plm(y, t, X, LinearRegression(), LogisticRegression(max_iter=1000), seed=0)
    assert isinstance(est, EffectEstimate)
    assert est.method == "DML (partially linear)"
    assert est.n_treated + est.n_control == 3000
    naive = y[t == 1].mean() - y[t == 0].mean()
    assert abs(naive - 3.0) > 5 * est.std_error
    assert est.ci_low < est.estimate < est.ci_high
    assert abs(est.estimate - 3.0) < 0.5


def test_dml_plm_same_inputs_same_answer_and_folds_argument():
    y, t, X = _arrays(300, seed=3)
    a = dml_plm(y, t, X, LinearRegression(), LogisticRegression(), n_folds=3, seed=7)
    b = dml_plm(y, t, X, LinearRegression(), LogisticRegression(),
                folds=make_folds(300, n_folds=3, seed=7))
    assert a == b


@pytest.mark.parametrize("bad", ["nonbinary", "alpha", "one_arm"])
def test_dml_plm_rejects_bad_input(bad):
    y, t, X = _arrays(60)
    kwargs = {}
    if bad == "nonbinary":
        t = t * 3
    elif bad == "alpha":
        kwargs["alpha"] = 1.5
    else:
        t = np.zeros_like(t)
        t[0] = 1
    with pytest.raises(ValueError):
        dml_plm(y, t, X, LinearRegression(), LogisticRegression(), **kwargs)
