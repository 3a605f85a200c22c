"""Lecture 03's world: a randomized test of a loyalty programme.

An online shop randomly assigns customers to its new loyalty programme and
measures their spending over the next 30 days. Each customer's spending in
the 30 days *before* the test (``pre_spend``) is recorded, which makes the
world suited to regression adjustment and CUPED: pre-period spending
predicts spending during the test but cannot be affected by it.

Two designs share the same customers:

* full compliance (default): assigned customers are enrolled automatically,
  so enrolment *is* the random assignment;
* noncompliance (``noncompliance=True``): assigned customers are only
  *invited* and decide whether to join, while customers not invited can still
  join from their account page. Every customer has a fixed compliance type,
  stored with the truth: ``always-taker`` (joins either way), ``never-taker``
  (never joins) or ``complier`` (joins exactly when invited). There are no
  defiers, so the monotonicity assumption holds by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from causalcourse.simulate._base import TRUTH_COLUMNS, Simulation, assemble, make_rng

__all__ = ["ExperimentSimulation", "simulate_experiment", "MEAN_BASELINE_SPEND"]

#: Population mean of a customer's baseline monthly spend (dollars): the
#: mean of ``pre_spend`` and of ``y0``.
MEAN_BASELINE_SPEND = 25.0

#: Shares of always-takers and never-takers in the noncompliance design.
_SHARE_ALWAYS, _SHARE_NEVER = 0.10, 0.40
#: Truth columns added by the noncompliance design.
_COMPLIANCE_COLUMNS = ("compliance", "d0", "d1")


@dataclass(frozen=True)
class ExperimentSimulation(Simulation):
    """A :class:`~causalcourse.simulate.Simulation` with a random assignment.

    Attributes
    ----------
    assignment : str or None
        Name of the randomly assigned column (the *instrument*) when it differs
        from the treatment actually received (noncompliance design); ``None``
        when assignment and treatment coincide.

    Notes
    -----
    ``estimands`` holds, besides ``ate``, ``att`` and ``atc``, the sample
    ``itt`` (average effect of *assignment* on the outcome, the mean of
    ``true_effect`` times the complier indicator), ``late`` (average effect
    among compliers) and ``complier_share``. With full compliance every
    customer is a complier, so ``itt == late == ate``.
    """

    assignment: str | None = None

    @property
    def observed(self) -> pd.DataFrame:
        """Covariates, the assignment (if separate), the treatment and the outcome."""
        extra = [self.assignment] if self.assignment else []
        return self.data[[*self.covariates, *extra, self.treatment, self.outcome]].copy()

    @property
    def truth(self) -> pd.DataFrame:
        """Potential outcomes, unit effect, propensity and (if any) compliance type."""
        extra = [c for c in _COMPLIANCE_COLUMNS if c in self.data.columns]
        return self.data[[*TRUTH_COLUMNS, *extra]].copy()

    @property
    def itt(self) -> float:
        """Sample intention-to-treat effect of assignment on the outcome."""
        return self.estimands["itt"]

    @property
    def late(self) -> float:
        """Sample local average treatment effect (mean effect among compliers)."""
        return self.estimands["late"]

    @property
    def complier_share(self) -> float:
        """Share of compliers in the sample (1.0 with full compliance)."""
        return self.estimands["complier_share"]


def simulate_experiment(
    n: int = 2000,
    *,
    effect: float = 2.0,
    p_assign: float = 0.5,
    noncompliance: bool = False,
    seed: int | np.random.Generator | None = None,
) -> ExperimentSimulation:
    """Customers randomly assigned to a loyalty programme, with pre-period spend.

    Each customer has a baseline spending level ``b`` (lognormal, mean 25
    dollars a month). Spending in the 30 days before the test and, without the
    programme, during the test are ``b`` times independent lognormal noise
    with mean one, so both have mean ``b`` and are strongly correlated across
    customers. The programme adds ``effect * (b / 25) * (1 + 0.3 e)`` dollars
    (``e`` standard normal): heavier spenders gain more, and the population
    average effect is exactly ``effect``. Outcomes are not clipped.

    Parameters
    ----------
    n : int, default 2000
        Number of customers.
    effect : float, default 2.0
        Population average effect of enrolment on 30-day spend (dollars).
    p_assign : float, default 0.5
        Probability that a customer is assigned (invited) to the programme;
        assignment is an independent coin flip per customer.
    noncompliance : bool, default False
        If True, assignment is an invitation: about 10% of customers are
        always-takers, 40% never-takers and 50% compliers. More engaged
        (heavier-spending) customers are more likely to join on their own, so
        always-takers gain most from the programme and never-takers least.
    seed : int or numpy.random.Generator
        Source of randomness; required.

    Returns
    -------
    ExperimentSimulation
        Observed columns ``pre_spend``, ``tenure_months``, ``visits_pre``
        (covariates), ``assigned`` (only with noncompliance), ``enrolled``
        (treatment) and ``spend`` (outcome); truth columns ``y0``, ``y1``,
        ``true_effect`` and ``propensity`` (probability of enrolment given the
        compliance type), plus ``compliance``, ``d0``, ``d1`` (enrolment if not
        invited / if invited) with noncompliance.

    Raises
    ------
    ValueError
        If ``n`` < 4, ``p_assign`` is not strictly between 0 and 1, ``effect``
        is not finite, or no seed is given.

    Examples
    --------
    >>> sim = simulate_experiment(1000, seed=1)
    >>> sim.observed.columns.tolist()
    ['pre_spend', 'tenure_months', 'visits_pre', 'enrolled', 'spend']
    >>> nc = simulate_experiment(1000, noncompliance=True, seed=1)
    >>> nc.observed.columns.tolist()
    ['pre_spend', 'tenure_months', 'visits_pre', 'assigned', 'enrolled', 'spend']
    >>> sorted(nc.data["compliance"].unique())
    ['always-taker', 'complier', 'never-taker']
    >>> bool(abs(nc.itt - nc.complier_share * nc.late) < 1e-9)
    True
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 4:
        raise ValueError(f"n must be an integer >= 4, got {n!r}")
    if not 0 < p_assign < 1:
        raise ValueError(f"p_assign must be strictly between 0 and 1, got {p_assign}")
    if not np.isfinite(effect):
        raise ValueError(f"effect must be a finite number, got {effect}")
    rng = make_rng(seed)

    # Engagement drives baseline spend, tenure, visits and (below) compliance.
    engagement = rng.normal(size=n)
    sigma_b, sigma_e = 0.5, 0.3
    baseline = MEAN_BASELINE_SPEND * np.exp(sigma_b * engagement - sigma_b**2 / 2)
    pre_spend = baseline * np.exp(sigma_e * rng.normal(size=n) - sigma_e**2 / 2)
    y0 = baseline * np.exp(sigma_e * rng.normal(size=n) - sigma_e**2 / 2)
    unit_effect = effect * (baseline / MEAN_BASELINE_SPEND) * (1 + 0.3 * rng.normal(size=n))
    y1 = y0 + unit_effect
    tenure = np.round(1 + rng.gamma(2.0, 6.0 * np.exp(0.3 * engagement)), 0)
    visits = rng.poisson(4.0 * np.exp(0.4 * engagement))
    covariates = pd.DataFrame(
        {"pre_spend": pre_spend.round(2), "tenure_months": tenure, "visits_pre": visits}
    )

    assigned = rng.binomial(1, p_assign, size=n)
    if not noncompliance:
        sim = assemble(
            covariates, "enrolled", "spend", assigned, y0, y1, np.full(n, p_assign),
            description="loyalty programme test, automatic enrolment of the assigned",
        )
        extra = {"itt": sim.ate, "late": sim.ate, "complier_share": 1.0}
        return ExperimentSimulation(
            data=sim.data, treatment=sim.treatment, outcome=sim.outcome,
            covariates=sim.covariates, estimands={**sim.estimands, **extra},
            description=sim.description, assignment=None,
        )

    # Compliance type from a noisy engagement score cut at fixed quantiles.
    score = (engagement + 0.7 * rng.normal(size=n)) / np.sqrt(1 + 0.7**2)
    always = score > stats.norm.ppf(1 - _SHARE_ALWAYS)
    never = score < stats.norm.ppf(_SHARE_NEVER)
    complier = ~always & ~never
    d0 = always.astype(int)
    d1 = (always | complier).astype(int)
    enrolled = np.where(assigned == 1, d1, d0)
    propensity = np.where(always, 1.0, np.where(never, 0.0, p_assign))
    covariates = covariates.assign(assigned=assigned)
    sim = assemble(
        covariates, "enrolled", "spend", enrolled, y0, y1, propensity,
        description="loyalty programme test, invitation with opt-in (noncompliance)",
    )
    data = sim.data
    data["compliance"] = np.where(always, "always-taker",
                                  np.where(never, "never-taker", "complier"))
    data["d0"], data["d1"] = d0, d1
    effect_col = data["true_effect"].to_numpy()
    extra = {
        "itt": float(np.mean(effect_col * complier)),
        "late": float(effect_col[complier].mean()) if complier.any() else float("nan"),
        "complier_share": float(complier.mean()),
    }
    return ExperimentSimulation(
        data=data, treatment="enrolled", outcome="spend",
        covariates=("pre_spend", "tenure_months", "visits_pre"),
        estimands={**sim.estimands, **extra}, description=sim.description,
        assignment="assigned",
    )
