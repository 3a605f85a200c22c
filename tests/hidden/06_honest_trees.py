"""Hidden checks for exercises/06_honest_trees (never shipped to students).

Values are compared with references computed here from the same simulator
seeds and the same recipe the notebook uses; the student's leaf estimator is
called on fresh data from seeds the notebook never uses.
"""

import numpy as np
import pandas as pd

from causalcourse.grading import (
    Call,
    CheckFailed,
    Question,
    Raised,
    TimedOut,
    Unsupported,
    expect_bool,
    expect_choice,
    expect_close,
    expect_float,
    expect_raises,
)
from causalcourse.heterogeneity import interval_coverage, subgroup_effects, transformed_outcome
from causalcourse.simulate.outreach import simulate_outreach
from causalcourse.trees import (
    adaptive_vs_honest_coverage,
    fit_effect_tree,
    honest_split,
    leaf_truth,
    residualize_outcome,
)

EXERCISE = "06_honest_trees"

_SIM = simulate_outreach(3000, seed=626)
_D = _SIM.data
_COV = list(_SIM.covariates)
_REF = simulate_outreach(50_000, seed=61616).data

# Q1: the transformed outcome of revenue and its mean.
_YSTAR = transformed_outcome(_D["revenue"], _D["outreach"], _D["propensity"])
_ATE_IPW = float(_YSTAR.mean())


def _recipe():
    """Q3's recipe exactly as the notebook runs it."""
    disc, est = honest_split(_D, 0.5, seed=626)
    disc, est = disc.copy(), est.copy()
    for part in (disc, est):
        features = part[_COV].assign(past_spend=np.log(part["past_spend"]))
        part["revenue_adj"] = residualize_outcome(features, part["revenue"], random_state=0)
    tree = fit_effect_tree(
        disc[_COV],
        transformed_outcome(disc["revenue_adj"], disc["outreach"], disc["propensity"]),
        max_depth=2, min_samples_leaf=150, random_state=0)
    truth = leaf_truth(tree, _REF[_COV], _REF["true_cate"])
    tables = []
    for part in (disc, est):
        leaves = pd.Series(tree.apply(part[_COV]), index=part.index)
        tables.append(subgroup_effects(part, "revenue_adj", "outreach", leaves))
    adaptive, honest = tables
    top = int(adaptive["estimate"].idxmax())
    return top, float(adaptive.loc[top, "estimate"]), float(honest.loc[top, "estimate"]), float(
        truth[top])


_TOP, _TOP_ADAPTIVE, _TOP_HONEST, _TOP_TRUTH = _recipe()


def _study():
    frames = [adaptive_vs_honest_coverage(simulate_outreach(800, seed=61_000 + r).data, _COV,
                                          "revenue", "outreach", reference=_REF, seed=r)
              for r in range(100)]
    study = pd.concat(frames, ignore_index=True)
    out = {}
    for name, rows in study.groupby("sample"):
        out[name] = (interval_coverage(rows["ci_low"], rows["ci_high"], rows["truth"]),
                     len(rows))
    return out


_STUDY = _study()
_COV_ADAPTIVE, _ = _STUDY["adaptive"]
_COV_HONEST, _N_HONEST = _STUDY["honest"]
_HONEST_OK = bool(abs(_COV_HONEST - 0.95) <= 2 * np.sqrt(0.95 * 0.05 / _N_HONEST))


def _check_q1(values, calls):
    y_star = values["y_star"]
    if isinstance(y_star, Unsupported) or not isinstance(y_star, np.ndarray):
        raise CheckFailed("y_star should be a NumPy array (use .to_numpy() on Series)")
    if y_star.shape != _YSTAR.shape:
        raise CheckFailed(f"y_star has shape {y_star.shape}; expected one value per row of data")
    if not np.allclose(y_star, _YSTAR, rtol=1e-7, atol=1e-7):
        raise CheckFailed("y_star does not match the transformed outcome of revenue")
    expect_close(values["ate_ipw"], _ATE_IPW, "ate_ipw")
    return "transformed outcome and IPW estimate are correct"


def _fresh_cases():
    """Inputs the notebook never saw: new seeds, tree leaves and quantile codes."""
    cases = []
    for seed, n, alpha in ((8601, 900, 0.05), (8602, 1500, 0.10)):
        d = simulate_outreach(n, seed=seed).data
        disc, est = honest_split(d, 0.5, seed=seed)
        tree = fit_effect_tree(
            disc[_COV], transformed_outcome(disc["revenue"] - disc["revenue"].mean(),
                                            disc["outreach"], disc["propensity"]),
            max_depth=2, min_samples_leaf=80, random_state=0)
        cases.append(Call((tree.apply(est[_COV]), est["revenue"].to_numpy(),
                           est["outreach"].to_numpy()), {"alpha": alpha}))
    d = simulate_outreach(700, seed=8603).data
    codes = pd.qcut(d["satisfaction"].rank(method="first"), 3, labels=[7, 3, 5]).astype(int)
    cases.append(Call((codes, d["revenue"], d["outreach"])))  # pandas Series, default alpha
    # Behaviour: leaf 2 has a single treated unit, so a ValueError is expected.
    cases.append(Call((np.array([1, 1, 1, 1, 2, 2, 2, 2, 2]),
                       np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9]),
                       np.array([0, 0, 1, 1, 1, 0, 0, 0, 0]))))
    return cases


def _reference(call):
    leaves, y, t = (np.asarray(a) for a in call.args)
    frame = pd.DataFrame({"y": y.astype(float), "t": t.astype(int)})
    return subgroup_effects(frame, "y", "t", pd.Series(leaves), **dict(call.kwargs))


def _check_q2(values, calls):
    results = calls["leaf_effects"]
    cases = _fresh_cases()
    if len(results) != len(cases):
        raise CheckFailed("leaf_effects could not be called on the test inputs", "error")
    for i, (call, got) in enumerate(zip(cases[:-1], results[:-1], strict=True), start=1):
        if isinstance(got, Raised):
            raise CheckFailed(f"leaf_effects (test {i}) raised {got.exception}: {got.message}",
                              "error")
        if isinstance(got, TimedOut):
            raise CheckFailed(f"leaf_effects (test {i}) did not finish in time", "timeout")
        if not isinstance(got, pd.DataFrame):
            raise CheckFailed(f"leaf_effects (test {i}) should return a DataFrame, "
                              f"got {type(got).__name__}")
        ref = _reference(call)
        try:
            labels = [float(label) for label in got.index]
        except ValueError:
            raise CheckFailed(f"leaf_effects (test {i}): the index should hold the leaf "
                              "labels") from None
        if labels != [float(label) for label in ref.index]:
            raise CheckFailed(f"leaf_effects (test {i}): expected one row per leaf, indexed "
                              "by the leaf labels in increasing order")
        for column in ("estimate", "std_error", "ci_low", "ci_high"):
            if column not in got.columns:
                raise CheckFailed(f"leaf_effects (test {i}) has no column '{column}'")
            for j, (value, expected) in enumerate(zip(got[column], ref[column], strict=True)):
                expect_close(value, float(expected), f"{column} of row {j} (test {i})",
                             rel=1e-7)
    expect_raises(results[-1], "ValueError", "leaf_effects with a one-treated-unit leaf")
    return "leaf_effects matches the reference on unseen data and rejects a tiny arm"


def _check_q3(values, calls):
    top = values["top_leaf"]
    if isinstance(top, bool) or not isinstance(top, int):
        raise CheckFailed("top_leaf should be an int")
    if top != _TOP:
        raise CheckFailed("top_leaf is not the leaf with the largest adaptive estimate")
    expect_close(values["top_adaptive"], _TOP_ADAPTIVE, "top_adaptive")
    expect_close(values["top_honest"], _TOP_HONEST, "top_honest")
    expect_close(values["top_truth"], _TOP_TRUTH, "top_truth")
    return "the top leaf and its adaptive, honest and true effects are correct"


def _check_q4(values, calls):
    expect_close(values["coverage_adaptive"], _COV_ADAPTIVE, "coverage_adaptive")
    expect_close(values["coverage_honest"], _COV_HONEST, "coverage_honest")
    expect_float(values["coverage_honest"], "coverage_honest")
    if expect_bool(values["honest_ok"], "honest_ok") != _HONEST_OK:
        raise CheckFailed("honest_ok does not match the two-standard-error comparison")
    return "coverages and the Monte Carlo comparison are correct"


def _check_q5(values, calls):
    expect_choice(values["q5_answer"], ["a", "b", "c", "d"], "b", "q5_answer")
    return "correct: the splits chase this sample's noise, so same-sample estimates inherit it"


def _check_q6(values, calls):
    expect_choice(values["q6_answer"], ["a", "b", "c"], "a", "q6_answer")
    return "correct: only functions of the covariates leave E[Y* | X] unchanged"


QUESTIONS = [
    Question("q1", 2, ("y_star", "ate_ipw"), _check_q1, title="transformed outcome"),
    Question("q2", 3, ("leaf_effects",), _check_q2, calls={"leaf_effects": _fresh_cases},
             title="your leaf estimator on unseen data"),
    Question("q3", 2, ("top_leaf", "top_adaptive", "top_honest", "top_truth"), _check_q3,
             title="the winner's curse in one sample"),
    Question("q4", 2, ("coverage_adaptive", "coverage_honest", "honest_ok"), _check_q4,
             title="coverage study"),
    Question("q5", 1, ("q5_answer",), _check_q5, title="why adaptive intervals fail"),
    Question("q6", 1, ("q6_answer",), _check_q6, title="what may be subtracted"),
]
