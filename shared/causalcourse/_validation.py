"""Input checks shared by the estimators: clear errors that name the problem."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["require_columns", "require_binary", "require_no_missing", "require_arm_sizes"]


def require_columns(data: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise if ``data`` is not a DataFrame or lacks any of ``columns``."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        available = ", ".join(map(str, data.columns[:12]))
        more = " ..." if len(data.columns) > 12 else ""
        raise ValueError(f"missing column(s) {missing}; available columns: {available}{more}")


def require_no_missing(values: pd.Series, name: str) -> None:
    """Raise if ``values`` contains NaN or None."""
    n_missing = int(pd.isna(values).sum())
    if n_missing:
        raise ValueError(
            f"column '{name}' has {n_missing} missing value(s) (NaN); drop or impute them first"
        )


def require_binary(values: pd.Series, name: str) -> np.ndarray:
    """Return ``values`` as an int array of 0/1, or raise naming the offending values."""
    require_no_missing(values, name)
    arr = np.asarray(values)
    if arr.dtype == bool:
        return arr.astype(int)
    if not np.issubdtype(arr.dtype, np.number):
        raise ValueError(
            f"treatment column '{name}' must be binary (0/1 or bool); found dtype {arr.dtype}"
        )
    bad = np.setdiff1d(np.unique(arr), [0, 1])
    if bad.size:
        shown = ", ".join(f"{v:g}" for v in bad[:5])
        raise ValueError(
            f"treatment column '{name}' must be binary (0/1); found other values: {shown}"
        )
    return arr.astype(int)


def require_arm_sizes(treatment: np.ndarray, name: str, minimum: int = 2) -> None:
    """Raise if either arm of a 0/1 treatment has fewer than ``minimum`` units."""
    for arm, label in ((1, "treated"), (0, "control")):
        count = int((treatment == arm).sum())
        if count == 0:
            raise ValueError(
                f"the {label} arm is empty: no unit has {name} == {arm}"
            )
        if count < minimum:
            raise ValueError(
                f"the {label} arm has {count} unit(s) with {name} == {arm}; "
                f"at least {minimum} are needed to estimate a variance"
            )
