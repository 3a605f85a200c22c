"""Prove the drift detector works: a changed coefficient makes nbval fail.

A copy of the package with one simulation coefficient nudged is put first on
the kernel's path; nbval re-executing lecture 01 against its stored outputs
must then fail, while the untouched copy passes.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "lectures" / "01_potential_outcomes.ipynb"
ORIGINAL = "y0 = 15 + 45 * np.exp(-days / 25)"


def _nbval(tmp: Path, package_root: Path) -> subprocess.CompletedProcess:
    work = tmp / f"run_{package_root.name}"
    work.mkdir()
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)
    env = {**os.environ, "PYTHONPATH": str(package_root), "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
         "--nbval", "--nbval-current-env", "--rootdir", str(work),
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
         str(work / NOTEBOOK.name)],
        cwd=work, env=env, capture_output=True, text=True, timeout=300,
    )


def _package_copy(tmp: Path, name: str) -> Path:
    dest = tmp / name
    shutil.copytree(ROOT / "shared" / "causalcourse", dest / "causalcourse",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.mark.slow
def test_nbval_fails_when_a_simulation_coefficient_moves(tmp_path):
    untouched = _package_copy(tmp_path, "untouched")
    perturbed = _package_copy(tmp_path, "perturbed")
    simulate = perturbed / "causalcourse" / "simulate" / "retention.py"
    source = simulate.read_text()
    assert ORIGINAL in source, "update ORIGINAL: the coefficient line changed"
    simulate.write_text(source.replace(ORIGINAL, ORIGINAL.replace("45 *", "46 *")))

    control = _nbval(tmp_path, untouched)
    assert control.returncode == 0, control.stdout[-2000:]

    drifted = _nbval(tmp_path, perturbed)
    assert drifted.returncode != 0, "nbval did not notice a changed simulation"
    assert "mismatch" in drifted.stdout  # a stored number no longer matches
