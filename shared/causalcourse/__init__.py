"""causalcourse: the Python package behind the causal inference course.

Modules
-------
simulate
    Simulated worlds with known truth (potential outcomes, effects, propensities).
estimators
    Transparent estimators (difference in means with a Neyman interval, ...).
plotting
    An explicit notebook style, a DAG helper and effect/interval plots.
checks
    Public feedback helpers used by exercise notebooks.
grading
    The grader that turns a folder of student notebooks into a gradebook.

Nothing happens on import: no styling, no seeds, no file reads.
"""

from causalcourse.estimators import EffectEstimate, difference_in_means
from causalcourse.simulate import Simulation, simulate_retention_email

__all__ = [
    "EffectEstimate",
    "Simulation",
    "difference_in_means",
    "simulate_retention_email",
]

__version__ = "0.1.0"
