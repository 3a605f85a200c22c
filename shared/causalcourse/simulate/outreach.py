"""Lectures 05-06's world: a randomized retention-outreach campaign.

Designed so that the average effect hides who benefits:

* the ATE is clearly positive;
* a minority of customers (about 15%) are harmed: very satisfied customers
  find the call intrusive;
* ``past_spend`` is mainly *prognostic* (it drives the untreated outcome and
  barely changes the effect), while ``satisfaction`` is mainly an *effect
  modifier* (it changes the effect and barely the untreated outcome).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from causalcourse.simulate._base import Simulation, assemble, make_rng

__all__ = ["simulate_outreach", "outreach_cate"]


def outreach_cate(satisfaction, tenure_months=None) -> np.ndarray:
    """The true conditional average effect tau(x) of the outreach call.

    Parameters
    ----------
    satisfaction : array-like
        Satisfaction survey score (0-10).
    tenure_months : array-like, optional
        Months as a customer; adds a small modification (longer-tenured
        customers gain slightly less). Omitted means average tenure.

    Returns
    -------
    numpy.ndarray
        Expected revenue gain (dollars over 90 days) from the call.
    """
    s = np.asarray(satisfaction, dtype=float)
    tenure = 24.0 if tenure_months is None else np.asarray(tenure_months, dtype=float)
    return 3.0 + 2.0 * (6.5 - s) - 0.03 * (tenure - 24.0)


def simulate_outreach(
    n: int = 4000,
    *,
    heterogeneous: bool = True,
    n_noise: int = 0,
    seed: int | np.random.Generator | None = None,
) -> Simulation:
    """Customers randomly assigned (probability 1/2) to a retention call.

    Outcome ``revenue`` is revenue over the next 90 days (dollars).

    Parameters
    ----------
    n : int, default 4000
        Number of customers.
    heterogeneous : bool, default True
        If False every customer has the same true effect (the ATE of the
        heterogeneous world, about 4 dollars) plus no individual variation:
        the world for showing what subgroup fishing finds when there is
        nothing to find.
    n_noise : int, default 0
        Extra covariates ``noise_1 ... noise_k`` (standard normal) unrelated
        to outcome and effect.
    seed : int or numpy.random.Generator
        Source of randomness; required.

    Returns
    -------
    Simulation
        Observed columns ``past_spend``, ``tenure_months``, ``satisfaction``,
        ``num_products``, ``age`` (and any noise columns), treatment
        ``outreach``, outcome ``revenue``; plus the truth columns. The true
        CATE (without individual noise) is in ``data["true_cate"]``.

    Examples
    --------
    >>> sim = simulate_outreach(20_000, seed=0)
    >>> bool(sim.ate > 2 and 0.10 < (sim.data["true_effect"] < 0).mean() < 0.25)
    True
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if not isinstance(n_noise, (int, np.integer)) or n_noise < 0:
        raise ValueError(f"n_noise must be a non-negative integer, got {n_noise!r}")
    rng = make_rng(seed)

    past_spend = rng.lognormal(mean=4.4, sigma=0.6, size=n).round(2)
    tenure = np.clip(rng.gamma(2.0, 12.0, size=n), 1, 120).round(0)
    satisfaction = np.clip(rng.normal(6.0, 1.8, size=n), 0, 10).round(1)
    num_products = rng.integers(1, 6, size=n)
    age = np.clip(rng.normal(42, 12, size=n), 18, 85).round(0)
    cols = {
        "past_spend": past_spend,
        "tenure_months": tenure,
        "satisfaction": satisfaction,
        "num_products": num_products,
        "age": age,
    }
    for k in range(1, n_noise + 1):
        cols[f"noise_{k}"] = rng.normal(size=n).round(3)
    covariates = pd.DataFrame(cols)

    z_spend = (np.log(past_spend) - 4.4) / 0.6
    y0 = (
        60
        + 18 * z_spend
        + 0.15 * (tenure - 24)
        + 0.8 * (satisfaction - 6)
        + 2.0 * (num_products - 3)
        + rng.normal(0, 10, n)
    )
    cate = outreach_cate(satisfaction, tenure)
    if heterogeneous:
        effect = cate + rng.normal(0, 1.0, n)
    else:
        cate = np.full(n, 4.0)
        effect = cate.copy()
    y0 = y0.round(2)
    y1 = (y0 + effect).round(2)
    propensity = np.full(n, 0.5)
    t = rng.binomial(1, propensity)
    sim = assemble(
        covariates, "outreach", "revenue", t, y0, y1, propensity,
        description="retention outreach call, randomized"
        + ("" if heterogeneous else ", constant effect"),
    )
    sim.data["true_cate"] = cate
    return sim
