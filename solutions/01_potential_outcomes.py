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
# # Exercise 01: Potential outcomes and the fundamental problem
#
# Companion to Lecture 01. You will measure selection bias in a world where
# you can see both potential outcomes, write your own difference-in-means
# estimator with a Neyman interval, and use it on a randomized version of the
# same population.
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
# | Q1 naive comparison | 2 | `naive_estimate` |
# | Q2 decomposition | 2 | `att`, `selection_bias` |
# | Q3 your estimator | 3 | `neyman_interval(y, t, alpha=0.05)` |
# | Q4 randomized world | 2 | `rct_interval`, `rct_covers` |
# | Q5 SUTVA | 1 | `q5_answer` |
# | Q6 direction of bias | 1 | `q6_answer` |

# %%
import numpy as np

from causalcourse import checks
from causalcourse.simulate import simulate_retention_email

sim = simulate_retention_email(n=4000, seed=101)
data = sim.data
data.head()

# %% [markdown]
# `data` holds the observed columns (`days_since_active`, `tenure_months`,
# `premium`, `email`, `spend`) *and* the truth columns only a simulation can
# have: `y0`, `y1` (spend without / with the email), `true_effect` and
# `propensity`. The email went mostly to recently active customers.
#
# ## Q1 (2 points): the naive comparison
#
# Compute the naive estimate: mean `spend` of emailed customers minus mean
# `spend` of customers who were not emailed. Store it as a float in
# `naive_estimate`. Use only observed columns.

# %%
### BEGIN SOLUTION
emailed = data["email"] == 1
naive_estimate = float(data.loc[emailed, "spend"].mean() - data.loc[~emailed, "spend"].mean())
### END SOLUTION
print(f"naive estimate: {naive_estimate:.2f} dollars")

# %%
checks.is_number(naive_estimate, "naive_estimate")
checks.hint(
    naive_estimate > sim.ate,
    "The emailed customers were the recently active ones; the naive difference should exceed "
    "the true ATE. Did you compute emailed minus not emailed?",
)

# %% [markdown]
# ## Q2 (2 points): naive = ATT + selection bias
#
# Using the truth columns, compute
#
# * `att`: the average true effect among emailed customers, and
# * `selection_bias`: $E[Y(0) \mid T=1] - E[Y(0) \mid T=0]$, the difference in
#   *untreated* spend between the two groups.
#
# Both are floats. Lecture 01 shows why `naive_estimate == att + selection_bias`.

# %%
### BEGIN SOLUTION
att = float(data.loc[emailed, "true_effect"].mean())
selection_bias = float(data.loc[emailed, "y0"].mean() - data.loc[~emailed, "y0"].mean())
### END SOLUTION
print(f"ATT {att:.2f}, selection bias {selection_bias:.2f}")

# %%
checks.is_number(att, "att")
checks.is_number(selection_bias, "selection_bias")
checks.hint(
    abs(naive_estimate - (att + selection_bias)) < 1e-6,
    "naive_estimate should equal att + selection_bias exactly (up to rounding). "
    "Check that both use the same two groups as Q1.",
)
checks.passed("the decomposition adds up")

# %% [markdown]
# ## Q3 (3 points): your own estimator
#
# Write `neyman_interval(y, t, alpha=0.05)` that takes an outcome array `y`
# and a 0/1 treatment array `t` (NumPy arrays or pandas Series) and returns a
# **tuple of four floats** `(estimate, std_error, ci_low, ci_high)`:
#
# * `estimate` is the difference in means, treated minus control;
# * `std_error` is the Neyman standard error
#   $\sqrt{s_1^2 / n_1 + s_0^2 / n_0}$ with sample variances ($n - 1$ in the denominator);
# * the interval is `estimate ± z * std_error` with `z` the $1 - \alpha/2$
#   quantile of the standard normal (`scipy.stats.norm.ppf`).
#
# If either arm has fewer than 2 units, raise a `ValueError` with a message
# saying which arm. The grader calls your function on data you have not seen.
#
# Worked example: for `y = [1, 3, 5, 7]` and `t = [0, 0, 1, 1]` the estimate is
# 4 and the standard error is $\sqrt{2/2 + 2/2} = \sqrt{2}$.

# %%
from scipy import stats


def neyman_interval(y, t, alpha=0.05):
    ### BEGIN SOLUTION
    y = np.asarray(y, dtype=float)
    t = np.asarray(t)
    treated, control = y[t == 1], y[t == 0]
    for label, arm in (("treated", treated), ("control", control)):
        if arm.size < 2:
            raise ValueError(f"the {label} arm has {arm.size} unit(s); need at least 2")
    estimate = treated.mean() - control.mean()
    std_error = np.sqrt(treated.var(ddof=1) / treated.size + control.var(ddof=1) / control.size)
    z = stats.norm.ppf(1 - alpha / 2)
    return float(estimate), float(std_error), float(estimate - z * std_error), float(
        estimate + z * std_error
    )
    ### END SOLUTION


# %%
toy = neyman_interval(np.array([1.0, 3.0, 5.0, 7.0]), np.array([0, 0, 1, 1]))
checks.hint(isinstance(toy, tuple) and len(toy) == 4, "return a tuple of four floats")
checks.is_close(toy[0], 4.0, "estimate on the worked example")
checks.is_close(toy[1], np.sqrt(2.0), "std_error on the worked example")
checks.is_close(toy[3] - toy[0], stats.norm.ppf(0.975) * np.sqrt(2.0), "interval half-width")
checks.raises(neyman_interval, ValueError, np.array([1.0, 2.0, 3.0]), np.array([1, 1, 1]))

# %% [markdown]
# ## Q4 (2 points): the same population, randomized
#
# `sim_rct` below is the *same* 4000 customers, but the email is now assigned
# by a coin flip. Use **your** `neyman_interval` on its observed `spend` and
# `email` to compute `rct_interval` (the 4-tuple), then set `rct_covers` to
# `True` or `False`: does the 95% interval contain the true ATE `sim_rct.ate`?

# %%
sim_rct = simulate_retention_email(n=4000, seed=101, randomized=True)

### BEGIN SOLUTION
rct_interval = neyman_interval(sim_rct.data["spend"], sim_rct.data["email"])
rct_covers = bool(rct_interval[2] <= sim_rct.ate <= rct_interval[3])
### END SOLUTION
print(f"randomized estimate {rct_interval[0]:.2f}, 95% CI "
      f"({rct_interval[2]:.2f}, {rct_interval[3]:.2f}); covers the ATE: {rct_covers}")

# %%
checks.hint(isinstance(rct_interval, tuple) and len(rct_interval) == 4,
            "rct_interval should be the 4-tuple returned by neyman_interval")
checks.hint(isinstance(rct_covers, bool), "rct_covers should be True or False (a bool)")
checks.hint(abs(rct_interval[0] - sim_rct.ate) < abs(naive_estimate - sim.ate),
            "under randomization the estimate should be much closer to the truth than Q1's")
checks.passed("Q4 has the right form")

# %% [markdown]
# ## Q5 (1 point): SUTVA
#
# Emailed customers forward their discount code to friends, some of whom
# were *not* emailed. Which assumption does this threaten? Set `q5_answer` to
# one letter:
#
# * `"a"`: positivity (every customer has a chance of each treatment)
# * `"b"`: no interference between units (part of SUTVA)
# * `"c"`: conditional ignorability (no unmeasured confounding)
# * `"d"`: the normal approximation behind the interval

# %%
### BEGIN SOLUTION
q5_answer = "b"
### END SOLUTION

# %%
checks.is_choice(q5_answer, ["a", "b", "c", "d"], "q5_answer")

# %% [markdown]
# ## Q6 (1 point): the direction of the bias
#
# Suppose the marketing team had instead emailed mostly the customers who
# have been *away the longest*. Compared with the true ATT, the naive
# difference in means would then be:
#
# * `"a"`: too high (selection bias positive)
# * `"b"`: about right (selection bias near zero)
# * `"c"`: too low (selection bias negative)
#
# Set `q6_answer` to one letter. Hint: who spends more when *not* emailed?

# %%
### BEGIN SOLUTION
q6_answer = "c"
### END SOLUTION

# %%
checks.is_choice(q6_answer, ["a", "b", "c"], "q6_answer")
