"""Real data sets used by the course, loaded offline from ``causaldata``.

``causaldata`` (MIT licence) bundles its files, so nothing is downloaded at
run time. :data:`MANIFEST` records, for each data set the course uses, where
it comes from, the study to cite, its size and the lectures that use it;
``DATA.md`` at the repository root shows the same table.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pandas as pd

__all__ = ["DatasetInfo", "MANIFEST", "load", "manifest"]


@dataclass(frozen=True)
class DatasetInfo:
    """One entry of the data manifest."""

    name: str
    description: str
    citation: str
    rows: int
    columns: int
    lectures: tuple[str, ...]


MANIFEST: dict[str, DatasetInfo] = {
    info.name: info
    for info in [
        DatasetInfo(
            "nhefs",
            "NHANES I Epidemiologic Follow-up Study: smoking cessation (qsmk) and weight "
            "change 1971-1982 (wt82_71); all 1,629 cigarette smokers, some missing wt82",
            "Hernán MA, Robins JM (2020). Causal Inference: What If. Chapman & Hall/CRC, "
            "ch. 12-13; data from the US National Center for Health Statistics",
            1629, 67, ("04", "08"),
        ),
        DatasetInfo(
            "nhefs_complete",
            "NHEFS restricted to the 1,566 smokers with complete data (What If's analysis set)",
            "Hernán MA, Robins JM (2020). Causal Inference: What If, ch. 12-13",
            1566, 67, ("04", "08"),
        ),
        DatasetInfo(
            "nsw_mixtape",
            "National Supported Work demonstration, experimental sample (treated and "
            "randomized controls): earnings in 1978 (re78)",
            "LaLonde RJ (1986), American Economic Review 76(4):604-620; Dehejia RH, Wahba S "
            "(1999), JASA 94(448):1053-1062, doi:10.1080/01621459.1999.10473858",
            445, 11, ("04", "08"),
        ),
        DatasetInfo(
            "cps_mixtape",
            "Current Population Survey comparison group for the NSW treated (observational)",
            "Dehejia RH, Wahba S (1999), JASA 94(448):1053-1062, "
            "doi:10.1080/01621459.1999.10473858",
            15992, 11, ("04",),
        ),
        DatasetInfo(
            "thornton_hiv",
            "Malawi experiment: randomized cash incentives (any, tinc) to learn HIV test "
            "results (got); distance to the results centre (distvct)",
            "Thornton RL (2008), American Economic Review 98(5):1829-1863, "
            "doi:10.1257/aer.98.5.1829",
            4820, 7, ("03",),
        ),
        DatasetInfo(
            "close_college",
            "NLS Young Men: schooling, log wages and growing up near a college (Card 1995)",
            "Card D (1995), in Aspects of Labour Economics: Essays in Honour of John "
            "Vanderkamp, University of Toronto Press",
            3010, 8, ("11",),
        ),
        DatasetInfo(
            "castle",
            "US state panel 2000-2010: castle-doctrine laws and homicides",
            "Cheng C, Hoekstra M (2013), Journal of Human Resources 48(3):821-854, "
            "doi:10.3368/jhr.48.3.821",
            550, 139, ("11",),
        ),
        DatasetInfo(
            "close_elections_lmb",
            "US House elections: roll-call scores and Democratic vote share (Lee, Moretti, "
            "Butler 2004)",
            "Lee DS, Moretti E, Butler MJ (2004), Quarterly Journal of Economics "
            "119(3):807-859, doi:10.1162/0033553041502153",
            13588, 9, ("11",),
        ),
    ]
}


def load(name: str) -> pd.DataFrame:
    """Load one of the course's real data sets as a fresh DataFrame.

    Parameters
    ----------
    name : str
        A key of :data:`MANIFEST` (the ``causaldata`` module name).

    Returns
    -------
    pandas.DataFrame
        A copy, so changing it never affects another load.

    Raises
    ------
    ValueError
        If ``name`` is not in the manifest.

    Examples
    --------
    >>> load("nsw_mixtape").shape
    (445, 11)
    """
    if name not in MANIFEST:
        raise ValueError(f"unknown data set {name!r}; the course uses {sorted(MANIFEST)}")
    module = importlib.import_module(f"causaldata.{name}")
    return module.load_pandas().data.copy()


def manifest() -> pd.DataFrame:
    """The data manifest as a table (one row per data set)."""
    rows = [
        {"dataset": i.name, "rows": i.rows, "columns": i.columns,
         "lectures": ", ".join(i.lectures), "description": i.description,
         "citation": i.citation}
        for i in MANIFEST.values()
    ]
    return pd.DataFrame(rows).set_index("dataset")
