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
# # Lecture 09: Double machine learning and CATE with EconML
#
# ## Overview
#
# Account managers of a software company invite some client teams to a live
# onboarding workshop and want to know how many extra hours of product use it
# causes. They invited the teams that were already engaged, and the way
# engagement drives usage is far from linear. Flexible machine-learning models
# can learn that relationship, but plugging their predictions into an effect
# formula gives a biased answer. This lecture shows why, and how *double
# machine learning* (DML) fixes it, first by hand and then with EconML.
#
# By the end you should be able to:
#
# 1. state the partially linear model and explain, with a repeated-sampling
#    simulation, why a naive plug-in of an ML outcome model is biased
#    (regularization bias);
# 2. compute the DML estimate by hand: cross-fitted nuisance residuals,
#    Robinson's residual-on-residual regression and its standard error, and
#    obtain the same number from EconML's `LinearDML`;
# 3. estimate a CATE function with `LinearDML` (effect modifiers `X`, controls
#    `W`) and `CausalForestDML`, and measure how often their intervals cover
#    the true effects;
# 4. read CATE interpreters (a summary tree, forest feature importances) as
#    descriptions of a fitted model, not of a causal mechanism;
# 5. run an EconML estimator through DoWhy's `estimate_effect` and refute it.
#
# **Prerequisites:** lectures 01-02 (potential outcomes, backdoor adjustment),
# 04 (propensity scores, cross-fitting in AIPW), 05-07 (CATE, honest trees,
# meta-learners) and 08 (DoWhy's workflow and refuters).

# %%

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from dowhy import CausalModel
from econml.cate_interpreter import SingleTreeCateInterpreter
from econml.dml import CausalForestDML, LinearDML
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer

from causalcourse.dml import crossfit_residuals, make_folds, residual_on_residual
from causalcourse.estimators import difference_in_means
from causalcourse.heterogeneity import interval_coverage
from causalcourse.plotting import (
    draw_dag,
    plot_estimates,
    plot_sampling_distributions,
    set_style,
)
from causalcourse.simulate.plm import plm_cate, simulate_plm

set_style()

# %% [markdown]
# ## 1. The world, the estimand and the identifying assumptions
#
# We simulate 2,000 client teams. Each has four covariates: `engagement` (a
# standardized score of past activity), `team_size`, `tenure_years` and
# `months_on_plan`. The outcome `hours` is weekly hours of product use a month
# after the workshop window; `workshop` is 1 for invited teams. In this first
# world the workshop adds the same $\theta = 3$ hours for every team.

# %%
sim = simulate_plm(n=2000, seed=1)
COVARIATES = ["engagement", "team_size", "tenure_years", "months_on_plan"]
theta_true = 3.0
print(sim.description)
sim.observed.head().round(2)

# %% [markdown]
# The outcome follows a **partially linear model** (Robinson 1988):
#
# $$
# Y = \theta\,T + g(X) + U, \qquad E[U \mid X, T] = 0, \qquad
# T \sim \text{Bernoulli}\big(e(X)\big).
# $$
#
# The treatment enters linearly with one coefficient $\theta$; the baseline
# $g(X)$ and the propensity $e(X)$ are unknown, possibly very non-linear
# functions. The graph says why the raw comparison fails: engagement and team
# size drive both invitations and usage.

# %%
draw_dag(
    [("engagement", "workshop"), ("team size", "workshop"), ("engagement", "hours"),
     ("team size", "hours"), ("tenure", "hours"), ("workshop", "hours")],
    treatment="workshop",
    outcome="hours",
)

# %% [markdown]
# **Estimand:** $\theta$, the effect of the workshop on weekly hours (here it is
# also the ATE, because the effect is constant). **Identification:** with
# conditional ignorability given $X$ (no confounder outside the four covariates),
# positivity ($0 < e(X) < 1$) and SUTVA, $\theta$ is a functional of the observed
# data. The simulation stores the true propensity, so we can check overlap
# directly; then we look at the naive difference in means.

# %%
d = sim.data
assert d["propensity"].between(0.04, 0.96).all()
naive_dim = difference_in_means(sim.observed, "hours", "workshop")
print(f"propensity range: {d['propensity'].min():.3f} to {d['propensity'].max():.3f}")
print(naive_dim)
print(f"true effect theta: {theta_true:.2f}")
assert naive_dim.estimate > theta_true + 3 and not naive_dim.covers(theta_true)

# %% [markdown]
# The invited teams log far more hours, but most of the gap is confounding.
# A linear regression on all four covariates removes part of it, not all: the
# outcome grows with the *square* of engagement, which a linear adjustment
# misses.

# %%
ols = smf.ols("hours ~ workshop + " + " + ".join(COVARIATES), data=sim.observed).fit(
    cov_type="HC1")
ols_low, ols_high = ols.conf_int().loc["workshop"]
print(f"linear adjustment: {ols.params['workshop']:.2f} (95% CI {ols_low:.2f} to {ols_high:.2f})")
assert ols.params["workshop"] - theta_true > 0.5 and ols_low > theta_true

# %% [markdown]
# ## 2. The naive plug-in and its regularization bias
#
# If we knew $g$, each treated unit would give $Y - g(X) = \theta + U$, and the
# average over the treated units would estimate $\theta$. Because $g(X) = E[Y \mid
# X, T = 0]$ in this model, a natural **plug-in** is: learn $\hat g$ with a random
# forest on the untreated teams, then average $Y - \hat g(X)$ over the treated.
# The forest settings below (100 trees, leaves of at least 5 teams) are used
# throughout.

# %%
X = d[COVARIATES].to_numpy(dtype=float)
y = d["hours"].to_numpy()
t = d["workshop"].to_numpy()
forest_y = RandomForestRegressor(n_estimators=100, min_samples_leaf=5, random_state=0, n_jobs=1)
forest_t = RandomForestClassifier(n_estimators=100, min_samples_leaf=5, random_state=0, n_jobs=1)

g_model = clone(forest_y).fit(X[t == 0], y[t == 0])
g_hat_treated = g_model.predict(X[t == 1])
naive_plugin = float(np.mean(y[t == 1] - g_hat_treated))
print(f"naive plug-in estimate: {naive_plugin:.2f} (truth {theta_true:.2f})")

# %% [markdown]
# For the treated, $Y - \hat g(X) = \theta + \big(g(X) - \hat g(X)\big) + U$, so
# the plug-in's error is exactly the average error of $\hat g$ on treated teams
# plus average noise. The simulation stores $g$ (`true_baseline`), so we can
# split the error into these two parts.

# %%
g_error = float(np.mean(d["true_baseline"].to_numpy()[t == 1] - g_hat_treated))
noise = float(np.mean(y[t == 1] - d["true_baseline"].to_numpy()[t == 1] - theta_true))
print(f"plug-in error {naive_plugin - theta_true:.2f} = "
      f"error of g_hat on the treated {g_error:.2f} + noise {noise:.2f}")
eng_treated, eng_control = d.loc[t == 1, "engagement"].mean(), d.loc[t == 0, "engagement"].mean()
print(f"mean engagement: treated {eng_treated:.2f}, untreated {eng_control:.2f}")
assert eng_treated > eng_control + 0.5
assert abs((naive_plugin - theta_true) - (g_error + noise)) < 1e-9
assert g_error > 0.5 and abs(noise) < 0.25 * g_error

# %% [markdown]
# The forest under-predicts the baseline of treated teams. They are highly
# engaged, untreated teams are rare in that region, and a forest's leaves
# average over wide neighbourhoods there. Averaging over neighbours (the same
# smoothing that keeps the forest's variance low) pulls $\hat g$ towards the
# bulk of the untreated teams, and this bias all lands on the effect.
# Chernozhukov et al. (2018, sec. 1.1) call it **regularization bias**: the
# plug-in's error contains a term like $\frac1n\sum_i m(X_i)\,(g(X_i) - \hat
# g(X_i))$, and because $\hat g$ converges more slowly than $1/\sqrt n$ this
# term does not disappear fast enough, whatever the sample size.

# %% [markdown]
# ## 3. Robinson's idea: partial X out of both Y and T
#
# Write $\ell(X) = E[Y \mid X] = \theta\,m(X) + g(X)$ and $m(X) = E[T \mid X] =
# e(X)$. Subtracting from the model gives
#
# $$
# Y - \ell(X) = \theta\,\big(T - m(X)\big) + U ,
# $$
#
# a regression through the origin of the outcome residual on the treatment
# residual (Robinson 1988). Its slope $\hat\theta = \sum_i \tilde T_i \tilde Y_i /
# \sum_i \tilde T_i^2$ depends on the nuisances $\ell$ and $m$ in a **Neyman
# orthogonal** way: small errors in either move $\hat\theta$ only through their
# *product*, so two imperfect ML models can still give a root-$n$ estimate.
# With the true nuisances, which only a simulation has, the slope is:

# %%
ell_true = (d["true_baseline"] + theta_true * d["propensity"]).to_numpy()
oracle_theta, oracle_se = residual_on_residual(y - ell_true, t - d["propensity"].to_numpy())
print(f"oracle residual-on-residual: {oracle_theta:.2f} (SE {oracle_se:.2f})")
assert abs(oracle_theta - theta_true) < 2 * oracle_se

# %% [markdown]
# ## 4. Cross-fitting by hand
#
# In practice we learn $\hat\ell$ and $\hat m$ with machine learning. **Cross-
# fitting** gives each team residuals from models that never saw it: split the
# teams into folds, train on the other folds, predict the held-out one. Two
# folds from a shuffled `KFold` with a fixed seed, written out in full:

# %%
folds = list(KFold(n_splits=2, shuffle=True, random_state=0).split(X))
y_res, t_res = np.empty(len(y)), np.empty(len(y))
for train, test in folds:
    ell_hat = clone(forest_y).fit(X[train], y[train])
    m_hat = clone(forest_t).fit(X[train], t[train])
    y_res[test] = y[test] - ell_hat.predict(X[test])
    t_res[test] = t[test] - m_hat.predict_proba(X[test])[:, 1]

# %% [markdown]
# The final stage is the residual-on-residual slope, and its standard error is
# the heteroskedasticity-robust (HC0) sandwich $\sqrt{\sum_i \tilde T_i^2
# \hat U_i^2} \,/\, \sum_i \tilde T_i^2$, which is the DML variance formula for
# this model.

# %%
theta_hand = float(t_res @ y_res / (t_res @ t_res))
u_hat = y_res - theta_hand * t_res
se_hand = float(np.sqrt(np.sum(t_res**2 * u_hat**2)) / (t_res @ t_res))
print(f"DML by hand: {theta_hand:.2f} (SE {se_hand:.2f}; "
      f"95% CI {theta_hand - 1.96 * se_hand:.2f} to {theta_hand + 1.96 * se_hand:.2f})")
assert abs(theta_hand - theta_true) < 2 * se_hand

# %% [markdown]
# The course package wraps the same steps (`make_folds`, `crossfit_residuals`,
# `residual_on_residual`, and `dml_plm` for all of them at once); it reproduces
# the numbers exactly.

# %%
folds_pkg = make_folds(len(y), n_folds=2, seed=0)
assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, folds_pkg, strict=True))
y_res_pkg, t_res_pkg = crossfit_residuals(y, t, X, forest_y, forest_t, folds_pkg)
theta_pkg, se_pkg = residual_on_residual(y_res_pkg, t_res_pkg)
assert np.allclose(y_res_pkg, y_res, atol=1e-12) and np.allclose(t_res_pkg, t_res, atol=1e-12)
assert abs(theta_pkg - theta_hand) < 1e-12 and abs(se_pkg - se_hand) < 1e-12

# %% [markdown]
# > **Pause and predict.** What happens if we skip cross-fitting and compute the
# > residuals with forests fitted on *all* teams, then predict those same teams?
#
# The true treatment residual $V = T - e(X)$ has variance $E[e(X)(1 - e(X))]$,
# which the simulation can compute. Compare it with the variance of the
# cross-fitted residuals and of in-sample ones.

# %%
t_res_in = t - clone(forest_t).fit(X, t).predict_proba(X)[:, 1]
y_res_in = y - clone(forest_y).fit(X, y).predict(X)
theta_in, se_in = residual_on_residual(y_res_in, t_res_in)
var_v = float(np.mean(d["propensity"] * (1 - d["propensity"])))
print(f"variance of T - e(X): truth {var_v:.3f}, cross-fitted {t_res.var():.3f}, "
      f"in-sample {t_res_in.var():.3f}")
print(f"without cross-fitting: {theta_in:.2f} (SE {se_in:.2f})")
assert var_v < t_res.var() < 1.15 * var_v
assert t_res_in.var() < 0.7 * var_v
assert abs(theta_in - theta_hand) < 1.96 * se_hand

# %% [markdown]
# The cross-fitted residuals have slightly *more* variance than the truth (they
# also contain the propensity model's prediction error); the in-sample ones
# have lost more than 30% of it, because a forest partly memorises who was invited
# and "explains" variation in treatment that was really chance. The final
# regression then works with distorted residuals. How much the estimate itself
# moves depends on the learner: here it stays inside the cross-fitted interval,
# but with more flexible learners the damage can be large (Chernozhukov et al.
# 2018, sec. 1.2 and their simulations). Cross-fitting
# removes the problem at no cost in data: every team is used once for training
# and once for prediction.

# %% [markdown]
# ## 5. The same number from EconML's `LinearDML`
#
# `LinearDML` runs exactly these steps. With `X=None` the effect is a single
# constant and all covariates go in `W` (controls used only by the nuisance
# models). We give it the same forests and, through `cv=`, the same folds;
# `discrete_treatment=True` makes it use the classifier's `predict_proba`.

# %%
ldml = LinearDML(model_y=forest_y, model_t=forest_t, discrete_treatment=True,
                 cv=folds, random_state=0)
ldml.fit(y, t, X=None, W=X)
theta_econml = float(ldml.intercept_)
se_econml = float(ldml.intercept__inference().stderr)
print(f"EconML LinearDML: {theta_econml:.2f} (SE {se_econml:.2f})")
agree = abs(theta_econml - theta_hand) < 1e-9
print(f"equal to the hand-made estimate within 1e-9: {agree}")
assert agree

# %% [markdown]
# The estimates agree to $10^{-9}$ (floating-point noise). The standard errors
# differ by a factor $\sqrt{n/(n-1)}$: EconML's default inference uses the HC1
# small-sample correction, we used HC0. With 2,000 teams that is a tiny change.

# %%
n = len(y)
print(f"SE by hand (HC0) {se_hand:.5f}; x sqrt(n/(n-1)) = {se_hand * np.sqrt(n / (n - 1)):.5f}; "
      f"EconML {se_econml:.5f}; correction {np.sqrt(n / (n - 1)) - 1:.3%}")
assert abs(se_econml - se_hand * np.sqrt(n / (n - 1))) < 1e-9

# %% [markdown]
# All the single-sample estimates side by side, against the truth:

# %%
z = 1.96
rows = {
    "difference in means": naive_dim.to_dict(),
    "linear regression": {"estimate": ols.params["workshop"], "ci_low": ols_low,
                          "ci_high": ols_high},
    "DML without cross-fitting": {"estimate": theta_in, "ci_low": theta_in - z * se_in,
                                  "ci_high": theta_in + z * se_in},
    "DML by hand": {"estimate": theta_hand, "ci_low": theta_hand - z * se_hand,
                    "ci_high": theta_hand + z * se_hand},
    "EconML LinearDML": {"estimate": theta_econml, "ci_low": ldml.intercept__interval()[0],
                         "ci_high": ldml.intercept__interval()[1]},
}
summary = pd.DataFrame.from_dict(rows, orient="index")[["estimate", "ci_low", "ci_high"]]
summary.loc["naive plug-in (no interval)"] = [naive_plugin, naive_plugin, naive_plugin]
dml_rows = ["DML without cross-fitting", "DML by hand", "EconML LinearDML"]
assert ((summary.loc[dml_rows, "ci_low"] <= theta_true)
        & (theta_true <= summary.loc[dml_rows, "ci_high"])).all()
assert summary.loc["linear regression", "ci_low"] > theta_true
assert naive_plugin - theta_true > 2 * se_hand
fig, ax = plt.subplots(figsize=(7, 3.4))
plot_estimates(summary, truth=theta_true, ax=ax, xlabel="extra weekly hours from the workshop")
plt.show()

# %% [markdown]
# The DML rows have intervals around the dashed truth; the plug-in and the
# linear adjustment miss it, the raw difference by far. One sample cannot tell
# a lucky estimator from a good one, so we now repeat the study.

# %% [markdown]
# ## 6. Repeated samples: bias is a property of the procedure
#
# One sample can flatter or slander a method. We repeat the study 50 times
# (seeds 2000-2049, 1,000 teams each) with smaller forests of 20 trees to keep
# the run short, and record the naive plug-in, the cross-fitted DML estimate and
# whether the DML interval covers $\theta$.
#
# > **Pause and predict.** Where will each histogram be centred? Will the
# > plug-in's bias shrink if we average over more samples?

# %%
small_y = clone(forest_y).set_params(n_estimators=20)
small_t = clone(forest_t).set_params(n_estimators=20)
reps = []
for seed in range(2000, 2050):
    ds = simulate_plm(n=1000, seed=seed).data
    Xs, ys, ts = ds[COVARIATES].to_numpy(float), ds["hours"].to_numpy(), ds["workshop"].to_numpy()
    g_s = clone(small_y).fit(Xs[ts == 0], ys[ts == 0])
    plugin_s = np.mean(ys[ts == 1] - g_s.predict(Xs[ts == 1]))
    res_s = crossfit_residuals(ys, ts, Xs, small_y, small_t, make_folds(1000, 2, seed=seed))
    dml_s, se_s = residual_on_residual(*res_s)
    reps.append({"plugin": plugin_s, "dml": dml_s, "covers": abs(dml_s - theta_true) < z * se_s})
reps = pd.DataFrame(reps)
reps[["plugin", "dml"]].describe().loc[["mean", "std", "min", "max"]].round(2)

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
plot_sampling_distributions(
    {"naive plug-in": reps["plugin"], "DML, cross-fitted": reps["dml"]},
    truth=theta_true, ax=ax, bins=25, xlabel="estimated effect (weekly hours)",
    title="50 repeated studies",
)
plt.show()

# %% [markdown]
# The DML histogram sits on the dashed truth; the plug-in's is shifted to the
# right, so averaging over more samples would only pin down the wrong value.
# We check with Monte Carlo standard errors (spread / $\sqrt{50}$):

# %%
mc_se = reps[["plugin", "dml"]].std(ddof=1) / np.sqrt(len(reps))
bias = reps[["plugin", "dml"]].mean() - theta_true
coverage = reps["covers"].mean()
coverage_mc_se = np.sqrt(0.95 * 0.05 / len(reps))
print(f"average bias: plug-in {bias['plugin']:.2f} (MC SE {mc_se['plugin']:.2f}), "
      f"DML {bias['dml']:.3f} (MC SE {mc_se['dml']:.3f})")
print(f"DML 95% intervals covering theta: {coverage:.0%} of {len(reps)} "
      f"(MC SE near 95%: {coverage_mc_se:.1%})")
assert bias["plugin"] > 0.5 and bias["plugin"] > 5 * mc_se["plugin"]
assert abs(bias["dml"]) < 3 * mc_se["dml"]
assert abs(coverage - 0.95) < 2 * coverage_mc_se

# %% [markdown]
# The plug-in is off by more than half an hour per week on average, many Monte
# Carlo standard errors; DML's average is within three of them of the truth, and
# its intervals cover at a rate within two Monte Carlo standard errors of 95%.
# Fifty repetitions can detect a gross failure, not a small coverage shortfall.


# %% [markdown]
# ## 7. CATE: heterogeneity in X, controls in W
#
# Now the workshop helps new clients most. In this world the effect for a team
# with tenure $x$ years is $\tau(x) = 1 + 4e^{-x/2}$ (the package's `plm_cate`),
# and the model becomes $Y = \tau(X)\,T + g(X, W) + U$. EconML separates two
# roles:
#
# * `X`: **effect modifiers**, the variables the CATE is a function of (here
#   `tenure_years`);
# * `W`: **controls**, needed for ignorability but not used to describe the
#   effect (engagement, team size, months on plan).
#
# The identifying assumptions are those of section 1; the estimand is now a
# function, $\tau(x) = E[Y(1) - Y(0) \mid X = x]$. We fit on 4,000 teams and judge
# the estimates on 500 fresh teams (another seed), whose true CATE is known.

# %%
het = simulate_plm(n=4000, heterogeneous=True, seed=3).data
test = simulate_plm(n=500, heterogeneous=True, seed=4).data
CONTROLS = ["engagement", "team_size", "months_on_plan"]
y_h, t_h = het["hours"].to_numpy(), het["workshop"].to_numpy()
X_h, W_h = het[["tenure_years"]].to_numpy(float), het[CONTROLS].to_numpy(float)
X_test, tau_test = test[["tenure_years"]].to_numpy(float), test["true_cate"].to_numpy()
folds_h = make_folds(len(het), n_folds=2, seed=0)
print(f"true ATE in the training sample: {het['true_effect'].mean():.2f}; the true CATE of "
      f"test teams ranges from {tau_test.min():.2f} to {tau_test.max():.2f}")

# %% [markdown]
# Any model that predicts well can serve as a nuisance model. From here on we
# use **additive splines**: each covariate is expanded into a cubic spline
# basis, then a lightly penalized ridge regression models $E[Y \mid X, W]$ and
# a logistic regression models the propensity. They are quick to fit; they
# suit this world, whose baseline and propensity (on the logit scale) are sums
# of smooth functions of single covariates; and they treat every column alike,
# which section 9 needs.

# %%
spline_y = make_pipeline(SplineTransformer(n_knots=5, knots="quantile"),
                         Ridge(alpha=1.0))
spline_t = make_pipeline(SplineTransformer(n_knots=5, knots="quantile"),
                         LogisticRegression(max_iter=2000))

# %% [markdown]
# `LinearDML` with `X` assumes that $\tau(x)$ is *linear in a featurization of*
# $x$. With raw tenure that is a straight line, $\tau(x) = a + b\,x$. The final
# stage minimises $\sum_i \big(\tilde Y_i - \tau(X_i)\,\tilde T_i\big)^2$ over the
# cross-fitted residuals (the R-learner loss of Nie & Wager 2021).
# `cache_values=True` keeps the residuals so the final stage can be refitted.

# %%
cate_lin = LinearDML(model_y=spline_y, model_t=spline_t, discrete_treatment=True,
                     cv=folds_h, random_state=0)
cate_lin.fit(y_h, t_h, X=X_h, W=W_h, cache_values=True)
line_a, line_b = float(cate_lin.intercept_), float(cate_lin.coef_[0])
low_l, high_l = cate_lin.effect_interval(X_test, alpha=0.05)
cover_lin = interval_coverage(low_l, high_l, tau_test)
print(f"straight line: tau(x) = {line_a:.2f} + ({line_b:.2f}) * tenure")
print(f"share of test teams whose 95% interval contains their true CATE: {cover_lin:.0%}")
assert line_b < 0 and cover_lin < 0.6

# %% [markdown]
# The line slopes down, as it should, but its intervals miss the true effect of
# most test teams. They are valid intervals for the *best straight line*, not
# for the curve: misspecification is a bias that no interval accounts for. A
# spline featurizer makes $\tau$ a smooth curve while the final stage stays
# linear (in the spline features). Only the final stage changes, so
# `refit_final` reuses the cached residuals.
#
# > **Pause and predict.** Will the spline's intervals be wider or narrower
# > than the straight line's? Will they cover more test teams, or fewer?

# %%
grid = np.linspace(0.1, 10, 100).reshape(-1, 1)  # tenures for plotting curves
cate_lin_curve = cate_lin.effect(grid)
cate_spline = cate_lin  # the same fitted object: we swap its featurizer
cate_spline.featurizer = SplineTransformer(n_knots=4, degree=3, include_bias=False)
cate_spline.refit_final()
low_s, high_s = cate_spline.effect_interval(X_test, alpha=0.05)
cover_spline = interval_coverage(low_s, high_s, tau_test)
rmse_spline = float(np.sqrt(np.mean((cate_spline.effect(X_test) - tau_test) ** 2)))
print(f"spline CATE: coverage {cover_spline:.0%}, RMSE against the truth {rmse_spline:.2f} hours, "
      f"mean interval width {np.mean(high_s - low_s):.2f} (straight line "
      f"{np.mean(high_l - low_l):.2f})")
assert cover_spline > 0.9 and np.mean(high_s - low_s) > np.mean(high_l - low_l)

# %% [markdown]
# Wider intervals, and they cover the truth for more than 90% of the test
# teams. Next, a **causal forest** (Wager & Athey 2018; Athey, Tibshirani &
# Wager 2019). `CausalForestDML` uses the same kind of residuals but fits the
# final stage with an honest forest that searches for the modifiers itself. We
# let it consider all four covariates as candidate modifiers (`X`), so it is not
# told that tenure is the one that matters. Its intervals come from the
# bootstrap of little bags.

# %%
MODIFIERS = ["tenure_years", "months_on_plan", "engagement", "team_size"]
cforest = CausalForestDML(model_y=spline_y, model_t=spline_t, discrete_treatment=True,
                          cv=folds_h, n_estimators=200, min_samples_leaf=20,
                          random_state=0, n_jobs=1)
cforest.fit(y_h, t_h, X=het[MODIFIERS].to_numpy(float), W=None)
Xf_test = test[MODIFIERS].to_numpy(float)
low_f, high_f = cforest.effect_interval(Xf_test, alpha=0.05)
cate_forest = cforest.effect(Xf_test)
cover_forest = interval_coverage(low_f, high_f, tau_test)
rmse_forest = float(np.sqrt(np.mean((cate_forest - tau_test) ** 2)))
print(f"causal forest: coverage {cover_forest:.0%}, RMSE {rmse_forest:.2f} hours, "
      f"mean interval width {np.mean(high_f - low_f):.2f}")

# %% [markdown]
# The curves against the truth. Left: `LinearDML` on a grid of tenures, the
# straight line and the spline with its 95% band. Right: the forest's estimate
# and interval for each test team against its tenure (the forest also uses the
# other covariates, so teams with equal tenure get different estimates).

# %%
band_low, band_high = cate_spline.effect_interval(grid, alpha=0.05)
covered = (low_f <= tau_test) & (tau_test <= high_f)
order = np.argsort(X_test[:, 0])
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
axes[0].plot(grid[:, 0], plm_cate(grid[:, 0]), color="black", lw=2, label="true CATE")
axes[0].plot(grid[:, 0], cate_lin_curve, color="#c0392b", ls="--", label="LinearDML, straight")
axes[0].plot(grid[:, 0], cate_spline.effect(grid), color="#1f6fb2", label="LinearDML, spline")
axes[0].fill_between(grid[:, 0], band_low, band_high, color="#1f6fb2", alpha=0.2)
axes[0].set(xlabel="tenure (years)", ylabel="effect (weekly hours)", title="LinearDML")
axes[1].vlines(X_test[:, 0], low_f, high_f, colors=np.where(covered, "#1f6fb2", "#c0392b"),
               alpha=0.35, lw=1)
axes[1].scatter(X_test[:, 0], cate_forest, s=6, color="#1f6fb2", label="forest estimate")
axes[1].plot(X_test[order, 0], tau_test[order], color="black", lw=2, label="true CATE")
axes[1].set(xlabel="tenure (years)", title="CausalForestDML (red: interval misses)")
for a in axes:
    a.legend(frameon=False, fontsize="small")
plt.show()

# %% [markdown]
# The spline follows the steep drop for new clients, which the straight line
# cannot, and its band widens beyond six years, where few teams are (under one
# in ten). The
# forest's estimates scatter around the curve and flatten its steep start.
# We measure both, for new clients (tenure under one year, where the curve is
# steepest) and for the rest: coverage, and the average error (estimate minus
# truth), which shows a systematic lean that coverage alone hides.

# %%
new_client = X_test[:, 0] < 1
cate_spline_test = cate_spline.effect(X_test)
rows = {}
for label, mask in (("tenure < 1", new_client), ("tenure >= 1", ~new_client)):
    rows[label] = {
        "test teams": int(mask.sum()),
        "forest coverage": interval_coverage(low_f[mask], high_f[mask], tau_test[mask]),
        "forest mean error": float(np.mean(cate_forest[mask] - tau_test[mask])),
        "spline coverage": interval_coverage(low_s[mask], high_s[mask], tau_test[mask]),
        "spline mean error": float(np.mean(cate_spline_test[mask] - tau_test[mask])),
    }
by_tenure = pd.DataFrame.from_dict(rows, orient="index")
band = band_high - band_low
assert band[grid[:, 0] > 6].mean() > 2 * band[grid[:, 0] < 6].mean()
assert (het["tenure_years"] > 6).mean() < 0.1
assert by_tenure.loc["tenure < 1", "forest mean error"] < -0.2
assert by_tenure.loc["tenure < 1", "forest coverage"] > 0.5
assert abs(by_tenure.loc["tenure < 1", "spline mean error"]) < 0.1
assert 0.75 < cover_forest < 0.92 and rmse_forest > rmse_spline
by_tenure.round(2)

# %% [markdown]
# What we measured: for one fitted model each, the share of test teams whose
# pointwise 95% interval contains their true CATE. The spline's intervals cover
# almost every team; the forest's cover clearly fewer than the nominal 95%.
# Among new clients the forest also underestimates the effect, by about a third
# of an hour on average: averaging over neighbouring tenures flattens the steep
# curve. Its intervals are wide enough there to still cover most of these teams
# (with a few dozen teams that share is noisy anyway), but the lean is a bias,
# and forest intervals assume the bias is small next to the noise (Wager &
# Athey 2018). The spline, told the right modifier, has no such lean. One more
# caution: a single fit's coverage share varies a lot between samples, because
# errors along a fitted curve are correlated.

# %% [markdown]
# ## 8. Interpreting a CATE model
#
# A forest of 200 trees is hard to read. EconML's `SingleTreeCateInterpreter`
# fits one shallow tree to the forest's *predicted* CATEs for the test teams and
# reports each leaf's average effect with an interval.
#
# > **Pause and predict.** Which covariate will the summary tree split on first?

# %%
interpreter = SingleTreeCateInterpreter(include_model_uncertainty=True, max_depth=2,
                                        min_samples_leaf=40, random_state=0)
interpreter.interpret(cforest, Xf_test)
fig, ax = plt.subplots(figsize=(11, 4.2))
interpreter.plot(ax=ax, feature_names=MODIFIERS, fontsize=9)
plt.show()
root = interpreter.tree_model_.tree_
root_feature = MODIFIERS[root.feature[0]]
left = test[root_feature] <= root.threshold[0]
young = test["tenure_years"] < 2
print(f"first split of the summary tree: {root_feature} <= {root.threshold[0]:.1f}")
print(f"share with tenure under 2 years: {young[left].mean():.0%} of the teams on the left, "
      f"{young[~left].mean():.0%} on the right")
assert root_feature == "months_on_plan" and young[left].mean() > 0.8

# %% [markdown]
# The first split is on `months_on_plan`, a variable that plays no part in the
# effect. It tracks tenure closely, so "few months on the current plan" picks
# out mostly clients of under two years, whose effects are large; the tree is
# free to use whichever of two nearly interchangeable variables splits the
# predictions best. The forest's own **feature importances** measure how much of its
# splitting (weighted by the heterogeneity each split creates) each covariate
# receives. Beside them, each covariate's real role in this world and its
# correlation with tenure:

# %%
roles = {"tenure_years": "modifies the effect", "months_on_plan": "none (tracks tenure)",
         "engagement": "confounder only", "team_size": "confounder only"}
importance = pd.DataFrame({
    "importance": cforest.feature_importances_,
    "true role": [roles[c] for c in MODIFIERS],
    "corr. with tenure": het[MODIFIERS].corr()["tenure_years"].to_numpy(),
}, index=MODIFIERS)
assert importance["importance"].idxmax() == "tenure_years"
assert importance.loc["months_on_plan", "importance"] > 0.15
assert importance.loc["engagement", "importance"] > 0.15
importance.round(2)

# %% [markdown]
# Tenure comes first, but `months_on_plan` receives a large share too, and so
# does engagement, a confounder that modifies nothing. Engagement drives the
# invitations, so among very engaged (or very disengaged) teams almost all (or
# almost none) were invited; local effect estimates there are noisy, and splits
# on engagement create apparent differences out of that noise. The forest's
# intervals show the noise: they are wider for teams with extreme engagement.

# %%
extreme = test["engagement"].abs().to_numpy() > 1.5
width = high_f - low_f
print(f"mean forest interval width: |engagement| > 1.5: {width[extreme].mean():.2f} "
      f"({extreme.sum()} teams); otherwise {width[~extreme].mean():.2f}")
engagement_high = test["engagement"] > 0
forest_gap = cate_forest[engagement_high].mean() - cate_forest[~engagement_high].mean()
true_gap = tau_test[engagement_high].mean() - tau_test[~engagement_high].mean()
print(f"forest CATE, high minus low engagement: {forest_gap:.2f} hours (truth {true_gap:.2f})")
assert width[extreme].mean() > 1.1 * width[~extreme].mean()
assert abs(forest_gap - true_gap) < 0.3

# %% [markdown]
# And despite its importance score, the forest's average predicted effect
# differs little between more and less engaged teams (a fraction of an hour,
# against the four-hour range of the true CATE). Interpreter trees and
# importances describe **how the fitted model varies**, not what causes the
# effect to vary: a real modifier, a proxy of one and a noisy confounder can all
# score high. Acting on a proxy ("target clients recently moved to a new plan")
# would not deliver the effect.

# %% [markdown]
# ## 9. DoWhy and EconML together
#
# DoWhy (lecture 08) makes the causal assumptions explicit and provides
# refuters; EconML provides the estimator. DoWhy calls any EconML class named
# `backdoor.econml.<module>.<Class>`, passing `init_params` to the constructor
# and `fit_params` to `fit`. We declare the controls as common causes and tenure
# as the effect modifier, then identify the estimand.

# %%
causal_model = CausalModel(data=het[[*CONTROLS, "tenure_years", "workshop", "hours"]],
                           treatment="workshop", outcome="hours",
                           common_causes=CONTROLS, effect_modifiers=["tenure_years"])
estimand = causal_model.identify_effect(proceed_when_unidentifiable=True)
print("backdoor adjustment set:", sorted(estimand.get_backdoor_variables()))

# %% [markdown]
# DoWhy stores the adjustment set in a set, so the *order* in which it hands the
# controls to EconML can change between Python sessions. With nuisance models
# whose fit depends on column order (a random forest draws random subsets of
# columns), the estimate could then change from run to run; the spline models
# treat every column alike, so the result does not depend on it. (The
# `method_name` string is `CausalModel`'s long-standing interface; DoWhy's
# lower-level `dowhy.causal_estimators.econml.Econml` class can also take an
# EconML estimator instance directly.)

# %%
init_params = {"model_y": spline_y, "model_t": spline_t, "discrete_treatment": True,
               "featurizer": SplineTransformer(n_knots=4, degree=3, include_bias=False),
               "cv": folds_h, "random_state": 0}
dowhy_estimate = causal_model.estimate_effect(
    estimand, method_name="backdoor.econml.dml.LinearDML",
    method_params={"init_params": init_params, "fit_params": {}},
)
direct_ate = float(cate_spline.effect(X_h).mean())
print(f"DoWhy + LinearDML, average of the CATEs: {dowhy_estimate.value:.3f}")
print(f"LinearDML fitted directly (section 7):  {direct_ate:.3f}")
assert abs(dowhy_estimate.value - direct_ate) < 1e-6

# %% [markdown]
# The same number: DoWhy ran the same estimator on the same data and averaged
# its CATEs over the sample. Is the average effect right? EconML gives an
# interval for it, and the simulation knows the truth.

# %%
ate_low, ate_high = cate_spline.ate_interval(X_h, alpha=0.05)
true_ate = float(het["true_effect"].mean())
print(f"ATE {direct_ate:.2f} (95% CI {ate_low:.2f} to {ate_high:.2f}); true sample ATE "
      f"{true_ate:.2f}")
assert ate_low <= true_ate <= ate_high

# %% [markdown]
# Now the refuters. A **placebo** treatment (the real one randomly permuted)
# should have no effect; adding a **random common cause** (an extra
# independent column among the controls) should leave the estimate where it
# was. Each refuter refits the whole estimator several times; five runs each
# keep this quick, with fixed seeds.

# %%
placebo = causal_model.refute_estimate(
    estimand, dowhy_estimate, method_name="placebo_treatment_refuter",
    placebo_type="permute", num_simulations=5, random_state=0)
random_cause = causal_model.refute_estimate(
    estimand, dowhy_estimate, method_name="random_common_cause",
    num_simulations=5, random_state=1)
ate_se = (ate_high - ate_low) / (2 * 1.96)
print(f"original estimate:           {dowhy_estimate.value:.3f} (SE {ate_se:.3f})")
print(f"placebo treatment:           {placebo.new_effect:.3f}")
print(f"with a random common cause:  {random_cause.new_effect:.3f}")
assert abs(placebo.new_effect) < 2 * ate_se
assert dowhy_estimate.value - placebo.new_effect > 10 * ate_se
assert abs(random_cause.new_effect - dowhy_estimate.value) < 0.25 * ate_se

# %% [markdown]
# The placebo average is within two standard errors of zero and more than ten
# below the real estimate; the random common cause moves the estimate by a
# small fraction of a standard error. The estimator passes both checks. Five
# runs give only a rough placebo average (each run scatters by about one
# standard error), and DoWhy's p-values need many more runs to mean much
# (lecture 08). Passing refuters is necessary, not sufficient: no refuter can
# detect a confounder that is missing from the data (lecture 12).

# %% [markdown]
# ## Key takeaways
#
# * Plugging an ML outcome model into an effect formula inherits the model's
#   regularization bias; more data does not remove it.
# * DML partials $X$ out of both the outcome and the treatment (Robinson's
#   residual-on-residual regression). The orthogonal score makes the estimate
#   insensitive to small nuisance errors, and cross-fitting keeps each unit's
#   residual honest.
# * A hand-written DML reproduces EconML's `LinearDML` exactly when both get the
#   same folds (`cv=`) and models; the standard errors differ only by the HC1
#   factor $\sqrt{n/(n-1)}$.
# * For a CATE, `X` holds the effect modifiers and `W` the controls. A linear
#   CATE model's intervals are about its best linear approximation; use a
#   featurizer (splines) or a causal forest when the effect is curved, and
#   measure coverage against the truth in simulations.
# * Interpreter trees and feature importances summarise a fitted model. A
#   proxy of a modifier looks just like the modifier to them.
# * DoWhy can wrap any EconML estimator, adding an explicit estimand and
#   refuters; refuters catch some mistakes, not unmeasured confounding.
#
# ## Common mistakes
#
# * Reading the treatment coefficient of a flexible predictive model (or a
#   plug-in of one) as the effect.
# * Computing residuals in-sample, or tuning nuisance models on the same units
#   whose residuals enter the final stage.
# * Putting confounders in `X` "to be safe" and then reading the CATE's
#   variation along them as modification, or leaving confounders out of both
#   `X` and `W`.
# * Trusting a linear CATE model's narrow intervals when the effect is curved.
# * Treating high feature importance as evidence that intervening on that
#   feature changes the effect.
# * Comparing DML estimates across runs without fixing the folds and the
#   models' seeds.
#
# ## References
#
# * Chernozhukov, V., Chetverikov, D., Demirer, M., Duflo, E., Hansen, C., Newey,
#   W., & Robins, J. (2018). Double/debiased machine learning for treatment and
#   structural parameters. *The Econometrics Journal*, 21(1), C1-C68.
#   doi:10.1111/ectj.12097, arXiv:1608.00060
# * Robinson, P. M. (1988). Root-N-consistent semiparametric regression.
#   *Econometrica*, 56(4), 931-954. doi:10.2307/1912705
# * Wager, S., & Athey, S. (2018). Estimation and inference of heterogeneous
#   treatment effects using random forests. *Journal of the American Statistical
#   Association*, 113(523), 1228-1242. doi:10.1080/01621459.2017.1319839,
#   arXiv:1510.04342
# * Athey, S., Tibshirani, J., & Wager, S. (2019). Generalized random forests.
#   *The Annals of Statistics*, 47(2), 1148-1178. doi:10.1214/18-AOS1709,
#   arXiv:1610.01271
# * Nie, X., & Wager, S. (2021). Quasi-oracle estimation of heterogeneous
#   treatment effects. *Biometrika*, 108(2), 299-319. doi:10.1093/biomet/asaa076,
#   arXiv:1712.04912
# * White, H. (1980). A heteroskedasticity-consistent covariance matrix estimator
#   and a direct test for heteroskedasticity. *Econometrica*, 48(4), 817-838.
#   doi:10.2307/1912934
# * Battocchi, K., Dillon, E., Hei, M., Lewis, G., Oka, P., Oprescu, M., &
#   Syrgkanis, V. (2019). EconML: A Python package for ML-based heterogeneous
#   treatment effects estimation. Version 0.17, https://github.com/py-why/EconML
# * Sharma, A., & Kiciman, E. (2020). DoWhy: An end-to-end library for causal
#   inference. arXiv:2011.04216
