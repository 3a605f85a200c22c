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
# # Exercise 02: Causal graphs and identification
#
# Companion to Lecture 02. A school offers optional tutoring and wants to know
# how much one more hour of tutoring raises a student's exam score. You will
# see a collider at work in data, write your own backdoor-adjusted estimator,
# decide which adjustment sets are valid, and measure what the invalid ones do.
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
# | Q1 a collider in data | 2 | `corr_distance_motivation`, `pcor_given_tutoring` |
# | Q2 your estimator | 3 | `backdoor_adjusted_effect(data, treatment, outcome, adjustment)` |
# | Q3 valid adjustment sets | 2 | `valid_sets` |
# | Q4 good and bad controls | 2 | `true_total_effect` and three `estimate_...` floats |
# | Q5 what not to adjust for | 1 | `q5_answer` |
# | Q6 identification conditions | 1 | `q6_answer` |

# %%
import numpy as np
import pandas as pd

from causalcourse import checks
from causalcourse.graphs import is_valid_adjustment_set, partial_correlation  # noqa: F401
from causalcourse.plotting import draw_dag
from causalcourse.simulate.graphs import (
    TUTORING_COEFFICIENTS,
    TUTORING_EDGES,
    simulate_tutoring,
)

data = simulate_tutoring(n=3000, seed=202)
data.head().round(2)

# %% [markdown]
# Every variable is on a standardized scale. The school's causal graph, drawn
# from `TUTORING_EDGES`:
#
# * `motivation` and `prior_grade` affect both how much tutoring a student
#   takes and their `score`; motivated students also had better prior grades;
# * `distance` from home to the tutoring centre affects only tutoring;
# * tutoring raises `homework` completion, which raises the score;
# * `feedback` is a rating students give *after* the exam, and depends on both
#   the tutoring they had and the score they got.

# %%
draw_dag(TUTORING_EDGES, treatment="tutoring", outcome="score", title="Tutoring and exam scores")

# %% [markdown]
# The data were simulated from a linear model on this graph with these
# structural coefficients (each variable also has its own unit-variance
# noise):

# %%
pd.Series(
    {f"{cause} -> {effect}": value for (cause, effect), value in TUTORING_COEFFICIENTS.items()}
).to_frame("coefficient")

# %% [markdown]
# ## Q1 (2 points): a collider in data
#
# `distance` and `motivation` have no common cause and do not affect each
# other, but both affect `tutoring`.
#
# * `corr_distance_motivation`: the ordinary correlation of `distance` and
#   `motivation` in `data` (a float);
# * `pcor_given_tutoring`: their partial correlation given `tutoring`: the
#   correlation of the residuals of `distance` and of `motivation` after each is
#   regressed (with an intercept) on `tutoring` (a float).
#
# You may use `partial_correlation` from `causalcourse.graphs` or compute the
# residuals yourself.

# %%
# YOUR CODE HERE
raise NotImplementedError()
print(f"correlation {corr_distance_motivation:.3f}, "
      f"partial correlation given tutoring {pcor_given_tutoring:.3f}")

# %%
checks.is_number(corr_distance_motivation, "corr_distance_motivation")
checks.is_number(pcor_given_tutoring, "pcor_given_tutoring")
checks.hint(
    abs(corr_distance_motivation) <= 1 and abs(pcor_given_tutoring) <= 1,
    "correlations lie between -1 and 1",
)
checks.hint(
    abs(corr_distance_motivation) < 0.1,
    "no path joins distance and motivation, so their plain correlation should be close to "
    "zero; check that you used those two columns",
)
checks.passed("Q1 has the right form")

# %% [markdown]
# ## Q2 (3 points): your own backdoor estimator
#
# Write `backdoor_adjusted_effect(data, treatment, outcome, adjustment)` that
# returns, as a **float**, the coefficient of `treatment` in an ordinary least
# squares regression of `outcome` on an intercept, `treatment` and the columns
# listed in `adjustment` (a list or tuple of column names, possibly empty).
# With a valid adjustment set and a linear model, that coefficient is the
# treatment's effect.
#
# Raise a `ValueError` with a clear message if
#
# * a column named in `treatment`, `outcome` or `adjustment` is not in `data`, or
# * `adjustment` contains the treatment or the outcome itself.
#
# The grader calls your function on data you have not seen, with binary and
# continuous treatments. Use NumPy (`np.linalg.lstsq`) or statsmodels.
#
# Worked example: below, `z` is a confounder and `y = 2 t + 3 z` exactly, so
# adjusting for `z` gives exactly 2.

# %%
def backdoor_adjusted_effect(data, treatment, outcome, adjustment):
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
toy_z = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
toy_t = np.array([0.0, 1.0, 1.0, 3.0, 2.0, 5.0])
toy = pd.DataFrame({"z": toy_z, "t": toy_t, "y": 2 * toy_t + 3 * toy_z})
toy_effect = backdoor_adjusted_effect(toy, "t", "y", ["z"])
checks.hint(isinstance(toy_effect, float), "return a plain Python float, e.g. float(beta[1])")
checks.is_close(toy_effect, 2.0, "adjusted effect on the worked example")
checks.hint(
    abs(backdoor_adjusted_effect(toy, "t", "y", []) - 2.0) > 0.1,
    "with an empty adjustment set the confounded slope should differ from 2",
)
checks.raises(backdoor_adjusted_effect, ValueError, toy, "t", "y", ["z", "t"])
checks.raises(backdoor_adjusted_effect, ValueError, toy, "t", "y", ["not_a_column"])

# %% [markdown]
# ## Q3 (2 points): which adjustment sets are valid?
#
# For the total effect of `tutoring` on `score`, consider these candidate
# adjustment sets:
#
# | letter | adjustment set |
# |---|---|
# | A | (none) |
# | B | `motivation` |
# | C | `motivation`, `prior_grade` |
# | D | `motivation`, `prior_grade`, `homework` |
# | E | `motivation`, `prior_grade`, `distance` |
# | F | `motivation`, `prior_grade`, `feedback` |
#
# Set `valid_sets` to the **sorted list of letters** of every set that
# satisfies the backdoor criterion, e.g. `["A", "F"]`. Work it out from the
# graph first; then confirm with `is_valid_adjustment_set`.

# %%
candidate_sets = {
    "A": [],
    "B": ["motivation"],
    "C": ["motivation", "prior_grade"],
    "D": ["motivation", "prior_grade", "homework"],
    "E": ["motivation", "prior_grade", "distance"],
    "F": ["motivation", "prior_grade", "feedback"],
}
# YOUR CODE HERE
raise NotImplementedError()
print(f"valid adjustment sets: {valid_sets}")

# %%
checks.hint(isinstance(valid_sets, list), "valid_sets should be a list of letters")
checks.hint(all(v in candidate_sets for v in valid_sets), "use only the letters A to F")
checks.hint(valid_sets == sorted(set(valid_sets)), "sort the letters and list each once")
checks.passed("Q3 has the right form")

# %% [markdown]
# ## Q4 (2 points): good and bad controls
#
# * `true_total_effect`: the true total effect of one more unit of `tutoring`
#   on `score` in this model (a float). Use the coefficients above: add up, over
#   every directed path from tutoring to score, the product of the
#   coefficients along the path. `linear_total_effect` (in
#   `causalcourse.simulate.graphs`) does the same and can confirm your number.
# * With **your** `backdoor_adjusted_effect` on `data`, compute
#   `estimate_valid` (adjusting for set C), `estimate_mediator` (set D) and
#   `estimate_collider` (set F), each a float.

# %%
# YOUR CODE HERE
raise NotImplementedError()
print(f"truth {true_total_effect:.3f}; adjusted for C {estimate_valid:.3f}, "
      f"D {estimate_mediator:.3f}, F {estimate_collider:.3f}")

# %%
for name in ("true_total_effect", "estimate_valid", "estimate_mediator", "estimate_collider"):
    checks.is_number(globals()[name], name)
checks.hint(
    abs(estimate_valid - true_total_effect) < abs(estimate_mediator - true_total_effect),
    "the estimate from a valid set should be closer to the truth than the mediator-adjusted one",
)
checks.passed("Q4 has the right form")

# %% [markdown]
# ## Q5 (1 point): what not to adjust for
#
# To estimate the **total** effect of tutoring on the score, which one of these
# variables must you *not* include in the adjustment set? Set `q5_answer` to
# one letter:
#
# * `"a"`: `motivation`
# * `"b"`: `prior_grade`
# * `"c"`: `distance`
# * `"d"`: `homework`

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q5_answer, ["a", "b", "c", "d"], "q5_answer")

# %% [markdown]
# ## Q6 (1 point): identification conditions
#
# Another school offers tutoring as a yes/no programme and enrols **every**
# student whose prior grade is below a cut-off, and **no** student above it.
# Prior grade is measured, and suppose it is the only confounder. Why can
# adjusting for `prior_grade` still not identify the average effect of the
# programme without extra modelling assumptions? Set `q6_answer` to one letter:
#
# * `"a"`: conditional ignorability fails: an unmeasured variable confounds
# * `"b"`: positivity fails: at each prior grade, students are either all
#   treated or all untreated
# * `"c"`: SUTVA fails: tutoring comes in several versions
# * `"d"`: nothing fails: `prior_grade` blocks every backdoor path, so the
#   effect is identified

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q6_answer, ["a", "b", "c", "d"], "q6_answer")
