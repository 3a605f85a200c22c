"""Notebook hygiene: pairs in sync, outputs stored, nothing machine-specific.

nbval (run by `make test` over lectures/ and solutions/) re-executes the
notebooks and compares outputs; these checks catch what nbval cannot.
"""

import base64
import re
from pathlib import Path

import nbformat
import pytest

from tools.notebooks import EXECUTED_DIRS, check_sync

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = sorted(p for d in EXECUTED_DIRS for p in (ROOT / d).glob("[0-9p]*.ipynb"))
LECTURES = sorted((ROOT / "lectures").glob("[0-9]*.py"))


def test_every_pair_is_in_sync():
    assert check_sync() == 0, "a .py/.ipynb pair disagrees: run `make sync` and `make execute`"


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_outputs_are_stored_and_clean(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "not executed: run `make execute`"
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", f"stored error output in {path.name}"
            assert out.get("name") != "stderr", f"stderr (a warning?) stored in {path.name}"
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert not re.search(r"at 0x[0-9a-f]{6,}", text), "memory address in output"
            assert not re.search(r"^<(matplotlib|Axes)", text), "a plot object's repr leaked"
            png = out.get("data", {}).get("image/png")
            if png:
                assert b"version" not in base64.b64decode(png), "tool version stamped in a PNG"
    assert set(nb.metadata) == {"jupytext", "kernelspec", "language_info"}
    assert "version" not in nb.metadata["language_info"]


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebooks_stay_small(path):
    assert path.stat().st_size < 1_500_000, "figures too large: lower the DPI or the count"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_lecture_shape(path):
    text = path.read_text()
    assert "## Overview" in text
    for heading in ("## Key takeaways", "## Common mistakes", "## References"):
        assert heading in text, f"{path.name} lacks '{heading}'"
    assert "Pause and predict" in text
    assert text.count("\nassert ") >= 5, "claims about computed results must be asserted"
    assert "np.random.seed" not in text and "filterwarnings(\"ignore\")" not in text
    assert "sys.path" not in text


def test_readme_course_map_lists_every_lecture_and_exercise():
    readme = (ROOT / "README.md").read_text()
    for lecture in LECTURES:
        assert f"lectures/{lecture.stem}.ipynb" in readme, f"README lacks {lecture.stem}"
    for solution in sorted((ROOT / "solutions").glob("[0-9p]*.py")):
        assert f"exercises/{solution.stem}.ipynb" in readme
