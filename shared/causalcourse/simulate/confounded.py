"""Lecture 08's world: a growth workshop with observed and hidden confounding.

An online marketplace offers its merchants a growth workshop. Whether a
merchant attends depends on things the platform records (years on the
platform, last year's growth, catalogue size) and, optionally, on something
it does not record: the owner's *ambition*. The same things drive next year's
growth, so the naive comparison of attendees and non-attendees is biased.

* With ``u_strength=0`` (default) ambition plays no role: adjusting for the
  three recorded covariates identifies the effect, and a linear regression or a
  logistic propensity model is correctly specified.
* With ``u_strength > 0`` ambition raises both the chance of attending and
  growth. It is stored in ``data["ambition"]`` (a hidden column, never part of
  ``observed``), so an analysis of the recorded columns is confounded and a
  lecture can show how large the resulting bias is.

The covariates, ambition, the noise and the unit effects are drawn in the same
order whatever ``u_strength`` is, so two calls with the same seed describe the
same merchants; only the role of ambition (and hence attendance) changes.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from causalcourse.simulate._base import Simulation, assemble, make_rng

__all__ = ["simulate_confounded"]

#: Coefficients of ambition (per standard deviation) at ``u_strength=1``.
_AMBITION_ON_GROWTH = 0.18
_AMBITION_ON_LOGIT = 1.2


def simulate_confounded(
    n: int = 3000,
    *,
    ate: float = 0.02,
    u_strength: float = 0.0,
    seed: int | np.random.Generator | None = None,
) -> Simulation:
    """Merchants who do or do not attend a growth workshop.

    Outcome ``growth`` is the merchant's sales growth over the next twelve
    months as a fraction (0.10 means sales grew by 10%). The workshop raises
    growth by ``ate`` on average (unit effects vary around it, independently of
    everything else). Attendance is more likely for merchants who grew fast
    last year, are newer on the platform, or list more products; the same
    merchants grow faster anyway, so the naive comparison overstates the
    effect.

    Parameters
    ----------
    n : int, default 3000
        Number of merchants.
    ate : float, default 0.02
        Average effect of the workshop on growth (before unit-level variation;
        the realized sample ATE is ``sim.ate``).
    u_strength : float, default 0.0
        How strongly the unrecorded ``ambition`` drives both attendance and
        growth. 0 means not at all (the recorded covariates suffice); 1 makes
        it a strong hidden confounder.
    seed : int or numpy.random.Generator
        Source of randomness; required so every result repeats.

    Returns
    -------
    Simulation
        Observed columns ``tenure_years``, ``prior_growth``, ``products``,
        ``workshop`` (treatment), ``growth`` (outcome); the truth columns
        ``y0``, ``y1``, ``true_effect``, ``propensity`` (which includes
        ambition's role); and the hidden confounder ``ambition``
        (standard normal), in ``data`` but never in ``observed``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer of at least 2, ``ate`` is not a finite
        number, ``u_strength`` is negative or not finite, or no seed is given.

    Examples
    --------
    >>> sim = simulate_confounded(2000, seed=1)
    >>> sim.observed.columns.tolist()
    ['tenure_years', 'prior_growth', 'products', 'workshop', 'growth']
    >>> "ambition" in sim.data and "ambition" not in sim.observed
    True
    >>> hidden = simulate_confounded(2000, u_strength=1.0, seed=1)
    >>> bool((hidden.data["tenure_years"] == sim.data["tenure_years"]).all())
    True
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    for name, value in (("ate", ate), ("u_strength", u_strength)):
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(
            float(value)
        ):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if u_strength < 0:
        raise ValueError(f"u_strength must be >= 0, got {u_strength!r}")
    rng = make_rng(seed)

    tenure = np.clip(rng.gamma(shape=2.0, scale=1.5, size=n), 0.2, 15.0).round(1)
    prior_growth = rng.normal(0.05, 0.15, size=n).round(3)
    products = 1 + rng.poisson(20, size=n)
    ambition = rng.normal(size=n)
    noise = rng.normal(0.0, 0.10, size=n)
    effect = ate + rng.normal(0.0, 0.02, size=n)
    covariates = pd.DataFrame(
        {"tenure_years": tenure, "prior_growth": prior_growth, "products": products}
    )

    # Growth without the workshop: momentum from last year, newer stores and
    # bigger catalogues grow faster; ambition (if it plays a role) too.
    y0 = (
        0.06
        + 0.5 * (prior_growth - 0.05)
        - 0.01 * (tenure - 3.0)
        + 0.002 * (products - 21)
        + _AMBITION_ON_GROWTH * u_strength * ambition
        + noise
    )
    y0 = y0.round(4)
    y1 = (y0 + effect).round(4)

    logit = (
        -0.4
        + 2.5 * (prior_growth - 0.05)
        - 0.2 * (tenure - 3.0)
        + 0.03 * (products - 21)
        + _AMBITION_ON_LOGIT * u_strength * ambition
    )
    propensity = 1.0 / (1.0 + np.exp(-logit))
    t = rng.binomial(1, propensity)

    hidden = "no hidden confounder" if u_strength == 0 else (
        f"hidden confounder 'ambition' at strength {u_strength:g}"
    )
    sim = assemble(
        covariates, "workshop", "growth", t, y0, y1, propensity,
        description=f"growth workshop for merchants, {hidden}",
    )
    sim.data["ambition"] = ambition
    return sim
