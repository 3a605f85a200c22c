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
# # Lecture 06: Honest trees for subgroup discovery
#
# ## Overview
#
# Lecture 05 cut customers into subgroups we chose in advance. Often we do not
# know which covariates matter, and we would like the data to *find* the
# subgroups whose effects differ. A regression tree can do that search. The
# danger is that a search which picks the most striking-looking subgroups also
# picks up that sample's luck, so the same data then exaggerate the effects it
# found and give intervals that are too optimistic. The remedy is *honesty*:
# use one part of the data to choose the subgroups and a separate part to
# estimate their effects (Athey & Imbens 2016).
#
# By the end you should be able to:
#
# 1. build the transformed (inverse-probability-weighted) outcome and explain
#    why, in a randomized experiment, its conditional mean is the CATE;
# 2. reduce its noise by first subtracting a cross-fitted prediction of the
#    outcome from the covariates;
# 3. grow a shallow regression tree on a discovery half and estimate each
#    leaf's effect on the held-out half;
# 4. show by simulation that same-sample ("adaptive") leaf intervals undercover
#    while honest ones reach their nominal 95%;
# 5. fit EconML's honest causal forest and compare it with the hand-built tree.
#
# **Prerequisites:** lecture 01 (potential outcomes, Neyman interval),
# lecture 03 (randomized experiments, regression adjustment), lecture 05
# (subgroup effects, the outreach world).

# %%

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from econml.dml import CausalForestDML
from econml.grf import CausalForest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_predict

from causalcourse.heterogeneity import interval_coverage, subgroup_effects, transformed_outcome
from causalcourse.plotting import plot_sampling_distributions, set_style
from causalcourse.simulate.outreach import simulate_outreach
from causalcourse.trees import (
    adaptive_vs_honest_coverage,
    fit_effect_tree,
    honest_leaf_effects,
    honest_split,
    leaf_rules,
    leaf_truth,
    plot_leaf_effects,
    residualize_outcome,
)

set_style()

# %% [markdown]
# ## 1. The question: which customers does the call help?
#
# We return to lecture 05's world: a subscription business randomly assigns
# half of its customers (probability $e = 1/2$) to a retention call and
# records revenue over the next 90 days. The seed is fixed, so every number
# below repeats. `COVARIATES` are the pre-treatment columns an analyst sees.

# %%
sim = simulate_outreach(4000, seed=26)
data = sim.data.copy()
COVARIATES = list(sim.covariates)
print(sim.description)
print(f"true ATE: {sim.ate:.2f} dollars; share of customers harmed by the call: "
      f"{(data['true_cate'] < 0).mean():.1%}")
data[[*COVARIATES, "outreach", "revenue", "true_cate"]].head().round(2)

# %% [markdown]
# The average effect is positive, but some customers are harmed. We want
# subgroups, defined by covariates, whose effects differ. For a subgroup $L$
# (soon: a leaf of a tree) the **estimand** is its average effect
#
# $$\tau_L = E[\,Y(1) - Y(0) \mid X \in L\,].$$
#
# **Identification.** The call was assigned by a coin flip with known
# probability $e = 1/2$, so treatment is independent of the potential outcomes
# given the covariates, both arms are possible for everyone (positivity), and
# we assume no spill-overs between customers (SUTVA). Then within any fixed
# subgroup $\tau_L = E[Y \mid T=1, X \in L] - E[Y \mid T=0, X \in L]$, and the
# difference in means with a Neyman interval (lecture 01) estimates it. The
# catch, which this lecture is about, is that $L$ will be *chosen by looking at
# the data*.
#
# Because this is a simulation we can compute each subgroup's true effect. The
# cell below draws a large reference population from the same world (the
# analyst never has it); averaging `true_cate` over its members in a subgroup
# gives $\tau_L$ up to negligible Monte Carlo error.

# %%
reference = simulate_outreach(100_000, seed=60606).data
print(f"reference population: {len(reference):,} customers, "
      f"mean true CATE {reference['true_cate'].mean():.2f}")
assert abs(reference["true_cate"].mean() - data["true_cate"].mean()) < 0.3

# %% [markdown]
# ## 2. The transformed outcome
#
# A regression tree predicts an outcome from covariates. The effect is not an
# outcome we observe, but we can build one whose *conditional mean* is the
# effect. With a known propensity $e(x)$, the transformed (IPW pseudo-)outcome is
#
# $$Y^* = Y\,\frac{T - e(X)}{e(X)\,(1 - e(X))}
#      = \begin{cases} \;\;\,Y / e(X) & \text{if } T = 1,\\
#                      -Y / (1 - e(X)) & \text{if } T = 0.\end{cases}$$
#
# Given $X = x$, the unit is treated with probability $e(x)$, and under
# randomization its potential outcomes do not depend on the coin, so
#
# $$E[Y^* \mid X = x] = e(x)\,\frac{E[Y(1) \mid x]}{e(x)}
#   - (1 - e(x))\,\frac{E[Y(0) \mid x]}{1 - e(x)} = \tau(x)$$
#
# (Athey & Imbens 2016). Any regression of $Y^*$ on $X$ therefore estimates
# the CATE.
#
# The simulation stored both potential outcomes, so we can check the key step
# unit by unit: averaging a customer's $Y^*$ over the two results of *their*
# coin flip, weighted by $e$ and $1 - e$, gives exactly their effect
# $Y(1) - Y(0)$.

# %%
n = len(data)
e = data["propensity"].to_numpy()
ystar_if_called = transformed_outcome(data["y1"], np.ones(n, dtype=int), e)
ystar_if_not = transformed_outcome(data["y0"], np.zeros(n, dtype=int), e)
coin_average = e * ystar_if_called + (1 - e) * ystar_if_not
assert np.allclose(coin_average, data["true_effect"])
gap = np.abs(coin_average - data["true_effect"]).max()
print(f"coin-flip average equals the true effect for all {n} customers: {gap < 1e-9}")

# %% [markdown]
# In the data each customer had one coin flip, so we see one of those two
# values. Averaged over many customers with similar covariates, the observed
# $Y^*$ should still track the true CATE. We compare the mean of $Y^*$ with the
# mean true CATE within satisfaction quintiles, with a standard error for each
# mean.

# %%
data["y_star"] = transformed_outcome(data["revenue"], data["outreach"], data["propensity"])
quintile = pd.qcut(data["satisfaction"], 5).rename("satisfaction quintile")
by_quintile = data.groupby(quintile, observed=True).agg(
    mean_y_star=("y_star", "mean"), se=("y_star", "sem"), true_cate=("true_cate", "mean"))
by_quintile["z"] = (by_quintile["mean_y_star"] - by_quintile["true_cate"]) / by_quintile["se"]
assert (by_quintile["z"].abs() < 2.5).all()
assert by_quintile["true_cate"].is_monotonic_decreasing
assert (by_quintile["se"] > 3).all()
by_quintile.round(2)

# %% [markdown]
# Every quintile's mean $Y^*$ is within 2.5 standard errors of the true CATE,
# and the true CATE falls steadily with satisfaction. But look at the standard
# errors: several dollars for groups of roughly 800 customers, for effects that are
# only a few dollars. $Y^*$ is unbiased and very noisy.
#
# ## 3. Honesty starts with a split
#
# The plan (Athey & Imbens 2016) is to decide *where to look* with one part of
# the sample and to *measure* with another:
#
# * the **discovery** half grows the tree, i.e. chooses the subgroups;
# * the **estimation** half, never seen by the tree, estimates each leaf's effect.
#
# `honest_split` draws the two halves at random; both keep the randomized
# design.

# %%
discovery, estimation = honest_split(data, 0.5, seed=26)
discovery, estimation = discovery.copy(), estimation.copy()
print(f"discovery: {len(discovery)} customers ({discovery['outreach'].mean():.1%} called); "
      f"estimation: {len(estimation)} ({estimation['outreach'].mean():.1%} called)")
assert discovery.index.intersection(estimation.index).empty
assert len(discovery) + len(estimation) == n

# %% [markdown]
# ## 4. Taming the noise: subtract a prediction of revenue first
#
# Why is $Y^*$ so noisy? With $e = 1/2$ it equals $\pm 2Y$, so it inherits all
# of the variation in revenue, most of which the covariates (above all past
# spending) explain and which has nothing to do with the call. A tree grown on
# it would spend its splits chasing that variation.
#
# The fix: subtract any function $f(X)$ of the covariates from $Y$ before
# transforming. Because $E[T - e(X) \mid X] = 0$, the term $f(X)\,\frac{T -
# e(X)}{e(X)(1 - e(X))}$ has conditional mean zero, so the conditional mean of
# $Y^*$ is still $\tau(x)$. A good $f$ is a prediction of revenue from the
# covariates. We compute it by **cross-fitting** (each customer's prediction
# comes from a model fitted on the other fold, so it never uses their own
# outcome) and only on the discovery half, so that the estimation half stays
# unseen. Spend is right-skewed, so the linear model uses its logarithm.

# %%
def adjustment_features(frame):
    """Covariates for predicting revenue, with past spend on the log scale."""
    return frame[COVARIATES].assign(past_spend=np.log(frame["past_spend"]))


folds = KFold(2, shuffle=True, random_state=0)
predicted = cross_val_predict(LinearRegression(), adjustment_features(discovery),
                              discovery["revenue"], cv=folds)
by_hand = discovery["revenue"].to_numpy() - predicted
print(f"SD of revenue: {discovery['revenue'].std():.1f}; "
      f"SD after subtracting the prediction: {by_hand.std(ddof=1):.1f}")
assert by_hand.var(ddof=1) < 0.5 * discovery["revenue"].var()

# %% [markdown]
# The package's `residualize_outcome` does the same cross-fitted least squares
# (in a few lines of NumPy, so the simulation study later is fast); the two
# agree to rounding error. We store the adjusted revenue in both halves, each
# computed within its own half.

# %%
discovery["revenue_adj"] = residualize_outcome(adjustment_features(discovery),
                                               discovery["revenue"], random_state=0)
estimation["revenue_adj"] = residualize_outcome(adjustment_features(estimation),
                                                estimation["revenue"], random_state=0)
assert np.allclose(discovery["revenue_adj"], by_hand)

# %% [markdown]
# The adjustment keeps the truth check of section 2 exact (the subtracted
# prediction drops out of the coin-flip average), and it shrinks the noise of
# $Y^*$ several-fold.

# %%
e_disc = discovery["propensity"].to_numpy()
f_disc = discovery["revenue"] - discovery["revenue_adj"]  # the prediction f(X)
ones, zeros = np.ones(len(discovery), dtype=int), np.zeros(len(discovery), dtype=int)
coin_adj = (e_disc * transformed_outcome(discovery["y1"] - f_disc, ones, e_disc)
            + (1 - e_disc) * transformed_outcome(discovery["y0"] - f_disc, zeros, e_disc))
assert np.allclose(coin_adj, discovery["true_effect"])

ystar_raw = transformed_outcome(discovery["revenue"], discovery["outreach"], e_disc)
ystar_adj = transformed_outcome(discovery["revenue_adj"], discovery["outreach"], e_disc)
noise = pd.Series({"Y* from revenue": ystar_raw.std(), "Y* from adjusted revenue":
                   ystar_adj.std(), "true CATE (the signal)": discovery["true_cate"].std()})
assert noise.iloc[1] < 0.25 * noise.iloc[0]
noise.round(1).to_frame("standard deviation")

# %% [markdown]
# ## 5. Grow a shallow tree on the discovery half
#
# A regression tree of $Y^*$ on the covariates groups customers whose effects
# look alike. We keep it shallow (depth 2, so at most four leaves) with at
# least 200 discovery customers per leaf: a handful of large subgroups is what
# a decision maker can use, and large leaves keep the noise in check. The
# `random_state` fixes how ties between equally good splits are broken.

# %%
tree = fit_effect_tree(discovery[COVARIATES], ystar_adj, max_depth=2,
                       min_samples_leaf=200, random_state=0)
rules = leaf_rules(tree)
for leaf, rule in rules.items():
    print(f"leaf {leaf}: {rule}")
assert all(rule.count("satisfaction") == 1 and "&" not in rule for rule in rules.values())

# %% [markdown]
# Without being told, the tree split only on satisfaction, the covariate that
# modifies the effect in this world. Each leaf's prediction is the mean of
# $Y^*$ among its discovery customers, an estimate of the leaf's effect. The
# tree is the search; what we report next are effects per leaf.
#
# ## 6. Adaptive versus honest leaf estimates
#
# We estimate each leaf's effect twice with the difference in means of adjusted
# revenue (regression adjustment as in lecture 03, which narrows the
# intervals):
#
# * **adaptive**: on the discovery half, the same customers that chose the splits;
# * **honest**: on the estimation half, which the tree never saw.
#
# `honest_leaf_effects` assigns customers to leaves and calls lecture 05's
# `subgroup_effects`. Beside them we put the true leaf means from the reference
# population.

# %%
truth = leaf_truth(tree, reference[COVARIATES], reference["true_cate"])
adaptive = honest_leaf_effects(tree, discovery[COVARIATES], discovery, "revenue_adj",
                               "outreach")
honest = honest_leaf_effects(tree, estimation[COVARIATES], estimation, "revenue_adj",
                             "outreach")
leaf_table = pd.DataFrame({
    "rule": pd.Series(rules), "true effect": truth, "adaptive": adaptive["estimate"],
    "honest": honest["estimate"], "honest CI low": honest["ci_low"],
    "honest CI high": honest["ci_high"], "n (estimation)": honest["n_treated"]
    + honest["n_control"]})
leaf_table.round(2)

# %% [markdown]
# The package function is nothing more than `subgroup_effects` grouped by leaf:
# calling it directly with the leaf ids gives identical numbers.

# %%
leaf_ids = pd.Series(tree.apply(estimation[COVARIATES]), index=estimation.index)
direct = subgroup_effects(estimation, "revenue_adj", "outreach", leaf_ids)
assert np.allclose(direct[["estimate", "ci_low", "ci_high"]], honest[["estimate", "ci_low",
                                                                      "ci_high"]])

# %% [markdown]
# > **Pause and predict.** The leaves with the largest and the smallest
# > *adaptive* estimates were partly chosen *because* this half's noise made
# > them look extreme. Will their adaptive estimates sit too far out, too close
# > to the middle, or on the truth? And the honest ones?

# %%
fig, ax = plt.subplots(figsize=(7.5, 3.6))
plot_leaf_effects({"adaptive (discovery half)": adaptive, "honest (estimation half)": honest},
                  truth=truth, labels=rules, ax=ax,
                  xlabel="effect of the call on 90-day revenue ($)",
                  title="Leaf effects with 95% intervals")
plt.show()

# %% [markdown]
# In the top and bottom leaves the adaptive estimates (red) overshoot the true
# leaf means (diamonds) outwards, while the honest estimates (blue) land near
# them. The adaptive estimates are spread further apart than the truth: the
# search found differences and partly manufactured them. Every honest interval
# here covers its leaf's truth.

# %%
top, bottom = adaptive["estimate"].idxmax(), adaptive["estimate"].idxmin()
assert (top, bottom) == (truth.idxmax(), truth.idxmin())
assert adaptive.loc[top, "estimate"] > truth[top]
assert adaptive.loc[bottom, "estimate"] < truth[bottom]
for leaf in (top, bottom):
    assert abs(honest.loc[leaf, "estimate"] - truth[leaf]) < abs(
        adaptive.loc[leaf, "estimate"] - truth[leaf])
spread = pd.Series({"true leaf means": truth.std(), "adaptive": adaptive["estimate"].std(),
                    "honest": honest["estimate"].std()})
assert spread["adaptive"] > spread["true leaf means"]
assert abs(spread["honest"] - spread["true leaf means"]) < abs(
    spread["adaptive"] - spread["true leaf means"])
assert ((honest["ci_low"] <= truth) & (truth <= honest["ci_high"])).all()
spread.round(2).to_frame("SD across leaves")

# %% [markdown]
# The adjustment pays off as promised: on the estimation half, the difference
# in means of *unadjusted* revenue gives intervals that are wider in every leaf.

# %%
raw = honest_leaf_effects(tree, estimation[COVARIATES], estimation, "revenue", "outreach")
widths = pd.DataFrame({"unadjusted revenue": raw["ci_high"] - raw["ci_low"],
                       "adjusted revenue": honest["ci_high"] - honest["ci_low"]})
assert (widths["adjusted revenue"] < widths["unadjusted revenue"]).all()
widths.round(2)

# %% [markdown]
# ## 7. A simulation study: how often do the intervals cover?
#
# One sample is an anecdote. We now repeat the whole recipe 300 times on fresh
# experiments of 1,000 customers each (seeds 60000 to 60299). In each
# replication `adaptive_vs_honest_coverage` splits the sample in halves, adjusts
# revenue within each half (the same linear model with log spend as in
# section 4), grows a depth-2 tree on the discovery half (at
# least 50 customers per leaf) and computes each leaf's 95% interval twice with
# the *same* tree and the *same* formula: once on the discovery half, once on
# the estimation half. Both halves have 500 customers, so the only difference
# is whether the data that estimate also chose the splits.
#
# > **Pause and predict.** What share of adaptive intervals will contain their
# > leaf's true effect: about 95%, about 85%, or lower still?

# %%
ADJUST_FOR = [c for c in COVARIATES if c != "past_spend"] + ["log_past_spend"]
replications = []
for rep in range(300):
    world = simulate_outreach(1000, seed=60_000 + rep).data
    world["log_past_spend"] = np.log(world["past_spend"])
    one = adaptive_vs_honest_coverage(
        world, COVARIATES, "revenue", "outreach", reference=reference,
        adjust_for=ADJUST_FOR, max_depth=2,
        min_samples_leaf=50, seed=rep)
    replications.append(one.assign(replication=rep))
study = pd.concat(replications, ignore_index=True)
study.head(4).round(2)

# %% [markdown]
# Coverage is the share of intervals containing the true leaf mean,
# `interval_coverage` from the package. Its Monte Carlo standard error, for a
# coverage near 95% measured on $N$ intervals, is $\sqrt{0.95 \cdot 0.05 / N}$.
# That formula treats the intervals as independent. Honest intervals in
# different leaves use disjoint customers, so it fits them; adaptive ones
# share the tree's luck, so for them it is only a rough yardstick.

# %%
coverage = pd.Series({name: interval_coverage(g["ci_low"], g["ci_high"], g["truth"])
                      for name, g in study.groupby("sample")})
n_intervals = study.groupby("sample").size()
mc_se = np.sqrt(0.95 * 0.05 / n_intervals)
summary = pd.DataFrame({"coverage": coverage, "intervals": n_intervals,
                        "Monte Carlo SE": mc_se})
assert coverage["adaptive"] < 0.85
assert (0.95 - coverage["adaptive"]) > 10 * mc_se["adaptive"]
assert abs(coverage["honest"] - 0.95) < 2 * mc_se["honest"]
summary.round(3)

# %% [markdown]
# The honest intervals cover at their nominal rate, within Monte Carlo error of
# 95%. The adaptive ones, identical in formula and sample size, miss the truth
# far more often than 5% of the time. The figure shows why: the standardized
# error $(\hat\tau_L - \tau_L) / \widehat{\mathrm{SE}}$ should look like a
# standard normal, with 95% of its mass between the dashed lines at $\pm 1.96$.

# %%
study["z"] = (study["estimate"] - study["truth"]) / study["std_error"]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [2, 1]})
plot_sampling_distributions(
    {"adaptive (same sample)": study.loc[study["sample"] == "adaptive", "z"],
     "honest (held-out sample)": study.loc[study["sample"] == "honest", "z"]},
    ax=axes[0], bins=40, xlabel="(estimate - true leaf effect) / standard error",
    title=f"{study['replication'].nunique()} replications, every leaf")
for x in (-1.96, 1.96):
    axes[0].axvline(x, color="#222222", linestyle="--", linewidth=1)
axes[0].set_ylabel("number of leaves")
axes[1].bar(summary.index, summary["coverage"], yerr=2 * summary["Monte Carlo SE"],
            color=["#c0392b", "#1f6fb2"], capsize=6)
axes[1].axhline(0.95, color="#222222", linestyle="--")
axes[1].text(-0.35, 0.96, "nominal 95%", fontsize="small")
axes[1].set_ylim(0.5, 1.0)
axes[1].set_ylabel("coverage of 95% intervals")
fig.tight_layout()
plt.show()

# %% [markdown]
# The honest errors have the bell shape of a standard normal. The adaptive
# ones are spread much wider, with a dip in the middle and too much mass beyond
# $\pm 1.96$: the leaf estimates are pushed away from the truth, in both
# directions, by exactly the noise that made the tree split there. The right
# panel shows the coverage with $\pm 2$ Monte Carlo standard errors.

# %%
z_sd = study.groupby("sample")["z"].std()
assert z_sd["adaptive"] > 1.3 and 0.9 < z_sd["honest"] < 1.1
print(f"SD of the standardized errors: adaptive {z_sd['adaptive']:.2f}, "
      f"honest {z_sd['honest']:.2f} (a standard normal has 1)")

# %% [markdown]
# The mechanism is a winner's curse. In each replication take the leaf with the
# largest adaptive estimate, the subgroup a report would headline. Its adaptive
# estimate overstates its true effect on average; the honest estimate of the
# *same* leaf does not.

# %%
winner_rows = study[study["sample"] == "adaptive"].groupby("replication")["estimate"].idxmax()
winners = study.loc[winner_rows, ["replication", "leaf", "truth"]]
both = winners.merge(study, on=["replication", "leaf", "truth"])
error = both.assign(error=both["estimate"] - both["truth"]).groupby("sample")["error"]
winner = pd.DataFrame({"mean error": error.mean(), "MC SE": error.sem()})
assert winner.loc["adaptive", "mean error"] > 5 * winner.loc["adaptive", "MC SE"]
assert abs(winner.loc["honest", "mean error"]) < 2.5 * winner.loc["honest", "MC SE"]
winner.round(2)

# %% [markdown]
# Honesty protects the *inference* about whatever leaves were found; it does not
# guarantee the search finds the right covariate. With only 500 discovery
# customers the first split was on satisfaction in most replications, but not
# in all; the honest intervals are valid either way, because they describe the
# leaves that were actually chosen.

# %%
root_share = study.loc[study["sample"] == "honest"].groupby("replication")["root"].first()
root_share = root_share.value_counts(normalize=True)
assert root_share.index[0] == "satisfaction" and 0.8 < root_share.iloc[0] < 1
root_share.round(3).to_frame("share of replications with this first split")

# %% [markdown]
# ## 8. Honest trees in a library: EconML's causal forests
#
# A single shallow tree is easy to read but crude: its step function has four
# levels. Wager & Athey (2018) and Athey, Tibshirani & Wager (2019, generalized
# random forests, GRF) average many *honest* trees, each grown on a subsample
# whose one half chooses the splits and the other half fills the leaves, with
# splits chosen for effect heterogeneity rather than outcome prediction.
# EconML implements both:
#
# * `econml.grf.CausalForest` fits the forest to the outcome and treatment as
#   they are;
# * `econml.dml.CausalForestDML` first residualizes outcome and treatment with
#   cross-fitted models (here a linear regression of revenue on the
#   covariates plus log spend, the latter passed as the extra control `W`; and,
#   since the propensity is a known constant, a `DummyClassifier` that predicts
#   the share treated), then grows the honest forest on the residuals.
#
# Both are fitted to the whole sample of 4,000 customers (honesty happens
# inside each tree), with `n_jobs=1` and a fixed `random_state`. CausalML offers
# a similar single causal tree (`CausalTreeRegressor`) and uplift trees; we use
# EconML here.

# %%
X_all = data[COVARIATES]
W_all = np.log(data[["past_spend"]]).rename(columns={"past_spend": "log_past_spend"})
forest_dml = CausalForestDML(
    model_y=LinearRegression(), model_t=DummyClassifier(), discrete_treatment=True, cv=2,
    n_estimators=400, min_samples_leaf=20, honest=True, random_state=0, n_jobs=1)
forest_dml.fit(data["revenue"], data["outreach"], X=X_all, W=W_all)
forest_raw = CausalForest(n_estimators=400, min_samples_leaf=20, honest=True,
                          random_state=0, n_jobs=1)
forest_raw.fit(X_all, data["outreach"], data["revenue"])
print(f"honest trees: {forest_dml.honest}; trees per forest: {forest_dml.n_estimators}")

# %% [markdown]
# We judge every method on a fresh test population (seed 6006) by the root mean
# squared error of its predicted CATE against the true CATE. The baselines are
# "everyone gets the estimated ATE" and the hand-built honest tree, whose
# prediction for a customer is the honest estimate of their leaf.

# %%
test = simulate_outreach(4000, seed=6006).data
ate_hat = (data.loc[data["outreach"] == 1, "revenue"].mean()
           - data.loc[data["outreach"] == 0, "revenue"].mean())
predictions = {
    "everyone gets the ATE": np.full(len(test), ate_hat),
    "hand-built honest tree": honest["estimate"].loc[tree.apply(test[COVARIATES])].to_numpy(),
    "EconML CausalForest (raw revenue)": forest_raw.predict(test[COVARIATES]).ravel(),
    "EconML CausalForestDML": forest_dml.effect(test[COVARIATES]),
}
rmse = pd.Series({name: np.sqrt(np.mean((p - test["true_cate"]) ** 2))
                  for name, p in predictions.items()})
rmse.round(2).to_frame("RMSE vs true CATE ($)")

# %% [markdown]
# The residualized forest is the most accurate, the hand-built four-leaf tree
# comes second, and both beat a single number for everyone. The forest fitted
# to raw revenue is worse than the tree: the lesson of section 4, that the
# outcome's own variation must be removed before searching for heterogeneity,
# holds inside a library too.

# %%
assert rmse.idxmin() == "EconML CausalForestDML"
assert rmse["hand-built honest tree"] < rmse["everyone gets the ATE"]
assert rmse["EconML CausalForest (raw revenue)"] > rmse["hand-built honest tree"]

# %% [markdown]
# Do the library and the hand-built tree tell the same story? Average the
# forest's predicted CATE over the estimation customers in each leaf and set it
# beside the honest leaf estimate: they agree to within two of the honest
# standard errors in every leaf.

# %%
forest_by_leaf = pd.Series(forest_dml.effect(estimation[COVARIATES]),
                           index=estimation.index).groupby(leaf_ids).mean()
agreement = pd.DataFrame({"rule": pd.Series(rules), "honest tree": honest["estimate"],
                          "honest SE": honest["std_error"], "forest (leaf average)":
                          forest_by_leaf, "true effect": truth})
agreement["gap / SE"] = (agreement["forest (leaf average)"] - agreement["honest tree"]) / (
    agreement["honest SE"])
assert (agreement["gap / SE"].abs() < 2).all()
agreement.round(2)

# %% [markdown]
# Finally, the three CATE predictions against satisfaction on the test
# population.

# %%
fig, ax = plt.subplots(figsize=(7.5, 4))
order = np.argsort(test["satisfaction"].to_numpy())
ax.scatter(test["satisfaction"], predictions["EconML CausalForestDML"], s=4, alpha=0.35,
           color="#1f6fb2", label="EconML CausalForestDML")
ax.scatter(test["satisfaction"], test["true_cate"], s=4, alpha=0.35, color="#222222",
           label="true CATE")
ax.step(test["satisfaction"].to_numpy()[order],
        predictions["hand-built honest tree"][order], where="post", color="#c0392b",
        linewidth=2.5, label="hand-built honest tree")
ax.axhline(0, color="#999999", linewidth=0.8)
ax.set_xlabel("satisfaction score")
ax.set_ylabel("effect of the call ($)")
ax.legend(frameon=False, fontsize="small", markerscale=3)
plt.show()

# %% [markdown]
# The true CATE (black) falls in a straight line with satisfaction, blurred
# slightly by tenure. The honest tree (red) approximates it by four steps; the
# forest (blue) follows the slope more closely but, like any average of many
# trees, flattens towards the middle at the extremes. All three agree on the
# decision-relevant fact: for customers with satisfaction above 8 the call
# does not pay (an average gain below one dollar; in truth most of them lose),
# while the forest fitted to raw revenue, in the table below, misses it.

# %%
ends = pd.DataFrame({name: pd.Series(p).groupby(pd.cut(test["satisfaction"], [-1, 2, 8, 10],
                                                       labels=["<= 2", "2-8", "> 8"]),
                                                observed=True).mean()
                     for name, p in {"true CATE": test["true_cate"].to_numpy(),
                                     **predictions}.items()}).T
assert ends.loc["EconML CausalForestDML", "<= 2"] < ends.loc["true CATE", "<= 2"]
assert ends.loc["EconML CausalForestDML", "> 8"] > ends.loc["true CATE", "> 8"]
assert (ends.loc[["true CATE", "hand-built honest tree", "EconML CausalForestDML"],
                 "> 8"] < 1).all()
assert ends.loc["EconML CausalForest (raw revenue)", "> 8"] > 1
assert (test.loc[test["satisfaction"] > 8, "true_cate"] < 0).mean() > 0.5
ends.round(2).rename_axis(columns="satisfaction")

# %% [markdown]
# ## Key takeaways
#
# * In a randomized experiment with known propensity, the transformed outcome
#   $Y^* = Y (T - e)/(e(1 - e))$ has conditional mean $\tau(x)$, so a
#   regression tree of $Y^*$ searches for subgroups with different effects.
# * $Y^*$ is very noisy; subtracting a cross-fitted prediction of $Y$ from the
#   covariates keeps it unbiased and makes the search far more reliable.
# * Choosing subgroups and estimating their effects on the same data is a
#   winner's curse: the extreme leaves are exaggerated and 95% intervals cover
#   far less than 95% of the time.
# * Honesty (splits from one half, estimates from the other) restores valid
#   intervals for the leaves found, at the cost of using half the data for each
#   task.
# * Causal forests average many honest trees; EconML's `CausalForestDML`
#   combines honesty with residualization and beats a single tree on accuracy,
#   while a shallow tree remains the easier summary to report.
#
# ## Common mistakes
#
# * Reporting the tree's own leaf means (or any estimate from the data that
#   chose the leaves) with textbook confidence intervals.
# * Fitting the outcome model or any preprocessing on the estimation half
#   before growing the tree: the estimation data must stay unseen by the search.
# * Regressing $Y^*$ on covariates that include post-treatment variables, or
#   using the transformed outcome with an estimated propensity that is close to
#   0 or 1 (its weights explode).
# * Reading the tree's splits as the mechanism: another sample may split on a
#   different, correlated covariate; the leaves are a useful summary, not a
#   causal model of who responds.
# * Growing a deep tree with tiny leaves: every leaf then has a wide interval
#   and little to say.
#
# ## References
#
# * Athey, S., & Imbens, G. (2016). Recursive partitioning for heterogeneous
#   causal effects. *Proceedings of the National Academy of Sciences*, 113(27),
#   7353-7360. doi:10.1073/pnas.1510489113
# * Wager, S., & Athey, S. (2018). Estimation and inference of heterogeneous
#   treatment effects using random forests. *Journal of the American
#   Statistical Association*, 113(523), 1228-1242. arXiv:1510.04342
# * Athey, S., Tibshirani, J., & Wager, S. (2019). Generalized random forests.
#   *Annals of Statistics*, 47(2), 1148-1178. arXiv:1610.01271
# * Chernozhukov, V., et al. (2018). Double/debiased machine learning for
#   treatment and structural parameters. *The Econometrics Journal*, 21(1),
#   C1-C68. arXiv:1608.00060 (cross-fitting)
# * Breiman, L., Friedman, J., Olshen, R., & Stone, C. (1984). *Classification
#   and Regression Trees*. Wadsworth. doi:10.1201/9781315139470
# * Battocchi, K., et al. (2019). EconML: A Python package for ML-based
#   heterogeneous treatment effects estimation. https://github.com/py-why/EconML
