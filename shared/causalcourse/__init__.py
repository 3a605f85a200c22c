"""causalcourse: the Python package behind the causal inference course.

Modules
-------
simulate
    Simulated worlds with known truth (potential outcomes, effects, propensities).
estimators
    Transparent estimators (difference in means with a Neyman interval, ...).
plotting
    An explicit notebook style, a DAG helper and effect/interval plots.
data
    The real data sets (offline, from causaldata) and their manifest.
graphs
    d-separation, backdoor paths and adjustment sets (lecture 02).
experiments
    Lin adjustment, CUPED, permutation tests, power, Wald/LATE (lecture 03).
weighting, balance
    Propensity scores, IPW, matching, standardization, AIPW; SMDs and plots (04).
heterogeneity, subgroups, trees
    Subgroup tables, calibration, coverage, interaction CATE, honest trees (05-06).
refutation
    Placebo checks and tidy DoWhy refutation tables (lecture 08).
dml
    Cross-fitting and double machine learning for the partially linear model (09).
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
