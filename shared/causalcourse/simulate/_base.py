"""The Simulation container and helpers shared by every simulated world."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Simulation", "TRUTH_COLUMNS", "make_rng", "assemble"]

#: Names of the truth columns every simulation stores.
TRUTH_COLUMNS = ("y0", "y1", "true_effect", "propensity")


def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A Generator from an int seed (or the Generator itself); no seed is an error."""
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


def assemble(
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
