"""Exercises are generated from solutions and leak nothing of the answers."""

import re
from pathlib import Path

import nbformat
import pytest

from tools import exercises as gen

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9p]*.py"))


def test_there_is_an_exercise_per_solution_and_a_hidden_check_per_exercise():
    assert SOLUTIONS
    for sol in SOLUTIONS:
        assert (ROOT / "exercises" / sol.name).exists()
        assert (ROOT / "exercises" / sol.with_suffix(".ipynb").name).exists()
        assert (ROOT / "tests" / "hidden" / sol.name).exists(), f"no hidden checks for {sol.stem}"


def test_regenerating_changes_nothing():
    assert gen.main(["--check"]) == 0, "exercises/ is stale: run `make exercises`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_no_solution_line_reaches_the_exercise(solution):
    regions = gen.solution_regions(solution.read_text(), solution.name)
    assert regions, f"{solution.name} has no solution regions"
    exercise_py = (ROOT / "exercises" / solution.name).read_text()
    exercise_nb = (ROOT / "exercises" / solution.with_suffix(".ipynb").name).read_text()
    for region in regions:
        for line in region:
            stripped = line.strip()
            if stripped.startswith("#") or len(re.sub(r"\W", "", stripped)) < 3:
                continue  # comments and punctuation-only lines like ")"
            assert stripped not in exercise_py, f"solution line leaked: {stripped}"
            assert stripped not in exercise_nb.replace('\\"', '"'), f"leaked: {stripped}"
    assert gen.BEGIN not in exercise_py and gen.END not in exercise_py


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_notebook_has_no_outputs_and_has_stubs(solution):
    nb = nbformat.read(ROOT / "exercises" / solution.with_suffix(".ipynb").name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert sum("raise NotImplementedError()" in c.source for c in code) == len(
        gen.solution_regions(solution.read_text()))


def test_stub_keeps_indentation():
    text = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    out = gen.strip_solutions(text)
    assert out == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"


@pytest.mark.parametrize("text,problem", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "without a BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "inside a region"),
])
def test_unbalanced_markers_are_reported_with_a_line(text, problem):
    with pytest.raises(gen.MarkerError, match=problem):
        gen.strip_solutions(text, "sol.py")
