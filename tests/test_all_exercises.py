"""Every exercise: its solution earns full marks, the untouched exercise zero.

Both go through the real grader (fresh kernels, hidden checks), so a hidden
check that passes an untouched exercise, or fails the master solution, fails
here.
"""

import csv
import shutil
from pathlib import Path

import pytest

from causalcourse.grading.gradebook import grade_folder
from causalcourse.grading.runner import load_spec

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ROOT / "tests" / "hidden"
STEMS = sorted(p.stem for p in HIDDEN.glob("[0-9p]*.py"))


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    subs = tmp_path_factory.mktemp("class")
    for student, folder in (("master", "solutions"), ("untouched", "exercises")):
        (subs / student).mkdir()
        for stem in STEMS:
            shutil.copy(ROOT / folder / f"{stem}.ipynb", subs / student / f"{stem}.ipynb")
    out = tmp_path_factory.mktemp("grades")
    grade_folder(subs, out, HIDDEN, jobs=2, cell_timeout=120, call_timeout=60.0,
                 wall_timeout=900)
    with open(out / "grades.csv", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_exercise_contract(stem):
    questions = load_spec(HIDDEN / f"{stem}.py").QUESTIONS
    assert 3 <= len(questions) <= 6, "each exercise has 3 to 6 graded questions"
    assert any(q.calls for q in questions), "at least one student function called on fresh data"


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_solution_full_marks_untouched_zero(gradebook, stem):
    rows = [r for r in gradebook if r["exercise"] == stem]
    master = [r for r in rows if r["student"] == "master"]
    untouched = [r for r in rows if r["student"] == "untouched"]
    assert master and untouched
    failed = [(r["question"], r["status"], r["feedback"]) for r in master if r["status"] != "pass"]
    assert not failed, f"the master solution does not pass: {failed}"
    assert sum(float(r["points"]) for r in untouched) == 0
    assert not [r for r in untouched if r["status"] == "pass"]
