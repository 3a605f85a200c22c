"""Maintainer commands for the paired notebooks: sync, execute, check, bench.

The percent-format ``.py`` file is the source of truth; the ``.ipynb`` beside
it carries stored outputs.

    python -m tools.notebooks sync [PATH ...]      # .py -> .ipynb sources, outputs kept
    python -m tools.notebooks execute [PATH ...]   # re-execute, store outputs
    python -m tools.notebooks check-sync           # fail if a pair disagrees
    python -m tools.notebooks bench [PATH ...]     # wall time and slowest cell
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
EXECUTED_DIRS = ("lectures", "solutions")
PAIRED_DIRS = ("lectures", "solutions", "exercises")
#: Environment every executed notebook gets (also set by the Makefile and the
#: root conftest.py for nbval): fixed hash seed, one BLAS/OpenMP thread.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "MKL_NUM_THREADS": "1"}
KERNELSPEC = {"display_name": "Python (causal course)", "language": "python",
              "name": "causal-course"}


def sources(dirs=PAIRED_DIRS) -> list[Path]:
    """All percent-format sources in ``dirs``, sorted."""
    return sorted(p for d in dirs for p in (ROOT / d).glob("[0-9p]*.py"))


def _resolve(paths: list[str], dirs=EXECUTED_DIRS) -> list[Path]:
    if not paths:
        return sources(dirs)
    out = []
    for p in paths:
        path = Path(p).resolve()
        if path.suffix == ".ipynb":
            path = path.with_suffix(".py")
        if not path.is_file():
            raise SystemExit(f"no such notebook source: {p}")
        out.append(path)
    return out


def _clean_metadata(nb) -> None:
    """Keep only metadata that depends on the code, not on tool versions."""
    nb.metadata = nbformat.NotebookNode(
        {
            "jupytext": {"formats": "ipynb,py:percent"},
            "kernelspec": dict(KERNELSPEC),
            "language_info": {"name": "python"},
        }
    )
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.metadata.pop("collapsed", None)
            cell.metadata.pop("scrolled", None)


def _cell_ids(nb, stem: str) -> None:
    """Deterministic cell ids, so re-running does not churn the diff."""
    for i, cell in enumerate(nb.cells):
        cell.id = f"{stem[:20].replace('_', '-')}-{i:03d}"


def notebook_from_source(source: Path):
    """Read the .py source and carry over stored outputs from the .ipynb if sources match."""
    nb = jupytext.read(source, fmt="py:percent")
    _clean_metadata(nb)
    _cell_ids(nb, source.stem)
    return nb


def write_ipynb(nb, target: Path) -> None:
    _clean_metadata(nb)
    nbformat.validate(nb)
    target.write_text(nbformat.writes(nb) + "\n")


def sync(paths: list[str]) -> None:
    """Rewrite each .ipynb's sources from its .py, keeping outputs of unchanged cells."""
    for source in _resolve(paths, PAIRED_DIRS):
        target = source.with_suffix(".ipynb")
        nb = notebook_from_source(source)
        if target.exists():
            old = nbformat.read(target, as_version=4)
            stored = {c.source: c for c in old.cells if c.cell_type == "code"}
            for cell in nb.cells:
                if cell.cell_type == "code" and cell.source in stored:
                    cell.outputs = stored[cell.source].get("outputs", [])
                    cell.execution_count = stored[cell.source].get("execution_count")
        write_ipynb(nb, target)
        print(f"synced {target.relative_to(ROOT)}")


def execute_notebook(source: Path, *, timeout: int = 600):
    """Execute the notebook built from ``source``; return (nb, per-cell seconds)."""
    from nbclient import NotebookClient

    for name, value in KERNEL_ENV.items():
        os.environ.setdefault(name, value)
    nb = notebook_from_source(source)
    timings: dict[int, float] = {}
    starts: dict[int, float] = {}

    def on_start(cell, cell_index):
        starts[cell_index] = time.perf_counter()

    def on_done(cell, cell_index, execute_reply):
        timings[cell_index] = time.perf_counter() - starts[cell_index]

    client = NotebookClient(
        nb, kernel_name="python3", timeout=timeout, record_timing=False,
        resources={"metadata": {"path": str(source.parent)}},
        on_cell_execute=on_start, on_cell_executed=on_done,
    )
    client.execute()
    return nb, timings


def execute(paths: list[str]) -> None:
    for source in _resolve(paths):
        start = time.perf_counter()
        nb, _ = execute_notebook(source)
        write_ipynb(nb, source.with_suffix(".ipynb"))
        print(f"executed {source.relative_to(ROOT)} in {time.perf_counter() - start:.1f} s")


def check_sync() -> int:
    """Return the number of pairs whose cell sources disagree (and say which)."""
    bad = 0
    for source in sources():
        target = source.with_suffix(".ipynb")
        rel = source.relative_to(ROOT)
        if not target.exists():
            print(f"missing pair: {rel.with_suffix('.ipynb')}")
            bad += 1
            continue
        a = [(c.cell_type, c.source) for c in jupytext.read(source, fmt="py:percent").cells]
        b = [(c.cell_type, c.source) for c in nbformat.read(target, as_version=4).cells]
        if a != b:
            first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                         min(len(a), len(b)))
            print(f"out of sync: {rel} vs .ipynb (first differing cell {first + 1}); "
                  f"run `make sync` then `make execute NB={rel.with_suffix('.ipynb')}`")
            bad += 1
    for target in sorted(p for d in PAIRED_DIRS for p in (ROOT / d).glob("*.ipynb")):
        if not target.with_suffix(".py").exists():
            print(f"missing pair: {target.relative_to(ROOT).with_suffix('.py')}")
            bad += 1
    return bad


def bench(paths: list[str]) -> None:
    rows = []
    for source in _resolve(paths):
        start = time.perf_counter()
        nb, timings = execute_notebook(source)
        wall = time.perf_counter() - start
        slow_index = max(timings, key=timings.get)
        rows.append((str(source.relative_to(ROOT).with_suffix(".ipynb")), wall,
                     timings[slow_index], slow_index + 1, sum(timings.values())))
    width = max(len(r[0]) for r in rows)
    print(f"{'notebook':<{width}}  {'wall s':>7}  {'cells s':>7}  {'slowest cell':>16}")
    for name, wall, slow, index, total in rows:
        print(f"{name:<{width}}  {wall:7.1f}  {total:7.1f}  {slow:9.1f} (#{index:>3})")
    print("wall = kernel start + all cells; cells = sum of cell times; #N counts all cells")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("sync", "execute", "bench"):
        p = sub.add_parser(name)
        p.add_argument("paths", nargs="*")
    sub.add_parser("check-sync")
    args = parser.parse_args(argv)
    if args.command == "sync":
        sync(args.paths)
    elif args.command == "execute":
        execute(args.paths)
    elif args.command == "bench":
        bench(args.paths)
    elif args.command == "check-sync":
        bad = check_sync()
        if bad:
            return 1
        print(f"all {len(sources())} notebook pairs in sync")
    return 0


if __name__ == "__main__":
    sys.exit(main())
