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
# # Lecture 01: Potential outcomes and the fundamental problem of causal inference
#
# ## Overview
#
# A subscription app sends a retention email to some of its customers and wants
# to know whether the email makes them spend more. This lecture builds the
# vocabulary for asking that question precisely and shows, on a simulation whose
# truth we know, why the obvious comparison gives the wrong answer.
#
# By the end you should be able to:
#
# 1. tell a causal question from a predictive one with the *intervention test*;
# 2. define potential outcomes, the individual effect and the fundamental problem
#    of causal inference;
# 3. define the ATE, ATT, ATC and CATE, and state SUTVA;
# 4. decompose the naive difference in means into the ATT plus selection bias;
# 5. explain why randomization removes selection bias, and compute a difference in
#    means with a Neyman standard error and 95% interval.
#
# **Prerequisites:** none beyond basic Python, pandas and introductory statistics
# (means, variances, confidence intervals).

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from sklearn.linear_model import LinearRegression

from causalcourse.estimators import difference_in_means, neyman
from causalcourse.plotting import (
    draw_dag,
    plot_estimates,
    plot_sampling_distributions,
    set_style,
)
from causalcourse.simulate import simulate_retention_email

set_style()

# %% [markdown]
# ## 1. Causal versus predictive questions
#
# Two questions about the same customers:
#
# * *Predictive:* "Which customers will spend the most next month?" We only need
#   to recognise patterns in data as it comes to us.
# * *Causal:* "How much more would a customer spend **if we sent them** the
#   email?" The answer is about a world we change.
#
# **The intervention test:** a question is causal if answering it requires knowing
# what happens when we *set* something (send the email, change a price), rather
# than what we see among units that *happen to have* that value.
#
# We work with a simulated world in which the marketing team emailed mostly
# customers who had been active recently. Because we simulated it, the data also
# hold the truth. The seed is fixed so every number below repeats.

# %%
sim = simulate_retention_email(n=5000, seed=1)
print(sim.description)
sim.observed.head()

# %% [markdown]
# A predictive model of `spend` is perfectly entitled to use `email` as a feature.
# Fit the simplest one, a linear regression of spend on the email indicator, and
# compare its coefficient with the true average effect of the email (which only a
# simulation can tell us).

# %%
model = LinearRegression().fit(sim.observed[["email"]], sim.observed["spend"])
coef = model.coef_[0]
emailed = sim.data["email"] == 1
naive = sim.data.loc[emailed, "spend"].mean() - sim.data.loc[~emailed, "spend"].mean()
print(f"email coefficient of the predictive model: {coef:.2f} dollars")
print(f"naive difference in mean spend:            {naive:.2f} dollars")
print(f"true average effect of the email (ATE):    {sim.ate:.2f} dollars")

# %% [markdown]
# The coefficient is exactly the naive difference in means, and it is more than
# twice the true effect. As a description it is correct: emailed customers do
# spend that much more. As an effect it is wrong, because being emailed marks
# customers who spend a lot anyway. The same warning applies to any feature importance (SHAP values,
# permutation importance): it describes how the model uses a feature, not what
# would happen if we changed it.

# %%
assert abs(coef - naive) < 1e-9
assert coef > 2 * sim.ate

# %% [markdown]
# ## 2. Potential outcomes and the fundamental problem
#
# For each customer $i$ imagine two numbers fixed before the email goes out:
#
# * $Y_i(1)$, what they would spend if emailed, and
# * $Y_i(0)$, what they would spend if not emailed.
#
# The **individual effect** is $\tau_i = Y_i(1) - Y_i(0)$. We observe
# $Y_i = T_i\,Y_i(1) + (1 - T_i)\,Y_i(0)$, where $T_i$ is the email indicator.
# Because the simulation stored both potential outcomes, we can print the
# "science table" that nature keeps and no analyst ever sees.

# %%
science = sim.data[["days_since_active", "email", "spend", "y0", "y1", "true_effect"]]
science.head(6).round(2)

# %% [markdown]
# The observed `spend` is always one of the two potential outcomes: $Y(1)$ for
# emailed customers and $Y(0)$ for the others. We check that for all rows.

# %%
observed_ok = np.where(sim.data["email"] == 1, sim.data["y1"], sim.data["y0"])
assert np.array_equal(sim.data["spend"].to_numpy(), observed_ok)

# %% [markdown]
# Now the same rows as the analyst sees them: the potential outcome of the arm a
# customer did *not* receive is missing (`?`), and so is every individual effect.

# %%
analyst = science.head(6).copy()
analyst["y1"] = analyst["y1"].where(analyst["email"] == 1)
analyst["y0"] = analyst["y0"].where(analyst["email"] == 0)
analyst["true_effect"] = np.nan
hidden = ["spend", "y0", "y1", "true_effect"]
analyst[hidden] = analyst[hidden].map(lambda v: "?" if pd.isna(v) else f"{v:.2f}")
analyst

# %% [markdown]
# This is the **fundamental problem of causal inference** (Holland 1986): for
# each unit at most one potential outcome is observed, so individual effects are
# never observed. Causal inference is a missing-data problem; everything that
# follows is about filling in averages of the `?` column credibly.

# %% [markdown]
# ## 3. Estimands: what exactly do we want to know?
#
# An **estimand** is the quantity we target, stated before choosing a method.
#
# * ATE, average treatment effect: $E[Y(1) - Y(0)]$ over everyone.
# * ATT, effect on the treated: $E[Y(1) - Y(0) \mid T = 1]$, the emailed customers.
# * ATC, effect on the controls: $E[Y(1) - Y(0) \mid T = 0]$, the others.
# * CATE, conditional average treatment effect: $\tau(x) = E[Y(1) - Y(0) \mid X = x]$,
#   the average effect among customers with covariates $x$.
#
# With the truth columns each is just an average of `true_effect`. The package
# stores the first three; we recompute them to see there is nothing hidden.

# %%
effect = sim.data["true_effect"]
estimands = pd.Series(
    {"ATE": effect.mean(), "ATT": effect[emailed].mean(), "ATC": effect[~emailed].mean()}
)
assert np.allclose(estimands.to_numpy(), [sim.ate, sim.att, sim.atc], atol=1e-12)
estimands.round(2).to_frame("true effect ($)")

# %% [markdown]
# The three differ: in this world the email helps lapsed customers more, and the
# emailed customers are mostly recent ones, so ATT < ATE < ATC. The ATE is the
# share-weighted average of ATT and ATC.

# %%
share_emailed = emailed.mean()
assert sim.att < sim.ate < sim.atc
assert abs(sim.ate - (share_emailed * sim.att + (1 - share_emailed) * sim.atc)) < 1e-9
print(f"share emailed: {share_emailed:.2f}")

# %% [markdown]
# A CATE by recency band: group customers by days since they were last active and
# average the true effect in each band.

# %%
bands = pd.cut(
    sim.data["days_since_active"],
    bins=[-1, 7, 30, 90, 180],
    labels=["0-7 days", "8-30 days", "31-90 days", "91-180 days"],
)
cate = sim.data.groupby(bands, observed=True)["true_effect"].agg(["mean", "size"])
assert cate["mean"].is_monotonic_increasing
cate.round(2)

# %% [markdown]
# The effect grows with time since last activity: the reminder matters most to
# customers who have drifted away. One more estimand is named here for later: the
# **LATE** (local average treatment effect), the effect among *compliers* when
# treatment is encouraged rather than imposed (lectures 03 and 11).
#
# ### SUTVA
#
# Writing $Y_i(1)$ and $Y_i(0)$ as two fixed numbers per customer quietly assumes
# the **stable unit treatment value assumption**:
#
# * **No interference.** Customer $i$'s spending depends only on whether *$i$* was
#   emailed. It fails if, say, emailed customers forward a discount code to
#   friends, or two members of a family plan share one budget.
# * **No hidden versions of treatment.** "The email" is one well-defined thing. If
#   marketing sent two subject lines or two discount sizes, $Y_i(1)$ is not a single
#   number until we say which version (or which mix of versions) we mean.

# %% [markdown]
# ## 4. Selection bias
#
# The naive estimate compares average observed spend of emailed and non-emailed
# customers. Adding and subtracting $E[Y(0) \mid T = 1]$ splits it exactly:
#
# $$
# \underbrace{E[Y \mid T=1] - E[Y \mid T=0]}_{\text{naive difference}}
# = \underbrace{E[Y(1) - Y(0) \mid T=1]}_{\text{ATT}}
# + \underbrace{E[Y(0) \mid T=1] - E[Y(0) \mid T=0]}_{\text{selection bias}}.
# $$
#
# Selection bias compares what the two groups *would have spent without the
# email*. The graph below shows why it is not zero here: recency drives both who
# is emailed and how much they spend.

# %%
dag = draw_dag(
    [("recency", "email"), ("recency", "spend"), ("email", "spend")],
    treatment="email",
    outcome="spend",
)
dag

# %% [markdown]
# > **Pause and predict.** Emails went mostly to recently active customers.
# > Is the selection bias positive or negative? Is the naive difference above or
# > below the true ATE, and roughly by how much?
#
# The next cell computes each term of the decomposition from the truth columns.


# %%
def decompose(sim):
    """Naive difference, ATT and selection bias (using the hidden y0), plus the ATE."""
    d, treated = sim.data, sim.data["email"] == 1
    naive = d.loc[treated, "spend"].mean() - d.loc[~treated, "spend"].mean()
    bias = d.loc[treated, "y0"].mean() - d.loc[~treated, "y0"].mean()
    return pd.Series({"naive": naive, "ATT": sim.att, "selection bias": bias, "ATE": sim.ate})


obs_terms = decompose(sim)
obs_terms.round(2).to_frame("observational ($)")

# %% [markdown]
# The identity holds to rounding error; selection bias is positive, and the naive
# estimate overstates both the ATT and the ATE.

# %%
assert abs(obs_terms["naive"] - (obs_terms["ATT"] + obs_terms["selection bias"])) < 1e-9
assert obs_terms["selection bias"] > 0
assert obs_terms["naive"] > obs_terms["ATE"] and obs_terms["naive"] > obs_terms["ATT"]

# %% [markdown]
# Why: the emailed customers had been active more recently, and recently active
# customers spend more with or without the email. Their $Y(0)$ is higher, so part
# of the gap in spend would have existed had nobody been emailed.

# %%
by_arm = sim.data.groupby("email")[["days_since_active", "y0"]].mean()
assert by_arm.loc[1, "days_since_active"] < by_arm.loc[0, "days_since_active"]
assert by_arm.loc[1, "y0"] > by_arm.loc[0, "y0"]
by_arm.round(2)

# %% [markdown]
# ## 5. Randomization removes the bias
#
# Now take the *same* customers (same seed, so identical covariates and potential
# outcomes) and email them by a fair coin flip instead. The coin cannot look at
# recency, so on average both arms have the same $Y(0)$.

# %%
rnd = simulate_retention_email(n=5000, seed=1, randomized=True)
assert rnd.data[["y0", "y1"]].equals(sim.data[["y0", "y1"]])
terms = pd.DataFrame({"observational ($)": obs_terms, "randomized ($)": decompose(rnd)})
terms.round(2)

# %% [markdown]
# In the randomized world the selection bias is below one dollar and a small
# fraction of the observational one. It is not exactly zero: in any single sample
# the coin leaves some chance imbalance, and the standard error is what measures
# that (section 7).

# %%
rnd_bias = terms.loc["selection bias", "randomized ($)"]
assert abs(rnd_bias) < 1
assert abs(rnd_bias) < 0.1 * obs_terms["selection bias"]

# %% [markdown]
# An analyst without the truth columns estimates the effect with the difference in
# means and its Neyman 95% interval (defined in section 7). Does the interval
# cover the true ATE?

# %%
est_rnd = difference_in_means(rnd.observed, "spend", "email")
print(est_rnd)
print(f"true ATE: {rnd.ate:.2f}")
assert est_rnd.covers(rnd.ate)
assert abs(rnd_bias) < 2 * est_rnd.std_error

# %% [markdown]
# It does, and the leftover imbalance from the previous cell is smaller than two
# standard errors, the size of chance fluctuation the interval allows for.

# %% [markdown]
# ## 6. Repeated sampling: bias is a property of the procedure
#
# One sample can be lucky or unlucky. To see the estimator's behaviour, repeat the
# whole study 300 times (seeds 1000 to 1299, 2000 customers each), once with
# selection by recency and once with a coin flip on the same customers. The
# per-sample ATE varies a little, so we keep it too.

# %%
rows = []
for seed in range(1000, 1300):
    obs_s = simulate_retention_email(n=2000, seed=seed)
    rnd_s = simulate_retention_email(n=2000, seed=seed, randomized=True)
    naive_s = difference_in_means(obs_s.observed, "spend", "email").estimate
    est_s = difference_in_means(rnd_s.observed, "spend", "email")
    row = {"ate": rnd_s.ate, "naive_selected": naive_s, "naive_randomized": est_s.estimate}
    rows.append({**row, "covers": est_s.covers(rnd_s.ate)})
reps = pd.DataFrame(rows)
reps.describe().loc[["mean", "std", "min", "max"]].round(2)

# %% [markdown]
# > **Pause and predict.** Sketch the two histograms before running the next cell.
# > Where is each centred relative to the true ATE? Which one is wider?

# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
plot_sampling_distributions(
    {
        "naive, emailed by recency": reps["naive_selected"],
        "naive, emailed by coin flip": reps["naive_randomized"],
    },
    truth=reps["ate"].mean(),
    ax=ax,
    xlabel="estimated effect of the email on 30-day spend ($)",
    title="300 repeated studies",
)
plt.show()

# %% [markdown]
# The coin-flip histogram is centred on the dashed line (the mean of the
# per-sample ATEs), while the recency-selected one lies to the right of it in every
# single sample. The two are about equally wide: selection moves the estimator, it
# does not make it noisier, so repeating the study never removes the bias.
#
# We check this with Monte Carlo standard errors (spread of the 300 estimates
# divided by $\sqrt{300}$): the randomized estimator's average is within three of
# them of the mean ATE; the selected one is off by more than five dollars.

# %%
n_reps = len(reps)
mean_ate = reps["ate"].mean()
bias_selected = reps["naive_selected"].mean() - mean_ate
bias_randomized = reps["naive_randomized"].mean() - mean_ate
mc_se = reps["naive_randomized"].std(ddof=1) / np.sqrt(n_reps)
print(f"average bias, selected:   {bias_selected:.2f}")
print(f"average bias, randomized: {bias_randomized:.3f} (Monte Carlo SE {mc_se:.3f})")
assert bias_selected > 5
assert abs(bias_randomized) < 3 * mc_se
assert (reps["naive_selected"] > reps["ate"]).all()
spread_ratio = reps["naive_selected"].std() / reps["naive_randomized"].std()
assert 0.8 < spread_ratio < 1.25

# %% [markdown]
# ## 7. Difference in means with a Neyman standard error
#
# Under complete randomization with $n_1$ treated and $n_0$ control units, the
# difference in means and Neyman's (1923) standard error are
#
# $$
# \hat\tau = \bar Y_1 - \bar Y_0, \qquad
# \widehat{\mathrm{SE}} = \sqrt{\frac{s_1^2}{n_1} + \frac{s_0^2}{n_0}}, \qquad
# \text{95\% interval: } \hat\tau \pm 1.96\,\widehat{\mathrm{SE}},
# $$
#
# where $\bar Y_t$ and $s_t^2$ are the sample mean and variance (divisor $n_t - 1$)
# of the outcome in arm $t$. For the sample ATE this standard error is slightly
# conservative, because the variance of the individual effects cannot be
# estimated (Imbens & Rubin 2015, ch. 6). By hand, on the randomized data:

# %%
spend = rnd.data["spend"].to_numpy()
email = rnd.data["email"].to_numpy()
spend_t, spend_c = spend[email == 1], spend[email == 0]
tau_hat = spend_t.mean() - spend_c.mean()
se_hat = np.sqrt(spend_t.var(ddof=1) / spend_t.size + spend_c.var(ddof=1) / spend_c.size)
print(f"by hand: estimate {tau_hat:.2f}, SE {se_hat:.3f}")

# %% [markdown]
# The course package computes exactly the same numbers, from arrays (`neyman`)
# or from a DataFrame (`difference_in_means`).

# %%
est_arrays = neyman(spend, email)
for est in (est_arrays, est_rnd):
    assert abs(est.estimate - tau_hat) < 1e-12
    assert abs(est.std_error - se_hat) < 1e-12
print(est_arrays)

# %% [markdown]
# A regression of spend on the email indicator gives the same point estimate, and
# with HC2 heteroskedasticity-robust errors the same standard error: for a single
# binary regressor HC2 and Neyman are algebraically identical (Samii & Aronow 2012).

# %%
ols = smf.ols("spend ~ email", data=rnd.observed).fit(cov_type="HC2")
print(f"OLS + HC2: estimate {ols.params['email']:.2f}, SE {ols.bse['email']:.3f}")
assert abs(ols.params["email"] - tau_hat) < 1e-8
assert abs(ols.bse["email"] - se_hat) < 1e-8

# %% [markdown]
# Does the 95% interval cover the truth 95% of the time? We stored, for each of the
# 300 randomized studies in section 6, whether its interval covered that sample's
# ATE.

# %%
coverage = reps["covers"].mean()
coverage_mc_se = np.sqrt(0.95 * 0.05 / n_reps)
print(f"Neyman 95% intervals covering the sample ATE: {coverage:.1%} of {n_reps} studies")
print(f"Monte Carlo SE of a coverage estimate near 95%: {coverage_mc_se:.1%}")
assert 0.90 <= coverage <= 0.99
assert abs(coverage - 0.95) < 2 * coverage_mc_se

# %% [markdown]
# Coverage is close to the nominal 95%: the gap is less than two Monte Carlo
# standard errors, the noise expected from running only 300 studies.
#
# Finally, the two analyses of section 5 side by side. The naive observational
# estimate gets the same kind of interval, computed the same way.

# %%
est_obs = difference_in_means(sim.observed, "spend", "email")
print(est_obs)
assert sim.ate == rnd.ate  # same customers, so the same true ATE
assert not est_obs.covers(sim.ate)
assert est_obs.std_error < 1.2 * est_rnd.std_error
fig, ax = plt.subplots(figsize=(7, 2.4))
plot_estimates(
    {"naive, emailed by recency": est_obs, "difference in means, coin flip": est_rnd},
    truth=sim.ate,
    ax=ax,
    xlabel="effect of the email on 30-day spend ($)",
)
plt.show()

# %% [markdown]
# The observational interval is about as narrow as the randomized one but sits far
# from the dashed truth: a precise answer to the wrong question. A standard error
# measures sampling noise, never selection bias.

# %% [markdown]
# ## Key takeaways
#
# * A causal question asks what happens when we intervene; a predictive model's
#   coefficients and feature importances do not answer it.
# * Each unit has two potential outcomes and we see at most one of them, so
#   individual effects are never observed (the fundamental problem).
# * Name the estimand first: ATE, ATT, ATC and CATE can differ, as they do here.
# * Naive difference = ATT + selection bias; selection bias compares the groups'
#   untreated outcomes and is not visible in the data.
# * Randomization makes selection bias zero on average; the difference in means
#   with a Neyman standard error then gives an interval with close to nominal
#   coverage.
#
# ## Common mistakes
#
# * Reading the coefficient or SHAP value of `email` in a predictive model as the
#   effect of sending the email.
# * Comparing treated and untreated units without asking how treatment was
#   assigned.
# * Trusting a narrow confidence interval as evidence of no bias.
# * Reporting "the effect" without saying for whom (ATE vs ATT vs a subgroup).
# * Forgetting SUTVA: spillovers between units or several versions of "the"
#   treatment make $Y(1)$ ill-defined.
#
# ## References
#
# * Rubin, D. B. (1974). Estimating causal effects of treatments in randomized and
#   nonrandomized studies. *Journal of Educational Psychology*, 66(5), 688-701.
#   doi:10.1037/h0037350
# * Holland, P. W. (1986). Statistics and causal inference. *Journal of the
#   American Statistical Association*, 81(396), 945-960.
#   doi:10.1080/01621459.1986.10478354
# * Imbens, G. W., & Rubin, D. B. (2015). *Causal Inference for Statistics, Social,
#   and Biomedical Sciences: An Introduction*. Cambridge University Press.
#   doi:10.1017/CBO9781139025751
# * Splawa-Neyman, J. (1923/1990). On the application of probability theory to
#   agricultural experiments. Essay on principles. Section 9. Translated by
#   D. M. Dabrowska and T. P. Speed. *Statistical Science*, 5(4), 465-472.
#   doi:10.1214/ss/1177012031
# * Samii, C., & Aronow, P. M. (2012). On equivalencies between design-based and
#   regression-based variance estimators for randomized experiments. *Statistics &
#   Probability Letters*, 82(2), 365-370. doi:10.1016/j.spl.2011.10.024
# * Hernán, M. A., & Robins, J. M. (2020). *Causal Inference: What If*. Boca Raton:
#   Chapman & Hall/CRC.
