"""Lecture 01's world: a retention email, targeted or randomized."""

from __future__ import annotations

import numpy as np
import pandas as pd

from causalcourse.simulate._base import Simulation, assemble, make_rng

__all__ = ["simulate_retention_email"]


def simulate_retention_email(
    n: int = 2000,
    *,
    randomized: bool = False,
    seed: int | np.random.Generator | None = None,
) -> Simulation:
    """Customers of a subscription app, some of whom get a retention email.

    Outcome ``spend`` is the customer's spending (in dollars) over the next
    30 days. Recently active customers spend more whether or not they are
    emailed. The email raises spending for everyone, and more for customers
    who have drifted away (the reminder matters more to them).

    In the observational world (``randomized=False``) the marketing team sends
    the email mostly to *recently active* customers, so emailed customers
    would have spent more even without the email: the naive comparison is
    biased upwards. With ``randomized=True`` the same population is emailed by
    a fair coin flip (propensity 0.5 for everyone).

    Parameters
    ----------
    n : int, default 2000
        Number of customers.
    randomized : bool, default False
        Assign the email by a coin flip instead of by recency.
    seed : int or numpy.random.Generator
        Source of randomness; required so every result repeats.

    Returns
    -------
    Simulation
        Observed columns ``days_since_active``, ``tenure_months``, ``premium``,
        ``email`` (treatment), ``spend`` (outcome), and the truth columns.

    Raises
    ------
    ValueError
        If ``n`` is smaller than 2 or no seed is given.

    Examples
    --------
    >>> sim = simulate_retention_email(1000, seed=1)
    >>> sim.observed.columns.tolist()
    ['days_since_active', 'tenure_months', 'premium', 'email', 'spend']
    >>> bool(sim.att < sim.ate)  # emailed customers are the ones helped least
    True
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    rng = make_rng(seed)

    days = np.minimum(rng.gamma(shape=1.5, scale=20.0, size=n), 180.0).round(0)
    tenure = (1 + rng.gamma(shape=2.0, scale=12.0, size=n)).round(0)
    premium = rng.binomial(1, 0.3, size=n)
    covariates = pd.DataFrame(
        {"days_since_active": days, "tenure_months": tenure, "premium": premium}
    )

    # Spending without the email: high for recently active customers.
    y0 = 15 + 45 * np.exp(-days / 25) + 12 * premium + 0.15 * tenure + rng.normal(0, 6, n)
    # The email helps lapsed customers most: +3 for someone active today,
    # up to about +11 for someone who has been away for months.
    effect = 3 + 8 * (1 - np.exp(-days / 30)) + rng.normal(0, 1.5, n)
    y0 = np.maximum(y0, 0.0).round(2)
    y1 = np.maximum(y0 + effect, 0.0).round(2)

    if randomized:
        propensity = np.full(n, 0.5)
    else:
        propensity = 1 / (1 + np.exp(-(1.8 - 0.07 * days)))
    t = rng.binomial(1, propensity)

    world = "randomized coin flip" if randomized else "sent mostly to recently active customers"
    return assemble(
        covariates, "email", "spend", t, y0, y1, propensity,
        description=f"retention email, {world}",
    )
