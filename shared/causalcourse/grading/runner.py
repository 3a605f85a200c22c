"""Grade one submission: execute it in a fresh kernel, harvest, apply checks.

Run as ``python -m causalcourse.grading.runner`` by the gradebook, one process
per submission, so nothing a notebook does (an endless loop, ``os._exit``,
unbounded allocation) can take the gradebook down with it.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import math
import pickle
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import nbformat
import numpy as np
import pandas as pd

from causalcourse.grading.spec import (
    STATUSES,
    CheckFailed,
    Question,
    Raised,
    TimedOut,
    Unsupported,
)

__all__ = ["load_spec", "read_submission", "grade_submission", "SubmissionError"]


class SubmissionError(Exception):
    """The submission file cannot be read as a notebook; ``str`` says why."""


def load_spec(path: str | Path) -> ModuleType:
    """Import a hidden-check module from its file path and validate it."""
    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"hidden_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load hidden checks from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    questions = getattr(module, "QUESTIONS", None)
    if not questions or not all(isinstance(q, Question) for q in questions):
        raise ValueError(f"{path} must define QUESTIONS, a non-empty list of Question")
    ids = [q.qid for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: duplicate question ids {ids}")
    return module


def read_submission(path: str | Path) -> nbformat.NotebookNode:
    """Read a ``.ipynb`` (or jupytext ``.py``) submission, or raise SubmissionError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise SubmissionError(f"cannot read {path.name}: {err.strerror}") from None
    if path.suffix == ".py":
        import jupytext

        try:
            return jupytext.reads(raw.decode("utf-8"), fmt="py:percent")
        except Exception as err:  # noqa: BLE001
            raise SubmissionError(
                f"{path.name} is not a readable percent-format script: {err}"
            ) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SubmissionError(f"{path.name} is not valid JSON, so not a notebook ({err})") from None
    if not isinstance(data, dict) or "cells" not in data:
        raise SubmissionError(f"{path.name} is JSON but not a notebook (no 'cells' list)")
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # noqa: BLE001
        raise SubmissionError(f"{path.name} is not a valid notebook: {str(err)[:200]}") from None
    return nb


# ---------------------------------------------------------------- execution


def _cell_error(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename', 'Error')}: {str(out.get('evalue', ''))[:160]}"
    return None


def _limit_memory(client, mem_mb: int) -> None:
    """Cap the kernel's address space so runaway allocation raises MemoryError."""
    import psutil

    pid = getattr(client.km.provisioner, "pid", None)
    if pid is None or mem_mb <= 0:
        return
    limit = mem_mb * 1024 * 1024
    psutil.Process(pid).rlimit(psutil.RLIMIT_AS, (limit, limit))


def _interrupt_and_probe(client, nb, seconds: int = 10) -> bool:
    """Interrupt a timed-out cell; True if the kernel answers again afterwards."""
    from jupyter_core.utils import run_sync
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        run_sync(client.km.interrupt_kernel)()  # the manager is asynchronous
    except Exception:  # noqa: BLE001
        return False
    probe = nbformat.v4.new_code_cell("pass")
    nb.cells.append(probe)
    saved, client.timeout = client.timeout, seconds
    try:
        client.execute_cell(probe, len(nb.cells) - 1)
        return True
    except (CellTimeoutError, DeadKernelError):
        return False
    finally:
        client.timeout = saved
        nb.cells.remove(probe)


def _run_once(nb, skip, *, workdir, cell_timeout, mem_mb, harvest_source,
              harvest_timeout):
    """Execute the code cells (except ``skip``) then the harvest cell in one kernel.

    Returns (cell_log, died_at, harvest_ok). ``died_at`` is the index of the
    cell during which the kernel died, or None.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = copy.deepcopy(nb)  # each attempt appends its own harvest cell
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=cell_timeout,
        allow_errors=True,
        interrupt_on_timeout=False,
        record_timing=False,
        startup_timeout=120,
        resources={"metadata": {"path": str(workdir)}},
    )
    log: dict[int, dict] = {}
    stuck = False
    with client.setup_kernel(cwd=str(workdir)):
        _limit_memory(client, mem_mb)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or index in skip:
                continue
            if stuck:
                log[index] = {"status": "not run",
                              "detail": "an earlier cell kept the kernel busy"}
                continue
            start = time.monotonic()
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                log[index] = {"status": "timeout", "detail": f"cell ran over {cell_timeout} s"}
                stuck = not _interrupt_and_probe(client, nb)
                continue
            except DeadKernelError:
                log[index] = {"status": "died", "detail": "the kernel died (os._exit or killed)"}
                return log, index, False
            error = _cell_error(cell)
            log[index] = {
                "status": "error" if error else "ok",
                "detail": error or "",
                "seconds": round(time.monotonic() - start, 2),
            }
            cell.outputs = []  # outputs are not graded; keep memory flat
        if stuck:
            return log, None, False
        client.timeout = harvest_timeout
        harvest_cell = nbformat.v4.new_code_cell(harvest_source)
        nb.cells.append(harvest_cell)
        try:
            client.execute_cell(harvest_cell, len(nb.cells) - 1)
        except DeadKernelError:
            return log, None, False
        except CellTimeoutError:
            return log, None, False
        harvest_error = _cell_error(harvest_cell)
        if harvest_error:
            log[-1] = {"status": "error",
                       "detail": f"answers could not be collected: {harvest_error}"}
            return log, None, False
    return log, None, True


def _decode(tagged):
    t, v = tagged.get("t"), tagged.get("v")
    if t in ("float",):
        return float(v) if not isinstance(v, str) else float(v)
    if t == "int":
        return int(v)
    if t == "bool":
        return bool(v)
    if t == "str":
        return str(v)
    if t == "none":
        return None
    if t == "list":
        return [_decode(x) for x in v]
    if t == "tuple":
        return tuple(_decode(x) for x in v)
    if t == "dict":
        return {k: _decode(x) for k, x in v.items()}
    if t == "ndarray":
        return np.array([float(x) for x in v]).reshape(tagged["shape"])
    if t == "series":
        return pd.Series([float(x) for x in v], index=tagged["index"], name=tagged["name"])
    if t == "frame":
        return pd.DataFrame({k: _decode(x) for k, x in v.items()}, index=tagged["index"])
    if t == "raised":
        return Raised(str(v), str(tagged.get("m", "")))
    if t == "timeout":
        return TimedOut(float(v))
    return Unsupported(str(v))


HARVEST_TEMPLATE = """\
from IPython import get_ipython as _cc_get_ipython
import causalcourse.grading._harvest as _cc_harvest
_cc_harvest.harvest(_cc_get_ipython().user_ns, {names!r}, {calls!r}, {out!r}, {seconds!r})
"""


def _first_problem(log: dict) -> str:
    for index in sorted(k for k in log if k >= 0):
        entry = log[index]
        if entry["status"] != "ok":
            return f"cell {index + 1}: {entry['status']}" + (
                f" ({entry['detail']})" if entry.get("detail") else ""
            )
    return ""


def grade_submission(
    notebook_path: str | Path,
    spec_path: str | Path,
    *,
    cell_timeout: int = 60,
    call_timeout: float = 20.0,
    mem_mb: int = 4096,
) -> dict:
    """Grade one notebook against one hidden-check module.

    Returns
    -------
    dict
        ``{"exercise", "file", "questions": [{qid, points, max_points, status,
        feedback}], "cells": {...}, "seconds"}``. Never raises for problems of
        the submission itself; they become statuses.
    """
    started = time.monotonic()
    module = load_spec(spec_path)
    questions: list[Question] = module.QUESTIONS
    result = {"exercise": getattr(module, "EXERCISE", Path(spec_path).stem),
              "file": Path(notebook_path).name, "questions": [], "cells": {}}

    def finish(rows):
        result["questions"] = rows
        result["seconds"] = round(time.monotonic() - started, 2)
        return result

    try:
        nb = read_submission(notebook_path)
    except SubmissionError as err:
        return finish([_row(q, "error", str(err)) for q in questions])

    names = sorted({n for q in questions for n in q.answers})
    planned = {}
    for q in questions:
        for name, make_calls in q.calls.items():
            planned[name] = make_calls()

    n_calls = sum(len(v) for v in planned.values())
    with tempfile.TemporaryDirectory(prefix="cc-grade-") as private, \
            tempfile.TemporaryDirectory(prefix="cc-run-") as workdir:
        calls_path = Path(private) / "calls.pkl"
        out_path = Path(private) / "answers.json"
        calls_path.write_bytes(pickle.dumps(planned))
        harvest_source = HARVEST_TEMPLATE.format(
            names=names, calls=str(calls_path), out=str(out_path), seconds=call_timeout
        )
        skip: set[int] = set()
        log: dict = {}
        harvested = False
        for _attempt in range(4):
            attempt_log, died_at, harvested = _run_once(
                nb, skip, workdir=workdir, cell_timeout=cell_timeout, mem_mb=mem_mb,
                harvest_source=harvest_source,
                harvest_timeout=int(cell_timeout + 30 + call_timeout * n_calls),
            )
            for k, v in attempt_log.items():
                if k not in log or log[k]["status"] in ("ok", "not run"):
                    log[k] = v
            if died_at is None:
                break
            # Re-run without the cell that killed the kernel, so answers
            # computed elsewhere in the notebook still count.
            skip.add(died_at)
        answers = json.loads(out_path.read_text()) if harvested and out_path.exists() else None

    result["cells"] = {str(k + 1): v for k, v in sorted(log.items()) if v["status"] != "ok"}
    problem = _first_problem(log)
    statuses = [v["status"] for v in log.values()]
    if answers is None:
        status = "timeout" if "timeout" in statuses or "not run" in statuses else "error"
        why = problem or (log.get(-1, {}).get("detail") or "the answers could not be collected")
        return finish([_row(q, status, f"notebook did not finish: {why}") for q in questions])

    values = {k: _decode(v) for k, v in answers["values"].items()}
    absent = {k for k, v in answers["values"].items() if v.get("t") == "absent"}
    call_results = {k: [_decode(r) for r in v] for k, v in answers["calls"].items()}

    rows = []
    for q in questions:
        missing = [n for n in q.answers if n in absent]
        if missing:
            status = "missing"
            if "died" in statuses:
                status = "error"
            elif "timeout" in statuses:
                status = "timeout"
            detail = f"; first problem at {problem}" if problem else ""
            rows.append(_row(q, status, f"not defined: {', '.join(missing)}{detail}"))
            continue
        not_callable = [n for n in q.calls if n not in call_results]
        if not_callable:
            rows.append(_row(q, "fail", f"{', '.join(not_callable)} should be a function"))
            continue
        try:
            message = q.check({n: values.get(n) for n in q.answers},
                              {n: call_results.get(n, []) for n in q.calls})
            rows.append(_row(q, "pass", message or "correct"))
        except CheckFailed as err:
            rows.append(_row(q, err.status, str(err)))
        except Exception as err:  # noqa: BLE001 - never show check internals
            rows.append(_row(q, "error", f"the answer could not be checked ({type(err).__name__})"))
    return finish(rows)


def _row(q: Question, status: str, feedback: str) -> dict:
    assert status in STATUSES
    points = float(q.points) if status == "pass" else 0.0
    if not math.isfinite(points):
        points = 0.0
    return {"qid": q.qid, "title": q.title, "points": points, "max_points": float(q.points),
            "status": status, "feedback": feedback}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grade one notebook (used by the gradebook).")
    parser.add_argument("notebook")
    parser.add_argument("spec")
    parser.add_argument("out")
    parser.add_argument("--cell-timeout", type=int, default=60)
    parser.add_argument("--call-timeout", type=float, default=20.0)
    parser.add_argument("--mem-mb", type=int, default=4096)
    args = parser.parse_args(argv)
    result = grade_submission(args.notebook, args.spec, cell_timeout=args.cell_timeout,
                              call_timeout=args.call_timeout, mem_mb=args.mem_mb)
    Path(args.out).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
