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
# # Lecture 02: Causal graphs and identification
#
# ## Overview
#
# A retailer wants to know how much joining its loyalty program changes what a
# customer spends next year. Its data have many columns, and every analyst's
# first instinct is to "control for everything". This lecture shows, with a
# simulation whose truth we know, that some controls remove bias, some are
# harmless and some *create* bias, and that a causal graph tells which is which
# before any data are touched.
#
# By the end you should be able to:
#
# 1. read a causal DAG and recognise its three building blocks: chains, forks
#    and colliders;
# 2. decide d-separation by the blocking rules, and see it in data as partial
#    correlations that vanish or appear when we condition;
# 3. apply the backdoor criterion to tell valid from invalid adjustment sets,
#    and name confounders, mediators, colliders and M-bias;
# 4. state the three identification conditions (conditional ignorability,
#    positivity, SUTVA) and read DoWhy's backdoor estimand;
# 5. show by simulation that regression on a valid set recovers the truth while
#    adjusting for a mediator or a collider does not.
#
# **Prerequisites:** Lecture 01 (potential outcomes, ATE, selection bias, SUTVA)
# and ordinary least squares regression.

# %%
import itertools
import warnings

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import statsmodels.api as sm
from dowhy import CausalModel

from causalcourse.graphs import (
    backdoor_paths,
    is_d_separated,
    is_valid_adjustment_set,
    partial_correlation,
    valid_adjustment_sets,
)
from causalcourse.plotting import PALETTE, draw_dag, plot_estimates, set_style
from causalcourse.simulate.graphs import (
    LOYALTY_DIRECT_EFFECT,
    LOYALTY_EDGES,
    LOYALTY_TOTAL_EFFECT,
    LOYALTY_UNOBSERVED,
    elementary_sem,
    simulate_linear_sem,
    simulate_loyalty_program,
)

set_style()

# %% [markdown]
# ## 1. A causal graph is a list of assumptions
#
# A **directed acyclic graph** (DAG) has one node per variable and an arrow
# $A \to B$ when $A$ is a direct cause of $B$. "Acyclic" means no variable
# causes itself through a loop. The arrows we draw are claims; the arrows we
# leave out are the stronger claims, because each one says "no direct effect
# at all".
#
# Here is the retailer's graph. Dashed nodes are real but unmeasured.

# %%
draw_dag(
    LOYALTY_EDGES,
    treatment="loyalty",
    outcome="spend",
    unobserved=LOYALTY_UNOBSERVED,
    title="Loyalty program: what causes what",
)

# %% [markdown]
# Reading it: last year's spending (`past_spend`) makes customers likelier to
# join and to keep spending; members make more store `visits`, which raise
# `spend`; everyone earns reward `points` from spending, members more so;
# deal-seekers join more often and use more coupons, and so do big households,
# which also spend more. Neither deal-seeking nor household size is recorded.
#
# The simulator follows exactly this graph with known coefficients, so the true
# effect of joining is known. Every customer has the same effect here: joining
# adds 1.0 (hundred dollars) directly and 2.0 extra visits worth 1.5 each.

# %%
sim = simulate_loyalty_program(n=5000, seed=2)
data = sim.observed
print(sim.description)
print(f"true total effect of joining: {sim.ate:.2f}  (direct part {LOYALTY_DIRECT_EFFECT:.2f})")
assert LOYALTY_DIRECT_EFFECT == 1.0 and LOYALTY_TOTAL_EFFECT == 1.0 + 2.0 * 1.5
assert abs(sim.ate - LOYALTY_TOTAL_EFFECT) < 1e-9
assert np.allclose(sim.data["true_effect"], LOYALTY_TOTAL_EFFECT)
data.head().round(2)

# %% [markdown]
# ## 2. Three building blocks: chain, fork, collider
#
# Every path between two variables is made of three kinds of links. To see how
# each one transmits association, take the smallest examples: $x$ and $y$
# joined through one middle node.
#
# **Chain** $x \to m \to y$: $x$ affects $y$ through the mediator $m$.

# %%
chain_edges, chain_coefs = elementary_sem("chain")
draw_dag(chain_edges, title="chain: m is a mediator")

# %% [markdown]
# **Fork** $x \leftarrow z \to y$: a common cause makes $x$ and $y$ move
# together although neither affects the other.

# %%
fork_edges, fork_coefs = elementary_sem("fork")
draw_dag(fork_edges, title="fork: z is a common cause")

# %% [markdown]
# **Collider** $x \to c \leftarrow y$: two independent causes of a common
# effect.

# %%
collider_edges, collider_coefs = elementary_sem("collider")
draw_dag(collider_edges, title="collider: c is a common effect")

# %% [markdown]
# We simulate 20,000 units from each structure (every variable is its parents'
# weighted sum plus independent normal noise) and compute the correlation of
# $x$ and $y$, then their **partial correlation** given the middle node: the
# correlation of what is left of $x$ and of $y$ after regressing each on the
# middle node.
#
# > **Pause and predict.** For each structure, is $x$ correlated with $y$?
# > And after conditioning on the middle node?

# %%
rows = {}
for kind, middle in (("chain", "m"), ("fork", "z"), ("collider", "c")):
    edges, coefs = elementary_sem(kind)
    sample = simulate_linear_sem(edges, coefs, 20_000, seed=3)
    rows[kind] = {
        "corr(x, y)": partial_correlation(sample, "x", "y"),
        "partial corr given middle": partial_correlation(sample, "x", "y", [middle]),
    }
elementary = pd.DataFrame(rows).T
elementary.round(3)

# %% [markdown]
# Chains and forks transmit association *unless* we condition on the middle
# node; a collider blocks it *until* we condition on it. Conditioning on a
# collider makes its independent causes dependent: among units with a given
# value of $c$, a high $x$ must be balanced by a low $y$, so the induced
# correlation is negative here.

# %%
noise = 4 / np.sqrt(20_000)  # four standard errors of a zero correlation
assert (elementary.loc[["chain", "fork"], "corr(x, y)"] > 0.3).all()
assert (elementary.loc[["chain", "fork"], "partial corr given middle"].abs() < noise).all()
assert abs(elementary.loc["collider", "corr(x, y)"]) < noise
assert elementary.loc["collider", "partial corr given middle"] < -0.3

# %% [markdown]
# ## 3. d-separation
#
# A path between $x$ and $y$ is **blocked** by a conditioning set $S$ when it
# contains
#
# * a chain $\cdot \to m \to \cdot$ or fork $\cdot \leftarrow m \to \cdot$ whose
#   middle node $m$ is in $S$, or
# * a collider $\cdot \to c \leftarrow \cdot$ such that neither $c$ nor any
#   descendant of $c$ is in $S$.
#
# $x$ and $y$ are **d-separated** by $S$ when every path between them is
# blocked (Pearl 2009, sec. 1.2.3). The payoff is a theorem: in every model
# whose causal structure is the DAG, d-separated variables are independent given
# $S$ (Verma & Pearl 1988; Lauritzen et al. 1990).
#
# `causalcourse.graphs.is_d_separated` implements this from scratch with the
# equivalent moral-graph test of Lauritzen et al. (1990): keep the variables
# involved and their ancestors, join every pair of parents of a common child,
# drop the arrow directions, delete $S$, and ask whether $x$ can still reach $y$.
# The collider rules in action on the loyalty graph:

# %%
queries = [
    ("deal_seeking", "household_size", []),
    ("deal_seeking", "household_size", ["coupon_use"]),
    ("deal_seeking", "past_spend", []),
    ("deal_seeking", "past_spend", ["loyalty"]),
    ("deal_seeking", "past_spend", ["points"]),
    ("loyalty", "spend", ["past_spend", "visits"]),
]
verdicts = pd.DataFrame(
    [(x, y, ", ".join(s) or "(nothing)", is_d_separated(LOYALTY_EDGES, x, y, s))
     for x, y, s in queries],
    columns=["x", "y", "given", "d-separated"],
)
verdicts

# %% [markdown]
# `deal_seeking` and `household_size` are separated only while we leave their
# common effect `coupon_use` alone. Conditioning on `points`, a *descendant* of
# the collider `loyalty`, also opens the path between `deal_seeking` and
# `past_spend`. And `loyalty` stays connected to `spend` given `past_spend` and
# `visits`, through its direct arrow.

# %%
assert verdicts["d-separated"].tolist() == [True, False, True, False, False, False]

# %% [markdown]
# networkx ships its own d-separation test, `nx.is_d_separator` (a different
# algorithm: a search over active paths). We compare the two on every pair of
# the eight variables and every conditioning set of up to two other variables.

# %%
loyalty_graph = nx.DiGraph(list(LOYALTY_EDGES))
nodes = sorted(loyalty_graph.nodes)
triples = []
for x, y in itertools.combinations(nodes, 2):
    others = [v for v in nodes if v not in (x, y)]
    for size in range(3):
        triples += [(x, y, s) for s in itertools.combinations(others, size)]
ours = [is_d_separated(LOYALTY_EDGES, x, y, s) for x, y, s in triples]
theirs = [nx.is_d_separator(loyalty_graph, {x}, {y}, set(s)) for x, y, s in triples]
assert ours == theirs
print(f"{len(triples)} queries, {sum(ours)} d-separated; the two implementations agree on all")

# %% [markdown]
# Now the data side. We simulate the same graph as a linear-Gaussian model
# (every variable continuous, coefficients chosen below) and compute the partial
# correlation for each of those queries. We turn each one into a test statistic,
# $|z| = |\operatorname{atanh}(r)|\sqrt{n - |S| - 3}$ (Fisher's z), which is
# roughly a standard normal draw when the true partial correlation is zero.

# %%
gaussian_coefs = {
    ("past_spend", "loyalty"): 0.9, ("past_spend", "spend"): 0.8,
    ("deal_seeking", "loyalty"): 0.8, ("deal_seeking", "coupon_use"): 0.7,
    ("household_size", "coupon_use"): 0.7, ("household_size", "spend"): 0.6,
    ("loyalty", "visits"): 0.8, ("visits", "spend"): 0.7, ("loyalty", "spend"): 0.5,
    ("loyalty", "points"): 0.6, ("spend", "points"): 0.5,
}
n_gauss = 20_000
gauss = simulate_linear_sem(LOYALTY_EDGES, gaussian_coefs, n_gauss, seed=11)
tests = pd.DataFrame(triples, columns=["x", "y", "given"])
tests["d_separated"] = ours
tests["pcor"] = [partial_correlation(gauss, x, y, s) for x, y, s in triples]
tests["abs_z"] = np.abs(np.arctanh(tests["pcor"])) * np.sqrt(n_gauss - tests["given"].map(len) - 3)
tests.groupby("d_separated")["abs_z"].describe()[["count", "min", "50%", "max"]].round(2)

# %% [markdown]
# > **Pause and predict.** The theorem says d-separation implies zero partial
# > correlation. Does d-*connection* imply a clearly non-zero one?

# %%
fig, ax = plt.subplots(figsize=(7, 3.4))
bins = np.logspace(-3, np.log10(tests["abs_z"].max() * 1.1), 40)
shown_z = tests["abs_z"].clip(lower=1e-3)  # so an exact zero still lands in the first bin
for sep, label, color in ((True, "d-separated", PALETTE["estimate"]),
                          (False, "d-connected", PALETTE["biased"])):
    ax.hist(shown_z[tests["d_separated"] == sep], bins=bins, alpha=0.6, color=color, label=label)
ax.axvline(4, color=PALETTE["truth"], linestyle="--", label="|z| = 4")
ax.set_xscale("log")
ax.set_xlabel("|z| of the partial correlation (log scale)")
ax.set_ylabel("number of queries")
ax.legend(frameon=False)
plt.show()

# %% [markdown]
# Every d-separated query sits left of the dashed line, as the theorem
# promises. Most d-connected queries are far to the right, but a few are not:
# d-connection allows dependence without guaranteeing that it is large. When a
# path runs through several weak links, or two paths nearly cancel, the
# dependence can be too small to see in 20,000 rows. Assuming that independences
# in the data come only from the graph is called *faithfulness*.

# %%
sep_z = tests.loc[tests["d_separated"], "abs_z"]
conn_z = tests.loc[~tests["d_separated"], "abs_z"]
share_detected = (conn_z > 4).mean()
print(f"largest |z| among d-separated queries: {sep_z.max():.2f}")
print(f"d-connected queries with |z| > 4: {share_detected:.1%} of {len(conn_z)}")
assert sep_z.max() < 4
assert 0.85 < share_detected < 1
assert conn_z.min() < 4

# %% [markdown]
# What happens in the weakest cases? A linear-Gaussian model's whole joint
# distribution is fixed by its coefficients: with coefficient matrix $B$ and
# unit noise, the covariance is $(I - B)^{-\top}(I - B)^{-1}$, so we can compute
# each *population* partial correlation exactly, without sampling noise.

# %%
order = list(gauss.columns)
b_matrix = np.zeros((len(order), len(order)))
for (cause, effect), value in gaussian_coefs.items():
    b_matrix[order.index(cause), order.index(effect)] = value
mixing = np.linalg.inv(np.eye(len(order)) - b_matrix)
sigma = pd.DataFrame(mixing.T @ mixing, index=order, columns=order)


def population_pcor(x, y, given):
    """Exact partial correlation from the model's covariance matrix."""
    precision = np.linalg.inv(sigma.loc[[x, y, *given], [x, y, *given]].to_numpy())
    return -precision[0, 1] / np.sqrt(precision[0, 0] * precision[1, 1])


weakest = tests.loc[~tests["d_separated"]].nsmallest(2, "abs_z").copy()
weakest["population pcor"] = [population_pcor(x, y, s) for x, y, s in
                              zip(weakest["x"], weakest["y"], weakest["given"], strict=True)]
weakest.assign(given=weakest["given"].map(", ".join)).round(3)

# %% [markdown]
# Both weak queries condition on `points`, a descendant of the colliders
# `loyalty` and `spend`, which opens several paths at once. Their contributions
# nearly cancel: the population partial correlations are not zero, only so small
# (below 0.02) that even 20,000 rows cannot tell them from zero, whose
# standard error is about $1/\sqrt{n} \approx 0.007$.

# %%
assert all("points" in s for s in weakest["given"])
assert (weakest["population pcor"].abs() < 0.02).all()
assert (weakest["population pcor"].abs() > 1e-6).all()
assert (weakest["population pcor"].abs() * np.sqrt(n_gauss) < 4).all()

# %% [markdown]
# ## 4. The backdoor criterion
#
# Back to the question: the effect of `loyalty` on `spend`. A **backdoor path**
# is a path from treatment to outcome that starts with an arrow *into* the
# treatment. Such paths carry association that is not the effect of the
# treatment. The loyalty graph has two:

# %%
paths = backdoor_paths(LOYALTY_EDGES, "loyalty", "spend")
for path in paths:
    print(" - ".join(path))
assert paths == [
    ("loyalty", "past_spend", "spend"),
    ("loyalty", "deal_seeking", "coupon_use", "household_size", "spend"),
]

# %% [markdown]
# The first path is open (a fork at `past_spend`): this is confounding. The
# second is already blocked, by the collider `coupon_use`.
#
# **Backdoor criterion** (Pearl 1995; Pearl 2009, sec. 3.3.1). A set $Z$ of
# variables is a valid adjustment set for the effect of $T$ on $Y$ if
#
# 1. no variable in $Z$ is a descendant of $T$, and
# 2. $Z$ blocks every backdoor path from $T$ to $Y$.
#
# Then $E[Y(t)] = E_Z\big[E[Y \mid T=t, Z]\big]$: the effect is computed from
# observed data by comparing treated and untreated units *with the same* $Z$.
# Condition 1 rules out mediators, colliders created by $T$ and anything
# downstream of the treatment.
#
# Six candidate sets, each named by what it adds:

# %%
candidates = {
    "nothing": [],
    "confounder": ["past_spend"],
    "confounder + mediator": ["past_spend", "visits"],
    "confounder + collider": ["past_spend", "points"],
    "confounder + M-bias": ["past_spend", "coupon_use"],
    "confounder + M-bias + deal_seeking": ["past_spend", "coupon_use", "deal_seeking"],
}
descendants = nx.descendants(loyalty_graph, "loyalty")
verdict = pd.DataFrame(
    {
        "adjustment set": [", ".join(z) or "(none)" for z in candidates.values()],
        "post-treatment variable": [bool(set(z) & descendants) for z in candidates.values()],
        "valid": [is_valid_adjustment_set(LOYALTY_EDGES, "loyalty", "spend", z)
                  for z in candidates.values()],
    },
    index=list(candidates),
)
verdict

# %% [markdown]
# Only the confounder set, and the last set with the unmeasurable
# `deal_seeking`, are valid:
#
# * **nothing** leaves the confounding path through `past_spend` open;
# * **mediator**: `visits` lies on the causal path, so adjusting for it removes
#   part of the very effect we want (condition 1);
# * **collider**: `points` is caused by both `loyalty` and `spend`; conditioning
#   on it opens a new non-causal path (condition 1 again);
# * **M-bias**: `coupon_use` is measured *before* treatment, yet conditioning
#   on it opens `loyalty ← deal_seeking → coupon_use ← household_size → spend`
#   (condition 2). Adding `deal_seeking` would block that path again, but it is
#   not measured.

# %%
assert verdict["valid"].tolist() == [False, True, False, False, False, True]
assert verdict["post-treatment variable"].tolist() == [False, False, True, True, False, False]

# %% [markdown]
# Among the variables the analyst can measure, how many valid sets are there?
# Exactly one. The search is exhaustive over subsets of the measured covariates.

# %%
measured = list(sim.covariates)
valid_measured = valid_adjustment_sets(LOYALTY_EDGES, "loyalty", "spend", observed=measured)
print(f"measured covariates: {measured}")
print(f"valid adjustment sets among them: {valid_measured}")
assert valid_measured == [("past_spend",)]

# %% [markdown]
# ## 5. What identification needs: three conditions
#
# The backdoor criterion is a graphical way to certify the first of three
# conditions under which the average effect $E[Y(1) - Y(0)]$ can be computed
# from observed data with adjustment set $Z$ (Rosenbaum & Rubin 1983; Hernán &
# Robins 2020, ch. 3):
#
# 1. **Conditional ignorability** (exchangeability, no unmeasured confounding):
#    $Y(t) \perp T \mid Z$ for $t = 0, 1$. Within levels of $Z$, who is treated
#    tells nothing about potential outcomes.
# 2. **Positivity** (overlap): $0 < P(T = 1 \mid Z = z) < 1$ for every $z$ in
#    the population. Every kind of unit could be treated or untreated.
# 3. **SUTVA** (Lecture 01): no interference and one version of treatment, so
#    that $Y(1)$ and $Y(0)$ are well-defined and the observed outcome is
#    $Y = T\,Y(1) + (1 - T)\,Y(0)$.
#
# Ignorability cannot be checked with real data, because $Y(0)$ is missing for
# every treated unit. Our simulation stores it, so we can. If ignorability holds
# given $Z$, then after adjusting for $Z$ the treatment indicator should carry
# no information about $Y(0)$. We regress the hidden $Y(0)$ on `loyalty` and
# each candidate set.


# %%
def ols_coefficient(frame, outcome, treatment, adjustment):
    """OLS coefficient of `treatment` in a regression of `outcome` on it and `adjustment`."""
    design = np.column_stack([np.ones(len(frame)), frame[[treatment, *adjustment]].to_numpy(float)])
    beta, *_ = np.linalg.lstsq(design, frame[outcome].to_numpy(float), rcond=None)
    return float(beta[1])


truth_frame = sim.data  # observed columns, potential outcomes and the unmeasured causes
leftover = pd.Series(
    {name: ols_coefficient(truth_frame, "y0", "loyalty", z) for name, z in candidates.items()}
)
leftover.round(3).to_frame("coefficient of loyalty in a regression of Y(0)")

# %% [markdown]
# For the two valid sets the coefficient is near zero: joining says nothing
# about what a customer would have spent without the program. With no
# adjustment, joiners would have spent more anyway (selection bias, as in
# Lecture 01); with `coupon_use` added, ignorability breaks although
# `coupon_use` is a pre-treatment variable.

# %%
assert (leftover[["confounder", "confounder + M-bias + deal_seeking"]].abs() < 0.2).all()
assert leftover["nothing"] > 1
assert leftover["confounder + M-bias"] < -0.5

# %% [markdown]
# **Positivity.** The simulation also stores each customer's true probability
# of joining. Here it depends on `past_spend` and the unmeasured
# `deal_seeking`; in practice it must be estimated (Lecture 04). The histogram
# shows it by arm.

# %%
propensity = sim.data["propensity"]
joined = sim.data["loyalty"] == 1
fig, ax = plt.subplots(figsize=(7, 3.2))
prop_bins = np.linspace(0, 1, 41)
ax.hist(propensity[~joined], bins=prop_bins, alpha=0.6, color=PALETTE["estimate"],
        label="did not join")
ax.hist(propensity[joined], bins=prop_bins, alpha=0.6, color=PALETTE["biased"], label="joined")
ax.set_xlabel("true probability of joining")
ax.set_ylabel("customers")
ax.legend(frameon=False)
plt.show()

# %% [markdown]
# The two histograms overlap over most of the range: for nearly every kind of
# customer there are both members and non-members to compare. Probabilities
# close to 0 or 1 are rare; where they occur, comparisons rest on few
# customers and estimates get noisy.

# %%
share_inner = propensity.between(0.05, 0.95).mean()
print(f"propensity range: {propensity.min():.3f} to {propensity.max():.3f}")
print(f"share of customers with propensity in [0.05, 0.95]: {share_inner:.1%}")
assert 0 < propensity.min() and propensity.max() < 1
assert share_inner > 0.85

# %% [markdown]
# **SUTVA** is an assumption about the world rather than the data. It would
# fail if members brought friends into the store (interference), or if the
# program had two tiers with different perks counted as one "loyalty" (hidden
# versions of treatment).
#
# ### DoWhy reads the graph for us
#
# DoWhy (Sharma & Kiciman 2020) takes the same graph and the observed data and
# returns the estimand. Variables in the graph but not in the data, here the two
# unmeasured causes, are treated as unobserved.

# %%
with warnings.catch_warnings():
    # DoWhy warns that graph nodes missing from the data are assumed unobserved:
    # here that is intended (deal_seeking and household_size are unmeasured).
    warnings.filterwarnings("ignore", message=".*assumed unobserved.*", category=UserWarning)
    model = CausalModel(data=data, treatment="loyalty", outcome="spend", graph=loyalty_graph)
identified = model.identify_effect(proceed_when_unidentifiable=True)
print(f"backdoor adjustment set chosen by DoWhy: {identified.get_backdoor_variables()}")

# %% [markdown]
# DoWhy also searches for instrumental-variable and front-door estimands (later
# lectures). We select the backdoor estimand and print only that one:

# %%
identified.set_identifier_method("backdoor")
print(identified.__str__(only_target_estimand=True))

# %% [markdown]
# Read it aloud: the effect is the derivative of the expected spend, given
# `past_spend`, with respect to `loyalty`, valid if no unobserved $U$ affects
# both `loyalty` and `spend`. That last sentence is conditional ignorability
# in DoWhy's words. Its exhaustive search over the measured variables agrees
# with ours: `past_spend` is the only valid set.

# %%
exhaustive = model.identify_effect(method_name="exhaustive-search")
dowhy_sets = sorted({tuple(sorted(v)) for v in exhaustive.backdoor_variables.values()})
print(f"DoWhy, exhaustive search: {dowhy_sets}")
assert identified.get_backdoor_variables() == ["past_spend"]
assert dowhy_sets == valid_measured

# %% [markdown]
# ## 6. Estimation: good and bad controls
#
# With a valid set $Z$ and a linear outcome model, the adjusted effect is the
# coefficient of the treatment in an OLS regression of $Y$ on $T$ and $Z$.
# (Linearity is an extra modelling assumption that holds in this simulation;
# later lectures drop it.) The function `ols_coefficient` above is our
# from-scratch estimator; statsmodels and DoWhy should give the same number.

# %%
ours_valid = ols_coefficient(data, "spend", "loyalty", ["past_spend"])
fit = sm.OLS(data["spend"], sm.add_constant(data[["loyalty", "past_spend"]])).fit()
dowhy_valid = model.estimate_effect(identified, method_name="backdoor.linear_regression").value
print(f"from scratch: {ours_valid:.4f}   statsmodels: {fit.params['loyalty']:.4f}   "
      f"DoWhy: {dowhy_valid:.4f}   truth: {sim.ate:.4f}")
assert abs(ours_valid - fit.params["loyalty"]) < 1e-8
assert abs(ours_valid - dowhy_valid) < 1e-8

# %% [markdown]
# > **Pause and predict.** Now use every candidate set. Which estimates land
# > near the true 4.0? Which way does adjusting for the collider `points` push
# > the estimate? And `coupon_use`, which was measured before anyone joined?
#
# The next cell fits each regression with statsmodels to get 95% intervals.


# %%
def adjusted_fit(frame, adjustment):
    """Estimate and 95% interval of the loyalty coefficient, adjusting for `adjustment`."""
    x = sm.add_constant(frame[["loyalty", *adjustment]])
    res = sm.OLS(frame["spend"], x).fit()
    low, high = res.conf_int().loc["loyalty"]
    return {"estimate": res.params["loyalty"], "std_error": res.bse["loyalty"],
            "ci_low": low, "ci_high": high}


# Only the last set uses an unmeasured column, so it is fitted on the full data.
estimates = pd.DataFrame({name: adjusted_fit(truth_frame, z) for name, z in candidates.items()}).T
estimates["bias"] = estimates["estimate"] - sim.ate
estimates.round(3)

# %%
fig, ax = plt.subplots(figsize=(7, 3.4))
plot_estimates(estimates, truth=sim.ate, ax=ax, title="Same data, six adjustment sets",
               xlabel="estimated effect of joining on spend ($100)")
plt.show()

# %% [markdown]
# Only the two valid sets cover the dashed truth. Adjusting for nothing
# overstates the effect (confounding); adjusting for `visits` recovers only the
# direct part of the effect; the collider `points` flips the sign; the
# pre-treatment `coupon_use` pulls the estimate down by close to one.

# %%
covers = (estimates["ci_low"] <= sim.ate) & (sim.ate <= estimates["ci_high"])
assert covers.tolist() == [False, True, False, False, False, True]
assert estimates.loc["nothing", "bias"] > 1
assert abs(estimates.loc["confounder + mediator", "estimate"] - LOYALTY_DIRECT_EFFECT) < 0.3
assert estimates.loc["confounder + collider", "estimate"] < 0
assert -1.5 < estimates.loc["confounder + M-bias", "bias"] < -0.5

# %% [markdown]
# Why the mediator set gives the direct effect: holding `visits` fixed shuts
# the path `loyalty → visits → spend`, so what remains is the 1.0 that does
# not run through visits. That is a legitimate number for a different question
# (the *controlled direct effect*), but not the effect of joining.
#
# Because everyone has the same effect, every bias in the table equals the
# leftover association between `loyalty` and $Y(0)$ from section 5, to rounding
# error: $Y = Y(0) + 4\,T$ exactly, and OLS is linear in the outcome. Bias is a
# failure of ignorability, nothing else.

# %%
assert np.allclose(estimates["bias"], leftover, atol=1e-8)

# %% [markdown]
# One sample could be unlucky. We repeat the whole study 200 times (seeds 100 to
# 299, 1,000 customers each) and average each estimator's bias.

# %%
draws = []
for seed in range(100, 300):
    frame = simulate_loyalty_program(n=1000, seed=seed).data
    draws.append({name: ols_coefficient(frame, "spend", "loyalty", z) - LOYALTY_TOTAL_EFFECT
                  for name, z in candidates.items()})
draws = pd.DataFrame(draws)
summary = pd.DataFrame({"mean bias": draws.mean(), "Monte Carlo SE": draws.sem()})
summary.round(3)

# %% [markdown]
# The valid sets are unbiased within Monte Carlo error; every invalid set is
# off by more than ten Monte Carlo standard errors. More data would not help:
# the bias is a property of the adjustment set, not of the sample.

# %%
t_stat = summary["mean bias"] / summary["Monte Carlo SE"]
valid_rows = ["confounder", "confounder + M-bias + deal_seeking"]
assert (t_stat[valid_rows].abs() < 3).all()
assert (t_stat.drop(valid_rows).abs() > 10).all()

# %% [markdown]
# ## Key takeaways
#
# * A DAG states causal assumptions; missing arrows are the strongest ones.
# * Chains and forks transmit association unless you condition on the middle
#   node; colliders block it until you condition on them or on a descendant.
# * d-separation turns the graph into testable independences: d-separated means
#   zero partial correlation in any linear-Gaussian model of the graph.
# * A valid adjustment set contains no descendant of the treatment and blocks
#   every backdoor path. "Control for everything" fails: mediators, colliders
#   and even some pre-treatment variables (M-bias) bias the estimate.
# * Identification needs conditional ignorability, positivity and SUTVA; the
#   graph certifies the first, the data can check the second, the design must
#   argue the third.
#
# ## Common mistakes
#
# * Adjusting for variables measured after treatment (visits, points, any
#   outcome-related score): they block part of the effect or open collider
#   paths.
# * Assuming every pre-treatment variable is safe to adjust for (M-bias).
# * Selecting the analysis sample on a collider, for example analysing only
#   customers who redeemed points: that is conditioning on it.
# * Reading a coefficient of a covariate in the adjusted regression as that
#   covariate's causal effect: only the treatment's coefficient is justified by
#   the adjustment set (Westreich & Greenland 2013).
# * Treating the absence of an association as evidence for a missing arrow
#   without remembering faithfulness and sample size.
#
# ## References
#
# * Pearl, J. (1995). Causal diagrams for empirical research. *Biometrika*,
#   82(4), 669-688. doi:10.1093/biomet/82.4.669
# * Pearl, J. (2009). *Causality: Models, Reasoning, and Inference* (2nd ed.).
#   Cambridge University Press. doi:10.1017/CBO9780511803161
# * Verma, T., & Pearl, J. (1988). Causal networks: semantics and
#   expressiveness. *Proceedings of the 4th Workshop on Uncertainty in Artificial
#   Intelligence*, 352-359. arXiv:1304.2379
# * Lauritzen, S. L., Dawid, A. P., Larsen, B. N., & Leimer, H.-G. (1990).
#   Independence properties of directed Markov fields. *Networks*, 20(5),
#   491-505. doi:10.1002/net.3230200503
# * Greenland, S., Pearl, J., & Robins, J. M. (1999). Causal diagrams for
#   epidemiologic research. *Epidemiology*, 10(1), 37-48.
#   doi:10.1097/00001648-199901000-00008
# * Greenland, S. (2003). Quantifying biases in causal models: classical
#   confounding vs collider-stratification bias. *Epidemiology*, 14(3),
#   300-306. doi:10.1097/01.EDE.0000042804.12056.6C
# * Cinelli, C., Forney, A., & Pearl, J. (2022). A crash course in good and bad
#   controls. *Sociological Methods & Research*. doi:10.1177/00491241221099552
# * Rosenbaum, P. R., & Rubin, D. B. (1983). The central role of the propensity
#   score in observational studies for causal effects. *Biometrika*, 70(1),
#   41-55. doi:10.1093/biomet/70.1.41
# * Westreich, D., & Greenland, S. (2013). The Table 2 fallacy: presenting and
#   interpreting confounder and modifier coefficients. *American Journal of
#   Epidemiology*, 177(4), 292-298. doi:10.1093/aje/kws412
# * Sharma, A., & Kiciman, E. (2020). DoWhy: An end-to-end library for causal
#   inference. arXiv:2011.04216
# * Hernán, M. A., & Robins, J. M. (2020). *Causal Inference: What If*. Boca
#   Raton: Chapman & Hall/CRC.
