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
# # Lecture 05: Heterogeneous effects with subgroups and interaction models
#
# ## Overview
#
# A subscription business ran a randomized experiment: half of its customers,
# chosen by a coin flip, got a retention call. On average the call raises
# revenue. But "on average" hides the question the business actually has to
# answer next: *whom* should it call? Some customers gain a lot, and some are
# annoyed enough by the call to spend less. This lecture estimates effects for
# groups of customers and for individual covariate profiles, on a simulation
# whose true effects we know, and shows how easily subgroup analysis finds
# patterns that are not there.
#
# By the end you should be able to:
#
# 1. define the ATE, a subgroup effect and the CATE, and show that the ATE is
#    the average of the CATE;
# 2. estimate subgroup effects by quantile with intervals and compare them with
#    the truth in a forest plot;
# 3. tell a prognostic variable (predicts the outcome) from an effect modifier
#    (changes the effect);
# 4. fit an interaction regression with standardized covariates and robust
#    (HC3) errors, read its coefficients, compute each unit's implied CATE and
#    check its calibration on new customers;
# 5. explain why testing many subgroups produces false discoveries, and control
#    them with Bonferroni, Holm or Benjamini-Hochberg corrections.
#
# **Prerequisites:** lecture 01 (potential outcomes, estimands, the Neyman
# interval) and lecture 03 (randomized experiments, regression adjustment).

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.stats.multitest import multipletests

from causalcourse.estimators import difference_in_means
from causalcourse.heterogeneity import calibration_by_bucket, subgroup_effects
from causalcourse.plotting import plot_estimates, set_style
from causalcourse.simulate.outreach import outreach_cate, simulate_outreach
from causalcourse.subgroups import interaction_cate, median_split_tests, plot_calibration

set_style()

# %% [markdown]
# ## 1. Three estimands: ATE, subgroup effect, CATE
#
# With potential outcomes $Y_i(1)$ (revenue if called) and $Y_i(0)$ (if not)
# and covariates $X_i$, three targets answer three different questions:
#
# * **ATE**, $\tau = E[Y(1) - Y(0)]$: should we call everybody or nobody?
# * **Subgroup effect**, $\tau_G = E[Y(1) - Y(0) \mid X \in G]$ for a group $G$
#   defined by pre-treatment covariates (say, "satisfaction 8 or more"):
#   should we call this segment?
# * **CATE**, $\tau(x) = E[Y(1) - Y(0) \mid X = x]$: what does a customer with
#   profile $x$ gain on average? A subgroup effect is the CATE averaged over the
#   group, and the ATE is the CATE averaged over everyone:
#   $\tau = E[\tau(X)]$ (the law of iterated expectations).
#
# The simulated world: 6,000 customers, a coin-flip call, revenue over the next
# 90 days. Besides the observed columns it stores both potential outcomes, each
# customer's effect `true_effect` and the CATE `true_cate` (the effect with the
# customer's own idiosyncratic part averaged out).

# %%
sim = simulate_outreach(6000, seed=5)
data = sim.data
covariates = list(sim.covariates)
print(sim.description)
print("covariates:", ", ".join(covariates))
shown_cols = ["past_spend", "satisfaction", "outreach", "revenue", "y0", "y1", "true_effect",
              "true_cate"]
data[shown_cols].head().round(2)

# %% [markdown]
# The CATE in this world is a simple formula of satisfaction and tenure, which
# the simulator exposes as `outreach_cate`: very satisfied customers find the
# call intrusive. We check that the stored column is that formula.

# %%
assert np.allclose(data["true_cate"], outreach_cate(data["satisfaction"], data["tenure_months"]))
examples = pd.DataFrame({"satisfaction": [3.0, 6.5, 9.0], "tenure_months": [24.0] * 3})
examples["true CATE ($)"] = outreach_cate(examples["satisfaction"], examples["tenure_months"])
examples.round(2)

# %% [markdown]
# Now the three estimands, computed from the truth columns. The subgroup here
# is the very satisfied customers (satisfaction 8 or more).

# %%
very_satisfied = data["satisfaction"] >= 8
share_harmed = (data["true_effect"] < 0).mean()
estimands = pd.Series({
    "ATE": sim.ate,
    "effect, satisfaction >= 8": data.loc[very_satisfied, "true_effect"].mean(),
    "effect, satisfaction < 8": data.loc[~very_satisfied, "true_effect"].mean(),
    "mean of the CATE": data["true_cate"].mean(),
})
print(f"share of customers the call harms: {share_harmed:.1%}")
estimands.round(3).to_frame("true value ($)")

# %% [markdown]
# The ATE is clearly positive, yet the very satisfied lose revenue on average
# and a sizeable minority of all customers (between 10% and 25%) is harmed.
# The ATE is *exactly* the share-weighted average of the two subgroup effects,
# and equal to the mean of the CATE up to the customers' idiosyncratic
# effect noise (which has mean zero, standard deviation one dollar).

# %%
share = very_satisfied.mean()
weighted = share * estimands.iloc[1] + (1 - share) * estimands.iloc[2]
assert sim.ate > 2 and 0.10 < share_harmed < 0.25
assert estimands["effect, satisfaction >= 8"] < 0 < estimands["effect, satisfaction < 8"]
assert abs(weighted - sim.ate) < 1e-9
assert abs(estimands["mean of the CATE"] - sim.ate) < 3 / np.sqrt(len(data))
print(f"weighted average of the subgroup effects: {weighted:.3f} (share >= 8: {share:.3f})")

# %% [markdown]
# A histogram of the individual effects shows what the single number hides.

# %%
assert data["true_effect"].min() < -2 and data["true_effect"].max() > 2 * sim.ate
fig, ax = plt.subplots(figsize=(7, 3.4))
bins = np.arange(np.floor(data["true_effect"].min()), data["true_effect"].max() + 0.5, 0.5)
ax.hist(data["true_effect"], bins=bins, color="#1f6fb2", alpha=0.7)
ax.hist(data.loc[data["true_effect"] < 0, "true_effect"], bins=bins, color="#c0392b",
        alpha=0.8, label=f"harmed ({share_harmed:.0%})")
ax.axvline(sim.ate, color="#222222", linestyle="--", label=f"ATE = {sim.ate:.2f}")
ax.set_xlabel("true effect of the call on 90-day revenue ($)")
ax.set_ylabel("customers")
ax.legend(frameon=False)
plt.show()

# %% [markdown]
# Effects spread from clearly negative to more than twice the ATE; the red bars
# are customers for whom "call everybody" is the wrong decision.

# %% [markdown]
# ## 2. Identification: why subgroup effects are estimable here
#
# No analyst sees `true_effect`. What makes a subgroup effect estimable is the
# design: the call was assigned by a coin flip with probability 1/2, so within
# *any* group defined by pre-treatment covariates the called and uncalled
# customers are comparable, and the difference in mean revenue estimates the
# subgroup effect without bias. Two conditions matter:
#
# * the covariates defining the group are measured **before** treatment (a
#   group defined by something the call changes, such as "customers who
#   complained afterwards", is not comparable across arms);
# * both arms are present in every group (**positivity**), with enough units for
#   a variance.
#
# Because the treatment is randomized, $E[Y \mid T=1, X=x] - E[Y \mid T=0, X=x]
# = \tau(x)$: every estimator below is a way of estimating this contrast.

# %% [markdown]
# ## 3. Subgroup tables by quantile
#
# Split customers into satisfaction quintiles and estimate the effect in each
# with a difference in means and a Neyman 95% interval
# (`causalcourse.heterogeneity.subgroup_effects`). Passing `truth="true_effect"`
# adds each group's true average effect, which only a simulation can do.


# %%
def quintiles(x, low, high):
    """Quintile labels Q1..Q5 of a covariate, with the extremes named."""
    names = [f"Q1 ({low})", "Q2", "Q3", "Q4", f"Q5 ({high})"]
    return pd.qcut(x, 5, labels=names).rename(f"{x.name} quintile")


sat_q = quintiles(data["satisfaction"], "least satisfied", "most satisfied")
by_sat = subgroup_effects(data, "revenue", "outreach", sat_q, truth="true_effect")
by_sat.round(2)

# %% [markdown]
# > **Pause and predict.** Each interval has 95% coverage on its own. With
# > five of them, how likely is it that at least one misses its group's truth?
#
# The forest plot sets each interval beside the true subgroup effect (diamond).

# %%
fig, ax = plt.subplots(figsize=(7, 3.2))
plot_estimates(by_sat, truth=by_sat["true_effect"].to_dict(), ax=ax,
               xlabel="effect of the call on 90-day revenue ($)",
               title="Effect by satisfaction quintile")
ax.axvline(0, color="#888888", linewidth=1)
plt.show()

# %% [markdown]
# The true effect falls steadily with satisfaction and turns negative in the
# top quintile, and the estimates follow. Four of the five intervals cover their
# truth; one misses, which is no surprise: five independent 95% intervals all
# cover only with probability $0.95^5 \approx 0.77$.

# %%
covered = (by_sat["ci_low"] <= by_sat["true_effect"]) & (
    by_sat["true_effect"] <= by_sat["ci_high"])
p_all_cover = 0.95**5
print(f"intervals covering the truth: {covered.sum()} of 5; "
      f"P(all five cover) = {p_all_cover:.2f}")
assert by_sat["true_effect"].is_monotonic_decreasing
assert by_sat["true_effect"].iloc[-1] < 0 and by_sat["estimate"].iloc[-1] < 0
assert by_sat["ci_low"].iloc[0] > 0 and by_sat["ci_high"].iloc[-1] > 0
assert by_sat["std_error"].min() > 2 * difference_in_means(data, "revenue", "outreach").std_error
assert covered.sum() == 4

# %% [markdown]
# From the data alone, the least satisfied clearly gain (their interval lies
# above zero). The most satisfied quintile's estimate is negative, but its
# interval still reaches above zero: each quintile has a fifth of the customers,
# so its standard error is more than twice that of the overall estimate.
# Section 5 pools the information across quintiles and does better.

# %% [markdown]
# ## 4. Prognostic variables versus effect modifiers
#
# A covariate can matter in two different ways:
#
# * it is **prognostic** if it predicts the outcome, in particular the
#   untreated outcome $Y(0)$: big past spenders will spend a lot anyway;
# * it is an **effect modifier** if the effect $\tau(x)$ changes with it.
#
# One covariate can be both, either, or neither. Targeting depends only on the
# second property; precision (lecture 03) benefits from the first.
#
# > **Pause and predict.** Split customers by quintiles of `past_spend` and of
# > `satisfaction`. Which split shows big differences in revenue without the
# > call? Which shows big differences in the *effect* of the call?

# %%
spend_q = quintiles(data["past_spend"], "lowest spend", "highest spend")
by_spend = subgroup_effects(data, "revenue", "outreach", spend_q, truth="true_effect")
control = data["outreach"] == 0
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for groups, table, color in ((spend_q, by_spend, "#2e8b57"), (sat_q, by_sat, "#8e44ad")):
    name = groups.name.replace(" quintile", "")
    level = data.loc[control, "revenue"].groupby(groups[control], observed=True).mean()
    axes[0].plot(range(1, 6), level.to_numpy(), "o-", color=color, label=name)
    err = [table["estimate"] - table["ci_low"], table["ci_high"] - table["estimate"]]
    axes[1].errorbar(range(1, 6), table["estimate"], yerr=err, fmt="o-", capsize=3,
                     color=color, label=name)
axes[0].set(xlabel="quintile", ylabel="mean revenue, not called ($)", title="Outcome level")
axes[1].set(xlabel="quintile", ylabel="estimated effect ($)", title="Effect of the call")
axes[1].axhline(0, color="#888888", linewidth=1)
for ax in axes:
    ax.set_xticks(range(1, 6))
    ax.legend(frameon=False, fontsize="small")
plt.show()

# %% [markdown]
# Left: revenue without the call rises steeply with past spend and hardly at all
# with satisfaction. Right: the effect is flat across past-spend quintiles and
# falls steeply with satisfaction. `past_spend` is prognostic, `satisfaction`
# an effect modifier.

# %%
def range_of(values):
    return float(values.max() - values.min())


level_spend = data.loc[control, "revenue"].groupby(spend_q[control], observed=True).mean()
level_sat = data.loc[control, "revenue"].groupby(sat_q[control], observed=True).mean()
assert range_of(level_spend) > 5 * range_of(level_sat)
assert range_of(by_sat["true_effect"]) > 5 * range_of(by_spend["true_effect"])
print(f"spread of untreated revenue across quintiles: past_spend {range_of(level_spend):.1f}, "
      f"satisfaction {range_of(level_sat):.1f}")
spread_effect = {n: range_of(t["true_effect"]) for n, t in (("past_spend", by_spend),
                                                             ("satisfaction", by_sat))}
print(f"spread of the true effect across quintiles:   past_spend "
      f"{spread_effect['past_spend']:.2f}, satisfaction {spread_effect['satisfaction']:.2f}")

# %% [markdown]
# The same distinction for every covariate at once: correlate each with the
# untreated outcome $Y(0)$ and with the true CATE. Both columns use the truth;
# the analyst's version of the first is the correlation with revenue among the
# uncalled customers, shown alongside.

# %%
roles = pd.DataFrame({
    "corr with Y(0)": data[covariates].corrwith(data["y0"]),
    "corr with revenue, controls": data.loc[control, covariates].corrwith(
        data.loc[control, "revenue"]),
    "corr with true CATE": data[covariates].corrwith(data["true_cate"]),
})
roles.round(3)

# %% [markdown]
# `past_spend` has by far the strongest correlation with $Y(0)$ and essentially
# none with the CATE; `satisfaction` is the reverse. `tenure_months` is a weak
# modifier and weakly prognostic; `num_products` is mildly prognostic; `age` is
# neither. The highest-revenue customers are not the ones whose revenue the call
# raises most: ranking customers by expected revenue is not targeting.

# %%
absr = roles.abs()
assert absr["corr with Y(0)"].idxmax() == "past_spend"
assert absr["corr with true CATE"].idxmax() == "satisfaction"
prog, modif = absr["corr with Y(0)"], absr["corr with true CATE"]
assert prog["past_spend"] > 0.5 > modif["past_spend"]
assert modif["satisfaction"] > 0.5 > prog["satisfaction"]
assert absr.loc["age"].max() < 0.05
assert 0.05 < modif["tenure_months"] < 0.3 and 0.05 < prog["tenure_months"] < 0.3
assert prog["num_products"] > 0.05 > modif["num_products"]
assert (absr["corr with revenue, controls"] - absr["corr with Y(0)"]).abs().max() < 0.05

# %% [markdown]
# ## 5. An interaction regression with standardized covariates
#
# Quintile tables examine one covariate at a time and throw away information
# inside each bin. A regression of the outcome on treatment, covariates and
# their **interactions** models the CATE directly. With standardized covariates
# $Z = (X - \bar X) / s_X$,
#
# $$
# Y = a + \tau_0 T + Z'\beta + T\,Z'\gamma + \varepsilon
# \quad\Longrightarrow\quad
# \hat\tau(x) = \hat\tau_0 + z'\hat\gamma .
# $$
#
# Standardizing makes the coefficients readable: $\tau_0$ is the effect at the
# average customer (in a randomized experiment, the ATE estimator of Lin 2013)
# and $\gamma_j$ is the change in the effect per standard deviation of covariate
# $j$, holding the others fixed. Because the variances of revenue differ across
# customers we use heteroskedasticity-robust **HC3** standard errors
# (MacKinnon & White 1985), which behave well in finite samples (Long & Ervin 2000).
#
# First from scratch with NumPy: build the design matrix and solve least squares.

# %%
z = (data[covariates] - data[covariates].mean()) / data[covariates].std()
t = data["outreach"].to_numpy(float)
design = np.column_stack([np.ones(len(data)), t, z, z.to_numpy() * t[:, None]])
y = data["revenue"].to_numpy(float)
coef, *_ = np.linalg.lstsq(design, y, rcond=None)
effect_idx = [1] + list(range(2 + len(covariates), design.shape[1]))
print(f"by hand: tau0 = {coef[1]:.3f}, gamma(satisfaction) = {coef[effect_idx[3]]:.3f}")

# %% [markdown]
# The HC3 covariance is a sandwich: the bread is $(X'X)^{-1}$, the meat weights
# each squared residual $e_i^2$ by $1/(1-h_i)^2$, where $h_i$ is the unit's
# leverage (the diagonal of the hat matrix).

# %%
bread = np.linalg.inv(design.T @ design)
resid = y - design @ coef
leverage = np.einsum("ij,jk,ik->i", design, bread, design)
meat = (design * (resid / (1 - leverage))[:, None] ** 2).T @ design
vcov_hc3 = bread @ meat @ bread
se_hand = np.sqrt(np.diag(vcov_hc3))[effect_idx]
by_hand = pd.DataFrame({"estimate": coef[effect_idx], "HC3 std_error": se_hand},
                       index=["tau0"] + [f"gamma({c})" for c in covariates])
by_hand.round(3)

# %% [markdown]
# The course helper `interaction_cate` fits the same model with statsmodels
# (`OLS(...).fit(cov_type="HC3")`). Coefficients and standard errors agree with
# the hand computation to numerical precision.

# %%
fit = interaction_cate(data, "revenue", "outreach", covariates)
effect_table = fit.coefficients.loc[fit.effect_terms]
assert np.allclose(effect_table["estimate"], coef[effect_idx], atol=1e-8)
assert np.allclose(effect_table["std_error"], se_hand, rtol=1e-8)
print(fit)

# %% [markdown]
# Because the true CATE is known, so are the true coefficients: $\tau_0$ is the
# CATE at the average covariates, and from the formula
# $\tau(x) = 3 + 2(6.5 - \text{satisfaction}) - 0.03(\text{tenure} - 24)$ the
# change per standard deviation is $-2\,s_{\text{satisfaction}}$ for satisfaction,
# $-0.03\,s_{\text{tenure}}$ for tenure and zero for the rest.

# %%
true_gamma = pd.Series(0.0, index=fit.effect_terms)
true_gamma["outreach"] = float(outreach_cate(fit.means["satisfaction"],
                                             fit.means["tenure_months"]))
true_gamma["outreach:z_satisfaction"] = -2.0 * fit.scales["satisfaction"]
true_gamma["outreach:z_tenure_months"] = -0.03 * fit.scales["tenure_months"]
shown = effect_table[["estimate", "std_error", "ci_low", "ci_high", "p_value"]].copy()
shown["truth"] = true_gamma
shown.round(3)

# %% [markdown]
# All six intervals cover their true values. Satisfaction's interaction is
# large, negative and precisely estimated; the others are small, and the
# tenure effect (real but weak) cannot be told apart from zero at this sample
# size.

# %%
covers = (shown["ci_low"] <= shown["truth"]) & (shown["truth"] <= shown["ci_high"])
assert covers.all()
assert shown.loc["outreach:z_satisfaction", "p_value"] < 1e-10
others = shown.drop(index=["outreach", "outreach:z_satisfaction"])
assert (others["estimate"].abs() < 1).all()
assert shown.loc["outreach:z_tenure_months", "p_value"] > 0.05

# %% [markdown]
# A side benefit: $\hat\tau_0$ is a covariate-adjusted ATE estimate, and because
# `past_spend` is so prognostic its standard error is much smaller than the
# plain difference in means'. Prognostic variables buy precision.

# %%
dim = difference_in_means(data, "revenue", "outreach")
tau0 = effect_table.loc["outreach"]
print(f"difference in means:  {dim.estimate:.2f} (SE {dim.std_error:.2f})")
print(f"interaction model:    {tau0['estimate']:.2f} (SE {tau0['std_error']:.2f})")
print(f"true ATE:             {sim.ate:.2f}")
assert tau0["std_error"] < 0.7 * dim.std_error
assert dim.covers(sim.ate) and tau0["ci_low"] <= sim.ate <= tau0["ci_high"]

# %% [markdown]
# Standardizing changes what the coefficients mean, not what the model
# predicts. Fitting the same interactions on the raw covariates with
# statsmodels' formula interface gives different coefficients but the same
# implied CATE for every customer.

# %%
formula = "revenue ~ outreach * (" + " + ".join(covariates) + ")"
raw = smf.ols(formula, data=data).fit(cov_type="HC3")
raw_cate = raw.params["outreach"] + sum(
    raw.params[f"outreach:{c}"] * data[c] for c in covariates)
same = np.allclose(raw_cate, fit.cate, atol=1e-8)
assert same and not np.allclose(raw.params["outreach"], tau0["estimate"])
print(f"raw-covariate coefficient on outreach: {raw.params['outreach']:.2f} "
      f"(standardized: {tau0['estimate']:.2f}); implied CATEs agree to 1e-8: {same}")

# %% [markdown]
# ### The implied CATE of each customer
#
# `fit.cate` holds $\hat\tau(x_i)$ for every customer and `fit.std_error` its
# standard error. Because this model happens to have the right functional form
# (the true CATE is linear in the covariates), the implied CATE tracks the truth
# closely.

# %%
fig, ax = plt.subplots(figsize=(5.2, 4.2))
ax.scatter(data["true_cate"], fit.cate, s=4, alpha=0.3, color="#1f6fb2")
lims = [data["true_cate"].min(), data["true_cate"].max()]
ax.plot(lims, lims, color="#222222", linestyle="--", linewidth=1, label="implied = true")
ax.set(xlabel="true CATE ($)", ylabel="implied CATE from the interaction model ($)")
ax.legend(frameon=False)
plt.show()

# %% [markdown]
# The points hug the diagonal. In this sample the model also gets the size of
# the harmed minority right to within 3 percentage points, though only a
# fraction of those customers can be *confidently* identified as harmed (upper
# 95% limit below zero).

# %%
corr_cate = np.corrcoef(fit.cate, data["true_cate"])[0, 1]
share_pred_neg = (fit.cate < 0).mean()
share_true_neg = (data["true_cate"] < 0).mean()
share_sure_neg = (fit.cate + 1.96 * fit.std_error < 0).mean()
print(f"correlation of implied and true CATE: {corr_cate:.3f}")
print(f"share with negative CATE: implied {share_pred_neg:.1%}, true {share_true_neg:.1%}; "
      f"confidently negative {share_sure_neg:.1%}")
assert corr_cate > 0.95
assert abs(share_pred_neg - share_true_neg) < 0.03
assert share_sure_neg < 0.5 * share_true_neg

# %% [markdown]
# Treat that share as fragile. Many customers have a true CATE close to zero,
# so a small error in the fitted slope moves a lot of them across the line:
# with another sample the implied share can easily be several points off (the
# exercise shows one such sample).

# %%
near_zero = (data["true_cate"].abs() < 1).mean()
print(f"customers with |true CATE| < $1: {near_zero:.1%}")
assert near_zero > 0.10

# %% [markdown]
# ## 6. Calibration by predicted-CATE decile
#
# Without the truth, how would we know the implied CATE is trustworthy? Sort
# customers into deciles of their *predicted* effect and estimate the effect in
# each decile with a difference in means: if predictions are good, the measured
# effects line up with them. We do it on a fresh randomized sample (next
# quarter's customers, a new seed), predicting with the model fitted above, so
# the check is not flattered by overfitting.

# %%
new = simulate_outreach(6000, seed=6).data
predicted = fit.predict(new)
calib = calibration_by_bucket(predicted, new, "revenue", "outreach", truth="true_cate")
calib[["predicted", "estimate", "ci_low", "ci_high", "true_effect"]].round(2)

# %%
fig, ax = plt.subplots(figsize=(5.6, 4.2))
plot_calibration(calib, ax=ax, xlabel="mean predicted CATE in decile ($)",
                 ylabel="effect in decile ($)", title="Calibration on new customers")
plt.show()

# %% [markdown]
# The measured effects rise with the predictions (their correlation across
# deciles is above 0.8) and scatter around the diagonal within their wide
# intervals; the true decile means (diamonds) sit almost on it. The lowest
# decile's interval lies below zero: the customers the model flags as harmed
# really are, on data it never saw.

# %%
gap = (calib["predicted"] - calib["true_effect"]).abs()
covered_dec = ((calib["ci_low"] <= calib["true_effect"]) &
               (calib["true_effect"] <= calib["ci_high"]))
corr_dec = np.corrcoef(calib["predicted"], calib["estimate"])[0, 1]
print(f"correlation of predicted and measured decile effects: {corr_dec:.2f}")
print(f"largest |predicted - true| over deciles: {gap.max():.2f} dollars; "
      f"intervals covering the truth: {covered_dec.sum()} of 10")
assert gap.max() < 0.5
assert corr_dec > 0.8
assert calib["ci_high"].iloc[0] < 0
assert covered_dec.sum() >= 8

# %% [markdown]
# ## 7. Subgroup fishing
#
# So far we looked where the simulation told us to look. In practice an analyst
# with many covariates is tempted to try them all: split on each, test whether
# the effect differs between the halves, report what comes out "significant".
# To see what this finds when there is **nothing** to find, use the
# constant-effect version of the world (every customer gains exactly $4) with
# 30 extra pure-noise covariates: 35 candidate subgroups, none real.
#
# `median_split_tests` splits at each covariate's median and tests the
# difference between the two halves' effects with a z-test.
#
# > **Pause and predict.** How many of the 35 tests will have $p < 0.05$?

# %%
null = simulate_outreach(6000, heterogeneous=False, n_noise=30, seed=19)
candidates = list(null.covariates)
assert len(candidates) == 35
assert np.allclose(null.data["true_effect"], 4.0, atol=1e-9)
tests_null = median_split_tests(null.data, "revenue", "outreach", candidates)
findings = tests_null[tests_null["p_value"] < 0.05]
print(f"{len(candidates)} tests, {len(findings)} 'significant' at 5%")
findings.round(3)

# %% [markdown]
# The test is the familiar one in disguise: it equals the interaction
# coefficient of a regression of revenue on the call, an above-median
# indicator and their product, with HC2 standard errors (checked here for the
# first finding).

# %%
name = findings.index[0]
split = null.data.assign(above=(null.data[name] > null.data[name].median()).astype(int))
ols = smf.ols("revenue ~ outreach * above", data=split).fit(cov_type="HC2")
assert abs(ols.params["outreach:above"] - findings.loc[name, "difference"]) < 1e-8
assert abs(ols.pvalues["outreach:above"] - findings.loc[name, "p_value"]) < 1e-8
print(f"{name}: regression p-value {ols.pvalues['outreach:above']:.4f}")

# %% [markdown]
# With 35 tests at the 5% level we expect $35 \times 0.05 \approx 1.75$ false
# positives, and every one of these "discoveries" is false: the effect is the
# same for everybody. A forest plot of the findings makes them look convincing,
# and that is the problem.

# %%
fig, ax = plt.subplots(figsize=(7, 0.9 + 0.5 * len(findings)))
shown_f = findings.assign(estimate=findings["difference"],
                          ci_low=findings["difference"] - 1.96 * findings["std_error"],
                          ci_high=findings["difference"] + 1.96 * findings["std_error"])
assert ((shown_f["ci_high"] < 0) | (shown_f["ci_low"] > 0)).all()
plot_estimates(shown_f, truth=0.0, ax=ax, xlabel="effect above median minus below ($)",
               title="'Significant' subgroups in a world without any")
plt.show()

# %% [markdown]
# Every interval excludes the true difference of zero.
#
# ### Multiplicity corrections
#
# With $m$ tests at level $\alpha$, the expected number of false positives is
# $m\alpha$. Corrections control the error over the whole family:
#
# * **Bonferroni**: reject when $p_i \le \alpha / m$. The chance of *any*
#   false rejection (family-wise error rate, FWER) is at most $\alpha$.
# * **Holm** (1979): sort the p-values $p_{(1)} \le \dots \le p_{(m)}$; reject
#   $p_{(1)}, p_{(2)}, \dots$ while $p_{(k)} \le \alpha / (m - k + 1)$, stop at
#   the first failure. Same FWER guarantee, never fewer rejections than
#   Bonferroni.
# * **Benjamini-Hochberg** (1995): reject the $k$ smallest p-values for the
#   largest $k$ with $p_{(k)} \le k\alpha/m$. It controls the expected share of
#   false discoveries among the discoveries (FDR), a weaker promise that buys
#   power when many effects are real.
#
# Bonferroni and Holm by hand:


# %%
def bonferroni_reject(p, alpha=0.05):
    p = np.asarray(p, dtype=float)
    return p <= alpha / p.size


def holm_reject(p, alpha=0.05):
    p = np.asarray(p, dtype=float)
    order = np.argsort(p)
    passes = p[order] <= alpha / (p.size - np.arange(p.size))
    n_reject = p.size if passes.all() else int(np.argmin(passes))
    reject = np.zeros(p.size, dtype=bool)
    reject[order[:n_reject]] = True
    return reject


# %% [markdown]
# Check them against statsmodels' `multipletests`, then count what survives in
# the constant-effect world.

# %%
p_null = tests_null["p_value"].to_numpy()
counts_null = {"no correction": int((p_null < 0.05).sum())}
for method, by_hand in (("bonferroni", bonferroni_reject), ("holm", holm_reject),
                        ("fdr_bh", None)):
    reject = multipletests(p_null, alpha=0.05, method=method)[0]
    if by_hand is not None:
        assert np.array_equal(reject, by_hand(p_null))
    counts_null[method] = int(reject.sum())
print(counts_null)
assert counts_null["no correction"] >= 2
assert counts_null["bonferroni"] == counts_null["holm"] == counts_null["fdr_bh"] == 0

# %% [markdown]
# All the false discoveries disappear. Does the correction also throw away real
# ones? Run the same 35 tests in the heterogeneous world on the same customers
# (same seed: same covariates and untreated revenue), where `satisfaction`
# strongly and `tenure_months` weakly modify the effect.

# %%
het = simulate_outreach(6000, n_noise=30, seed=19)
tests_het = median_split_tests(het.data, "revenue", "outreach", candidates)
p_het = tests_het["p_value"].to_numpy()
survivors = {m: tests_het.index[multipletests(p_het, alpha=0.05, method=m)[0]].tolist()
             for m in ("bonferroni", "holm", "fdr_bh")}
assert np.array_equal(multipletests(p_het, alpha=0.05, method="holm")[0], holm_reject(p_het))
print("uncorrected p < 0.05:", tests_het.index[p_het < 0.05].tolist())
for method, names in survivors.items():
    print(f"{method:>10}: {names}")

# %% [markdown]
# Without correction three covariates look like modifiers: satisfaction, tenure
# (real but weak) and a noise column (false). Every correction keeps only
# satisfaction. It removed the false discovery, and also the weak real one:
# corrections cost power, and a median split is a blunt tool for a weak,
# continuous modifier.

# %%
uncorrected = tests_het.index[p_het < 0.05].tolist()
assert len(uncorrected) == 3 and {"satisfaction", "tenure_months"} <= set(uncorrected)
assert all(names == ["satisfaction"] for names in survivors.values())
assert tests_het.loc["satisfaction", "p_value"] < 0.05 / len(candidates)

# %% [markdown]
# ### How often does fishing "work"? Many studies
#
# One dataset is an anecdote. Repeat the null study 200 times (seeds 3000 to
# 3199, 2,000 customers, 5 real plus 20 noise covariates, so 25 tests each) and
# record, per study, the number of uncorrected, Bonferroni, Holm and BH
# rejections. Every rejection is false.

# %%
rows = []
for seed in range(3000, 3200):
    s = simulate_outreach(2000, heterogeneous=False, n_noise=20, seed=seed)
    p = median_split_tests(s.data, "revenue", "outreach", list(s.covariates))["p_value"]
    rows.append({"uncorrected": int((p < 0.05).sum()),
                 "bonferroni": int(bonferroni_reject(p).sum()),
                 "holm": int(holm_reject(p).sum()),
                 "fdr_bh": int(multipletests(p, alpha=0.05, method="fdr_bh")[0].sum())})
study = pd.DataFrame(rows)
m_tests, n_studies = 25, len(study)
summary = pd.DataFrame({"mean false discoveries": study.mean(),
                        "share of studies with any": (study > 0).mean()})
summary.round(3)

# %% [markdown]
# Without correction about 5% of all tests come out significant, as they must,
# and so most studies produce at least one publishable-looking subgroup: close
# to $1 - 0.95^{25} \approx 0.72$. With Bonferroni or Holm the share of studies
# with any false discovery drops to about the nominal 5% (within Monte Carlo
# error). Under a global null Holm and Bonferroni reject *something* in exactly
# the same studies, and so does BH, whose FDR then equals the FWER.

# %%
def mc(q, n):
    """Monte Carlo standard error of a share q estimated from n draws."""
    return np.sqrt(q * (1 - q) / n)


rate = study["uncorrected"].sum() / (m_tests * n_studies)
any_naive = (study["uncorrected"] > 0).mean()
fwer = (study[["bonferroni", "holm", "fdr_bh"]] > 0).mean()
print(f"share of tests significant: {rate:.3f}; studies with >= 1 finding: {any_naive:.2f} "
      f"(independent tests: {1 - 0.95**m_tests:.2f})")
assert abs(rate - 0.05) < 3 * mc(0.05, m_tests * n_studies)
assert abs(any_naive - (1 - 0.95**m_tests)) < 3 * mc(0.72, n_studies)
assert (fwer < 0.05 + 2 * mc(0.05, n_studies)).all()
assert ((study["bonferroni"] > 0) == (study["holm"] > 0)).all()
assert ((study["fdr_bh"] > 0) == (study["holm"] > 0)).all()

# %% [markdown]
# Corrections are one defence. Others: name the subgroups (and the direction of
# their effect) *before* looking at the data; test an interaction, not "significant
# here, not significant there"; replicate a found subgroup on fresh data, as we
# did for calibration in section 6; and use methods that separate discovery
# from estimation (honest trees, lecture 06).

# %% [markdown]
# ## Key takeaways
#
# * The ATE is the average of the CATE; a positive ATE can hide a sizeable group
#   that the treatment harms.
# * In a randomized experiment any subgroup defined by pre-treatment covariates
#   has an unbiased difference-in-means estimate; a forest plot shows them with
#   their intervals.
# * Prognostic variables predict the outcome; effect modifiers change the effect.
#   Targeting needs modifiers; prognostic variables buy precision.
# * An interaction regression with standardized covariates and HC3 errors gives
#   readable coefficients ($\tau_0$ at the average unit, $\gamma_j$ per SD) and
#   an implied CATE for every unit; check it by calibration on fresh data.
# * Testing many subgroups guarantees false discoveries; count your tests and
#   correct (Bonferroni/Holm for the family-wise error, BH for the FDR).
#
# ## Common mistakes
#
# * Reading "significant in group A, not significant in group B" as evidence
#   that the effects differ; test the difference (the interaction).
# * Defining subgroups with post-treatment variables.
# * Targeting the customers with the highest predicted *outcome* (a prognostic
#   ranking) instead of the highest predicted *effect*.
# * Reporting the one subgroup that "worked" out of many tried, without saying
#   how many were tried.
# * Trusting an interaction model's implied CATE beyond its functional form: a
#   linear model only finds linear modification (lectures 06, 07 and 09 relax
#   this).
#
# ## References
#
# * Lin, W. (2013). Agnostic notes on regression adjustments to experimental
#   data: Reexamining Freedman's critique. *Annals of Applied Statistics*, 7(1),
#   295-318. doi:10.1214/12-AOAS583
# * MacKinnon, J. G., & White, H. (1985). Some heteroskedasticity-consistent
#   covariance matrix estimators with improved finite sample properties.
#   *Journal of Econometrics*, 29(3), 305-325. doi:10.1016/0304-4076(85)90158-7
# * Long, J. S., & Ervin, L. H. (2000). Using heteroscedasticity consistent
#   standard errors in the linear regression model. *The American
#   Statistician*, 54(3), 217-224. doi:10.1080/00031305.2000.10474549
# * Dunn, O. J. (1961). Multiple comparisons among means. *Journal of the
#   American Statistical Association*, 56(293), 52-64.
#   doi:10.1080/01621459.1961.10482090
# * Holm, S. (1979). A simple sequentially rejective multiple test procedure.
#   *Scandinavian Journal of Statistics*, 6(2), 65-70. JSTOR 4615733
# * Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate:
#   a practical and powerful approach to multiple testing. *Journal of the Royal
#   Statistical Society: Series B*, 57(1), 289-300.
#   doi:10.1111/j.2517-6161.1995.tb02031.x
# * ISIS-2 Collaborative Group (1988). Randomised trial of intravenous
#   streptokinase, oral aspirin, both, or neither among 17,187 cases of suspected
#   acute myocardial infarction. *The Lancet*, 332(8607), 349-360.
#   doi:10.1016/S0140-6736(88)92833-4 (its subgroup analysis by astrological sign
#   is the classic warning against fishing)
# * Wang, R., Lagakos, S. W., Ware, J. H., Hunter, D. J., & Drazen, J. M. (2007).
#   Statistics in medicine: reporting of subgroup analyses in clinical trials.
#   *New England Journal of Medicine*, 357, 2189-2194. doi:10.1056/NEJMsr077003
# * Athey, S., & Imbens, G. (2016). Recursive partitioning for heterogeneous
#   causal effects. *PNAS*, 113(27), 7353-7360. doi:10.1073/pnas.1510489113
# * Imbens, G. W., & Rubin, D. B. (2015). *Causal Inference for Statistics, Social,
#   and Biomedical Sciences: An Introduction*. Cambridge University Press.
#   doi:10.1017/CBO9781139025751
