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
# # Exercise 04: Propensity scores, balance and weighting
#
# Companion to Lecture 04. You will write two of the lecture's tools yourself,
# a standardized mean difference and the Hajek IPW estimator, use them on a
# new sales-training company, and face a positivity problem.
#
# **How this works.** Fill in every cell marked `# YOUR CODE HERE` (remove the
# `raise NotImplementedError()` line). Run the check cell after each answer:
# it prints `[ok] ...` or raises an error with a hint. The public checks test
# the form of your answers and worked examples; the instructor's grader
# re-runs your notebook from top to bottom and checks the values, so keep the
# variable names exactly as given and make sure *Restart and Run All* works.
# Write `smd` and `hajek_ipw` yourself with NumPy: do not call
# `causalcourse.balance` or `causalcourse.weighting` for them.
#
# | question | points | you define |
# |---|---|---|
# | Q1 standardized mean difference | 3 | `smd(x, t, weights=None)` |
# | Q2 Hajek IPW | 3 | `hajek_ipw(y, t, e)` |
# | Q3 weighting the new company | 2 | `ipw_ate`, `max_smd_after` |
# | Q4 poor overlap and trimming | 2 | `n_kept`, `trimmed_ate` |
# | Q5 positivity | 1 | `q5_answer` |
# | Q6 what balance shows | 1 | `q6_answer` |

# %%
import numpy as np

from causalcourse import checks
from causalcourse.simulate.observational import COVARIATES, simulate_sales_training
from causalcourse.weighting import fit_propensity

sim = simulate_sales_training(3000, seed=404)
data = sim.data
data[list(COVARIATES) + ["course", "sales"]].head()

# %% [markdown]
# `data` holds the covariates `experience`, `age`, `past_sales`,
# `motivation`, `remote`, the treatment `course` (took the training) and the
# outcome `sales` (next quarter, $1000), plus truth columns (`y0`, `y1`,
# `true_effect`, `propensity`) that you must **not** use in Q1-Q4.
#
# ## Q1 (3 points): a standardized mean difference
#
# Write `smd(x, t, weights=None)` for one covariate `x` and a 0/1 treatment
# `t` (NumPy arrays or pandas Series), returning a **float**:
#
# $$
# \text{SMD} = \frac{\bar x_1^{w} - \bar x_0^{w}}{\sqrt{(s_1^2 + s_0^2)/2}}
# $$
#
# * $\bar x_1^{w}$, $\bar x_0^{w}$: the **weighted** means of `x` among treated
#   and control units (`np.average(..., weights=...)`); with `weights=None`
#   every unit has weight 1;
# * $s_1^2$, $s_0^2$: the **unweighted** sample variances of `x` in each arm
#   (`ddof=1`), whatever the weights.
#
# If either arm has fewer than 2 units, raise a `ValueError`.
#
# Worked example: `x = [1, 2, 3, 4, 5, 6]`, `t = [0, 0, 0, 1, 1, 1]`: the means
# are 2 and 5, both variances are 1, so the SMD is 3. With weights
# `[1, 1, 1, 0, 0, 3]` the treated weighted mean is 6 and the SMD is 4.

# %%
def smd(x, t, weights=None):
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
x_toy, t_toy = np.array([1.0, 2, 3, 4, 5, 6]), np.array([0, 0, 0, 1, 1, 1])
checks.is_number(smd(x_toy, t_toy), "smd(...)")
checks.is_close(smd(x_toy, t_toy), 3.0, "SMD on the worked example")
checks.is_close(smd(x_toy, t_toy, weights=[1, 1, 1, 0, 0, 3]), 4.0,
                "weighted SMD on the worked example")
checks.is_close(smd(-x_toy, t_toy), -3.0, "SMD changes sign with the covariate")
checks.raises(smd, ValueError, np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1]))

# %% [markdown]
# ## Q2 (3 points): the Hajek IPW estimator
#
# Write `hajek_ipw(y, t, e)` returning the Hajek (normalized) IPW estimate of
# the ATE as a **float**:
#
# $$
# \hat\tau = \frac{\sum_i T_i Y_i / e_i}{\sum_i T_i / e_i}
# - \frac{\sum_i (1-T_i) Y_i / (1-e_i)}{\sum_i (1-T_i) / (1-e_i)}.
# $$
#
# If any propensity `e` is not strictly between 0 and 1, raise a `ValueError`
# whose message contains the word **positivity**.
#
# Worked examples: `y = [3, 1, 4, 2]`, `t = [1, 0, 1, 0]`, `e = [0.5] * 4`
# gives 2.0; with `e = [0.5, 0.5, 0.5, 0.25]` the control weights become 2
# and 4/3, the weighted control mean is 1.4, and the estimate is 2.1.

# %%
def hajek_ipw(y, t, e):
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
y_toy, t_toy = np.array([3.0, 1.0, 4.0, 2.0]), np.array([1, 0, 1, 0])
checks.is_number(hajek_ipw(y_toy, t_toy, np.full(4, 0.5)), "hajek_ipw(...)")
checks.is_close(hajek_ipw(y_toy, t_toy, np.full(4, 0.5)), 2.0, "Hajek on the first example")
checks.is_close(hajek_ipw(y_toy, t_toy, np.array([0.5, 0.5, 0.5, 0.25])), 2.1,
                "Hajek on the second example")
checks.is_close(hajek_ipw(y_toy + 10, t_toy, np.array([0.5, 0.5, 0.5, 0.25])), 2.1,
                "Hajek after shifting every outcome by 10")
checks.raises(hajek_ipw, ValueError, y_toy, t_toy, np.array([0.5, 1.0, 0.5, 0.5]))

# %% [markdown]
# ## Q3 (2 points): weighting the new company
#
# The cell below estimates the propensity for you with the course package
# (`fit_propensity`, a logistic regression on the five covariates). Compute
#
# 1. `ipw_ate`: your `hajek_ipw` on `sales`, `course` and `e_hat`;
# 2. `max_smd_after`: the largest **absolute** SMD over the five covariates
#    after weighting, using your `smd` with the ATE weights
#    $w_i = T_i / \hat e_i + (1 - T_i) / (1 - \hat e_i)$.
#
# Both are floats.

# %%
t_obs = data["course"].to_numpy()
e_hat = fit_propensity(data[list(COVARIATES)], t_obs)

# YOUR CODE HERE
raise NotImplementedError()
print(f"IPW estimate of the ATE: {ipw_ate:.2f}; largest |SMD| after weighting: "
      f"{max_smd_after:.3f}")

# %%
checks.is_number(ipw_ate, "ipw_ate")
checks.is_number(max_smd_after, "max_smd_after")
before = max(abs(smd(data[c], data["course"])) for c in COVARIATES)
checks.hint(max_smd_after >= 0, "max_smd_after is a largest *absolute* value")
checks.hint(max_smd_after < before,
            "weighting should reduce the worst imbalance; did you pass the ATE weights?")
checks.passed("Q3 has the right form")

# %% [markdown]
# ## Q4 (2 points): poor overlap and trimming
#
# `strong` below is the same 3,000 reps when self-selection is much stronger.
# Fit its propensity in the same way (`fit_propensity` on its five covariates).
#
# * `n_kept`: the number of reps whose estimated score lies in $[0.1, 0.9]$
#   (inclusive), as an `int`;
# * `trimmed_ate`: your `hajek_ipw` applied to those reps only (their `sales`,
#   `course` and estimated scores), as a float.

# %%
strong = simulate_sales_training(3000, selection=3.0, seed=404).data

# YOUR CODE HERE
raise NotImplementedError()
print(f"kept {n_kept} of {len(strong)} reps; trimmed IPW estimate {trimmed_ate:.2f}")

# %%
checks.hint(isinstance(n_kept, int) and not isinstance(n_kept, bool),
            "n_kept should be an int (use int(...))")
checks.hint(0 < n_kept < len(strong), "some reps, but not all, should be kept")
checks.is_number(trimmed_ate, "trimmed_ate")

# %% [markdown]
# ## Q5 (1 point): positivity
#
# A colleague fits a flexible propensity model to a new observational data set
# and proudly reports an AUC of 0.99; many scores are below 0.001 or above
# 0.999. What is the best reading? Set `q5_answer` to one letter:
#
# * `"a"`: excellent news: an accurate propensity model makes the IPW estimate precise.
# * `"b"`: a warning: treated and untreated units barely overlap, so the weights
#   explode and the ATE over everyone is barely identified; look at the overlap
#   plot and consider trimming (a narrower estimand) or another estimand.
# * `"c"`: the model overfits, and switching to Horvitz-Thompson weights fixes it.
# * `"d"`: nothing to worry about if the covariates are balanced before weighting.

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q5_answer, ["a", "b", "c", "d"], "q5_answer")

# %% [markdown]
# ## Q6 (1 point): what balance shows
#
# After IP weighting, every measured covariate has $|\text{SMD}| < 0.1$.
# Which statement is justified? Set `q6_answer` to one letter:
#
# * `"a"`: there is no unmeasured confounding, so the weighted estimate is unbiased.
# * `"b"`: the outcome model is correctly specified.
# * `"c"`: the weights balance the *means* of the measured covariates; unmeasured
#   confounders, and other features of the measured ones (spread, interactions),
#   may still differ between the arms.
# * `"d"`: the propensity model must be the true one.

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q6_answer, ["a", "b", "c", "d"], "q6_answer")
