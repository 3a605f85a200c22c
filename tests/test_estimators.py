"""Difference in means: correctness, agreement with statsmodels, clear errors."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from causalcourse.estimators import EffectEstimate, difference_in_means, neyman
from causalcourse.simulate import simulate_retention_email


def test_worked_example():
    est = neyman([1.0, 3.0, 5.0, 7.0], [0, 0, 1, 1])
    assert est.estimate == 4.0
    assert est.std_error == pytest.approx(np.sqrt(2.0))
    half = stats.norm.ppf(0.975) * np.sqrt(2.0)
    assert (est.ci_low, est.ci_high) == pytest.approx((4 - half, 4 + half))
    assert (est.n_treated, est.n_control) == (2, 2)


def test_agrees_with_ols_hc2():
    # For one binary regressor the HC2 standard error equals Neyman's.
    df = simulate_retention_email(1500, seed=8, randomized=True).observed
    est = difference_in_means(df, "spend", "email")
    fit = smf.ols("spend ~ email", data=df).fit(cov_type="HC2")
    assert est.estimate == pytest.approx(fit.params["email"], abs=1e-10)
    assert est.std_error == pytest.approx(fit.bse["email"], rel=1e-10)


def test_interval_level_follows_alpha():
    df = simulate_retention_email(400, seed=2, randomized=True).observed
    wide = difference_in_means(df, "spend", "email", alpha=0.01)
    narrow = difference_in_means(df, "spend", "email", alpha=0.2)
    assert wide.ci_high - wide.ci_low > narrow.ci_high - narrow.ci_low
    assert "99% CI" in str(wide)


def test_bool_treatment_and_series_inputs():
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0], "t": [False, False, True, True]})
    assert difference_in_means(df, "y", "t").estimate == pytest.approx(2.5)


def test_covers_and_dict():
    est = neyman([0.0, 1.0, 2.0, 3.0], [0, 1, 0, 1])
    assert isinstance(est, EffectEstimate)
    assert est.covers(est.estimate)
    assert not est.covers(est.ci_high + 1)
    assert est.to_dict()["method"] == "difference in means"


def test_coverage_under_randomization_is_near_nominal():
    hits = []
    for seed in range(200):
        sim = simulate_retention_email(400, seed=seed, randomized=True)
        hits.append(difference_in_means(sim.observed, "spend", "email").covers(sim.ate))
    # 95% nominal; 200 draws give a Monte Carlo SE of about 1.5 points.
    assert 0.90 <= np.mean(hits) <= 0.995


# ------------------------------------------------------------------ bad input


@pytest.fixture
def frame():
    return pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "t": [0, 0, 0, 1, 1, 1]})


def test_missing_column_is_named(frame):
    with pytest.raises(ValueError, match=r"missing column\(s\) \['spend'\]"):
        difference_in_means(frame, "spend", "t")


def test_not_a_dataframe():
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        difference_in_means({"y": [1, 2]}, "y", "t")


def test_non_binary_treatment_is_named(frame):
    frame.loc[0, "t"] = 2
    with pytest.raises(ValueError, match="treatment column 't' must be binary.*2"):
        difference_in_means(frame, "y", "t")


def test_text_treatment_is_rejected(frame):
    frame["t"] = ["a", "a", "a", "b", "b", "b"]
    with pytest.raises(ValueError, match="must be binary"):
        difference_in_means(frame, "y", "t")


@pytest.mark.parametrize("arm,label", [(1, "treated"), (0, "control")])
def test_empty_arm_is_named(frame, arm, label):
    frame["t"] = 1 - arm
    with pytest.raises(ValueError, match=f"the {label} arm is empty"):
        difference_in_means(frame, "y", "t")


def test_single_unit_arm_is_rejected(frame):
    frame["t"] = [0, 0, 0, 0, 0, 1]
    with pytest.raises(ValueError, match="treated arm has 1 unit"):
        difference_in_means(frame, "y", "t")


@pytest.mark.parametrize("column", ["y", "t"])
def test_nan_is_named(frame, column):
    frame[column] = frame[column].astype(float)
    frame.loc[2, column] = np.nan
    with pytest.raises(ValueError, match=f"column '{column}' has 1 missing value"):
        difference_in_means(frame, "y", "t")


def test_length_mismatch_and_bad_alpha():
    with pytest.raises(ValueError, match="lengths differ"):
        neyman([1.0, 2.0, 3.0], [0, 1])
    with pytest.raises(ValueError, match="alpha"):
        neyman([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1], alpha=1.5)
