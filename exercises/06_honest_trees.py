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
# # Exercise 06: Honest trees for subgroup discovery
#
# Companion to Lecture 06. You will build the transformed outcome yourself,
# write the per-leaf effect estimator that an honest tree needs, compare
# same-sample and held-out estimates of the subgroup a tree says benefits most,
# and measure interval coverage in a small simulation study.
#
# **How this works.** Fill in every cell marked `# YOUR CODE HERE` (remove the
# `raise NotImplementedError()` line). Run the check cell after each answer:
# it prints `[ok] ...` or raises an error with a hint. The public checks test
# the form of your answers and worked examples; the instructor's grader
# re-runs your notebook from top to bottom and checks the values, so keep the
# variable names exactly as given and make sure *Restart and Run All* works.
#
# | question | points | you define |
# |---|---|---|
# | Q1 transformed outcome | 2 | `y_star`, `ate_ipw` |
# | Q2 your leaf estimator | 3 | `leaf_effects(leaves, y, t, alpha=0.05)` |
# | Q3 the winner's curse | 2 | `top_leaf`, `top_adaptive`, `top_honest`, `top_truth` |
# | Q4 coverage study | 2 | `coverage_adaptive`, `coverage_honest`, `honest_ok` |
# | Q5 why adaptive intervals fail | 1 | `q5_answer` |
# | Q6 what may be subtracted | 1 | `q6_answer` |

# %%
import numpy as np
import pandas as pd

from causalcourse import checks
from causalcourse.heterogeneity import interval_coverage, transformed_outcome
from causalcourse.simulate.outreach import simulate_outreach
from causalcourse.trees import (
    adaptive_vs_honest_coverage,
    fit_effect_tree,
    honest_split,
    leaf_rules,
    leaf_truth,
    residualize_outcome,
)

sim = simulate_outreach(3000, seed=626)
data = sim.data.copy()
COVARIATES = list(sim.covariates)
reference = simulate_outreach(50_000, seed=61616).data
data[[*COVARIATES, "outreach", "revenue", "propensity"]].head().round(2)

# %% [markdown]
# `data` is lecture 06's randomized outreach experiment (a fresh sample):
# covariates, the treatment `outreach` (assigned with probability
# `propensity` = 0.5), the outcome `revenue`, and truth columns (`y0`, `y1`,
# `true_effect`, `true_cate`) that only a simulation has. `reference` is a
# large population from the same world, used only to compute true subgroup
# effects.
#
# ## Q1 (2 points): the transformed outcome
#
# Compute the transformed outcome of `revenue`,
#
# $$Y^* = Y\,\frac{T - e}{e\,(1 - e)},$$
#
# with $T$ = `outreach` and $e$ = `propensity`, **from the formula** (one line
# of NumPy), as a NumPy array `y_star` with one value per row of `data`. Then
# set `ate_ipw` to its mean, a float: the inverse-probability-weighted
# (Horvitz-Thompson) estimate of the ATE.

# %%
# YOUR CODE HERE
raise NotImplementedError()
ipw_se = float(np.std(y_star, ddof=1) / np.sqrt(len(y_star)))
print(f"IPW estimate of the ATE: {ate_ipw:.2f} (standard error {ipw_se:.2f}); "
      f"true ATE of this sample: {sim.ate:.2f}")

# %%
checks.hint(isinstance(y_star, np.ndarray) and y_star.shape == (len(data),),
            "y_star should be a NumPy array with one value per row of data")
checks.is_number(ate_ipw, "ate_ipw")
checks.hint(abs(ate_ipw - float(np.mean(y_star))) < 1e-9, "ate_ipw should be the mean of y_star")
sign_expected = np.sign(data["revenue"].to_numpy()) * (2 * data["outreach"].to_numpy() - 1)
checks.hint(np.array_equal(np.sign(y_star), sign_expected),
            "Y* should have the sign of revenue for called customers and the opposite sign "
            "for the others (T - e is positive only when T = 1)")
checks.is_close(float(transformed_outcome([2.0], [1], 0.5)[0]), 4.0,
                "the package's transformed_outcome on a one-unit example")

# %% [markdown]
# Look at the standard error printed with your estimate: $Y^*$ is unbiased but
# so noisy that the IPW estimate can land several dollars from the truth. That
# is why the lecture subtracts a prediction of revenue before growing a tree.

# %% [markdown]
# ## Q2 (3 points): your leaf estimator
#
# Write `leaf_effects(leaves, y, t, alpha=0.05)`. The inputs are arrays (or
# pandas Series) of equal length: a leaf label per unit (integers), outcomes,
# and 0/1 treatments. Return a `pandas.DataFrame` with **one row per leaf,
# indexed by the leaf labels in increasing order**, and columns
#
# * `estimate`: difference in means (treated minus control) within the leaf;
# * `std_error`: the Neyman standard error $\sqrt{s_1^2/n_1 + s_0^2/n_0}$
#   (sample variances with $n - 1$ in the denominator);
# * `ci_low`, `ci_high`: `estimate` $\mp z \cdot$ `std_error`, with $z$ the
#   $1 - \alpha/2$ quantile of the standard normal (`scipy.stats.norm.ppf`).
#
# If any leaf has fewer than 2 treated or fewer than 2 control units, raise a
# `ValueError` whose message names the leaf. The grader calls your function on
# data you have not seen.
#
# Worked example: `leaves = [1, 1, 1, 1, 2, 2, 2, 2]`,
# `y = [1, 3, 5, 7, 0, 0, 4, 6]`, `t = [0, 0, 1, 1, 0, 0, 1, 1]`. Leaf 1 has
# estimate 4 and standard error $\sqrt{2/2 + 2/2} = \sqrt{2}$; leaf 2 has
# estimate 5 and standard error $\sqrt{2/2 + 0/2} = 1$.

# %%
from scipy import stats


def leaf_effects(leaves, y, t, alpha=0.05):
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
toy = leaf_effects(np.array([1, 1, 1, 1, 2, 2, 2, 2]),
                   np.array([1.0, 3, 5, 7, 0, 0, 4, 6]), np.array([0, 0, 1, 1, 0, 0, 1, 1]))
checks.hint(isinstance(toy, pd.DataFrame), "leaf_effects should return a pandas DataFrame")
checks.hint({"estimate", "std_error", "ci_low", "ci_high"} <= set(toy.columns),
            "the columns should be estimate, std_error, ci_low, ci_high")
checks.hint(list(toy.index) == [1, 2], "one row per leaf, indexed by the leaf labels [1, 2]")
checks.is_close(float(toy.loc[1, "estimate"]), 4.0, "leaf 1 estimate")
checks.is_close(float(toy.loc[1, "std_error"]), np.sqrt(2.0), "leaf 1 standard error")
checks.is_close(float(toy.loc[2, "std_error"]), 1.0, "leaf 2 standard error")
checks.is_close(float(toy.loc[2, "ci_high"] - toy.loc[2, "estimate"]), stats.norm.ppf(0.975),
                "leaf 2 interval half-width")
checks.raises(leaf_effects, ValueError, np.array([1, 1, 1, 1, 1]),
              np.array([1.0, 2, 3, 4, 5]), np.array([1, 0, 0, 0, 0]))

# %% [markdown]
# ## Q3 (2 points): the winner's curse in one sample
#
# The cell below runs lecture 06's recipe on `data`: an honest split, revenue
# adjusted for a cross-fitted prediction within each half, the transformed
# outcome on the discovery half, a depth-2 tree, and the true leaf means from
# `reference`. Run it as it is.

# %%
discovery, estimation = honest_split(data, 0.5, seed=626)
discovery, estimation = discovery.copy(), estimation.copy()
for part in (discovery, estimation):
    features = part[COVARIATES].assign(past_spend=np.log(part["past_spend"]))
    part["revenue_adj"] = residualize_outcome(features, part["revenue"], random_state=0)
tree = fit_effect_tree(
    discovery[COVARIATES],
    transformed_outcome(discovery["revenue_adj"], discovery["outreach"], discovery["propensity"]),
    max_depth=2, min_samples_leaf=150, random_state=0)
leaves_discovery = tree.apply(discovery[COVARIATES])
leaves_estimation = tree.apply(estimation[COVARIATES])
truth = leaf_truth(tree, reference[COVARIATES], reference["true_cate"])
for leaf, rule in leaf_rules(tree).items():
    print(f"leaf {leaf}: {rule:<32} true effect {truth[leaf]:6.2f}")

# %% [markdown]
# Using **your** `leaf_effects` on the adjusted revenue `revenue_adj`:
#
# 1. estimate every leaf's effect on the discovery half (the adaptive
#    estimates) and on the estimation half (the honest ones);
# 2. set `top_leaf` (an `int`) to the leaf with the **largest adaptive**
#    estimate: the subgroup a report would headline;
# 3. set `top_adaptive` and `top_honest` to that leaf's adaptive and honest
#    estimates, and `top_truth` to its true effect from `truth` (all floats).

# %%
# YOUR CODE HERE
raise NotImplementedError()
print(f"leaf {top_leaf}: adaptive {top_adaptive:.2f}, honest {top_honest:.2f}, "
      f"truth {top_truth:.2f}")

# %%
checks.hint(isinstance(top_leaf, int) and not isinstance(top_leaf, bool),
            "top_leaf should be a Python int (wrap it with int(...))")
checks.hint(top_leaf in set(truth.index), "top_leaf should be one of the tree's leaf ids")
for name, value in (("top_adaptive", top_adaptive), ("top_honest", top_honest),
                    ("top_truth", top_truth)):
    checks.is_number(value, name)
checks.hint(abs(top_truth - float(truth[top_leaf])) < 1e-9,
            "top_truth should be truth[top_leaf]")

# %% [markdown]
# ## Q4 (2 points): a small coverage study
#
# The next cell repeats the recipe on 100 fresh experiments of 800 customers
# (seeds 61000 to 61099) with the package's `adaptive_vs_honest_coverage` and
# stacks the leaf intervals in `study` (columns `sample` = "adaptive" or
# "honest", `ci_low`, `ci_high`, `truth`, ...). It takes a few seconds.

# %%
study = pd.concat(
    [adaptive_vs_honest_coverage(simulate_outreach(800, seed=61_000 + r).data, COVARIATES,
                                 "revenue", "outreach", reference=reference, seed=r)
     for r in range(100)],
    ignore_index=True)
study.groupby("sample").size()

# %% [markdown]
# Compute, as floats, `coverage_adaptive` and `coverage_honest`: the share of
# adaptive and of honest intervals that contain their `truth` (use
# `interval_coverage`). Then set `honest_ok` (a bool) to whether the honest
# coverage is within two Monte Carlo standard errors of 0.95, where the Monte
# Carlo standard error is $\sqrt{0.95 \times 0.05 / N}$ with $N$ the number of
# honest intervals.
#
# Worked example of `interval_coverage(ci_low, ci_high, truth)`: the intervals
# [0, 1] and [0, 1] with truths 0.5 and 2.0 give coverage 0.5 (one of two).

# %%
# YOUR CODE HERE
raise NotImplementedError()
print(f"coverage: adaptive {coverage_adaptive:.3f}, honest {coverage_honest:.3f}; "
      f"honest within MC error of 95%: {honest_ok}")

# %%
checks.is_close(interval_coverage([0.0, 0.0], [1.0, 1.0], [0.5, 2.0]), 0.5,
                "interval_coverage on the worked example")
checks.is_number(coverage_adaptive, "coverage_adaptive")
checks.is_number(coverage_honest, "coverage_honest")
checks.hint(0 <= coverage_adaptive <= 1 and 0 <= coverage_honest <= 1,
            "coverages are shares between 0 and 1")
checks.hint(isinstance(honest_ok, bool), "honest_ok should be True or False (a bool)")
checks.hint(coverage_adaptive < coverage_honest,
            "the honest intervals should cover more often than the adaptive ones; "
            "did you swap the two samples?")

# %% [markdown]
# ## Q5 (1 point): why do same-sample leaf intervals undercover?
#
# The adaptive and the honest intervals use the same formula, the same tree
# and the same number of customers. Why do the adaptive ones contain the true
# leaf effect much less often than 95% of the time? Set `q5_answer` to one
# letter:
#
# * `"a"`: the Neyman standard error is biased downwards in small leaves, and
#   only the adaptive leaves are small.
# * `"b"`: the tree put its splits where this sample's noise made the effects
#   look most different, so the same noise is built into the leaf estimates:
#   they are pushed away from the true leaf effects and the intervals are
#   centred in the wrong place.
# * `"c"`: the transformed outcome is a biased estimate of the CATE, and the
#   bias only affects the discovery half.
# * `"d"`: within leaves chosen by a tree, treatment is no longer randomized.

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q5_answer, ["a", "b", "c", "d"], "q5_answer")

# %% [markdown]
# ## Q6 (1 point): what may be subtracted before transforming?
#
# In the lecture we subtracted a prediction of revenue from revenue before
# building $Y^*$, and $E[Y^* \mid X]$ stayed equal to the CATE. Which of these
# could you subtract **without** changing $E[Y^* \mid X]$ in this randomized
# experiment? Set `q6_answer` to one letter:
#
# * `"a"`: a cross-fitted prediction of revenue from the covariates only.
# * `"b"`: a prediction of revenue from the covariates *and* the treatment
#   indicator.
# * `"c"`: the mean revenue of the customer's own arm (treated mean for
#   treated customers, control mean for control customers).

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q6_answer, ["a", "b", "c"], "q6_answer")
