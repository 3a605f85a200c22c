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
# # Exercise 03: Randomized experiments
#
# Companion to Lecture 03. The online shop's loyalty-programme experiment
# again: you will test a small pilot by permutation, write your own CUPED
# estimator and measure what it gains, plan the sample size of a follow-up, and
# untangle an invitation experiment with noncompliance.
#
# **How this works.** Fill in every cell marked `# YOUR CODE HERE` (remove the
# `raise NotImplementedError()` line). Run the check cell after each answer:
# it prints `[ok] ...` or raises an error with a hint. The public checks test
# the form of your answers and worked examples; the instructor's grader
# re-runs your notebook from top to bottom and checks the values, so keep the
# variable names exactly as given and make sure *Restart and Run All* works.
# Write the computations yourself with NumPy/pandas/scipy; the point is to
# see each step (the lecture's `causalcourse.experiments` functions are for
# checking your work afterwards).
#
# | question | points | you define |
# |---|---|---|
# | Q1 permutation test of a pilot | 2 | `pilot_estimate`, `pilot_p_value` |
# | Q2 your CUPED estimator | 3 | `cuped_estimate(y, t, x_pre, alpha=0.05)` |
# | Q3 the variance gain | 2 | `se_ratio`, `predicted_ratio` |
# | Q4 sample size | 2 | `n_per_arm`, `n_per_arm_cuped` |
# | Q5 noncompliance | 2 | `itt`, `first_stage`, `late` |
# | Q6 which estimand? | 1 | `q6_answer` |

# %%
import math

import numpy as np
from scipy import stats

from causalcourse import checks
from causalcourse.simulate.experiment import simulate_experiment

sim = simulate_experiment(n=3000, seed=309)
data = sim.observed
data.head().round(2)

# %% [markdown]
# `data` has one row per customer: pre-period spend `pre_spend` (dollars in the
# 30 days before the test), `tenure_months`, `visits_pre`, the randomly
# assigned `enrolled` (1 = in the loyalty programme) and the outcome `spend`
# (dollars during the 30-day test).
#
# ## Q1 (2 points): a permutation test of the pilot
#
# Before the main test the shop ran a pilot with 30 customers (`pilot` below).
#
# * `pilot_estimate`: the difference in mean `spend`, enrolled minus not
#   enrolled (a float).
# * `pilot_p_value`: the two-sided p-value of a **permutation test** of the
#   sharp null of no effect for anyone, which you write yourself: draw at
#   least 5,000 random re-assignments of `enrolled` (shuffle the column, which
#   keeps the number enrolled fixed) from a generator seeded with
#   `np.random.default_rng(1)`, compute the difference in means for each, and
#   return
#   $(1 + \#\{|\text{re-drawn}| \ge |\text{observed}|\}) / (1 + B)$ with $B$
#   the number of re-draws.
#
# The grader allows for the Monte Carlo noise of your draws.

# %%
pilot = simulate_experiment(n=30, seed=320).observed

### BEGIN SOLUTION
pilot_y = pilot["spend"].to_numpy()
pilot_t = pilot["enrolled"].to_numpy()


def diff_in_means(y, t):
    return y[t == 1].mean() - y[t == 0].mean()


pilot_estimate = float(diff_in_means(pilot_y, pilot_t))
rng = np.random.default_rng(seed=1)
n_draws = 20_000
redrawn = np.array([diff_in_means(pilot_y, rng.permutation(pilot_t)) for _ in range(n_draws)])
pilot_p_value = float((1 + np.sum(np.abs(redrawn) >= abs(pilot_estimate))) / (1 + n_draws))
### END SOLUTION
print(f"pilot difference {pilot_estimate:.2f} dollars, permutation p-value {pilot_p_value:.4f}")

# %%
checks.is_number(pilot_estimate, "pilot_estimate")
checks.is_number(pilot_p_value, "pilot_p_value")
checks.hint(0 < pilot_p_value <= 1, "a p-value lies in (0, 1]; with the +1 rule it is never 0")
welch = stats.ttest_ind(pilot.loc[pilot["enrolled"] == 1, "spend"],
                        pilot.loc[pilot["enrolled"] == 0, "spend"], equal_var=False)
checks.hint(abs(pilot_p_value - welch.pvalue) > 1e-9,
            "this is Welch's t-test p-value; Q1 asks for a permutation test")
checks.passed("Q1 has the right form")

# %% [markdown]
# Compare your p-value with Welch's t-test (`welch.pvalue` above): for 30
# customers with skewed spending the two can differ noticeably.
#
# ## Q2 (3 points): your CUPED estimator
#
# Write `cuped_estimate(y, t, x_pre, alpha=0.05)` for an outcome `y`, a 0/1
# treatment `t` and a pre-period covariate `x_pre` (NumPy arrays or pandas
# Series of equal length). It returns a **tuple of four floats**
# `(estimate, std_error, ci_low, ci_high)`:
#
# 1. $\theta = \operatorname{cov}(y, x) / \operatorname{var}(x)$ over **all**
#    units pooled, using the same divisor in both, e.g.
#    `np.cov(y, x_pre)[0, 1] / np.var(x_pre, ddof=1)`;
# 2. the adjusted outcome $\tilde y = y - \theta\,(x - \bar x)$;
# 3. the difference in means of $\tilde y$ (treated minus control) with the
#    Neyman standard error $\sqrt{s_1^2/n_1 + s_0^2/n_0}$ (sample variances,
#    `ddof=1`), and the interval `estimate ± z * std_error` with `z` the
#    $1 - \alpha/2$ normal quantile.
#
# If `x_pre` is constant (zero variance), raise a `ValueError` saying so. The
# grader calls your function on data you have not seen.
#
# Worked example: `y = [2, 4, 6, 5, 7, 9]`, `t = [0, 0, 0, 1, 1, 1]`,
# `x_pre = [1, 2, 3, 1, 2, 3]` give $\theta = 2$, adjusted outcomes
# `[4, 4, 4, 7, 7, 7]`, so the estimate is 3 and the standard error 0.


# %%
def cuped_estimate(y, t, x_pre, alpha=0.05):
    ### BEGIN SOLUTION
    y = np.asarray(y, dtype=float)
    t = np.asarray(t)
    x = np.asarray(x_pre, dtype=float)
    var_x = np.var(x, ddof=1)
    if not var_x > 0:
        raise ValueError("x_pre is constant (zero variance), so it cannot reduce variance")
    theta = np.cov(y, x)[0, 1] / var_x
    adjusted = y - theta * (x - x.mean())
    treated, control = adjusted[t == 1], adjusted[t == 0]
    estimate = treated.mean() - control.mean()
    std_error = np.sqrt(treated.var(ddof=1) / treated.size + control.var(ddof=1) / control.size)
    z = stats.norm.ppf(1 - alpha / 2)
    return (float(estimate), float(std_error),
            float(estimate - z * std_error), float(estimate + z * std_error))
    ### END SOLUTION


# %%
toy = cuped_estimate(np.array([2.0, 4.0, 6.0, 5.0, 7.0, 9.0]), np.array([0, 0, 0, 1, 1, 1]),
                     np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0]))
checks.hint(isinstance(toy, tuple) and len(toy) == 4, "return a tuple of four floats")
checks.is_close(toy[0], 3.0, "estimate")
checks.is_close(toy[1], 0.0, "std_error")
checks.raises(cuped_estimate, ValueError, np.array([1.0, 2.0, 3.0, 4.0]),
              np.array([0, 0, 1, 1]), np.array([5.0, 5.0, 5.0, 5.0]))
mine = cuped_estimate(data["spend"], data["enrolled"], data["pre_spend"], alpha=0.1)
checks.hint(mine[2] < mine[0] < mine[3], "the interval should contain the estimate")
checks.hint(abs((mine[3] - mine[0]) - stats.norm.ppf(0.95) * mine[1]) < 1e-9,
            "with alpha=0.1 the half-width should be norm.ppf(0.95) * std_error")
checks.passed("cuped_estimate has the right form")

# %% [markdown]
# ## Q3 (2 points): how much does CUPED gain?
#
# On `data`, compute
#
# * `se_ratio`: the standard error of **your** CUPED estimate divided by the
#   Neyman standard error of the plain difference in means of `spend`;
# * `predicted_ratio`: $\sqrt{1 - \rho^2}$, where $\rho$ is the correlation
#   between `spend` and `pre_spend` over all customers (`np.corrcoef`).
#
# Both are floats.

# %%
### BEGIN SOLUTION
y_all = data["spend"].to_numpy()
t_all = data["enrolled"].to_numpy()
dim_se = np.sqrt(y_all[t_all == 1].var(ddof=1) / (t_all == 1).sum()
                 + y_all[t_all == 0].var(ddof=1) / (t_all == 0).sum())
cuped_result = cuped_estimate(data["spend"], data["enrolled"], data["pre_spend"])
se_ratio = float(cuped_result[1] / dim_se)
rho = np.corrcoef(data["spend"], data["pre_spend"])[0, 1]
predicted_ratio = float(np.sqrt(1 - rho**2))
### END SOLUTION
print(f"SE ratio {se_ratio:.3f}; predicted {predicted_ratio:.3f}")

# %%
checks.is_number(se_ratio, "se_ratio")
checks.is_number(predicted_ratio, "predicted_ratio")
checks.hint(0 < predicted_ratio < 1, "sqrt(1 - rho^2) lies between 0 and 1")
checks.hint(se_ratio < 1, "CUPED should have a smaller standard error than the plain difference")
checks.hint(abs(se_ratio - predicted_ratio) < 0.05,
            "the realized ratio should be close to the prediction; check both computations")
checks.passed("Q3 has the right form")

# %% [markdown]
# ## Q4 (2 points): sample size for a follow-up
#
# The shop plans a follow-up test of a cheaper version of the programme and
# wants 90% power to detect an average effect of **1.50 dollars** with a
# two-sided test at $\alpha = 0.05$ and equal arms. Use
#
# $$
# n = \frac{2\,(z_{1-\alpha/2} + z_{\text{power}})^2\,\sigma^2}{\delta^2}
# $$
#
# (quantiles from `stats.norm.ppf`), rounded **up** to an integer (`math.ceil`).
#
# * `n_per_arm`: customers per arm for the difference in means, with $\sigma$
#   the standard deviation (`ddof=1`) of `spend` among the **control**
#   customers of `data`;
# * `n_per_arm_cuped`: the same for a CUPED analysis, with
#   $\sigma\sqrt{1 - \rho^2}$ in place of $\sigma$ ($\rho$ as in Q3).
#
# Both must be Python or NumPy integers.

# %%
### BEGIN SOLUTION
sigma = data.loc[data["enrolled"] == 0, "spend"].std(ddof=1)
z_total = stats.norm.ppf(1 - 0.05 / 2) + stats.norm.ppf(0.9)
n_per_arm = math.ceil(2 * (z_total * sigma / 1.5) ** 2)
n_per_arm_cuped = math.ceil(2 * (z_total * sigma * np.sqrt(1 - rho**2) / 1.5) ** 2)
### END SOLUTION
print(f"per arm: {n_per_arm} (difference in means), {n_per_arm_cuped} (CUPED)")

# %%
for name, value in (("n_per_arm", n_per_arm), ("n_per_arm_cuped", n_per_arm_cuped)):
    checks.hint(isinstance(value, int | np.integer) and not isinstance(value, bool),
                f"{name} should be an integer (round up with math.ceil)")
checks.hint(n_per_arm_cuped < n_per_arm, "variance reduction should need fewer customers")
checks.hint(math.isclose(n_per_arm_cuped / n_per_arm, predicted_ratio**2, abs_tol=0.01),
            "the ratio of the two sample sizes should be about 1 - rho^2")
checks.passed("Q4 has the right form")

# %% [markdown]
# ## Q5 (2 points): an invitation with opt-in
#
# In `nc` below customers were randomly **invited** (`assigned`) and chose
# whether to join (`enrolled`); customers not invited could also join on their
# own. Compute, as floats:
#
# * `itt`: the difference in mean `spend` by **assignment** (invited minus not);
# * `first_stage`: the difference in the share enrolled by assignment;
# * `late`: the Wald estimate of the local average treatment effect.

# %%
nc = simulate_experiment(n=12_000, noncompliance=True, seed=306).observed

### BEGIN SOLUTION
invited = nc["assigned"] == 1
itt = float(nc.loc[invited, "spend"].mean() - nc.loc[~invited, "spend"].mean())
first_stage = float(nc.loc[invited, "enrolled"].mean() - nc.loc[~invited, "enrolled"].mean())
late = itt / first_stage
### END SOLUTION
print(f"ITT {itt:.3f}, first stage {first_stage:.3f}, LATE {late:.3f}")

# %%
for name, value in (("itt", itt), ("first_stage", first_stage), ("late", late)):
    checks.is_number(value, name)
checks.hint(0 < first_stage < 1, "the first stage is a difference in shares enrolled")
checks.hint(abs(late * first_stage - itt) < 1e-9, "the Wald estimate is ITT / first stage")
checks.passed("Q5 has the right form")

# %% [markdown]
# ## Q6 (1 point): which estimand answers the board's question?
#
# The board asks: "If next quarter we invite **every** customer, with the same
# opt-in, by how much will average spending per customer change?" Which
# quantity answers this? Set `q6_answer` to one letter:
#
# * `"a"`: the LATE, the effect of joining among compliers
# * `"b"`: the ITT, the effect of being invited, averaged over all customers
# * `"c"`: the as-treated difference, joined minus not joined
# * `"d"`: the ATE of joining, averaged over all customers

# %%
### BEGIN SOLUTION
q6_answer = "b"
### END SOLUTION

# %%
checks.is_choice(q6_answer, ["a", "b", "c", "d"], "q6_answer")
