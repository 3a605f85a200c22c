"""Hidden checks for exercises/03_randomized_experiments (never shipped to students).

Values are compared with references computed here from the same simulator
seeds the notebook uses; the student's CUPED function is called on fresh data
from seeds the notebook never uses. Feedback never states a reference value.
"""

import math

import numpy as np

from causalcourse.estimators import neyman
from causalcourse.experiments import cuped_estimate, permutation_test, required_sample_size
from causalcourse.grading import (
    Call,
    CheckFailed,
    Question,
    expect_choice,
    expect_close,
    expect_float,
    expect_raises,
    expect_tuple,
)
from causalcourse.simulate.experiment import simulate_experiment

EXERCISE = "03_randomized_experiments"

# Q1: the pilot. The reference p-value uses many more re-draws than a student
# would; the tolerance covers the Monte Carlo noise of >= 5,000 re-draws
# (standard deviation below 0.003 here) with a wide margin, while rejecting
# the Welch t-test and normal-approximation p-values, which differ by more
# than 0.02 on this pilot.
_PILOT = simulate_experiment(n=30, seed=320).data
_PILOT_REF = permutation_test(_PILOT["spend"], _PILOT["enrolled"], n_permutations=200_000,
                              seed=12345)
_P_TOL = 0.012

# Q3 / Q4: the main experiment.
_D = simulate_experiment(n=3000, seed=309).data
_DIM = neyman(_D["spend"], _D["enrolled"])
_CUPED = cuped_estimate(_D["spend"], _D["enrolled"], _D["pre_spend"])
_RHO = float(np.corrcoef(_D["spend"], _D["pre_spend"])[0, 1])
_SE_RATIO = _CUPED.std_error / _DIM.std_error
_PRED_RATIO = math.sqrt(1 - _RHO**2)
_SIGMA = float(_D.loc[_D["enrolled"] == 0, "spend"].std(ddof=1))
_N = required_sample_size(1.5, _SIGMA, alpha=0.05, power=0.9)
_N_CUPED = required_sample_size(1.5, _SIGMA * _PRED_RATIO, alpha=0.05, power=0.9)

# Q5: the invitation experiment.
_NC = simulate_experiment(n=12_000, noncompliance=True, seed=306).data
_ITT = neyman(_NC["spend"], _NC["assigned"]).estimate
_FIRST = neyman(_NC["enrolled"], _NC["assigned"]).estimate
_LATE = _ITT / _FIRST


def _check_pilot(values, calls):
    expect_close(values["pilot_estimate"], _PILOT_REF.statistic, "pilot_estimate")
    p = expect_float(values["pilot_p_value"], "pilot_p_value")
    if not 0 < p <= 1:
        raise CheckFailed("pilot_p_value should lie in (0, 1]")
    if abs(p - _PILOT_REF.p_value) > _P_TOL:
        raise CheckFailed(
            "pilot_p_value is further from the permutation p-value than Monte Carlo noise "
            "explains: is it two-sided, based on re-drawn assignments (not a t-test), and "
            "computed from at least 5,000 re-draws?")
    return "pilot difference and permutation p-value are correct"


def _fresh_cases():
    """Inputs the notebook never saw: new seeds, arrays and Series, several alphas."""
    cases = []
    for seed, n, alpha in ((9301, 800, 0.05), (9302, 250, 0.10), (9303, 2000, 0.01)):
        d = simulate_experiment(n=n, seed=seed).data
        cases.append(Call((d["spend"].to_numpy(), d["enrolled"].to_numpy(),
                           d["pre_spend"].to_numpy()), {"alpha": alpha}))
    d = simulate_experiment(n=400, effect=0.0, p_assign=0.3, seed=9304).data
    cases.append(Call((d["spend"], d["enrolled"], d["pre_spend"])))  # Series, default alpha
    # A covariate other than pre-period spend (weaker correlation).
    d = simulate_experiment(n=600, seed=9305).data
    cases.append(Call((d["spend"], d["enrolled"], d["visits_pre"].astype(float))))
    # Behaviour: a constant covariate must raise ValueError.
    cases.append(Call(([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [0, 0, 0, 1, 1, 1],
                       [2.0, 2.0, 2.0, 2.0, 2.0, 2.0])))
    return cases


def _check_function(values, calls):
    results = calls["cuped_estimate"]
    cases = _fresh_cases()
    if len(results) != len(cases):
        raise CheckFailed("cuped_estimate could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases[:-1], results[:-1], strict=True), start=1):
        ref = cuped_estimate(*call.args, **call.kwargs)
        parts = expect_tuple(got, 4, f"cuped_estimate (test {i}) result")
        for label, value, expected in zip(
            ("estimate", "std_error", "ci_low", "ci_high"), parts,
            (ref.estimate, ref.std_error, ref.ci_low, ref.ci_high), strict=True,
        ):
            expect_close(value, expected, f"{label} on unseen data (test {i})", rel=1e-6)
    expect_raises(results[-1], "ValueError", "cuped_estimate with a constant x_pre")
    return "cuped_estimate matches the reference on unseen data and rejects a constant covariate"


def _check_gain(values, calls):
    expect_close(values["se_ratio"], _SE_RATIO, "se_ratio")
    expect_close(values["predicted_ratio"], _PRED_RATIO, "predicted_ratio")
    return "realized and predicted standard-error ratios are correct"


def _expect_int(value, name):
    expect_float(value, name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CheckFailed(f"{name} should be an integer number of customers (use math.ceil)")
    return value


def _check_size(values, calls):
    n = _expect_int(values["n_per_arm"], "n_per_arm")
    n_cuped = _expect_int(values["n_per_arm_cuped"], "n_per_arm_cuped")
    # Exact up to rounding of the normal quantiles (e.g. 1.96 and 1.2816 from a table).
    for name, got, ref in (("n_per_arm", n, _N), ("n_per_arm_cuped", n_cuped, _N_CUPED)):
        if abs(got - ref) > max(2, 0.003 * ref):
            raise CheckFailed(f"{name} = {got} does not match the reference sample size")
    return "sample sizes are correct"


def _check_noncompliance(values, calls):
    expect_close(values["itt"], _ITT, "itt")
    expect_close(values["first_stage"], _FIRST, "first_stage")
    expect_close(values["late"], _LATE, "late")
    return "ITT, first stage and Wald LATE are correct"


def _check_q6(values, calls):
    expect_choice(values["q6_answer"], ["a", "b", "c", "d"], "b", "q6_answer")
    return "correct: inviting everyone is the assigned policy, so the ITT answers it"


QUESTIONS = [
    Question("q1", 2, ("pilot_estimate", "pilot_p_value"), _check_pilot,
             title="permutation test of a pilot"),
    Question("q2", 3, ("cuped_estimate",), _check_function,
             calls={"cuped_estimate": _fresh_cases}, title="your CUPED estimator on unseen data"),
    Question("q3", 2, ("se_ratio", "predicted_ratio"), _check_gain, title="the variance gain"),
    Question("q4", 2, ("n_per_arm", "n_per_arm_cuped"), _check_size, title="sample size"),
    Question("q5", 2, ("itt", "first_stage", "late"), _check_noncompliance,
             title="noncompliance"),
    Question("q6", 1, ("q6_answer",), _check_q6, title="which estimand"),
]
