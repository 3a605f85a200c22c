"""Simulated worlds with known truth.

Every simulator takes a ``seed`` (an int, or a ``numpy.random.Generator``) and
returns a :class:`Simulation`: one DataFrame holding the observed columns
*and* the truth columns a real analyst never sees (both potential outcomes,
the unit-level effect, the true propensity), plus the true estimands computed
from those columns. One module per world; this package re-exports them.
"""

from causalcourse.simulate._base import TRUTH_COLUMNS, Simulation, assemble, make_rng
from causalcourse.simulate.outreach import outreach_cate, simulate_outreach
from causalcourse.simulate.retention import simulate_retention_email

__all__ = [
    "TRUTH_COLUMNS",
    "Simulation",
    "assemble",
    "make_rng",
    "outreach_cate",
    "simulate_outreach",
    "simulate_retention_email",
]
