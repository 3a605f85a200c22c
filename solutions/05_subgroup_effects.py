# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python (causal course)
#     language: python
#     name: causal-course
# ---

# %% [markdown]
# # Exercise 05: Subgroup effects and interaction models
#
# Companion to Lecture 05. On a randomized retention-call experiment whose
# true effects are stored, you will build a subgroup table, sort covariates
# into prognostic variables and effect modifiers, write an interaction-model
# CATE estimator, and count how many subgroups "look significant" when none
# is real.
#
# **How this works.** Fill in every cell marked `# YOUR CODE HERE` (remove the
# `raise NotImplementedError()` line). Run the check cell after each answer:
# it prints `[ok] ...` or raises an error with a hint. The public checks test
# the form of your answers and worked examples; the instructor's grader
# re-runs your notebook from top to bottom, checks the values, and calls
# your functions on data you have not seen, so keep the names exactly as
# given and make sure *Restart and Run All* works.
#
# | question | points | you define |
# |---|---|---|
# | Q1 subgroup table | 3 | `subgroup_table(data, by, n_groups=4)` |
# | Q2 prognostic or modifier | 2 | `roles`, `prognostic`, `modifier` |
# | Q3 interaction CATE | 3 | `implied_cate(data, covariates)` |
# | Q4 who is harmed | 2 | `share_negative_predicted`, `share_negative_true` |
# | Q5 fishing and corrections | 3 | `count_significant(pvalues, alpha, method)`, `fishing_counts` |
# | Q6 targeting by outcome | 1 | `q6_answer` |

# %%
import numpy as np
import pandas as pd
from scipy import stats

from causalcourse import checks
from causalcourse.simulate.outreach import simulate_outreach
from causalcourse.subgroups import median_split_tests

sim = simulate_outreach(4000, seed=505)
data = sim.data
COVARIATES = list(sim.covariates)
print(COVARIATES)
data.head().round(2)

# %% [markdown]
# `data` holds the observed columns (the five covariates, the coin-flip
# treatment `outreach`, the outcome `revenue`) and the truth columns only a
# simulation has: `y0`, `y1`, `true_effect` (each customer's effect) and
# `true_cate` (the effect with the individual noise averaged out).
#
# ## Q1 (3 points): a subgroup table by quantile
#
# Write `subgroup_table(data, by, n_groups=4)` **yourself with pandas/NumPy**
# (you may compare with `causalcourse.heterogeneity.subgroup_effects`
# afterwards). It should:
#
# 1. form groups with `pd.qcut(data[by], n_groups, labels=False) + 1`
#    (group 1 holds the lowest values);
# 2. in each group compute the difference in mean `revenue` between
#    `outreach == 1` and `outreach == 0`, its Neyman standard error
#    $\sqrt{s_1^2/n_1 + s_0^2/n_0}$ (sample variances, `ddof=1`) and the 95%
#    interval `estimate ± z * std_error` with `z = stats.norm.ppf(0.975)`;
# 3. return a DataFrame indexed by group number `1 ... n_groups` with
#    columns `estimate`, `std_error`, `ci_low`, `ci_high`, `true_effect`
#    (the group's mean of the `true_effect` column).
#
# If `n_groups` is less than 2, raise a `ValueError`.
#
# Worked example (the `toy` frame in the check cell): `x = 1..8` in two
# groups; in group 1 the called customers have revenue 3 and 6 and the others
# 1 and 2, so the estimate is $4.5 - 1.5 = 3$ and the standard error is
# $\sqrt{4.5/2 + 0.5/2} = \sqrt{2.5}$; in group 2 the estimate is $8.5 - 4.5 = 4$.


# %%
def subgroup_table(data, by, n_groups=4):
    ### BEGIN SOLUTION
    if n_groups < 2:
        raise ValueError(f"n_groups must be at least 2, got {n_groups}")
    groups = pd.qcut(data[by], n_groups, labels=False) + 1
    z_value = stats.norm.ppf(0.975)
    rows = {}
    for label, part in data.groupby(groups):
        called = part.loc[part["outreach"] == 1, "revenue"]
        uncalled = part.loc[part["outreach"] == 0, "revenue"]
        diff = called.mean() - uncalled.mean()
        se = np.sqrt(called.var(ddof=1) / len(called) + uncalled.var(ddof=1) / len(uncalled))
        rows[int(label)] = {"estimate": diff, "std_error": se, "ci_low": diff - z_value * se,
                            "ci_high": diff + z_value * se,
                            "true_effect": part["true_effect"].mean()}
    return pd.DataFrame.from_dict(rows, orient="index")
    ### END SOLUTION


by_satisfaction = subgroup_table(data, "satisfaction")
by_satisfaction.round(2)

# %%
toy = pd.DataFrame({"x": np.arange(1, 9), "outreach": [0, 1] * 4,
                    "revenue": [1.0, 3, 2, 6, 5, 7, 4, 10], "true_effect": 2.0})
toy_table = subgroup_table(toy, "x", n_groups=2)
checks.hint(isinstance(toy_table, pd.DataFrame), "subgroup_table should return a DataFrame")
checks.hint(list(toy_table.index) == [1, 2], "index the table by group number 1 ... n_groups")
checks.hint({"estimate", "std_error", "ci_low", "ci_high", "true_effect"} <= set(toy_table),
            "the table needs columns estimate, std_error, ci_low, ci_high, true_effect")
checks.is_close(float(toy_table.loc[1, "estimate"]), 3.0, "group 1 estimate on the toy example")
checks.is_close(float(toy_table.loc[2, "estimate"]), 4.0, "group 2 estimate on the toy example")
checks.is_close(float(toy_table.loc[1, "std_error"]), np.sqrt(2.5), "group 1 std_error")
checks.is_close(float(toy_table.loc[1, "ci_high"] - toy_table.loc[1, "estimate"]),
                stats.norm.ppf(0.975) * np.sqrt(2.5), "group 1 interval half-width", tol=1e-3)
checks.raises(subgroup_table, ValueError, toy, "x", n_groups=1)
checks.hint(by_satisfaction["true_effect"].is_monotonic_decreasing,
            "in this world the true effect falls with satisfaction; check your grouping")

# %% [markdown]
# ## Q2 (2 points): prognostic variable or effect modifier?
#
# Build `roles`, a DataFrame indexed by the five names in `COVARIATES` (in
# that order) with two columns:
#
# * `corr_y0`: the Pearson correlation of the covariate with `y0`;
# * `corr_cate`: its correlation with `true_cate`.
#
# Then set `prognostic` to the name of the covariate with the largest
# *absolute* `corr_y0`, and `modifier` to the one with the largest absolute
# `corr_cate` (both strings).

# %%
### BEGIN SOLUTION
roles = pd.DataFrame({"corr_y0": data[COVARIATES].corrwith(data["y0"]),
                      "corr_cate": data[COVARIATES].corrwith(data["true_cate"])})
prognostic = str(roles["corr_y0"].abs().idxmax())
modifier = str(roles["corr_cate"].abs().idxmax())
### END SOLUTION
roles.round(3)

# %%
checks.hint(isinstance(roles, pd.DataFrame) and list(roles.index) == COVARIATES,
            "roles should be a DataFrame indexed by COVARIATES, in that order")
checks.hint(list(roles.columns) == ["corr_y0", "corr_cate"],
            "roles needs exactly the columns corr_y0 and corr_cate")
checks.hint(bool(roles.abs().le(1).all().all()), "correlations lie between -1 and 1")
checks.is_choice(prognostic, COVARIATES, "prognostic")
checks.is_choice(modifier, COVARIATES, "modifier")

# %% [markdown]
# ## Q3 (3 points): the implied CATE of an interaction model
#
# Write `implied_cate(data, covariates)` that fits, by ordinary least squares,
#
# $$\text{revenue} = a + \tau_0\,\text{outreach} + Z'\beta
#   + \text{outreach}\cdot Z'\gamma + \varepsilon,$$
#
# where $Z$ holds the listed covariates standardized with their own mean and
# standard deviation in `data`, and returns a NumPy array with each row's
# implied CATE $\hat\tau_0 + z_i'\hat\gamma$. Use NumPy least squares or
# statsmodels (not `causalcourse.subgroups`). The grader calls it on fresh
# data with different covariate lists.
#
# The public check uses a fact from the lecture: the implied CATE does not
# change when a covariate is rescaled (for example `past_spend` in cents).

# %%
def implied_cate(data, covariates):
    ### BEGIN SOLUTION
    x = data[list(covariates)].to_numpy(float)
    zs = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    treat = data["outreach"].to_numpy(float)[:, None]
    ones = np.ones((len(data), 1))
    xmat = np.hstack([ones, treat, zs, treat * zs])
    beta, *_ = np.linalg.lstsq(xmat, data["revenue"].to_numpy(float), rcond=None)
    return beta[1] + zs @ beta[2 + zs.shape[1]:]
    ### END SOLUTION


cate_hat = implied_cate(data, COVARIATES)
print(f"implied CATE: mean {cate_hat.mean():.2f}, min {cate_hat.min():.2f}, "
      f"max {cate_hat.max():.2f}")

# %%
checks.hint(isinstance(cate_hat, np.ndarray) and cate_hat.shape == (len(data),),
            "implied_cate should return a NumPy array with one value per row")
in_cents = data.assign(past_spend=100 * data["past_spend"])
checks.hint(np.allclose(implied_cate(in_cents, COVARIATES), cate_hat, atol=1e-6),
            "rescaling a covariate should not change the implied CATE; standardize inside")
checks.hint(np.corrcoef(cate_hat, data["true_cate"])[0, 1] > 0.9,
            "the implied CATE should track true_cate closely in this world")
checks.passed("implied_cate has the right form")

# %% [markdown]
# ## Q4 (2 points): who is harmed?
#
# Using your `implied_cate` with all five covariates on `data`, set
#
# * `share_negative_predicted`: the share of customers whose implied CATE is
#   below zero;
# * `share_negative_true`: the share whose `true_cate` is below zero.
#
# Both are floats between 0 and 1. Do not be alarmed if they differ
# noticeably (lecture 05, section 5): many customers have a true CATE near
# zero, so a modest error in the fitted satisfaction slope moves many of them
# across zero. Compare your fitted slope with the truth if you are curious.

# %%
### BEGIN SOLUTION
share_negative_predicted = float((cate_hat < 0).mean())
share_negative_true = float((data["true_cate"] < 0).mean())
### END SOLUTION
print(f"predicted {share_negative_predicted:.3f}, true {share_negative_true:.3f}")

# %%
checks.is_number(share_negative_predicted, "share_negative_predicted")
checks.is_number(share_negative_true, "share_negative_true")
checks.hint(0 < share_negative_true < 0.5 and 0 < share_negative_predicted < 0.5,
            "shares are fractions between 0 and 1 (a minority is harmed here)")

# %% [markdown]
# ## Q5 (3 points): subgroup fishing and multiplicity corrections
#
# The cell below builds a world where the call has **the same effect for
# everybody** and 40 pure-noise covariates, then tests all 45 median splits
# (`fishing_p` holds the 45 p-values). None of the subgroups is real.
#
# Write `count_significant(pvalues, alpha=0.05, method="none")` returning the
# number of rejected hypotheses as an `int`:
#
# * `"none"`: count p-values `<= alpha`;
# * `"bonferroni"`: count p-values `<= alpha / m` (m = number of p-values);
# * `"holm"`: sort the p-values; reject the smallest, the second smallest, ...
#   while the k-th smallest is `<= alpha / (m - k + 1)`; stop at the first
#   that is not.
#
# Any other `method`, or a p-value outside [0, 1], raises `ValueError`. Then
# set `fishing_counts` to the tuple of the three counts on `fishing_p`, in the
# order none, bonferroni, holm.
#
# Worked example: for `p = [0.001, 0.011, 0.012, 0.04, 0.3]` at `alpha = 0.05`
# the counts are 4 (none), 1 (Bonferroni: only 0.001 is below 0.01) and 3 (Holm:
# 0.001 ≤ 0.01, 0.011 ≤ 0.0125, 0.012 ≤ 0.0167, but 0.04 > 0.025).

# %%
fishing = simulate_outreach(3000, heterogeneous=False, n_noise=40, seed=606)
fishing_p = median_split_tests(fishing.data, "revenue", "outreach",
                               list(fishing.covariates))["p_value"].to_numpy()
print(f"{fishing_p.size} p-values; smallest {fishing_p.min():.4f}")


# %%
def count_significant(pvalues, alpha=0.05, method="none"):
    ### BEGIN SOLUTION
    pv = np.asarray(pvalues, dtype=float)
    if np.isnan(pv).any() or (pv < 0).any() or (pv > 1).any():
        raise ValueError("p-values must lie in [0, 1]")
    n_tests = pv.size
    if method == "none":
        return int((pv <= alpha).sum())
    if method == "bonferroni":
        return int((pv <= alpha / n_tests).sum())
    if method == "holm":
        ok = np.sort(pv) <= alpha / (n_tests - np.arange(n_tests))
        return int(n_tests if ok.all() else np.argmin(ok))
    raise ValueError(f"unknown method {method!r}; use 'none', 'bonferroni' or 'holm'")
    ### END SOLUTION


# %% [markdown]
# Now the three counts on `fishing_p`:

# %%
### BEGIN SOLUTION
fishing_counts = tuple(count_significant(fishing_p, method=m)
                       for m in ("none", "bonferroni", "holm"))
### END SOLUTION
print(f"false discoveries: {fishing_counts}")

# %%
example_p = [0.001, 0.011, 0.012, 0.04, 0.3]
for method, expected in (("none", 4), ("bonferroni", 1), ("holm", 3)):
    got = count_significant(example_p, method=method)
    checks.hint(isinstance(got, int), f"count_significant should return an int ({method})")
    checks.is_close(got, expected, f"worked example, method={method}")
checks.raises(count_significant, ValueError, example_p, method="sidak")
checks.raises(count_significant, ValueError, [0.2, 1.5])
checks.hint(isinstance(fishing_counts, tuple) and len(fishing_counts) == 3,
            "fishing_counts should be a tuple of three ints")
checks.hint(fishing_counts[0] >= fishing_counts[2] >= fishing_counts[1],
            "Holm never rejects fewer than Bonferroni, and neither more than no correction")

# %% [markdown]
# ## Q6 (1 point): targeting by outcome level
#
# The marketing lead proposes calling the 20% of customers with the highest
# `past_spend`, "because they bring the most revenue". In this world, compared
# with calling a random 20%, that policy would bring:
#
# * `"a"`: a much larger gain per call, because `past_spend` is the strongest
#   predictor of revenue;
# * `"b"`: about the same gain per call, because `past_spend` predicts revenue
#   but barely changes the effect of the call;
# * `"c"`: a loss, because the call harms high spenders;
# * `"d"`: nothing can be said without an observational study.
#
# Set `q6_answer` to one letter.

# %%
### BEGIN SOLUTION
q6_answer = "b"
### END SOLUTION

# %%
checks.is_choice(q6_answer, ["a", "b", "c", "d"], "q6_answer")
