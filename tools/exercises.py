"""Generate exercises/ from solutions/ by stripping the solution regions.

A solution region is the lines between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (the nbgrader markers). Each region becomes a stub at the
marker's indentation::

    # YOUR CODE HERE
    raise NotImplementedError()

    python -m tools.exercises            # write exercises/NN_slug.py and .ipynb
    python -m tools.exercises --check    # fail if regenerating would change anything
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext
import nbformat

from tools.notebooks import ROOT, _cell_ids, _clean_metadata

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")


class MarkerError(ValueError):
    """Unbalanced or nested solution markers."""


def solution_regions(text: str, name: str = "<solution>") -> list[list[str]]:
    """The lines inside each solution region, in order."""
    regions, current, start = [], None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if current is not None:
                raise MarkerError(
                    f"{name}:{number}: BEGIN SOLUTION inside a region opened at line {start}"
                )
            current, start = [], number
        elif marker == END:
            if current is None:
                raise MarkerError(f"{name}:{number}: END SOLUTION without a BEGIN")
            regions.append(current)
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        raise MarkerError(f"{name}:{start}: BEGIN SOLUTION never closed")
    return regions


def strip_solutions(text: str, name: str = "<solution>") -> str:
    """Replace every solution region with a stub; also retitle 'Solution' headers."""
    solution_regions(text, name)  # validates markers
    out, inside = [], False
    for line in text.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub for stub in STUB)
            inside = True
        elif marker == END:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out) + "\n"


def targets() -> list[tuple[Path, Path]]:
    return [(src, ROOT / "exercises" / src.name)
            for src in sorted((ROOT / "solutions").glob("[0-9p]*.py"))]


def render(solution: Path) -> tuple[str, str]:
    """The exercise's .py text and .ipynb text generated from ``solution``."""
    text = strip_solutions(solution.read_text(), str(solution.relative_to(ROOT)))
    nb = jupytext.reads(text, fmt="py:percent")
    _clean_metadata(nb)
    _cell_ids(nb, solution.stem)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return text, nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.exercises")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed exercises differ from regenerated ones")
    args = parser.parse_args(argv)
    stale = []
    expected_names = set()
    for solution, exercise in targets():
        py_text, nb_text = render(solution)
        for path, text in ((exercise, py_text), (exercise.with_suffix(".ipynb"), nb_text)):
            expected_names.add(path.name)
            current = path.read_text() if path.exists() else None
            if current != text:
                stale.append(path)
                if not args.check:
                    path.write_text(text)
    orphans = [p for p in sorted((ROOT / "exercises").glob("[0-9p]*.*"))
               if p.name not in expected_names]
    rel = [str(p.relative_to(ROOT)) for p in stale]
    if args.check:
        if stale or orphans:
            for p in rel:
                print(f"stale: {p} (run `make exercises`)")
            for p in orphans:
                print(f"orphan: {p.relative_to(ROOT)} has no solution")
            return 1
        print(f"exercises up to date ({len(expected_names)} files)")
        return 0
    for p in rel:
        print(f"wrote {p}")
    print(f"{len(targets())} exercise(s) generated from solutions/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
