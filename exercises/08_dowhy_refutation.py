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
# # Exercise 08: The DoWhy workflow and reading refuters
#
# Companion to Lecture 08. You will estimate an effect with DoWhy in two ways,
# write your own placebo refuter, use a placebo that shares the treatment's
# selection to expose a confounded analysis, and read refuter results.
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
# | Q1 two estimators | 2 | `lr_estimate`, `ipw_estimate` |
# | Q2 your placebo refuter | 3 | `placebo_effect(data, treatment, outcome, covariates, seed)` |
# | Q3 a broken analysis | 2 | `broken_estimate`, `nc_estimate`, `nc_share` |
# | Q4 reading a placebo | 1 | `q4_answer` |
# | Q5 what refuters establish | 1 | `q5_answer` |

# %%

import numpy as np
import pandas as pd
from dowhy import CausalModel  # noqa: F401 (you use it in Q1)

from causalcourse import checks
from causalcourse.simulate.confounded import simulate_confounded

sim = simulate_confounded(2000, seed=808)
data = sim.observed
covariates = list(sim.covariates)
data.head()

# %% [markdown]
# `data` holds the merchants of Lecture 08's marketplace: recorded covariates
# `tenure_years`, `prior_growth` and `products`, the treatment `workshop` and the
# outcome `growth` (next year's sales growth as a fraction). In this world the
# three covariates are the only confounders.
#
# ## Q1 (2 points): two estimators, one estimand
#
# Build a DoWhy `CausalModel` for the effect of `workshop` on `growth` with
# `common_causes=covariates`, identify the effect, and estimate it twice:
#
# * `lr_estimate`: with `method_name="backdoor.linear_regression"`;
# * `ipw_estimate`: with `method_name="backdoor.propensity_score_weighting"` and
#   DoWhy's default settings.
#
# Store both as plain floats (`float(estimate.value)`). Give DoWhy `data.copy()`:
# its weighting estimator writes helper columns into the DataFrame it holds
# (Lecture 08, section 6).

# %%
# YOUR CODE HERE
raise NotImplementedError()
print(f"linear regression: {lr_estimate:.4f}; propensity weighting: {ipw_estimate:.4f}")

# %%
checks.is_number(lr_estimate, "lr_estimate")
checks.is_number(ipw_estimate, "ipw_estimate")
checks.hint(
    abs(lr_estimate - ipw_estimate) < 0.01,
    "Both estimators target the same ATE under the same adjustment set and should agree "
    "within about 0.01 here. Did you use common_causes=covariates for both?",
)
checks.passed("the two estimates agree with each other")

# %% [markdown]
# ## Q2 (3 points): your own placebo refuter
#
# Write `placebo_effect(data, treatment, outcome, covariates, seed)` that
#
# 1. shuffles the treatment column with
#    `np.random.default_rng(seed).permutation(data[treatment].to_numpy())`
#    (exactly this recipe, so results can be compared);
# 2. fits by least squares `outcome ~ 1 + shuffled treatment + covariates`
#    (`covariates` is a list of column names, possibly empty);
# 3. returns the coefficient on the shuffled treatment as a **float**.
#
# It must not modify `data`, and it must raise a `ValueError` naming the problem
# if any of the named columns is missing. The grader calls your function on data
# you have not seen, with other column names.
#
# Worked example: for `t = [0, 0, 0, 1, 1, 1]`, `y = [1, 2, 3, 4, 5, 6]`, no
# covariates and `seed=0`, the shuffled treatment is `[1, 0, 1, 1, 0, 0]`, so the
# placebo effect is mean(1, 3, 4) - mean(2, 5, 6) = -5/3. And if a covariate `x`
# explains `y` exactly (`y = 2 + 3x`), the placebo effect is 0 for every seed.

# %%
def placebo_effect(data, treatment, outcome, covariates, seed):
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
toy = pd.DataFrame({"t": [0, 0, 0, 1, 1, 1], "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
checks.is_close(placebo_effect(toy, "t", "y", [], seed=0), -5 / 3, "placebo_effect on the toy data")
exact = pd.DataFrame({"t": [0, 1] * 10, "x": np.arange(20.0)})
exact["y"] = 2 + 3 * exact["x"]
checks.is_close(placebo_effect(exact, "t", "y", ["x"], seed=5), 0.0,
                "placebo_effect when x explains y exactly")
before = data.copy()
first = placebo_effect(data, "workshop", "growth", covariates, seed=1)
checks.is_number(first, "placebo_effect(...)")
checks.hint(first == placebo_effect(data, "workshop", "growth", covariates, seed=1),
            "the same seed must give the same placebo effect")
checks.hint(data.equals(before), "placebo_effect must not modify data")
checks.raises(placebo_effect, ValueError, toy, "t", "y", ["not_a_column"], 0)

# %% [markdown]
# ## Q3 (2 points): a broken analysis and a placebo that shares the selection
#
# `bad_data` below describes the same merchants in a world where an unrecorded
# trait (the owner's ambition) drives both attendance and growth. The data also
# record `later_signup`: whether the merchant signed up for a *later* cohort of
# the workshop, held after growth was measured. The same kind of merchant signs up
# for the same reasons, but a later sign-up cannot have caused growth that was
# already measured: it is a *negative-control exposure*.
#
# Using regression adjustment for `covariates` (DoWhy's
# `backdoor.linear_regression` or least squares, they agree), compute
#
# * `broken_estimate`: the estimated effect of `workshop` on `growth`;
# * `nc_estimate`: the same analysis with `later_signup` **in place of**
#   `workshop` (do not include `workshop` as a covariate);
# * `nc_share`: `nc_estimate / broken_estimate`.
#
# All three are floats.

# %%
bad = simulate_confounded(2000, u_strength=1.0, seed=808)
bad_data = bad.observed
bad_data["later_signup"] = np.random.default_rng(809).binomial(1, bad.data["propensity"])

# YOUR CODE HERE
raise NotImplementedError()
print(f"estimate {broken_estimate:.4f}; negative-control placebo {nc_estimate:.4f}; "
      f"share {nc_share:.2f}")

# %%
for name, value in (("broken_estimate", broken_estimate), ("nc_estimate", nc_estimate),
                    ("nc_share", nc_share)):
    checks.is_number(value, name)
checks.hint(abs(nc_share - nc_estimate / broken_estimate) < 1e-9,
            "nc_share should be nc_estimate / broken_estimate")
checks.passed("Q3 has the right form")

# %% [markdown]
# ## Q4 (1 point): reading a near-failing placebo
#
# An analyst's estimate is 0.18. The same pipeline run with a negative-control
# exposure (a placebo that shares the treatment's selection but cannot affect the
# outcome) gives 0.16 with a standard error of 0.007. Which reading is right? Set
# `q4_answer` to one letter:
#
# * `"a"`: the placebo confirms the estimate: two analyses found similar effects.
# * `"b"`: the placebo should be zero; it reproduces most of the estimate, so
#   whatever produced it (such as selection on something unrecorded) could produce
#   most of the estimate too: the estimate is suspect.
# * `"c"`: the placebo effect is below the estimate, so the placebo test passes.
# * `"d"`: only the placebo's p-value matters; its size relative to the estimate
#   is irrelevant.

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q4_answer, ["a", "b", "c", "d"], "q4_answer")

# %% [markdown]
# ## Q5 (1 point): what passing refuters establishes
#
# An estimate passes DoWhy's permutation placebo, random-common-cause,
# data-subset and bootstrap refuters. What does that establish? Set `q5_answer`
# to one letter:
#
# * `"a"`: that there is no unobserved confounding.
# * `"b"`: that the causal graph is correct.
# * `"c"`: that the estimator behaves sensibly on these data under the assumed
#   graph (no effect from a shuffled treatment, stable to noise covariates and
#   resampling); it says nothing about confounders missing from the data.
# * `"d"`: that a sensitivity analysis is no longer needed.

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q5_answer, ["a", "b", "c", "d"], "q5_answer")
