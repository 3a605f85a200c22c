"""The grader end to end: a class of real, broken and adversarial submissions.

Every submission is built here from the committed solution notebook, so the
fixtures follow the exercise when it changes.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import jupytext
import nbformat
import pytest

from causalcourse.grading import (
    CheckFailed,
    Raised,
    TimedOut,
    Unsupported,
    expect_bool,
    expect_choice,
    expect_close,
    expect_float,
    expect_raises,
    expect_tuple,
)
from causalcourse.grading._harvest import encode
from causalcourse.grading.gradebook import grade_folder
from causalcourse.grading.runner import _decode, load_spec, read_submission

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ROOT / "tests" / "hidden"
STEM = "01_potential_outcomes"
SOLUTION = ROOT / "solutions" / f"{STEM}.ipynb"
EXERCISE = ROOT / "exercises" / f"{STEM}.ipynb"
MAX_POINTS = sum(q.points for q in load_spec(HIDDEN / f"{STEM}.py").QUESTIONS)


# ------------------------------------------------------------ spec helpers


def test_expectations_are_type_strict():
    assert expect_float(2, "x") == 2.0
    for bad in (True, "2.0", [2.0], Unsupported("AlwaysEqual"), None):
        with pytest.raises(CheckFailed):
            expect_float(bad, "x")
    with pytest.raises(CheckFailed) as err:
        expect_close(1.5, 1.0, "x")
    assert "1.0" not in str(err.value)  # feedback never reveals the reference
    assert expect_bool(True, "b") is True
    with pytest.raises(CheckFailed):
        expect_bool(1, "b")
    with pytest.raises(CheckFailed, match="not the expected"):
        expect_choice("a", "ab", "b", "q")
    with pytest.raises(CheckFailed, match="one of"):
        expect_choice(Unsupported("Liar"), "ab", "b", "q")
    assert expect_tuple([1, 2], 2, "t") == (1, 2)
    with pytest.raises(CheckFailed) as err:
        expect_float(Raised("ZeroDivisionError", "boom"), "f")
    assert err.value.status == "error"
    with pytest.raises(CheckFailed) as err:
        expect_raises(TimedOut(3.0), "ValueError", "f")
    assert err.value.status == "timeout"


class AlwaysEqual:
    def __eq__(self, other):
        return True


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


@pytest.mark.parametrize("obj", [AlwaysEqual(), LyingFloat(1.0), {1: 2}, object()])
def test_harvest_never_lets_impostors_through(obj):
    decoded = _decode(encode(obj))
    assert isinstance(decoded, Unsupported)


def test_harvest_round_trips_plain_values():
    import numpy as np
    import pandas as pd

    for value in (1.5, 3, True, "b", (1.0, 2.0), [1, "a"], {"k": 2.0}, None):
        assert _decode(encode(value)) == value
    assert type(_decode(encode((1.0, 2.0)))) is tuple
    assert _decode(encode(np.float64(2.5))) == 2.5
    assert _decode(encode(np.bool_(True))) is True
    np.testing.assert_array_equal(_decode(encode(np.arange(6.0).reshape(2, 3))),
                                  np.arange(6.0).reshape(2, 3))
    s = _decode(encode(pd.Series([1.0, 2.0], index=["a", "b"], name="x")))
    assert list(s) == [1.0, 2.0] and list(s.index) == ["a", "b"]


def test_read_submission_names_the_problem(tmp_path):
    bad = tmp_path / "a.ipynb"
    bad.write_text("{not json")
    with pytest.raises(Exception, match="not valid JSON"):
        read_submission(bad)
    bad.write_text('{"hello": 1}')
    with pytest.raises(Exception, match="not a notebook"):
        read_submission(bad)
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(Exception, match="not valid JSON"):
        read_submission(bad)


# ----------------------------------------------------- class of submissions


def _solution():
    return nbformat.read(SOLUTION, as_version=4)


def _find(nb, text):
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and text in cell.source:
            return i
    raise AssertionError(f"no code cell containing {text!r}")


def _save(nb, folder: Path, name=f"{STEM}.ipynb"):
    folder.mkdir(parents=True, exist_ok=True)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, folder / name)


def _insert_after(nb, marker, source):
    nb = copy.deepcopy(nb)
    nb.cells.insert(_find(nb, marker) + 1, nbformat.v4.new_code_cell(source))
    return nb


def _replace_in(nb, marker, old, new):
    nb = copy.deepcopy(nb)
    cell = nb.cells[_find(nb, marker)]
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    return nb


def build_class(root: Path) -> dict[str, dict]:
    """Write one folder per student; return the expected status per question."""
    sol = _solution()
    good = {q: "pass" for q in ("q1", "q2", "q3", "q4", "q5", "q6")}
    expect: dict[str, dict] = {}

    _save(sol, root / "alice")
    expect["alice"] = good

    (root / "bob").mkdir()
    (root / "bob" / f"{STEM}.ipynb").write_bytes(EXERCISE.read_bytes())
    expect["bob"] = {"q1": "missing", "q2": "missing", "q3": "error", "q4": "missing",
                     "q5": "missing", "q6": "missing"}

    (root / "carol").mkdir()  # submitted nothing
    expect["carol"] = {q: "missing" for q in good}

    (root / "dave").mkdir()  # a jupytext script instead of a notebook
    (root / "dave" / f"{STEM}.py").write_text(jupytext.writes(sol, fmt="py:percent"))
    expect["dave"] = good

    (root / "erin").mkdir()
    (root / "erin" / f"{STEM}.ipynb").write_text('{"cells": [ {"cell_type": "code", ')
    expect["erin"] = {q: "error" for q in good}

    (root / "frank").mkdir()
    (root / "frank" / f"{STEM}.ipynb").write_text(json.dumps({"answers": [1, 2, 3]}))
    expect["frank"] = {q: "error" for q in good}

    # The student's function never returns: only q3 times out.
    looper = _replace_in(sol, "def neyman_interval", "    y = np.asarray(y, dtype=float)\n",
                         "    while True:\n        pass\n")
    _save(looper, root / "gina")
    expect["gina"] = {**good, "q3": "timeout", "q4": "timeout"}  # Q4 calls it too

    # A top-level loop that swallows interrupts: the notebook never finishes.
    stubborn = _insert_after(sol, "selection_bias = float(", (
        "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
        "    except KeyboardInterrupt:\n        pass\n"))
    _save(stubborn, root / "hank")
    expect["hank"] = {q: "timeout" for q in good}

    # Unbounded allocation where Q1's answer should be: MemoryError, others fine.
    hog = _replace_in(sol, "naive_estimate = float(",
                      "naive_estimate = float(",
                      "blob = []\nwhile True:\n    blob.append(bytearray(50 * 2**20))\n"
                      "naive_estimate = float(")
    _save(hog, root / "ivy")
    expect["ivy"] = {**good, "q1": "missing"}

    # os._exit while computing Q4: the kernel dies; what was earned elsewhere counts.
    exiter = _replace_in(sol, "rct_interval = neyman_interval(",
                         "rct_interval = neyman_interval(",
                         "import os\nos._exit(3)\nrct_interval = neyman_interval(")
    _save(exiter, root / "jack")
    expect["jack"] = {**good, "q4": "error"}

    # Deletes its answers at the end.
    deleter = copy.deepcopy(sol)
    deleter.cells.append(nbformat.v4.new_code_cell("del naive_estimate, q6_answer"))
    _save(deleter, root / "kim")
    expect["kim"] = {**good, "q1": "missing", "q2": "pass", "q6": "missing"}

    # Redefines the public checks and submits impostor objects.
    liar = _insert_after(sol, "checks.is_choice(q6_answer", (
        "from causalcourse import checks\n"
        "checks.is_number = checks.hint = checks.is_choice = lambda *a, **k: None\n"
        "class AlwaysEqual:\n    def __eq__(self, other):\n        return True\n"
        "class LyingFloat(float):\n    def __eq__(self, other):\n        return True\n"
        "naive_estimate = LyingFloat(0.0)\n"
        "att = AlwaysEqual()\nselection_bias = AlwaysEqual()\n"
        "q5_answer = AlwaysEqual()\n"))
    _save(liar, root / "liam")
    expect["liam"] = {**good, "q1": "fail", "q2": "fail", "q5": "fail"}

    # Right form, wrong values.
    wrong = _insert_after(sol, "checks.is_choice(q6_answer",
                          "naive_estimate = 1.0\nq6_answer = 'a'\nrct_covers = 'yes'\n")
    _save(wrong, root / "mia")
    expect["mia"] = {**good, "q1": "fail", "q4": "fail", "q6": "fail"}
    return expect


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    subs = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("gradebook")
    expect = build_class(subs)
    grade_folder(subs, out, HIDDEN, jobs=2, cell_timeout=8, call_timeout=3.0,
                 mem_mb=1536, wall_timeout=180, only=[STEM])
    with open(out / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return expect, rows, out


def _by_student(rows):
    table: dict[str, dict[str, dict]] = {}
    for row in rows:
        table.setdefault(row["student"], {})[row["question"]] = row
    return table


@pytest.mark.slow
def test_every_student_gets_the_expected_status(graded):
    expect, rows, _ = graded
    table = _by_student(rows)
    assert set(table) == set(expect), "a student's rows are missing from the gradebook"
    got = {s: {q: r["status"] for q, r in qs.items()} for s, qs in table.items()}
    assert got == expect


@pytest.mark.slow
def test_solution_scores_full_marks_and_exercise_scores_zero(graded):
    _, rows, out = graded
    table = _by_student(rows)
    assert sum(float(r["points"]) for r in table["alice"].values()) == MAX_POINTS
    assert sum(float(r["points"]) for r in table["dave"].values()) == MAX_POINTS
    assert sum(float(r["points"]) for r in table["bob"].values()) == 0
    with open(out / "summary.csv", newline="") as fh:
        summary = {r["student"]: float(r["points"]) for r in csv.DictReader(fh)}
    assert summary["alice"] == MAX_POINTS and summary["bob"] == 0


@pytest.mark.slow
def test_points_only_for_passes_and_columns_complete(graded):
    _, rows, _ = graded
    assert list(rows[0]) == ["student", "exercise", "question", "points", "max_points",
                             "status", "feedback"]
    for row in rows:
        assert row["status"] in {"pass", "fail", "error", "timeout", "missing"}
        earned = float(row["points"])
        assert earned == (float(row["max_points"]) if row["status"] == "pass" else 0.0)
        assert row["feedback"].strip()


@pytest.mark.slow
def test_feedback_names_the_problem(graded):
    _, rows, out = graded
    table = _by_student(rows)
    assert "not valid JSON" in table["erin"]["q1"]["feedback"]
    assert "not a notebook" in table["frank"]["q1"]["feedback"]
    assert "within 3 s" in table["gina"]["q3"]["feedback"]
    assert "should be a number" in table["liam"]["q1"]["feedback"]
    record = json.loads((out / "ivy" / f"{STEM}.json").read_text())
    assert any("MemoryError" in c["detail"] for c in record["cells"].values())
    record = json.loads((out / "jack" / f"{STEM}.json").read_text())
    assert any(c["status"] == "died" for c in record["cells"].values())


@pytest.mark.slow
def test_feedback_never_shows_hidden_check_source(graded):
    _, rows, out = graded
    hidden_lines = {
        line.strip() for line in (HIDDEN / f"{STEM}.py").read_text().splitlines()
        if len(line.strip()) > 25 and not line.strip().startswith(("from ", "import ", "#"))
    }
    text = (out / "grades.csv").read_text() + "".join(
        p.read_text() for p in out.rglob("*.json"))
    leaked = [line for line in hidden_lines if line in text]
    assert not leaked
