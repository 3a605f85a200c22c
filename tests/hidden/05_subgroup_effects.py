"""Hidden checks for exercises/05_subgroup_effects (never shipped to students).

Values are compared with references computed here from the same simulator
seeds the notebook uses (505 and 606); the student's functions are called on
fresh data from seeds the notebook never uses (9501-9523).
"""

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from causalcourse.grading import (
    Call,
    CheckFailed,
    Question,
    Raised,
    TimedOut,
    Unsupported,
    expect_choice,
    expect_close,
    expect_raises,
    expect_tuple,
)
from causalcourse.heterogeneity import subgroup_effects
from causalcourse.simulate.outreach import simulate_outreach
from causalcourse.subgroups import interaction_cate, median_split_tests

EXERCISE = "05_subgroup_effects"

_SIM = simulate_outreach(4000, seed=505)
_D = _SIM.data
_COV = list(_SIM.covariates)
_ROLES = pd.DataFrame({"corr_y0": _D[_COV].corrwith(_D["y0"]),
                       "corr_cate": _D[_COV].corrwith(_D["true_cate"])})
_CATE = interaction_cate(_D, "revenue", "outreach", _COV).cate
_SHARE_PRED = float((_CATE < 0).mean())
_SHARE_TRUE = float((_D["true_cate"] < 0).mean())
_FISH = simulate_outreach(3000, heterogeneous=False, n_noise=40, seed=606)
_FISH_P = median_split_tests(_FISH.data, "revenue", "outreach",
                             list(_FISH.covariates))["p_value"].to_numpy()
_COLUMNS = ("estimate", "std_error", "ci_low", "ci_high", "true_effect")


def _reject_special(value, name):
    if isinstance(value, Raised):
        raise CheckFailed(f"{name} raised {value.exception}: {value.message}", "error")
    if isinstance(value, TimedOut):
        raise CheckFailed(f"{name} did not finish within {value.seconds:g} s", "timeout")
    if isinstance(value, Unsupported):
        raise CheckFailed(f"{name} returned an object of type {value.type_name}")


def _count(p, alpha, method):
    if method == "none":
        return int((np.asarray(p) <= alpha).sum())
    return int(multipletests(p, alpha=alpha, method=method)[0].sum())


# Q1 ---------------------------------------------------------------------------

def _table_cases():
    cases = []
    for seed, n, by, k in ((9501, 2000, "satisfaction", 4), (9502, 1500, "past_spend", 5),
                           (9503, 3000, "age", 3)):
        cases.append(Call((simulate_outreach(n, seed=seed).data, by), {"n_groups": k}))
    cases.append(Call((simulate_outreach(300, seed=9504).data, "age"), {"n_groups": 1}))
    return cases


def _check_table(values, calls):
    results = calls["subgroup_table"]
    cases = _table_cases()
    if len(results) != len(cases):
        raise CheckFailed("subgroup_table could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases[:-1], results[:-1], strict=True), start=1):
        name = f"subgroup_table (test {i})"
        _reject_special(got, name)
        if not isinstance(got, pd.DataFrame):
            raise CheckFailed(f"{name} should return a DataFrame")
        data, by = call.args
        k = call.kwargs["n_groups"]
        ref = subgroup_effects(data, "revenue", "outreach",
                               pd.qcut(data[by], k, labels=False) + 1, truth="true_effect")
        if list(got.index) != [str(g) for g in range(1, k + 1)]:
            raise CheckFailed(f"{name}: the index should be the group numbers 1 ... {k}")
        missing = [c for c in _COLUMNS if c not in got.columns]
        if missing:
            raise CheckFailed(f"{name}: missing column(s) {missing}")
        for col in _COLUMNS:
            # Interval ends tolerate z = 1.96 instead of norm.ppf(0.975).
            tol = {"rel": 1e-4, "abs_": 5e-4} if col.startswith("ci_") else {"rel": 1e-7}
            for g in range(k):
                expect_close(got[col].iloc[g], float(ref[col].iloc[g]),
                             f"{col} of group {g + 1} on unseen data (test {i})", **tol)
    expect_raises(results[-1], "ValueError", "subgroup_table with n_groups=1")
    return "subgroup_table matches the reference on unseen data and rejects n_groups < 2"


# Q2 ---------------------------------------------------------------------------

def _check_roles(values, calls):
    roles = values["roles"]
    _reject_special(roles, "roles")
    if not isinstance(roles, pd.DataFrame):
        raise CheckFailed("roles should be a DataFrame")
    if list(roles.index) != _COV or list(roles.columns) != ["corr_y0", "corr_cate"]:
        raise CheckFailed("roles should be indexed by COVARIATES with columns corr_y0, corr_cate")
    for col in ("corr_y0", "corr_cate"):
        for cov in _COV:
            expect_close(roles.loc[cov, col], float(_ROLES.loc[cov, col]),
                         f"roles.{col} for {cov}")
    expect_choice(values["prognostic"], _COV, str(_ROLES["corr_y0"].abs().idxmax()),
                  "prognostic")
    expect_choice(values["modifier"], _COV, str(_ROLES["corr_cate"].abs().idxmax()), "modifier")
    return "correlations and roles are correct"


# Q3 ---------------------------------------------------------------------------

def _cate_cases():
    return [
        Call((simulate_outreach(1500, seed=9511).data, list(_COV))),
        Call((simulate_outreach(800, seed=9512).data, ["satisfaction", "tenure_months"])),
        Call((simulate_outreach(1000, seed=9513, n_noise=2).data,
              ("satisfaction", "noise_1", "noise_2"))),
    ]


def _check_cate(values, calls):
    results = calls["implied_cate"]
    cases = _cate_cases()
    if len(results) != len(cases):
        raise CheckFailed("implied_cate could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases, results, strict=True), start=1):
        name = f"implied_cate (test {i})"
        _reject_special(got, name)
        if not isinstance(got, np.ndarray | pd.Series):
            raise CheckFailed(f"{name} should return a NumPy array")
        arr = np.asarray(got, dtype=float).ravel()
        data, covs = call.args
        if arr.shape != (len(data),):
            raise CheckFailed(f"{name} should have one value per row ({len(data)})")
        ref = interaction_cate(data, "revenue", "outreach", list(covs)).cate.to_numpy()
        if not np.all(np.isfinite(arr)) or np.max(np.abs(arr - ref)) > 1e-6 * (
                1 + np.max(np.abs(ref))):
            raise CheckFailed(f"{name}: the implied CATEs do not match the reference model")
    return "implied_cate matches the interaction model on unseen data"


# Q4 ---------------------------------------------------------------------------

def _check_shares(values, calls):
    expect_close(values["share_negative_predicted"], _SHARE_PRED, "share_negative_predicted")
    expect_close(values["share_negative_true"], _SHARE_TRUE, "share_negative_true")
    return "both shares are correct"


# Q5 ---------------------------------------------------------------------------

def _count_cases():
    cases = []
    for seed, n, k, alpha in ((9521, 2000, 20, 0.05), (9522, 3000, 30, 0.10)):
        d = simulate_outreach(n, seed=seed, n_noise=k).data
        covs = [c for c in d.columns if c.startswith("noise_")] + list(_COV)
        p = median_split_tests(d, "revenue", "outreach", covs)["p_value"].to_numpy()
        for method in ("none", "bonferroni", "holm"):
            cases.append(Call((p,), {"alpha": alpha, "method": method}))
    rng = np.random.default_rng(9523)
    mixed = np.concatenate([rng.uniform(size=15), rng.uniform(0, 0.004, size=5)])
    for method in ("none", "bonferroni", "holm"):
        cases.append(Call((list(mixed),), {"method": method}))
    # Holm differs here from Benjamini-Hochberg and from Hochberg's step-up rule.
    cases.append(Call((np.array([0.002, 0.013, 0.014, 0.035, 0.039, 0.6, 0.8]),),
                      {"method": "holm"}))
    cases.append(Call((np.array([0.045, 0.03, 0.04]),), {"method": "holm"}))
    cases.append(Call(([0.01, 0.2, 0.5],), {"method": "sidak"}))
    cases.append(Call(([0.01, -0.2, 0.5],), {"method": "bonferroni"}))
    return cases


def _check_count(values, calls):
    results = calls["count_significant"]
    cases = _count_cases()
    if len(results) != len(cases):
        raise CheckFailed("count_significant could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases[:-2], results[:-2], strict=True), start=1):
        name = f"count_significant (test {i}, method={call.kwargs['method']})"
        _reject_special(got, name)
        if type(got) is not int:
            raise CheckFailed(f"{name} should return an int")
        expected = _count(np.asarray(call.args[0], dtype=float), call.kwargs.get("alpha", 0.05),
                          call.kwargs["method"])
        if got != expected:
            raise CheckFailed(f"{name} does not match the reference count")
    expect_raises(results[-2], "ValueError", "count_significant with an unknown method")
    expect_raises(results[-1], "ValueError", "count_significant with a negative p-value")
    counts = expect_tuple(values["fishing_counts"], 3, "fishing_counts")
    for got, method in zip(counts, ("none", "bonferroni", "holm"), strict=True):
        if type(got) is not int:
            raise CheckFailed(f"fishing_counts ({method}) should be an int")
        if got != _count(_FISH_P, 0.05, method):
            raise CheckFailed(f"fishing_counts ({method}) does not match the reference")
    return "count_significant matches statsmodels on unseen p-values; fishing counts correct"


# Q6 ---------------------------------------------------------------------------

def _check_q6(values, calls):
    expect_choice(values["q6_answer"], ["a", "b", "c", "d"], "b", "q6_answer")
    return "correct: past_spend is prognostic, not an effect modifier"


QUESTIONS = [
    Question("q1", 3, ("subgroup_table",), _check_table,
             calls={"subgroup_table": _table_cases}, title="subgroup table on unseen data"),
    Question("q2", 2, ("roles", "prognostic", "modifier"), _check_roles,
             title="prognostic or modifier"),
    Question("q3", 3, ("implied_cate",), _check_cate, calls={"implied_cate": _cate_cases},
             title="interaction CATE on unseen data"),
    Question("q4", 2, ("share_negative_predicted", "share_negative_true"), _check_shares,
             title="who is harmed"),
    Question("q5", 3, ("count_significant", "fishing_counts"), _check_count,
             calls={"count_significant": _count_cases}, title="fishing and corrections"),
    Question("q6", 1, ("q6_answer",), _check_q6, title="targeting by outcome level"),
]
