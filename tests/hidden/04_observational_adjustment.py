"""Hidden checks for exercises/04_observational_adjustment (never shipped to students).

Values are compared with references computed here from the same simulator
seeds the notebook uses; the student's functions are called on fresh data
from seeds the notebook never uses.
"""

import numbers

import numpy as np

from causalcourse.balance import smd_table
from causalcourse.grading import (
    Call,
    CheckFailed,
    Question,
    Raised,
    expect_choice,
    expect_close,
    expect_float,
    expect_raises,
)
from causalcourse.simulate.observational import COVARIATES, simulate_sales_training
from causalcourse.weighting import fit_propensity, ipw_estimate, ipw_weights, overlap_mask

EXERCISE = "04_observational_adjustment"

_D = simulate_sales_training(3000, seed=404).data
_T = _D["course"].to_numpy()
_E = fit_propensity(_D[list(COVARIATES)], _T)
_IPW_ATE = ipw_estimate(_D["sales"], _T, _E)
_MAX_SMD = float(smd_table(_D[list(COVARIATES)], _T, {"w": ipw_weights(_T, _E)})["w"]
                 .abs().max())

_S = simulate_sales_training(3000, selection=3.0, seed=404).data
_TS = _S["course"].to_numpy()
_ES = fit_propensity(_S[list(COVARIATES)], _TS)
_KEEP = overlap_mask(_ES, 0.1, 0.9)
_N_KEPT = int(_KEEP.sum())
_TRIMMED = ipw_estimate(_S["sales"].to_numpy()[_KEEP], _TS[_KEEP], _ES[_KEEP])


# ------------------------------------------------------------------ Q1: smd


def _smd_cases():
    """Fresh companies: unweighted and weighted SMDs, arrays and Series, one bad input."""
    cases = []
    for seed, n, column in ((9101, 800, "experience"), (9102, 1500, "motivation"),
                            (9103, 400, "past_sales")):
        d = simulate_sales_training(n, seed=seed).data
        x, t = d[column].to_numpy(), d["course"].to_numpy()
        cases.append(Call((x, t)))
        cases.append(Call((x, t), {"weights": ipw_weights(t, d["propensity"])}))
    d = simulate_sales_training(600, selection=2.0, seed=9104).data
    cases.append(Call((d["age"], d["course"])))  # pandas Series
    cases.append(Call(([1.0, 2.0, 3.0, 4.0], [0, 0, 0, 1])))  # one treated unit
    return cases


def _smd_reference(call):
    x, t = call.args
    weights = call.kwargs.get("weights")
    frame = smd_table(np.asarray(x, float).reshape(-1, 1), t, {"v": weights})
    return float(frame.iloc[0, 0])


def _check_smd(values, calls):
    results = calls["smd"]
    cases = _smd_cases()
    if len(results) != len(cases):
        raise CheckFailed("smd could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases[:-1], results[:-1], strict=True), start=1):
        expect_close(got, _smd_reference(call), f"smd on unseen data (test {i})", rel=1e-7)
    expect_raises(results[-1], "ValueError", "smd with a one-unit treated arm")
    return "smd matches the reference on unseen data, weighted and unweighted"


# ------------------------------------------------------------ Q2: hajek_ipw


def _hajek_cases():
    cases = []
    for seed, n, selection in ((9201, 900, 1.0), (9202, 2500, 1.5), (9203, 500, 0.5)):
        d = simulate_sales_training(n, selection=selection, seed=seed).data
        cases.append(Call((d["sales"].to_numpy(), d["course"].to_numpy(),
                           d["propensity"].to_numpy())))
    d = simulate_sales_training(700, seed=9204).data
    e = fit_propensity(d[list(COVARIATES)], d["course"])
    cases.append(Call((d["sales"], d["course"], e)))  # Series and estimated scores
    bad = np.array([0.5, 0.4, 1.0, 0.3])
    cases.append(Call(([1.0, 2.0, 3.0, 4.0], [1, 0, 1, 0], bad)))
    cases.append(Call(([1.0, 2.0, 3.0, 4.0], [1, 0, 1, 0], np.array([0.5, 0.0, 0.6, 0.3]))))
    return cases


def _check_hajek(values, calls):
    results = calls["hajek_ipw"]
    cases = _hajek_cases()
    if len(results) != len(cases):
        raise CheckFailed("hajek_ipw could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases[:-2], results[:-2], strict=True), start=1):
        expect_close(got, ipw_estimate(*call.args), f"hajek_ipw on unseen data (test {i})",
                     rel=1e-7)
    for label, got in zip(("of 1", "of 0"), results[-2:], strict=True):
        expect_raises(got, "ValueError", f"hajek_ipw with a propensity {label}")
        if isinstance(got, Raised) and "positivity" not in got.message.lower():
            raise CheckFailed("the ValueError message should mention positivity")
    return "hajek_ipw matches the reference on unseen data and guards positivity"


# ------------------------------------------------------------------- Q3, Q4


def _check_apply(values, calls):
    expect_close(values["ipw_ate"], _IPW_ATE, "ipw_ate", rel=1e-5)
    expect_close(values["max_smd_after"], _MAX_SMD, "max_smd_after", rel=1e-4)
    return "IPW estimate and balance after weighting are correct"


def _check_trim(values, calls):
    n_kept = values["n_kept"]
    if not isinstance(n_kept, numbers.Integral) or isinstance(n_kept, bool):
        expect_float(n_kept, "n_kept")
        raise CheckFailed("n_kept should be an int")
    if n_kept != _N_KEPT:
        raise CheckFailed("n_kept does not match the reference count")
    expect_close(values["trimmed_ate"], _TRIMMED, "trimmed_ate", rel=1e-5)
    return "trimmed population and its IPW estimate are correct"


def _check_q5(values, calls):
    expect_choice(values["q5_answer"], ["a", "b", "c", "d"], "b", "q5_answer")
    return "correct: near-perfect prediction of treatment signals a positivity problem"


def _check_q6(values, calls):
    expect_choice(values["q6_answer"], ["a", "b", "c", "d"], "c", "q6_answer")
    return "correct: balance covers the means of measured covariates only"


QUESTIONS = [
    Question("q1", 3, ("smd",), _check_smd, calls={"smd": _smd_cases},
             title="standardized mean difference on unseen data"),
    Question("q2", 3, ("hajek_ipw",), _check_hajek, calls={"hajek_ipw": _hajek_cases},
             title="Hajek IPW on unseen data"),
    Question("q3", 2, ("ipw_ate", "max_smd_after"), _check_apply,
             title="weighting the new company"),
    Question("q4", 2, ("n_kept", "trimmed_ate"), _check_trim, title="trimming"),
    Question("q5", 1, ("q5_answer",), _check_q5, title="positivity"),
    Question("q6", 1, ("q6_answer",), _check_q6, title="what balance shows"),
]
