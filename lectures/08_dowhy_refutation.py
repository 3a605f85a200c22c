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
# # Lecture 08: The DoWhy workflow: model, identify, estimate, refute
#
# ## Overview
#
# An online marketplace offers its merchants a growth workshop and wants to know
# how much attending raises a merchant's sales growth. Attendance was not
# randomized, so the answer rests on assumptions. DoWhy (Sharma & Kiciman 2020)
# organises such an analysis in four explicit steps: write the assumptions down
# as a graph (**model**), derive what must be estimated (**identify**), estimate
# it (**estimate**), and attack the result (**refute**). This lecture runs the
# four steps on a simulation whose answer we know, asks what each refuter can and
# cannot tell us, breaks the analysis on purpose, and ends on real data.
#
# By the end you should be able to:
#
# 1. run DoWhy's four steps and say what each one produces;
# 2. read an identified estimand aloud, including the assumption it rests on;
# 3. estimate one effect by regression, weighting and matching, and check DoWhy's
#    numbers against a few lines of NumPy and against the truth;
# 4. run six refuters (placebo treatment, random common cause, data subset,
#    bootstrap, dummy outcome, unobserved common cause) with seeds, and read each;
# 5. explain why those refuters pass a badly confounded analysis, expose it with a
#    placebo that shares the treatment's selection, and read a near-failing
#    placebo;
# 6. run the same four steps on NHEFS and reproduce *What If*'s estimates.
#
# **Prerequisites:** lectures 01 (potential outcomes), 02 (causal graphs and the
# backdoor criterion) and 04 (propensity scores, weighting, standardization).

# %%

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from dowhy import CausalModel
from dowhy.causal_refuters.placebo_treatment_refuter import (
    PlaceboType,
    refute_placebo_treatment,
)
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from causalcourse.data import load
from causalcourse.estimators import difference_in_means
from causalcourse.plotting import PALETTE, draw_dag, set_style
from causalcourse.refutation import (
    describe_estimand,
    ols_effect,
    placebo_check,
    placebo_reading,
    refutation_table,
)
from causalcourse.simulate.confounded import simulate_confounded

set_style(precision=4)  # effects on growth are a few hundredths: show four decimals

# %% [markdown]
# ## 1. A world with a known answer
#
# The simulated marketplace has 3,000 merchants. For each we record years on the
# platform (`tenure_years`), last year's sales growth (`prior_growth`) and the
# number of listed products (`products`); `workshop` says whether the merchant
# attended and `growth` is sales growth over the next twelve months as a fraction
# (0.10 means +10%). Because we simulated it, we also know both potential outcomes
# and hence the true average effect.

# %%
sim = simulate_confounded(3000, seed=8)
covariates = list(sim.covariates)
print(sim.description)
print(f"true ATE (mean of y1 - y0): {sim.ate:.4f}")
sim.observed.head().round(3)

# %% [markdown]
# Merchants who grew fast last year, newer merchants and merchants with larger
# catalogues were more likely to attend, and they would have grown faster anyway.
# The naive comparison of attendees with everyone else therefore overstates the
# effect, here by more than a factor of two, with an interval that misses the
# truth.

# %%
naive = difference_in_means(sim.observed, "growth", "workshop")
print(f"naive difference in mean growth: {naive.estimate:.4f} "
      f"(95% CI {naive.ci_low:.4f} to {naive.ci_high:.4f})")
print(f"true ATE:                        {sim.ate:.4f}")
assert naive.estimate > 2 * sim.ate
assert not naive.covers(sim.ate)

# %% [markdown]
# ## 2. Step 1, model: write the assumptions down as a graph
#
# The analyst believes the three recorded covariates affect both attendance and
# growth, and that nothing else does. That belief *is* the model. We draw it and
# hand the same edges to DoWhy as a `networkx` graph (DoWhy also accepts a DOT
# string, or a list of `common_causes` from which it builds the graph; we use the
# latter on real data in section 8).

# %%
edges = [(c, "workshop") for c in covariates] + [(c, "growth") for c in covariates]
edges.append(("workshop", "growth"))
draw_dag(edges, treatment="workshop", outcome="growth", rankdir="LR")

# %% [markdown]
# Every covariate points into both the treatment and the outcome: three forks, the
# confounding pattern of lecture 02. DoWhy reads the common causes off the graph.

# %%
model = CausalModel(
    data=sim.observed, treatment="workshop", outcome="growth", graph=nx.DiGraph(edges)
)
common = sorted(model.get_common_causes())
print(f"common causes of workshop and growth: {', '.join(common)}")
assert common == sorted(covariates)

# %% [markdown]
# ## 3. Step 2, identify: what must be estimated, under which assumption
#
# `identify_effect` applies the graph rules of lecture 02 and returns the
# *estimand*: a formula in terms of observable quantities that equals the causal
# effect if the graph is right. DoWhy's own printout lists the adjustment set in
# an order that changes with Python's hash seed, so we print a sorted summary
# (`describe_estimand`) that always reads the same.

# %%
estimand = model.identify_effect()
print(describe_estimand(estimand))
assert sorted(estimand.get_backdoor_variables()) == sorted(covariates)
assert not estimand.instrumental_variables

# %% [markdown]
# Read it aloud: *the average effect of attending on growth equals the change in
# expected growth when `workshop` goes from 0 to 1 while tenure, prior growth and
# products are held fixed, averaged over merchants; this holds if no unrecorded
# cause of both attendance and growth remains once those three are held fixed.*
# The first half is arithmetic; the second half is the assumption nothing in the
# data can prove. DoWhy also looked for instruments and front-door paths and found
# none in this graph.

# %% [markdown]
# ## 4. Step 3, estimate: three estimators, one estimand
#
# ### 4.1 Regression adjustment
#
# `backdoor.linear_regression` fits `growth ~ workshop + covariates` by least
# squares and reports the `workshop` coefficient. From scratch that is one call to
# `np.linalg.lstsq`; the course package's `ols_effect` adds a standard error. All
# three agree to rounding error.

# %%
lr = model.estimate_effect(estimand, method_name="backdoor.linear_regression")

obs = sim.observed
design = np.column_stack([np.ones(len(obs)), obs["workshop"], obs[covariates]])
coef_lstsq = np.linalg.lstsq(design, obs["growth"].to_numpy(), rcond=None)[0][1]
by_hand = ols_effect(obs, "workshop", "growth", covariates)
print(f"np.linalg.lstsq:          {coef_lstsq:.6f}")
print(f"DoWhy linear_regression:  {lr.value:.6f}")
print(f"ols_effect:               {by_hand.estimate:.6f} (SE {by_hand.std_error:.4f}, "
      f"95% CI {by_hand.ci_low:.4f} to {by_hand.ci_high:.4f})")
assert abs(lr.value - coef_lstsq) < 1e-10 and abs(lr.value - by_hand.estimate) < 1e-10
assert by_hand.covers(sim.ate)

# %% [markdown]
# The interval covers the true ATE. That is expected: the simulation's growth is
# linear in the three covariates with an effect that does not depend on them, so
# the regression is correctly specified.
#
# ### 4.2 Inverse propensity weighting
#
# `backdoor.propensity_score_weighting` fits a propensity model and compares
# weighted means (lecture 04). Two defaults matter: the model is scikit-learn's
# `LogisticRegression()` (which is L2-penalized), and propensities are clipped to
# [0.05, 0.95] (`min_ps_score`, `max_ps_score`), a silent trimming choice. We give
# this estimator its own `CausalModel`, for a reason section 6 makes clear, and
# rebuild its number by hand with the same defaults and the same column order.

# %%
ipw_model = CausalModel(
    data=sim.observed, treatment="workshop", outcome="growth", graph=nx.DiGraph(edges)
)
ipw = ipw_model.estimate_effect(estimand, method_name="backdoor.propensity_score_weighting")

w_cols = estimand.get_backdoor_variables()  # DoWhy's column order
t, y = obs["workshop"].to_numpy(), obs["growth"].to_numpy()
e_hat = LogisticRegression().fit(obs[w_cols], t).predict_proba(obs[w_cols])[:, 1]
e_clip = np.clip(e_hat, 0.05, 0.95)
w1, w0 = t / e_clip, (1 - t) / (1 - e_clip)
ipw_by_hand = (w1 @ y) / w1.sum() - (w0 @ y) / w0.sum()
print(f"DoWhy propensity_score_weighting: {ipw.value:.6f}")
print(f"by hand (Hajek weights):          {ipw_by_hand:.6f}")
print(f"share of propensities clipped at 0.05 or 0.95: {np.mean(e_hat != e_clip):.1%}")
assert abs(ipw.value - ipw_by_hand) < 1e-9

# %% [markdown]
# ### 4.3 Propensity score matching, and all estimates against the truth
#
# Matching each merchant to the nearest merchant of the other arm on the
# estimated propensity is one more line. The table compares every estimate with
# the true ATE.

# %%
matching_model = CausalModel(
    data=sim.observed, treatment="workshop", outcome="growth", graph=nx.DiGraph(edges)
)
matching = matching_model.estimate_effect(
    estimand, method_name="backdoor.propensity_score_matching"
)
estimates = pd.DataFrame(
    {"estimate": {"naive difference": naive.estimate, "linear regression": lr.value,
                  "propensity weighting": ipw.value, "propensity matching": matching.value}}
)
estimates["true ATE"] = sim.ate
estimates["error"] = estimates["estimate"] - sim.ate
estimates.round(4)

# %% [markdown]
# The three adjusted estimates sit within a few thousandths of the truth; the
# naive one is off by several times that. Agreement between estimators that rely
# on different models (an outcome model, a treatment model) is reassuring, but
# all three share the same identifying assumption: none of them can correct for a
# confounder that is not in the graph.

# %%
adjusted = estimates.loc[["linear regression", "propensity weighting", "propensity matching"]]
assert (adjusted["error"].abs() < 0.005).all()
assert (adjusted["error"].abs() < estimates.loc["naive difference", "error"] / 3).all()

# %% [markdown]
# ## 5. Step 4, refute: six ways to attack an estimate
#
# A refuter changes the data or the analysis in a way whose consequence we know,
# reruns the *same* estimator, and compares. They come in three kinds:
#
# | refuter | what it changes | the new effect should be |
# |---|---|---|
# | placebo treatment | replaces the treatment by a shuffled copy | about 0 |
# | dummy outcome | replaces the outcome by pure noise | about 0 |
# | random common cause | adds an independent random covariate | about the estimate |
# | data subset | re-estimates on random 80% subsets | about the estimate |
# | bootstrap | re-estimates on bootstrap resamples | about the estimate |
# | unobserved common cause | asks how strong a hidden confounder must be | (sensitivity analysis) |
#
# **Seeds.** In DoWhy 0.14 the placebo, random-common-cause, data-subset and
# bootstrap refuters take `random_state`; the dummy-outcome refuter has no such
# argument, only `random_seed`, which reseeds NumPy's global generator. We use 30 simulations per
# refuter to keep the lecture fast. With fewer than 100 simulations DoWhy's
# p-value is a one-sided normal tail probability of the expected value
# (0 or the estimate) within the simulated effects, so about 0.5 means "right in the
# middle" and anything above 0.05 counts as a pass.
#
# ### 5.1 Placebo treatment, by hand and in DoWhy
#
# Shuffle `workshop` across merchants and re-estimate: the shuffled column cannot
# cause anything, so its estimated effect should be zero up to noise. DoWhy draws
# each shuffle with NumPy's legacy `RandomState`; using the same draws by hand
# reproduces its numbers exactly, p-value included.

# %%
n_sims = 30
perm_rng = np.random.RandomState(11)
t_values = obs["workshop"].to_numpy()
placebo_by_hand = []
for _ in range(n_sims):
    idx = perm_rng.choice(len(t_values), size=len(t_values), replace=False)
    shuffled = obs.assign(workshop=t_values[idx])
    placebo_by_hand.append(ols_effect(shuffled, "workshop", "growth", covariates).estimate)
placebo_by_hand = np.array(placebo_by_hand)
z_zero = (0.0 - placebo_by_hand.mean()) / placebo_by_hand.std()
p_by_hand = stats.norm.cdf(-abs(z_zero))
print(f"by hand: mean placebo effect {placebo_by_hand.mean():.5f}, p-value {p_by_hand:.3f}")

# %% [markdown]
# `placebo_type="permute"` matters: DoWhy's default placebo draws new random
# values from NumPy's global generator and ignores `random_state`.

# %%
placebo = model.refute_estimate(
    estimand, lr, method_name="placebo_treatment_refuter", placebo_type="permute",
    num_simulations=n_sims, random_state=11,
)
p_placebo = placebo.refutation_result["p_value"]
print(f"DoWhy:   mean placebo effect {placebo.new_effect:.5f}, p-value {p_placebo:.3f}")
assert abs(placebo.new_effect - placebo_by_hand.mean()) < 1e-10
assert abs(p_placebo - p_by_hand) < 1e-8
assert p_placebo > 0.05

# %% [markdown]
# Reading: the shuffled treatment's average effect is essentially zero and zero
# sits comfortably inside the 30 placebo estimates, so the estimator does not
# manufacture an effect out of nothing: a **pass**. That p-value answers "is the
# placebo effect zero?". A second question is whether the *real* estimate stands
# out from placebo noise; the package's `placebo_check` answers it with a
# permutation p-value from more shuffles.
#
# > **Pause and predict.** The estimate is 0.019 and the 200 placebo estimates
# > are centred on zero. Will any placebo estimate be as large as the real one?

# %%
check = placebo_check(obs, "workshop", "growth", covariates, n_permutations=200, seed=12)
print(check)
fig, ax = plt.subplots(figsize=(7.5, 3.8))
ax.hist(check.placebo_effects, bins=25, color=PALETTE["estimate"], alpha=0.6,
        label="200 placebo estimates (shuffled workshop)")
ax.axvline(check.estimate, color=PALETTE["biased"], lw=2.5, label="estimate, real workshop")
ax.axvline(sim.ate, color=PALETTE["truth"], ls="--", lw=1.5, label="true ATE")
ax.set_xlim(-0.014, 0.026)
ax.yaxis.get_major_locator().set_params(integer=True)
ax.set_xlabel("estimated effect on 12-month growth")
ax.set_ylabel("count")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=9, frameon=False)
fig.tight_layout()
plt.show()

# %% [markdown]
# The real estimate lies far to the right of every placebo estimate, close to the
# dashed truth: none of the 200 shuffles produced an effect as large, so the
# permutation p-value is the smallest possible, 1/201.

# %%
assert check.p_value == 1 / 201
assert round(lr.value, 3) == 0.019
assert check.reading == "pass"
assert abs(check.estimate - lr.value) < 1e-10

# %% [markdown]
# ### 5.2 Random common cause
#
# Add a column of independent standard-normal noise as a further "confounder" and
# re-estimate. A variable unrelated to everything should not move a sound
# estimate; if it did, the estimator would be unstable.

# %%
random_cause = model.refute_estimate(
    estimand, lr, method_name="random_common_cause", num_simulations=n_sims, random_state=13
)
print(f"estimate {random_cause.estimated_effect:.5f}; with a random common cause "
      f"{random_cause.new_effect:.5f}; p-value {random_cause.refutation_result['p_value']:.3f}")
assert abs(random_cause.new_effect - lr.value) < 0.1 * by_hand.std_error

# %% [markdown]
# Reading: the average moved by less than a tenth of a standard error: a pass.
#
# ### 5.3 Data subset, and a seeding trap
#
# Re-estimate on random 80% subsets: a real effect should not hinge on a handful
# of merchants. The trap: DoWhy hands `random_state` straight to every
# `DataFrame.sample` call, so an *integer* seed draws the **same** subset in all
# simulations, and the "distribution" of subset estimates is one number repeated.
# Pass a `RandomState` object instead; it advances between simulations.

# %%
same_subset = obs.sample(frac=0.8, random_state=14).index.equals(
    obs.sample(frac=0.8, random_state=14).index
)
print(f"an integer seed gives identical subsets in every simulation: {same_subset}")
assert same_subset

subset = model.refute_estimate(
    estimand, lr, method_name="data_subset_refuter", subset_fraction=0.8,
    num_simulations=n_sims, random_state=np.random.RandomState(14),
)
print(f"estimate {subset.estimated_effect:.5f}; on 80% subsets {subset.new_effect:.5f}; "
      f"p-value {subset.refutation_result['p_value']:.3f}")
assert subset.refutation_result["p_value"] > 0.05

# %% [markdown]
# ### 5.4 Bootstrap
#
# The bootstrap refuter re-estimates on resamples drawn with replacement (the same
# integer-seed trap applies). By default it also adds measurement noise to the
# confounders, drawn from NumPy's global generator, which `random_state` does not
# reach; `noise=0.0` turns that off and leaves a plain, reproducible bootstrap.

# %%
bootstrap = model.refute_estimate(
    estimand, lr, method_name="bootstrap_refuter", noise=0.0,
    num_simulations=n_sims, random_state=np.random.RandomState(15),
)
print(f"estimate {bootstrap.estimated_effect:.5f}; bootstrap mean {bootstrap.new_effect:.5f}; "
      f"p-value {bootstrap.refutation_result['p_value']:.3f}")
assert bootstrap.refutation_result["p_value"] > 0.05

# %% [markdown]
# ### 5.5 Dummy outcome
#
# Replace the outcome by noise with the same spread as `growth` and re-estimate:
# the treatment cannot affect noise, so the new effect should be about zero.
# `random_seed=16` reseeds NumPy's global generator, the only way to make this
# refuter repeat. It returns a list (one result per treatment group when a model
# generates the dummy; one here).

# %%
growth_sd = float(obs["growth"].std())
dummy = model.refute_estimate(
    estimand, lr, method_name="dummy_outcome_refuter", num_simulations=n_sims,
    transformation_list=[("zero", ""), ("noise", {"std_dev": growth_sd})], random_seed=16,
)
print(f"dummy outcome: true effect {dummy[0].estimated_effect:.1f}, estimated "
      f"{dummy[0].new_effect:.5f}, p-value {dummy[0].refutation_result['p_value']:.3f}")
assert dummy[0].refutation_result["p_value"] > 0.05

# %% [markdown]
# ### 5.6 Unobserved common cause: a sensitivity analysis
#
# The last refuter asks the question the others cannot: *how strong would a hidden
# confounder have to be to explain the estimate away?* With
# `simulation_method="linear-partial-R2"` DoWhy applies Cinelli & Hazlett's (2020)
# framework to the regression estimate. Its headline is the **robustness value**
# $RV$: a confounder explaining $RV$ of the residual variance of *both* treatment
# and outcome would bring the estimate to zero. With $t$ the estimate's t-statistic
# and $d$ the residual degrees of freedom, $f = |t| / \sqrt{d}$ and
#
# $$ RV = \tfrac12\left(\sqrt{f^4 + 4 f^2} - f^2\right). $$
#
# The computation is deterministic (no seed needed). We benchmark against
# `prior_growth`: "what if the hidden confounder were as strong as last year's
# growth?"

# %%
sensitivity = model.refute_estimate(
    estimand, lr, method_name="add_unobserved_common_cause",
    simulation_method="linear-partial-R2", benchmark_common_causes=["prior_growth"],
    effect_fraction_on_treatment=[1.0], plot_estimate=False,
)
dof = len(obs) - len(covariates) - 2
f_stat = abs(by_hand.estimate / by_hand.std_error) / np.sqrt(dof)
rv_by_hand = 0.5 * (np.sqrt(f_stat**4 + 4 * f_stat**2) - f_stat**2)
rv = sensitivity.stats["robustness_value"]
bench = sensitivity.benchmarking_results.iloc[0]
print(f"robustness value: by hand {rv_by_hand:.4f}, DoWhy {rv:.4f}")
print(f"confounder as strong as prior_growth: partial R2 with workshop {bench['r2tu_w']:.3f}, "
      f"with growth {bench['r2yu_tw']:.3f}; adjusted estimate "
      f"{bench['bias_adjusted_estimate']:.4f}")
assert abs(rv_by_hand - rv) < 1e-12
assert 0.08 < rv < 0.10
assert bench["r2yu_tw"] > 5 * rv and bench["r2tu_w"] < rv
assert bench["bias_adjusted_estimate"] < 0 < lr.value

# %% [markdown]
# Reading: a confounder explaining about 9% of the residual variance of both
# attendance and growth would erase the effect. A confounder as strong as last
# year's growth would explain far more than that of growth (last year's growth is a
# strong predictor), though little of attendance, and would flip the sign. So by
# this benchmark the estimate is **fragile**, even though we know it is right.
# "Fragile" is not "wrong": it says the conclusion leans on the assumption that no
# confounder as prognostic as last year's growth is missing. A small effect (here
# two percentage points) is easy to explain away.
#
# ### 5.7 All refuters in one table
#
# `refutation_table` turns DoWhy's result objects into one tidy table with a
# reading per row (the rules are in its docstring). `expected` is what the new
# effect should be close to; on the sensitivity row, `new_effect` is the estimate
# adjusted for a confounder as strong as the benchmark.

# %%
results = {"placebo": placebo, "random common cause": random_cause, "data subset": subset,
           "bootstrap": bootstrap, "dummy outcome": dummy, "sensitivity": sensitivity}
good_table = refutation_table(results, estimate=lr.value)
assert (good_table["reading"].iloc[:5] == "pass").all()
assert good_table.loc["sensitivity", "reading"] == "fragile"
good_table.drop(columns="refuter").round(4)

# %% [markdown]
# ## 6. Refuting the weighting estimate: a trap in DoWhy 0.14
#
# Why did the weighting estimator get its own `CausalModel`? DoWhy's
# propensity-score estimators write helper columns (`propensity_score`, weights)
# *into the DataFrame the model holds*, and a later refit that finds a
# `propensity_score` column reuses it instead of refitting. A placebo refuter run
# through that model therefore weights the shuffled treatment with the **real**
# treatment's propensities, and reports an effect where there is none (DoWhy issue
# #1728). Watch it happen on a DataFrame we own.

# %%
frame = sim.observed
trap_model = CausalModel(data=frame, treatment="workshop", outcome="growth",
                         graph=nx.DiGraph(edges))
trap_ipw = trap_model.estimate_effect(estimand, method_name="backdoor.propensity_score_weighting")
added = [c for c in frame.columns if c not in sim.observed.columns]
print(f"DoWhy added {len(added)} columns to our DataFrame, starting with {added[:3]}")
assert "propensity_score" in added

# %% [markdown]
# Now the same placebo refuter twice: through the model (whose data now carry the
# stale column), and through DoWhy's functional API on untouched data.

# %%
through_model = trap_model.refute_estimate(
    estimand, trap_ipw, method_name="placebo_treatment_refuter", placebo_type="permute",
    num_simulations=20, random_state=17,
)
on_clean_data = refute_placebo_treatment(
    data=sim.observed, target_estimand=estimand, estimate=trap_ipw,
    treatment_names=["workshop"], num_simulations=20, placebo_type=PlaceboType.PERMUTE,
    random_state=17,
)
trap_table = refutation_table({"through the model": through_model,
                               "functional API, clean data": on_clean_data})
assert list(trap_table["reading"]) == ["fail", "pass"]
trap_table.drop(columns="refuter").round(4)

# %% [markdown]
# The first row is a false alarm produced by the library, not by the analysis;
# the second is the real placebo test, and it passes. Refute propensity-score
# estimates on clean data (or give each estimator its own copy of the data).

# %% [markdown]
# ## 7. A deliberately broken analysis
#
# Now the same merchants in a world where something unrecorded matters: the
# owner's *ambition*. Ambitious owners sign up for the workshop more often and grow
# faster regardless. The platform does not record ambition, so the analyst's graph
# and code are exactly those of sections 2-4. Only the simulation knows the true
# graph, drawn below with the hidden node dashed.

# %%
bad = simulate_confounded(3000, u_strength=1.0, seed=8)
assert bad.data[covariates].equals(sim.data[covariates])  # same merchants
true_edges = edges + [("ambition", "workshop"), ("ambition", "growth")]
draw_dag(true_edges, treatment="workshop", outcome="growth", unobserved=["ambition"])

# %% [markdown]
# The analyst runs the identical pipeline on the recorded columns.

# %%
bad_model = CausalModel(data=bad.observed, treatment="workshop", outcome="growth",
                        graph=nx.DiGraph(edges))
bad_estimand = bad_model.identify_effect()
bad_lr = bad_model.estimate_effect(bad_estimand, method_name="backdoor.linear_regression")
print(f"estimate {bad_lr.value:.4f} versus true ATE {bad.ate:.4f}")
assert 8.5 < bad_lr.value / bad.ate < 9.5

# %% [markdown]
# The estimate is about nine times the truth. Identification said "valid if no
# unrecorded common cause remains", and one does.
#
# > **Pause and predict.** Which of the six refuters of section 5 will flag this
# > estimate? Write down your guess for each before running the next cell.
#
# The function below makes the same calls, with the same seeds, as section 5.

# %%
def refute_all(model, estimand, estimate, outcome_sd):
    """The six refuters of section 5 with the same settings and seeds."""
    common = {"num_simulations": n_sims}
    return {
        "placebo": model.refute_estimate(
            estimand, estimate, method_name="placebo_treatment_refuter",
            placebo_type="permute", random_state=11, **common),
        "random common cause": model.refute_estimate(
            estimand, estimate, method_name="random_common_cause", random_state=13, **common),
        "data subset": model.refute_estimate(
            estimand, estimate, method_name="data_subset_refuter", subset_fraction=0.8,
            random_state=np.random.RandomState(14), **common),
        "bootstrap": model.refute_estimate(
            estimand, estimate, method_name="bootstrap_refuter", noise=0.0,
            random_state=np.random.RandomState(15), **common),
        "dummy outcome": model.refute_estimate(
            estimand, estimate, method_name="dummy_outcome_refuter", random_seed=16,
            transformation_list=[("zero", ""), ("noise", {"std_dev": outcome_sd})], **common),
        "sensitivity": model.refute_estimate(
            estimand, estimate, method_name="add_unobserved_common_cause",
            simulation_method="linear-partial-R2", benchmark_common_causes=["prior_growth"],
            effect_fraction_on_treatment=[1.0], plot_estimate=False),
    }


bad_results = refute_all(bad_model, bad_estimand, bad_lr, float(bad.observed["growth"].std()))
bad_table = refutation_table(bad_results, estimate=bad_lr.value)
bad_table.drop(columns="refuter").round(4)

# %% [markdown]
# Every refuter passes, and the sensitivity analysis even calls the estimate
# robust. This is the most important lesson of the lecture. The simulation
# refuters test the *estimator under the assumed graph*: shuffling the treatment
# also cuts its link to ambition, noise covariates and subsets do not add the
# missing variable, and a large estimate survives all of them. None of them can see
# a confounder that is not in the data.

# %%
assert (bad_table["reading"].iloc[:5] == "pass").all()
assert bad_table.loc["sensitivity", "reading"] == "robust"
assert bad_table.loc["placebo", "new_effect"] < 0.01 * bad_lr.value

# %% [markdown]
# ### 7.1 What the sensitivity analysis does say
#
# The sensitivity analysis did not *detect* the problem, but it did say exactly
# what it would take: a confounder whose partial $R^2$ with attendance and with
# growth is large enough. With the simulation's hidden column we can measure
# ambition's actual partial $R^2$s and put them into the same bias formula DoWhy
# uses (`compute_bias_adjusted`). The result equals, to rounding error, the
# estimate an analyst *could* have obtained had ambition been recorded.

# %%
def partial_r2(target, extra, controls):
    """Squared partial correlation of target and extra after regressing out controls."""
    x = np.column_stack([np.ones(len(controls)), controls])
    res = [v - x @ np.linalg.lstsq(x, v, rcond=None)[0] for v in (target, extra)]
    return float(np.corrcoef(res[0], res[1])[0, 1] ** 2)


bd, amb = bad.data, bad.data["ambition"].to_numpy()
r2_t = partial_r2(bd["workshop"].to_numpy(float), amb, bd[covariates].to_numpy())
r2_y = partial_r2(bd["growth"].to_numpy(), amb, bd[["workshop", *covariates]].to_numpy(float))
bad_sensitivity = bad_results["sensitivity"]
bias_adjusted = bad_sensitivity.compute_bias_adjusted(r2_t, r2_y)["bias_adjusted_estimate"]
long = ols_effect(bd, "workshop", "growth", [*covariates, "ambition"])
rv_bad = bad_sensitivity.stats["robustness_value"]
bench_bad = bad_sensitivity.benchmarking_results.iloc[0]
print(f"robustness value {rv_bad:.3f}; prior_growth benchmark: partial R2 "
      f"{bench_bad['r2tu_w']:.3f} with workshop, {bench_bad['r2yu_tw']:.3f} with growth")
print(f"ambition: partial R2 {r2_t:.3f} with workshop, {r2_y:.3f} with growth")
print(f"bias-adjusted estimate {bias_adjusted:.4f}; regression including ambition "
      f"{long.estimate:.4f}; true ATE {bad.ate:.4f}")
assert abs(bias_adjusted - long.estimate) < 1e-8
assert long.covers(bad.ate)
assert r2_t > 5 * bench_bad["r2tu_w"]

# %% [markdown]
# Ambition explains far more of attendance than the benchmark, last year's growth,
# does; that is why the benchmark reading said "robust". A sensitivity analysis
# turns "is there unobserved confounding?" into "is a confounder this strong
# plausible?"; only knowledge of the domain can answer that.

# %% [markdown]
# ### 7.2 A placebo that shares the selection exposes the problem
#
# A shuffled treatment is a poor placebo here because shuffling destroys the very
# selection we worry about. A better one is a *negative-control exposure*
# (Lipsitch, Tchetgen Tchetgen & Cohen 2010): something chosen by the same kind of
# merchant for the same reasons, which cannot have affected the outcome. Suppose
# the platform also recorded sign-ups for a *later* cohort of the workshop, held
# after growth was measured. We simulate it from the true selection probabilities
# (which include ambition) and run the unchanged pipeline with `later_signup` in
# place of `workshop`, in both worlds.

# %%
rows = {}
for label, world in (("recorded confounders only", sim), ("hidden ambition", bad)):
    signup = np.random.default_rng(2024).binomial(1, world.data["propensity"])
    frame = world.observed.assign(later_signup=signup)
    real = ols_effect(frame, "workshop", "growth", covariates)
    fake = ols_effect(frame, "later_signup", "growth", covariates)
    rows[label] = {"estimate": real.estimate, "placebo": fake.estimate,
                   "placebo SE": fake.std_error, "share": fake.estimate / real.estimate,
                   "reading": placebo_reading(real.estimate, fake.estimate, fake.std_error),
                   "true ATE": world.ate,
                   "gap SE": np.hypot(real.std_error, fake.std_error)}
negative_control = pd.DataFrame.from_dict(rows, orient="index")
negative_control.drop(columns="gap SE").round(4)

# %% [markdown]
# **Reading a near-failing placebo.** In the broken world the estimate is about
# 0.18 and the placebo, which cannot have done anything, gets about 0.16: close to
# 90% of the estimate. Whatever produces the placebo's "effect" (here the
# selection on ambition) is available to produce most of the real estimate too, so
# the estimate is **suspect**, however well it did on the other refuters. A placebo
# need not come out at exactly 0.18 to be damning; being a large share of the
# estimate is enough. In the sound world the placebo is within noise of zero.

# %%
good_nc, bad_nc = negative_control.loc["recorded confounders only"], negative_control.loc[
    "hidden ambition"]
assert good_nc["reading"] == "pass" and bad_nc["reading"] == "suspect"
assert 0.17 < bad_nc["estimate"] < 0.19 and 0.15 < bad_nc["placebo"] < 0.17
assert 0.85 < bad_nc["share"] < 0.92

# %% [markdown]
# Because this placebo was built to share the treatment's selection *exactly*,
# the gap "estimate minus placebo" lands within two standard errors of the true
# ATE. Real negative controls are rarely that faithful: treat them as alarms, not
# as corrections.

# %%
gap = bad_nc["estimate"] - bad_nc["placebo"]
print(f"estimate - placebo = {gap:.4f} (SE about {bad_nc['gap SE']:.4f}); "
      f"true ATE {bad_nc['true ATE']:.4f}")
assert abs(gap - bad.ate) < 2 * bad_nc["gap SE"]

# %% [markdown]
# ## 8. Real data: quitting smoking and weight gain (NHEFS)
#
# Hernán & Robins (*What If*, ch. 12-13) estimate the effect of quitting smoking
# between 1971 and 1982 (`qsmk`) on weight change over the same period
# (`wt82_71`, kg) among 1,566 smokers, adjusting for sex, race, age, education,
# smoking intensity, years of smoking, exercise, physical activity and baseline
# weight, with squares of the continuous ones. They report 3.4 kg by IP weighting
# and 3.5 kg by standardization. We run the four steps. DoWhy wants numeric
# columns, so categories become 0/1 dummies and squares become columns.

# %%
raw = load("nhefs_complete")
nhefs = pd.DataFrame({"qsmk": raw["qsmk"].astype(int), "wt82_71": raw["wt82_71"],
                      "sex": raw["sex"].astype(int), "race": raw["race"].astype(int)})
for col in ("age", "smokeintensity", "smokeyrs", "wt71"):
    nhefs[col] = raw[col]
    nhefs[f"{col}_sq"] = raw[col] ** 2
for col, levels in (("education", (2, 3, 4, 5)), ("exercise", (1, 2)), ("active", (1, 2))):
    for level in levels:
        nhefs[f"{col}_{level}"] = (raw[col].astype(int) == level).astype(int)
confounders = [c for c in nhefs.columns if c not in ("qsmk", "wt82_71")]
print(f"{len(nhefs)} smokers, {int(nhefs['qsmk'].sum())} quitters, "
      f"{len(confounders)} confounder columns")
assert len(nhefs) == 1566 and len(confounders) == 18

# %% [markdown]
# **Model and identify.** With `common_causes=` DoWhy builds the graph itself
# (every confounder points into `qsmk` and `wt82_71`). DoWhy's default
# identification searches over many candidate adjustment sets, which takes seconds
# with 18 confounders; `method_name="maximal-adjustment"` adjusts for all of them,
# as *What If* does.

# %%
nhefs_model = CausalModel(data=nhefs.copy(), treatment="qsmk", outcome="wt82_71",
                          common_causes=confounders)
nhefs_estimand = nhefs_model.identify_effect(method_name="maximal-adjustment")
print(describe_estimand(nhefs_estimand))
assert sorted(nhefs_estimand.get_backdoor_variables()) == sorted(confounders)

# %% [markdown]
# **Estimate.** Three DoWhy estimators reproduce the book's two models:
#
# * *What If*'s standardization (ch. 13) is an outcome regression with a
#   `qsmk` x `smokeintensity` interaction, averaged over everyone. In DoWhy that is
#   `backdoor.linear_regression` with `smokeintensity` as an effect modifier
#   (`need_conditional_estimates=False` skips per-subgroup estimates we do not need);
# * *What If*'s IP weighting (ch. 12) uses an unpenalized logistic propensity
#   model and no trimming: we pass such a model (scaled features help the solver
#   and do not change an unpenalized fit) and turn clipping off;
# * plain regression adjustment without the interaction, for comparison.

# %%
standardization = nhefs_model.estimate_effect(
    nhefs_estimand, method_name="backdoor.linear_regression", effect_modifiers=["smokeintensity"],
    method_params={"init_params": {"need_conditional_estimates": False}},
)
nhefs_ipw_model = CausalModel(data=nhefs.copy(), treatment="qsmk", outcome="wt82_71",
                              common_causes=confounders)
logit = make_pipeline(StandardScaler(), LogisticRegression(C=np.inf, max_iter=2000))
nhefs_ipw = nhefs_ipw_model.estimate_effect(
    nhefs_estimand, method_name="backdoor.propensity_score_weighting",
    method_params={"init_params": {"propensity_score_model": logit,
                                   "min_ps_score": 0.0, "max_ps_score": 1.0}},
)
nhefs_lr = nhefs_model.estimate_effect(nhefs_estimand, method_name="backdoor.linear_regression")
nhefs_table = pd.DataFrame({
    "DoWhy (kg)": {"IP weighting": nhefs_ipw.value, "standardization": standardization.value,
                   "regression, no interaction": nhefs_lr.value},
    "What If (kg)": {"IP weighting": 3.4, "standardization": 3.5,
                     "regression, no interaction": np.nan},
})
nhefs_table.round(2)

# %% [markdown]
# Both published numbers are reproduced to the precision printed in the book
# (within 0.05 kg). Regression without the interaction lands between them.

# %%
assert abs(nhefs_ipw.value - 3.4) < 0.05
assert abs(standardization.value - 3.5) < 0.05
assert 3.4 < nhefs_lr.value < 3.5

# %% [markdown]
# **Refute.** A placebo, data subsets and a sensitivity analysis benchmarked
# against smoking intensity, on the regression estimate (20 simulations each).

# %%
nhefs_results = {
    "placebo": nhefs_model.refute_estimate(
        nhefs_estimand, nhefs_lr, method_name="placebo_treatment_refuter",
        placebo_type="permute", num_simulations=20, random_state=21),
    "data subset": nhefs_model.refute_estimate(
        nhefs_estimand, nhefs_lr, method_name="data_subset_refuter", num_simulations=20,
        random_state=np.random.RandomState(22)),
    "sensitivity": nhefs_model.refute_estimate(
        nhefs_estimand, nhefs_lr, method_name="add_unobserved_common_cause",
        simulation_method="linear-partial-R2", benchmark_common_causes=["smokeintensity"],
        effect_fraction_on_treatment=[1.0], plot_estimate=False),
}
nhefs_refutations = refutation_table(nhefs_results)
nhefs_refutations.drop(columns="refuter").round(3)

# %% [markdown]
# Reading: the placebo effect is near zero and subsets agree, so the estimator
# behaves. The robustness value says an unmeasured confounder would need to
# explain almost a fifth of the residual variance of both quitting and weight
# change to erase the 3.5 kg; one as strong as smoking intensity barely moves it.
# As section 7 showed, that does not prove no such confounder exists; it tells a
# reader exactly what they would have to believe to dismiss the result.

# %%
nhefs_rv = nhefs_refutations.loc["sensitivity", "robustness_value"]
assert list(nhefs_refutations["reading"]) == ["pass", "pass", "robust"]
assert 0.17 < nhefs_rv < 0.2
assert abs(nhefs_refutations.loc["sensitivity", "new_effect"] - nhefs_lr.value) < 0.2

# %% [markdown]
# ## Key takeaways
#
# * DoWhy makes the steps of an observational analysis explicit: the graph is the
#   assumption, the estimand says what is estimated and under which condition, the
#   estimators only differ in how they estimate it.
# * Check a library's number against a few transparent lines; here regression and
#   weighting match to rounding error once DoWhy's defaults (penalized propensity
#   model, clipping at 0.05/0.95) are known.
# * Placebo treatment, dummy outcome, random common cause, data subset and
#   bootstrap refuters test the *estimator* under the assumed graph. Passing them is
#   necessary, not sufficient: they all passed an estimate nine times too large.
# * A placebo that shares the treatment's selection (a negative control) can expose
#   hidden confounding; a placebo effect that is a large share of the estimate
#   (0.16 against 0.18) makes the estimate suspect even if each test "passes".
# * A sensitivity analysis does not detect confounding; it states how strong a
#   confounder must be (the robustness value) so that readers can judge whether one
#   that strong is plausible. Fragile is not wrong, and robust is not right.
#
# ## Common mistakes
#
# * Reporting "all refuters passed" as evidence of no unobserved confounding.
# * Passing an integer `random_state` to the data-subset or bootstrap refuter: every
#   simulation then uses the same sample. Pass `np.random.RandomState(seed)`.
# * Leaving DoWhy's placebo at its default type (unseeded random values) instead of
#   `placebo_type="permute"`, or forgetting that the dummy-outcome refuter is only
#   seeded through `random_seed`.
# * Refuting a propensity-score estimate through the `CausalModel` that produced it
#   (DoWhy 0.14 reuses the stale `propensity_score` column).
# * Treating a placebo effect that is most of the estimate as a pass because its
#   p-value is above 0.05.
# * Printing DoWhy's objects in a notebook whose outputs must repeat: their text
#   carries raw floats and hash-seed-dependent variable orders.
#
# ## References
#
# * Sharma, A., & Kiciman, E. (2020). DoWhy: An end-to-end library for causal
#   inference. arXiv:2011.04216.
# * Pearl, J. (2009). *Causality: Models, Reasoning, and Inference* (2nd ed.).
#   Cambridge University Press. doi:10.1017/CBO9780511803161
# * Cinelli, C., & Hazlett, C. (2020). Making sense of sensitivity: extending
#   omitted variable bias. *Journal of the Royal Statistical Society: Series B*,
#   82(1), 39-67. doi:10.1111/rssb.12348
# * Lipsitch, M., Tchetgen Tchetgen, E., & Cohen, T. (2010). Negative controls: a
#   tool for detecting confounding and bias in observational studies.
#   *Epidemiology*, 21(3), 383-388. doi:10.1097/EDE.0b013e3181d61eeb
# * Hernán, M. A., & Robins, J. M. (2020). *Causal Inference: What If*. Boca Raton:
#   Chapman & Hall/CRC (ch. 12 IP weighting, ch. 13 standardization; NHEFS data).
# * Imbens, G. W., & Rubin, D. B. (2015). *Causal Inference for Statistics, Social,
#   and Biomedical Sciences: An Introduction*, ch. 5 (Fisher's exact p-values).
#   Cambridge University Press. doi:10.1017/CBO9781139025751
# * DoWhy issue #1728: PlaceboTreatmentRefuter reuses stale propensity scores.
#   https://github.com/py-why/dowhy/issues/1728
