"""Lecture 09's world: a partially linear model with confounding through X.

Account managers of a software company invite client teams to a live
onboarding workshop. They invite the teams that already use the product a
lot, so invited teams would have logged more hours anyway: the naive
comparison is confounded, and the confounding is non-linear. The outcome
follows a partially linear model

    Y = tau(X) * T + g(X) + noise,      T ~ Bernoulli(e(X)),

with a known baseline ``g``, propensity ``e`` and effect ``tau``: either a
constant ``theta`` or a function of tenure (new customers gain most).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from causalcourse.simulate._base import Simulation, assemble, make_rng

__all__ = ["simulate_plm", "plm_cate"]


def plm_cate(tenure_years) -> np.ndarray:
    """The true CATE of the workshop in the heterogeneous world.

    Parameters
    ----------
    tenure_years : float or array-like
        Years the client has been a customer (non-negative).

    Returns
    -------
    numpy.ndarray
        Extra weekly hours of use caused by the workshop:
        ``1 + 4 * exp(-tenure / 2)``, so 5 hours for a brand-new client,
        falling towards 1 hour for long-standing ones.

    Raises
    ------
    ValueError
        If a tenure is negative or NaN.

    Examples
    --------
    >>> plm_cate([0.0, 2.0]).round(3).tolist()
    [5.0, 2.472]
    """
    tenure = np.asarray(tenure_years, dtype=float)
    if np.isnan(tenure).any() or (tenure < 0).any():
        raise ValueError("tenure_years must be non-negative numbers without NaN")
    return 1.0 + 4.0 * np.exp(-tenure / 2.0)


def simulate_plm(
    n: int = 2000,
    *,
    heterogeneous: bool = False,
    theta: float = 3.0,
    n_noise: int = 0,
    seed: int | np.random.Generator | None = None,
) -> Simulation:
    """Client teams of a software product, some invited to an onboarding workshop.

    The outcome ``hours`` is the team's weekly hours of product use a month
    later. Four observed covariates describe each team:

    * ``engagement``: a standardized score of past activity. It drives both
      the invitation (managers invite engaged teams) and the outcome, and
      the outcome grows faster than linearly in it.
    * ``team_size``: number of seats; larger teams log more hours and are
      invited a little more often.
    * ``tenure_years``: years as a customer; slightly prognostic, and in the
      heterogeneous world the only effect modifier (:func:`plm_cate`).
    * ``months_on_plan``: months on the current price plan; strongly
      correlated with tenure but with no role at all in the outcome, the
      effect or the invitation (a proxy, for interpretation exercises).

    Parameters
    ----------
    n : int, default 2000
        Number of teams.
    heterogeneous : bool, default False
        If False every team's effect is ``theta``; if True the effect is
        ``plm_cate(tenure_years)``.
    theta : float, default 3.0
        The constant effect (extra weekly hours) when ``heterogeneous=False``;
        ignored otherwise.
    n_noise : int, default 0
        Extra covariates ``noise_1 ... noise_k`` (standard normal), related
        to nothing.
    seed : int or numpy.random.Generator
        Source of randomness; required.

    Returns
    -------
    Simulation
        Observed columns ``engagement``, ``team_size``, ``tenure_years``,
        ``months_on_plan`` (and noise columns), treatment ``workshop``,
        outcome ``hours``; the truth columns, plus ``true_cate`` (tau(x))
        and ``true_baseline`` (g(x) = E[Y(0) | X = x]).

    Raises
    ------
    ValueError
        If ``n`` < 2, ``n_noise`` < 0, ``theta`` is not finite, or no seed is given.

    Examples
    --------
    >>> sim = simulate_plm(500, seed=0)
    >>> sim.observed.columns.tolist()
    ['engagement', 'team_size', 'tenure_years', 'months_on_plan', 'workshop', 'hours']
    >>> bool(np.allclose(sim.data["true_effect"], 3.0))
    True
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if not isinstance(n_noise, (int, np.integer)) or isinstance(n_noise, bool) or n_noise < 0:
        raise ValueError(f"n_noise must be a non-negative integer, got {n_noise!r}")
    if not np.isfinite(theta):
        raise ValueError(f"theta must be a finite number, got {theta!r}")
    rng = make_rng(seed)

    engagement = rng.normal(0.0, 1.0, n).round(2)
    team_size = np.clip(np.exp(rng.normal(1.6, 0.8, n)), 1, 200).round(0)
    tenure = np.clip(rng.gamma(2.0, 1.5, n), 0.1, 12.0).round(1)
    months_on_plan = (12 * tenure * rng.beta(4.0, 1.5, n)).round(0)
    cols = {
        "engagement": engagement,
        "team_size": team_size,
        "tenure_years": tenure,
        "months_on_plan": months_on_plan,
    }
    for k in range(1, n_noise + 1):
        cols[f"noise_{k}"] = rng.normal(size=n).round(3)
    covariates = pd.DataFrame(cols)

    log_team = np.log(team_size)
    baseline = 16 + 5 * engagement + 2 * engagement**2 + 4 * log_team + 0.8 * tenure
    logit = np.clip(-0.5 + 1.6 * engagement + 0.5 * (log_team - 1.6), -3.0, 3.0)
    propensity = 1 / (1 + np.exp(-logit))
    cate = plm_cate(tenure) if heterogeneous else np.full(n, float(theta))

    y0 = baseline + rng.normal(0.0, 3.0, n)
    y1 = y0 + cate
    t = rng.binomial(1, propensity)
    kind = "effect falls with tenure" if heterogeneous else f"constant effect {theta:g}"
    sim = assemble(
        covariates, "workshop", "hours", t, y0, y1, propensity,
        description=f"onboarding workshop, invitations by engagement, {kind}",
    )
    sim.data["true_cate"] = cate
    sim.data["true_baseline"] = baseline
    return sim
