"""Simulated worlds with known truth.

Every simulator takes a ``seed`` (an int, or a ``numpy.random.Generator``) and
returns a :class:`Simulation`: one DataFrame holding the observed columns
*and* the truth columns a real analyst never sees (both potential outcomes,
the unit-level effect, the true propensity), plus the true estimands computed
from those columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Simulation", "TRUTH_COLUMNS", "simulate_retention_email"]

#: Names of the truth columns every simulation stores.
TRUTH_COLUMNS = ("y0", "y1", "true_effect", "propensity")


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        raise ValueError("pass an explicit seed (an int or a numpy Generator) so results repeat")
    return np.random.default_rng(seed)


@dataclass(frozen=True)
class Simulation:
    """A simulated data set together with its hidden truth.

    Attributes
    ----------
    data : pandas.DataFrame
        Observed columns followed by the truth columns ``y0``, ``y1``,
        ``true_effect`` (``y1 - y0``) and ``propensity`` (P(treated | covariates)).
    treatment, outcome : str
        Names of the binary treatment and the observed outcome columns.
    covariates : tuple of str
        Pre-treatment covariates an analyst would observe.
    estimands : dict
        Sample estimands computed from the truth columns: ``ate`` (mean of
        ``true_effect``), ``att`` (its mean among the treated) and ``atc`` (among
        the controls).
    description : str
        One line saying what world this is.
    """

    data: pd.DataFrame
    treatment: str
    outcome: str
    covariates: tuple[str, ...]
    estimands: Mapping[str, float] = field(default_factory=dict)
    description: str = ""

    @property
    def observed(self) -> pd.DataFrame:
        """The columns an analyst would see: covariates, treatment, outcome."""
        return self.data[[*self.covariates, self.treatment, self.outcome]].copy()

    @property
    def truth(self) -> pd.DataFrame:
        """The hidden columns: potential outcomes, unit effect, propensity."""
        return self.data[list(TRUTH_COLUMNS)].copy()

    @property
    def ate(self) -> float:
        """Sample average treatment effect, mean of ``true_effect``."""
        return self.estimands["ate"]

    @property
    def att(self) -> float:
        """Sample average effect on the treated."""
        return self.estimands["att"]

    @property
    def atc(self) -> float:
        """Sample average effect on the controls."""
        return self.estimands["atc"]


def _finish(
    covariates: pd.DataFrame,
    treatment_name: str,
    outcome_name: str,
    t: np.ndarray,
    y0: np.ndarray,
    y1: np.ndarray,
    propensity: np.ndarray,
    description: str,
) -> Simulation:
    """Assemble a Simulation, revealing only the potential outcome of the received arm."""
    data = covariates.copy()
    data[treatment_name] = t.astype(int)
    data[outcome_name] = np.where(t == 1, y1, y0)
    data["y0"] = y0
    data["y1"] = y1
    data["true_effect"] = y1 - y0
    data["propensity"] = propensity
    effect = data["true_effect"].to_numpy()
    estimands = {
        "ate": float(effect.mean()),
        "att": float(effect[t == 1].mean()) if t.any() else float("nan"),
        "atc": float(effect[t == 0].mean()) if (t == 0).any() else float("nan"),
    }
    return Simulation(
        data=data,
        treatment=treatment_name,
        outcome=outcome_name,
        covariates=tuple(covariates.columns),
        estimands=estimands,
        description=description,
    )


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
    rng = _rng(seed)

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
    return _finish(
        covariates, "email", "spend", t, y0, y1, propensity,
        description=f"retention email, {world}",
    )
