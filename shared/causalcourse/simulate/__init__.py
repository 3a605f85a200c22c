"""Simulated worlds with known truth.

Every simulator takes a ``seed`` (an int, or a ``numpy.random.Generator``) and
returns a :class:`Simulation`: one DataFrame holding the observed columns
*and* the truth columns a real analyst never sees (both potential outcomes,
the unit-level effect, the true propensity), plus the true estimands computed
from those columns. One module per world; this package re-exports them.

========================  ==================================================  =======
world                     simulator                                           lecture
========================  ==================================================  =======
retention email           :func:`simulate_retention_email`                    01
linear SEMs, loyalty      :func:`simulate_linear_sem`, ``simulate_loyalty_*``  02
experiment                :func:`simulate_experiment`                         03
sales training            :func:`simulate_sales_training`                     04
outreach call             :func:`simulate_outreach`                           05, 06
growth workshop           :func:`simulate_confounded`                         08
partially linear model    :func:`simulate_plm`                                09
========================  ==================================================  =======
"""

from causalcourse.simulate._base import TRUTH_COLUMNS, Simulation, assemble, make_rng
from causalcourse.simulate.confounded import simulate_confounded
from causalcourse.simulate.experiment import ExperimentSimulation, simulate_experiment
from causalcourse.simulate.graphs import (
    elementary_sem,
    linear_total_effect,
    simulate_linear_sem,
    simulate_loyalty_program,
    simulate_tutoring,
)
from causalcourse.simulate.observational import simulate_sales_training, training_propensity
from causalcourse.simulate.outreach import outreach_cate, simulate_outreach
from causalcourse.simulate.plm import plm_cate, simulate_plm
from causalcourse.simulate.retention import simulate_retention_email

__all__ = [
    "TRUTH_COLUMNS",
    "ExperimentSimulation",
    "Simulation",
    "assemble",
    "elementary_sem",
    "linear_total_effect",
    "make_rng",
    "outreach_cate",
    "plm_cate",
    "simulate_confounded",
    "simulate_experiment",
    "simulate_linear_sem",
    "simulate_loyalty_program",
    "simulate_outreach",
    "simulate_plm",
    "simulate_retention_email",
    "simulate_sales_training",
    "simulate_tutoring",
    "training_propensity",
]
