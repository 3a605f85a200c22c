"""Lecture 04's world: a voluntary sales-training course, chosen by the staff themselves.

Who signs up is not random. Motivated reps volunteer, and so do the junior
ones, who sell less anyway; remote reps sign up a little more often. All of
these drivers are recorded, so adjustment for the observed covariates is
enough (conditional ignorability holds by construction), and the true
propensity score is stored, so estimated scores can be checked against it.

The course helps almost every rep, and most the junior ones: the effect on the
treated (ATT) is larger than the average effect (ATE). The naive comparison
of participants with non-participants is close to zero, far below both,
because participants are the reps who would have sold less without the course.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from causalcourse.simulate._base import Simulation, assemble, make_rng

__all__ = ["COVARIATES", "simulate_sales_training", "training_propensity"]

#: Pre-treatment covariates of the sales-training world, in column order.
COVARIATES = ("experience", "age", "past_sales", "motivation", "remote")


def training_propensity(experience, past_sales, motivation, remote, *, selection=1.0):
    """The true probability that a rep signs up for the course.

    A logistic model, linear in the covariates, so a main-effects logistic
    regression is correctly specified. ``selection`` multiplies the whole
    logit: 0 gives a coin flip at about the base rate, 1 the default world,
    and values of about 3 or more make sign-up nearly deterministic for
    many reps (a positivity problem).

    Parameters
    ----------
    experience, past_sales, motivation, remote : array-like
        Years of experience, last quarter's sales ($1000), standardized
        motivation survey score, remote-work indicator (0/1).
    selection : float, default 1.0
        Strength of self-selection (non-negative).

    Returns
    -------
    numpy.ndarray
        P(course = 1 | covariates), strictly between 0 and 1.

    Examples
    --------
    >>> e = training_propensity([2.0, 12.0], [28.0, 45.0], [1.0, -1.0], [1, 0])
    >>> bool(e[0] > 0.7 and e[1] < 0.1)
    True
    >>> training_propensity([5.0], [35.0], [0.0], [0], selection=0.0).tolist()
    [0.5]
    """
    experience = np.asarray(experience, dtype=float)
    past_sales = np.asarray(past_sales, dtype=float)
    motivation = np.asarray(motivation, dtype=float)
    remote = np.asarray(remote, dtype=float)
    logit = (
        -0.2
        + 0.7 * motivation
        - 0.22 * (experience - 5.0)
        - 0.06 * (past_sales - 33.0)
        + 0.4 * remote
    )
    return 1.0 / (1.0 + np.exp(-selection * logit))


def simulate_sales_training(
    n: int = 4000,
    *,
    selection: float = 1.0,
    seed: int | np.random.Generator | None = None,
) -> Simulation:
    """Sales reps who may sign up for a voluntary training course.

    Outcome ``sales`` is next quarter's sales in $1000. Without the course,
    sales rise with last quarter's sales, steeply with experience (with
    diminishing returns) and with motivation. The course adds about $2k for a senior rep
    and up to about $8k for a new one, a little more for motivated reps.

    Parameters
    ----------
    n : int, default 4000
        Number of reps.
    selection : float, default 1.0
        Strength of self-selection into the course (see
        :func:`training_propensity`). ``0`` is a randomized experiment with
        probability 1/2; values of 3 or more create near-violations of positivity.
        The covariates and potential outcomes do not depend on it: the same
        seed gives the same reps under any selection strength.
    seed : int or numpy.random.Generator
        Source of randomness; required so every result repeats.

    Returns
    -------
    Simulation
        Observed columns ``experience``, ``age``, ``past_sales``,
        ``motivation``, ``remote``, treatment ``course``, outcome ``sales``;
        truth columns ``y0``, ``y1``, ``true_effect``, ``propensity``.

    Raises
    ------
    ValueError
        If ``n`` < 2, ``selection`` is negative or not finite, or no seed is given.

    Examples
    --------
    >>> sim = simulate_sales_training(3000, seed=1)
    >>> list(sim.observed.columns)
    ['experience', 'age', 'past_sales', 'motivation', 'remote', 'course', 'sales']
    >>> d = sim.data
    >>> naive = d.loc[d.course == 1, "sales"].mean() - d.loc[d.course == 0, "sales"].mean()
    >>> bool(naive < sim.ate / 2 and sim.ate < sim.att)
    True
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if not np.isfinite(selection) or selection < 0:
        raise ValueError(f"selection must be a finite number >= 0, got {selection!r}")
    rng = make_rng(seed)

    experience = np.clip(rng.gamma(2.5, 2.0, n), 0.0, 20.0).round(1)
    age = np.clip(23 + experience + rng.gamma(2.0, 4.0, n), 21, 65).round(0)
    past_sales = (rng.lognormal(np.log(28.0), 0.25, n) + 2.0 * np.sqrt(experience)).round(1)
    motivation = rng.normal(0.0, 1.0, n).round(2)
    remote = rng.binomial(1, 0.35, n)
    covariates = pd.DataFrame(
        {"experience": experience, "age": age, "past_sales": past_sales,
         "motivation": motivation, "remote": remote}
    )

    y0 = (
        15
        + 0.6 * past_sales
        + 14 * np.log1p(experience)
        + 2 * motivation
        - 2 * remote
        + rng.normal(0.0, 4.0, n)
    )
    effect = 2 + 6 * np.exp(-experience / 4) + 1.0 * motivation + rng.normal(0.0, 1.0, n)
    y0 = y0.round(2)
    y1 = (y0 + effect).round(2)

    propensity = training_propensity(experience, past_sales, motivation, remote,
                                     selection=selection)
    # The assignment draw uses its own stream, so the reps and their potential
    # outcomes are identical across selection strengths for one seed.
    t = (rng.uniform(size=n) < propensity).astype(int)

    if selection == 0:
        world = "randomized coin flip"
    else:
        world = f"self-selected (selection strength {selection:g})"
    return assemble(
        covariates, "course", "sales", t, y0, y1, propensity,
        description=f"voluntary sales-training course, {world}",
    )
