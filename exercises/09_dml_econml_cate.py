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
# # Exercise 09: Double machine learning and CATE with EconML
#
# Companion to Lecture 09. You will see the naive plug-in go wrong on a new
# sample of the workshop world, write the final stage of double machine
# learning yourself, check it against EconML's `LinearDML`, and measure how
# often two CATE models' intervals cover the true effects.
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
# | Q1 naive plug-in | 2 | `naive_plugin` |
# | Q2 your DML final stage | 3 | `dml_from_residuals(y_res, t_res, alpha=0.05)` |
# | Q3 cross-fitting and EconML | 2 | `dml_result`, `econml_theta` |
# | Q4 CATE coverage | 2 | `straight_coverage`, `spline_coverage` |
# | Q5 why cross-fit | 1 | `q5_answer` |
# | Q6 reading an interpreter | 1 | `q6_answer` |

# %%

import numpy as np
from econml.dml import LinearDML
from scipy import stats
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer

from causalcourse import checks
from causalcourse.dml import make_folds
from causalcourse.heterogeneity import interval_coverage
from causalcourse.simulate.plm import simulate_plm

COVARIATES = ["engagement", "team_size", "tenure_years", "months_on_plan"]
sim = simulate_plm(n=1500, seed=901)
data = sim.data
X = data[COVARIATES].to_numpy(dtype=float)
y = data["hours"].to_numpy()
t = data["workshop"].to_numpy()
forest_y = RandomForestRegressor(n_estimators=100, min_samples_leaf=5, random_state=0, n_jobs=1)
forest_t = RandomForestClassifier(n_estimators=100, min_samples_leaf=5, random_state=0, n_jobs=1)
data.head().round(2)

# %% [markdown]
# `data` is a fresh sample of Lecture 09's world: 1,500 client teams, the
# covariates in `X` (engagement, team size, tenure, months on plan), the
# workshop invitation `t` and weekly hours `y`. Every team's true effect is
# **3 hours**. The truth columns (`y0`, `y1`, `true_effect`, `propensity`,
# `true_cate`, `true_baseline`) are there for checking, not for estimating.
# Use the two forests `forest_y` and `forest_t` with the settings defined above
# (fitting them again, or fitting copies made with `sklearn.base.clone`, gives
# identical results because their `random_state` is fixed).
#
# ## Q1 (2 points): the naive plug-in
#
# Fit `forest_y` to predict `y` from `X` using **only the untreated teams**
# (`t == 0`). Use it to predict the baseline $\hat g(X)$ of the treated teams
# and store the average of $Y - \hat g(X)$ over the treated teams as a float in
# `naive_plugin`.

# %%
# YOUR CODE HERE
raise NotImplementedError()
print(f"naive plug-in: {naive_plugin:.2f} hours (truth 3.00)")

# %%
checks.is_number(naive_plugin, "naive_plugin")
raw_difference = y[t == 1].mean() - y[t == 0].mean()
checks.hint(abs(naive_plugin - raw_difference) > 1e-6,
            "naive_plugin equals the raw difference in means: subtract the forest's "
            "prediction g_hat(X) from each treated team's outcome instead")

# %% [markdown]
# ## Q2 (3 points): the final stage of DML, your own function
#
# Write `dml_from_residuals(y_res, t_res, alpha=0.05)`. It takes outcome
# residuals $\tilde Y$ and treatment residuals $\tilde T$ (NumPy arrays or
# pandas Series of equal length) and returns a **tuple of four floats**
# `(theta, std_error, ci_low, ci_high)`:
#
# * `theta` $= \sum_i \tilde T_i \tilde Y_i \big/ \sum_i \tilde T_i^2$, the
#   residual-on-residual slope (no intercept);
# * `std_error` $= \sqrt{\sum_i \tilde T_i^2 \hat U_i^2} \big/ \sum_i \tilde T_i^2$
#   with $\hat U_i = \tilde Y_i - \theta \tilde T_i$ (the robust HC0 form);
# * `ci_low`, `ci_high` $=$ `theta` $\mp z$ `std_error`, with $z$ the
#   $1 - \alpha/2$ quantile of the standard normal (`stats.norm.ppf`).
#
# Raise a `ValueError` if the two inputs have different lengths or if every
# treatment residual is zero. The grader calls your function on residuals
# from data you have not seen.
#
# Worked example: for `y_res = [3, -1, 4, -4]` and `t_res = [1, -1, 2, -2]`,
# $\theta = 20/10 = 2$, the $\hat U$ are $(1, 1, 0, 0)$ and the standard
# error is $\sqrt{2}/10$.


# %%
def dml_from_residuals(y_res, t_res, alpha=0.05):
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
toy = dml_from_residuals(np.array([3.0, -1.0, 4.0, -4.0]), np.array([1.0, -1.0, 2.0, -2.0]))
checks.hint(isinstance(toy, tuple) and len(toy) == 4, "return a tuple of four floats")
checks.is_close(toy[0], 2.0, "theta on the worked example")
checks.is_close(toy[1], np.sqrt(2.0) / 10, "std_error on the worked example")
checks.is_close(toy[3] - toy[0], stats.norm.ppf(0.975) * np.sqrt(2.0) / 10, "half-width")
checks.raises(dml_from_residuals, ValueError, np.ones(3), np.ones(4))
checks.raises(dml_from_residuals, ValueError, np.ones(3), np.zeros(3))

# %% [markdown]
# ## Q3 (2 points): cross-fitting by hand, then EconML
#
# Use the two folds below. For each `(train, test)` pair, fit fresh clones of
# `forest_y` (outcome on `X`) and `forest_t` (treatment on `X`) on the training
# teams and compute, for the test teams, the residuals `y - prediction` and
# `t - predict_proba(...)[:, 1]`. Then:
#
# * `dml_result`: your `dml_from_residuals` applied to the cross-fitted
#   residuals (the 4-tuple, default `alpha`);
# * `econml_theta`: the estimate (`intercept_`, as a float) of EconML's
#   `LinearDML(model_y=forest_y, model_t=forest_t, discrete_treatment=True,
#   cv=folds, random_state=0)` fitted with `X=None, W=X`.

# %%
folds = make_folds(len(y), n_folds=2, seed=0)

# YOUR CODE HERE
raise NotImplementedError()
print(f"DML by hand {dml_result[0]:.2f} (95% CI {dml_result[2]:.2f} to {dml_result[3]:.2f}); "
      f"EconML {econml_theta:.2f}")

# %%
checks.hint(isinstance(dml_result, tuple) and len(dml_result) == 4,
            "dml_result should be the 4-tuple returned by dml_from_residuals")
checks.is_number(econml_theta, "econml_theta")
checks.hint(abs(dml_result[0] - econml_theta) < 1e-6,
            "your DML estimate and EconML's should agree to many decimals when both use the "
            "same folds and models; check the folds and that you used predict_proba for t")
checks.passed("your cross-fitted DML matches EconML")

# %% [markdown]
# ## Q4 (2 points): CATE intervals against the truth
#
# In the heterogeneous world the effect falls with tenure. `het` is a training
# sample and `test` a fresh one whose true CATEs are `tau_test`; the helper
# `coverage_on_test(model)` below returns the share of test teams whose 95%
# interval from a fitted model contains their true CATE. Fit `cate_model`
# (defined below: additive-spline nuisance models, the folds `folds_h`) with
# `X=X_h` (tenure, the effect modifier) and `W=W_h` (the controls), then store
#
# * `straight_coverage`: `coverage_on_test` of that model (a CATE linear in tenure);
# * `spline_coverage`: `coverage_on_test` of the same model with
#   `featurizer=SplineTransformer(n_knots=4, degree=3, include_bias=False)`.
#   Either fit with `cache_values=True`, then set the model's `featurizer`
#   attribute and call its `refit_final` method, or fit a second model with
#   that featurizer; both give the same result.

# %%
het = simulate_plm(n=3000, heterogeneous=True, seed=902).data
test = simulate_plm(n=400, heterogeneous=True, seed=903).data
CONTROLS = ["engagement", "team_size", "months_on_plan"]
y_h, t_h = het["hours"].to_numpy(), het["workshop"].to_numpy()
X_h, W_h = het[["tenure_years"]].to_numpy(float), het[CONTROLS].to_numpy(float)
X_test, tau_test = test[["tenure_years"]].to_numpy(float), test["true_cate"].to_numpy()
folds_h = make_folds(len(het), n_folds=2, seed=0)
spline_y = make_pipeline(SplineTransformer(n_knots=5, knots="quantile"),
                         Ridge(alpha=1.0))
spline_t = make_pipeline(SplineTransformer(n_knots=5, knots="quantile"),
                         LogisticRegression(max_iter=2000))
cate_model = LinearDML(model_y=spline_y, model_t=spline_t, discrete_treatment=True,
                       cv=folds_h, random_state=0)


def coverage_on_test(model):
    """Share of test teams whose 95% interval from a fitted CATE model contains the truth."""
    low, high = model.effect_interval(X_test, alpha=0.05)
    return interval_coverage(low, high, tau_test)


# YOUR CODE HERE
raise NotImplementedError()
print(f"coverage: straight line {straight_coverage:.0%}, spline {spline_coverage:.0%}")

# %%
checks.is_number(straight_coverage, "straight_coverage")
checks.is_number(spline_coverage, "spline_coverage")
checks.hint(0 <= straight_coverage <= 1 and 0 <= spline_coverage <= 1,
            "a coverage is a share between 0 and 1")
checks.hint(abs(straight_coverage - spline_coverage) > 1e-9,
            "the two coverages are identical: did the featurizer change before refitting?")
checks.passed("Q4 has the right form")

# %% [markdown]
# ## Q5 (1 point): why cross-fit?
#
# Which statement best explains why DML computes each unit's residuals with
# nuisance models that were trained on *other* folds? Set `q5_answer` to one
# letter:
#
# * `"a"`: averaging models over folds makes the nuisance predictions more accurate
# * `"b"`: a model that has seen a unit partly fits that unit's own noise; its
#   residuals then shrink and the error leaks into the effect estimate and its
#   standard error
# * `"c"`: cross-fitting removes confounding by variables that were not measured
# * `"d"`: cross-fitting is only needed when the treatment was randomized

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q5_answer, ["a", "b", "c", "d"], "q5_answer")

# %% [markdown]
# ## Q6 (1 point): reading a CATE interpreter
#
# A causal forest gives `months_on_plan` a high feature importance, and
# EconML's `SingleTreeCateInterpreter` splits first on it. What can you
# conclude? Set `q6_answer` to one letter:
#
# * `"a"`: moving clients to a new price plan would change the workshop's effect
# * `"b"`: the fitted CATE model varies with `months_on_plan`; that variable may
#   modify the effect or may only be correlated with something that does
# * `"c"`: `months_on_plan` is a confounder and must be moved from `X` to `W`
# * `"d"`: the forest is overfitting, so its CATE estimates are invalid

# %%
# YOUR CODE HERE
raise NotImplementedError()

# %%
checks.is_choice(q6_answer, ["a", "b", "c", "d"], "q6_answer")
