"""Turn a folder of student notebooks into a gradebook.

Layout read: ``SUBMISSIONS/<student>/<NN_slug>.ipynb`` (or ``.py``), one
folder per student. For every student and every exercise that has hidden
checks, one worker process grades the notebook; the results are written as

* ``OUT/grades.csv``: student, exercise, question, points, max_points,
  status, feedback (one row per question);
* ``OUT/summary.csv``: student, exercise, points, max_points;
* ``OUT/<student>/<NN_slug>.json``: the full record of one submission.

A submission that crashes, hangs or misbehaves only affects its own rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

__all__ = ["discover", "grade_folder", "main"]

COLUMNS = ["student", "exercise", "question", "points", "max_points", "status", "feedback"]


def discover(submissions: Path, checks: Path) -> tuple[list[str], dict[str, Path]]:
    """Students (sub-folder names) and exercises (hidden-check stems) to grade."""
    if not submissions.is_dir():
        raise SystemExit(f"submissions folder not found: {submissions}")
    if not checks.is_dir():
        raise SystemExit(f"hidden checks folder not found: {checks}")
    students = sorted(p.name for p in submissions.iterdir()
                      if p.is_dir() and not p.name.startswith("."))
    exercises = {p.stem: p for p in sorted(checks.glob("[0-9]*.py"))}
    if not exercises:
        raise SystemExit(f"no hidden checks (NN_slug.py files) in {checks}")
    return students, exercises


def _find_notebook(folder: Path, stem: str) -> Path | None:
    for suffix in (".ipynb", ".py"):
        candidate = folder / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    for proc in [*parent.children(recursive=True), parent]:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass


def _question_rows(spec: Path, status: str, feedback: str) -> list[dict]:
    from causalcourse.grading.runner import _row, load_spec

    return [_row(q, status, feedback) for q in load_spec(spec).QUESTIONS]


def grade_one(student: str, exercise: str, notebook: Path | None, spec: Path, *,
              cell_timeout: int, call_timeout: float, mem_mb: int, wall_timeout: int) -> dict:
    """Grade one submission in its own process; always returns a record."""
    record = {"student": student, "exercise": exercise,
              "file": notebook.name if notebook else None}
    if notebook is None:
        record["questions"] = _question_rows(spec, "missing", f"no {exercise}.ipynb submitted")
        return record
    with tempfile.TemporaryDirectory(prefix="cc-gradebook-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "causalcourse.grading.runner", str(notebook), str(spec),
               str(out), "--cell-timeout", str(cell_timeout), "--call-timeout", str(call_timeout),
               "--mem-mb", str(mem_mb)]
        env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
               "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=wall_timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(proc.pid)
            proc.communicate()
            record["questions"] = _question_rows(
                spec, "timeout", f"grading stopped after {wall_timeout} s for the whole notebook")
            return record
        if proc.returncode != 0 or not out.exists():
            tail = (stderr or b"").decode(errors="replace").strip().splitlines()[-1:] or [""]
            record["questions"] = _question_rows(
                spec, "error", f"the grader could not run this notebook ({tail[0][:160]})")
            return record
        record.update(json.loads(out.read_text()))
    return record


def grade_folder(submissions: Path, out: Path, checks: Path, *, jobs: int = 2,
                 cell_timeout: int = 60, call_timeout: float = 20.0, mem_mb: int = 4096,
                 wall_timeout: int = 900, only: list[str] | None = None) -> list[dict]:
    """Grade every student x exercise and write the gradebook files to ``out``."""
    students, exercises = discover(Path(submissions), Path(checks))
    if only:
        unknown = sorted(set(only) - set(exercises))
        if unknown:
            raise SystemExit(f"no hidden checks for {unknown}; have {sorted(exercises)}")
        exercises = {k: v for k, v in exercises.items() if k in only}
    jobs_list = [(s, e, _find_notebook(Path(submissions) / s, e), spec)
                 for s in students for e, spec in exercises.items()]

    def run(job):
        student, exercise, notebook, spec = job
        return grade_one(student, exercise, notebook, spec, cell_timeout=cell_timeout,
                         call_timeout=call_timeout, mem_mb=mem_mb, wall_timeout=wall_timeout)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        records = list(pool.map(run, jobs_list))
    write_gradebook(records, Path(out))
    return records


def write_gradebook(records: list[dict], out: Path) -> None:
    """Write grades.csv, summary.csv and one JSON per submission."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "grades.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for rec in records:
            for q in rec["questions"]:
                writer.writerow({"student": rec["student"], "exercise": rec["exercise"],
                                 "question": q["qid"], "points": q["points"],
                                 "max_points": q["max_points"], "status": q["status"],
                                 "feedback": q["feedback"]})
    with open(out / "summary.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "exercise", "points", "max_points"])
        for rec in records:
            writer.writerow([rec["student"], rec["exercise"],
                             sum(q["points"] for q in rec["questions"]),
                             sum(q["max_points"] for q in rec["questions"])])
    for rec in records:
        folder = out / rec["student"]
        folder.mkdir(exist_ok=True)
        (folder / f"{rec['exercise']}.json").write_text(json.dumps(rec, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m causalcourse.grading",
        description="Grade a folder of student notebooks: SUBMISSIONS/<student>/<NN_slug>.ipynb",
    )
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--out", type=Path, default=Path("gradebook"))
    parser.add_argument("--checks", type=Path, default=Path("tests/hidden"),
                        help="folder of hidden-check modules (default: tests/hidden)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    parser.add_argument("--cell-timeout", type=int, default=60, help="seconds per cell")
    parser.add_argument("--call-timeout", type=float, default=20.0,
                        help="seconds per call of a student's function")
    parser.add_argument("--mem-mb", type=int, default=4096, help="memory cap per kernel (MiB)")
    parser.add_argument("--wall-timeout", type=int, default=900,
                        help="seconds for one whole submission")
    parser.add_argument("--exercise", action="append", help="grade only this exercise (repeatable)")
    args = parser.parse_args(argv)
    records = grade_folder(args.submissions, args.out, args.checks, jobs=args.jobs,
                           cell_timeout=args.cell_timeout, call_timeout=args.call_timeout,
                           mem_mb=args.mem_mb, wall_timeout=args.wall_timeout,
                           only=args.exercise)
    total = sum(len(r["questions"]) for r in records)
    counts: dict[str, int] = {}
    for r in records:
        for q in r["questions"]:
            counts[q["status"]] = counts.get(q["status"], 0) + 1
    breakdown = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    print(f"graded {len(records)} submission(s), {total} question row(s): {breakdown}")
    print(f"wrote {args.out / 'grades.csv'} and {args.out / 'summary.csv'}")
    return 0
