"""Hidden checks for exercises/01_potential_outcomes (never shipped to students).

Values are compared with references computed here from the same simulator
seed the notebook uses; the student's function is called on fresh data from
seeds the notebook never uses.
"""

from causalcourse.estimators import neyman
from causalcourse.grading import (
    Call,
    CheckFailed,
    Question,
    expect_bool,
    expect_choice,
    expect_close,
    expect_float,
    expect_raises,
    expect_tuple,
)
from causalcourse.simulate import simulate_retention_email

EXERCISE = "01_potential_outcomes"

_SIM = simulate_retention_email(n=4000, seed=101)
_D = _SIM.data
_T = _D["email"] == 1
_NAIVE = _D.loc[_T, "spend"].mean() - _D.loc[~_T, "spend"].mean()
_ATT = _D.loc[_T, "true_effect"].mean()
_BIAS = _D.loc[_T, "y0"].mean() - _D.loc[~_T, "y0"].mean()
_RCT = simulate_retention_email(n=4000, seed=101, randomized=True)
_RCT_REF = neyman(_RCT.data["spend"], _RCT.data["email"])


def _check_naive(values, calls):
    expect_close(values["naive_estimate"], _NAIVE, "naive_estimate")
    return "naive difference in means is correct"


def _check_decomposition(values, calls):
    expect_close(values["att"], _ATT, "att")
    expect_close(values["selection_bias"], _BIAS, "selection_bias")
    return "ATT and selection bias are correct"


def _fresh_cases():
    """Inputs the notebook never saw: new seeds, both array types, two alphas."""
    cases = []
    for seed, n, alpha in ((7001, 600, 0.05), (7002, 250, 0.10), (7003, 1500, 0.01)):
        d = simulate_retention_email(n=n, seed=seed, randomized=True).data
        cases.append(Call((d["spend"].to_numpy(), d["email"].to_numpy()), {"alpha": alpha}))
    d = simulate_retention_email(n=300, seed=7004, randomized=True).data
    cases.append(Call((d["spend"], d["email"])))  # pandas Series, default alpha
    # Behaviour: an arm with a single unit must raise ValueError.
    cases.append(Call(([2.0, 4.0, 6.0, 8.0], [1, 1, 1, 0])))
    return cases


def _reference(call):
    return neyman(*call.args, **call.kwargs)


def _check_function(values, calls):
    results = calls["neyman_interval"]
    cases = _fresh_cases()
    if len(results) != len(cases):
        raise CheckFailed("neyman_interval could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases[:-1], results[:-1], strict=True), start=1):
        ref = _reference(call)
        parts = expect_tuple(got, 4, f"neyman_interval (test {i}) result")
        for label, value, expected in zip(
            ("estimate", "std_error", "ci_low", "ci_high"), parts,
            (ref.estimate, ref.std_error, ref.ci_low, ref.ci_high), strict=True,
        ):
            expect_close(value, expected, f"{label} on unseen data (test {i})", rel=1e-7)
    expect_raises(results[-1], "ValueError", "neyman_interval with a one-unit control arm")
    return "neyman_interval matches the reference on unseen data and rejects a tiny arm"


def _check_rct(values, calls):
    parts = expect_tuple(values["rct_interval"], 4, "rct_interval")
    expect_close(parts[0], _RCT_REF.estimate, "rct_interval estimate")
    expect_close(parts[1], _RCT_REF.std_error, "rct_interval std_error")
    expect_close(parts[2], _RCT_REF.ci_low, "rct_interval ci_low")
    expect_close(parts[3], _RCT_REF.ci_high, "rct_interval ci_high")
    covers = expect_bool(values["rct_covers"], "rct_covers")
    if covers != _RCT_REF.covers(_RCT.ate):
        raise CheckFailed("rct_covers does not match whether the interval contains the ATE")
    expect_float(parts[0], "rct_interval estimate")
    return "randomized estimate, interval and coverage are correct"


def _check_q5(values, calls):
    expect_choice(values["q5_answer"], ["a", "b", "c", "d"], "b", "q5_answer")
    return "correct: spill-overs break the no-interference part of SUTVA"


def _check_q6(values, calls):
    expect_choice(values["q6_answer"], ["a", "b", "c"], "c", "q6_answer")
    return "correct: lapsed customers spend less anyway, so the bias turns negative"


QUESTIONS = [
    Question("q1", 2, ("naive_estimate",), _check_naive, title="naive comparison"),
    Question("q2", 2, ("att", "selection_bias"), _check_decomposition, title="decomposition"),
    Question("q3", 3, ("neyman_interval",), _check_function,
             calls={"neyman_interval": _fresh_cases}, title="your estimator on unseen data"),
    Question("q4", 2, ("rct_interval", "rct_covers"), _check_rct, title="randomized world"),
    Question("q5", 1, ("q5_answer",), _check_q5, title="SUTVA"),
    Question("q6", 1, ("q6_answer",), _check_q6, title="direction of bias"),
]
