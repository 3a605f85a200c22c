"""Hidden checks for exercises/08_dowhy_refutation (never shipped to students).

References are computed here from the same simulator seeds the notebook uses;
the student's placebo refuter is called on fresh data from seeds the notebook
never uses, with renamed columns and other covariate sets. Feedback never
states a reference value.
"""

import warnings

import numpy as np
from tqdm import TqdmWarning

from causalcourse.grading import (
    Call,
    CheckFailed,
    Question,
    expect_choice,
    expect_close,
    expect_float,
    expect_raises,
)
from causalcourse.refutation import ols_effect, placebo_check
from causalcourse.simulate.confounded import simulate_confounded

with warnings.catch_warnings():
    # DoWhy imports tqdm.auto, which warns when ipywidgets is not installed.
    warnings.filterwarnings("ignore", message="IProgress not found", category=TqdmWarning)
    from dowhy import CausalModel

EXERCISE = "08_dowhy_refutation"

# Q1: the two DoWhy estimates on the exercise's data (deterministic).
_SIM = simulate_confounded(2000, seed=808)
_COV = list(_SIM.covariates)


def _dowhy(method: str) -> float:
    model = CausalModel(data=_SIM.observed, treatment="workshop", outcome="growth",
                        common_causes=_COV)
    return float(model.estimate_effect(model.identify_effect(), method_name=method).value)


_LR = _dowhy("backdoor.linear_regression")
_IPW = _dowhy("backdoor.propensity_score_weighting")

# Q3: the broken world with its negative-control exposure.
_BAD = simulate_confounded(2000, u_strength=1.0, seed=808)
_BAD_DATA = _BAD.observed
_BAD_DATA["later_signup"] = np.random.default_rng(809).binomial(1, _BAD.data["propensity"])
_BROKEN = ols_effect(_BAD_DATA, "workshop", "growth", _COV).estimate
_NC = ols_effect(_BAD_DATA, "later_signup", "growth", _COV).estimate


def _check_estimators(values, calls):
    expect_close(values["lr_estimate"], _LR, "lr_estimate")
    ipw = expect_float(values["ipw_estimate"], "ipw_estimate")
    if abs(ipw - _LR) < 1e-9:
        raise CheckFailed("ipw_estimate equals the regression estimate: did you estimate it "
                          "with backdoor.propensity_score_weighting?")
    expect_close(ipw, _IPW, "ipw_estimate", rel=1e-5)
    return "both DoWhy estimates are correct"


def _fresh_cases():
    """Unseen data: new seeds, both worlds, renamed columns, other covariate sets."""
    d1 = simulate_confounded(1500, seed=9101).observed
    d2 = simulate_confounded(800, u_strength=1.0, seed=9102).observed
    d3 = simulate_confounded(600, seed=9103).observed.rename(
        columns={"workshop": "treated", "growth": "y"})
    d4 = simulate_confounded(400, ate=0.1, seed=9104).observed
    return [
        Call((d1, "workshop", "growth", _COV, 3)),
        Call((d2, "workshop", "growth", ["prior_growth"], 17)),
        Call((d3, "treated", "y", ["tenure_years", "products"], 2024)),
        Call((d4, "workshop", "growth", [], 7)),
        # Behaviour: a covariate that is not in the data must raise ValueError.
        Call((d4, "workshop", "growth", ["not_a_column"], 0)),
    ]


def _reference(call):
    data, treatment, outcome, covariates, seed = call.args
    check = placebo_check(data, treatment, outcome, covariates, n_permutations=2, seed=seed)
    return float(check.placebo_effects[0])


def _check_placebo(values, calls):
    results = calls["placebo_effect"]
    cases = _fresh_cases()
    if len(results) != len(cases):
        raise CheckFailed("placebo_effect could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases[:-1], results[:-1], strict=True), start=1):
        expect_close(got, _reference(call), f"placebo effect on unseen data (test {i})",
                     rel=1e-6, abs_=1e-9)
    expect_raises(results[-1], "ValueError", "placebo_effect with a missing covariate column")
    return "placebo_effect matches the reference on unseen data and rejects a missing column"


def _check_broken(values, calls):
    expect_close(values["broken_estimate"], _BROKEN, "broken_estimate")
    expect_close(values["nc_estimate"], _NC, "nc_estimate")
    expect_close(values["nc_share"], _NC / _BROKEN, "nc_share")
    return "estimate, negative-control placebo and share are correct"


def _check_q4(values, calls):
    expect_choice(values["q4_answer"], ["a", "b", "c", "d"], "b", "q4_answer")
    return "correct: a placebo that reproduces most of the estimate makes the estimate suspect"


def _check_q5(values, calls):
    expect_choice(values["q5_answer"], ["a", "b", "c", "d"], "c", "q5_answer")
    return "correct: these refuters test the estimator, not the missing-confounder assumption"


QUESTIONS = [
    Question("q1", 2, ("lr_estimate", "ipw_estimate"), _check_estimators,
             title="two DoWhy estimators"),
    Question("q2", 3, ("placebo_effect",), _check_placebo,
             calls={"placebo_effect": _fresh_cases}, title="your placebo refuter on unseen data"),
    Question("q3", 2, ("broken_estimate", "nc_estimate", "nc_share"), _check_broken,
             title="negative-control placebo in a broken analysis"),
    Question("q4", 1, ("q4_answer",), _check_q4, title="reading a near-failing placebo"),
    Question("q5", 1, ("q5_answer",), _check_q5, title="what refuters establish"),
]
