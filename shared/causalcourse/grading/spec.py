"""The vocabulary of hidden checks: questions, harvested values, expectations.

A hidden-check module (``tests/hidden/<NN_slug>.py``) defines ``EXERCISE``
(the notebook stem) and ``QUESTIONS``, a list of :class:`Question`. Each
question names the variables it reads from the student's kernel
(``answers``), optionally function calls to make there (``calls``), and a
``check`` run in the grader's own process on what came back.

Values cross from the student's kernel as type-tagged JSON: only plain
numbers, strings, booleans, lists, tuples, dicts, NumPy arrays and pandas
objects come back as themselves. Anything else arrives as
:class:`Unsupported`, so an object whose ``__eq__`` always says True cannot
pass a check.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "STATUSES",
    "Call",
    "CheckFailed",
    "Question",
    "Raised",
    "TimedOut",
    "Unsupported",
    "expect_bool",
    "expect_choice",
    "expect_close",
    "expect_float",
    "expect_raises",
    "expect_tuple",
]

#: Every status a graded question can have.
STATUSES = ("pass", "fail", "error", "timeout", "missing")


@dataclass(frozen=True)
class Call:
    """One call of a student's function: ``func(*args, **kwargs)`` in their kernel."""

    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """A graded question.

    Parameters
    ----------
    qid : str
        Short identifier shown in the gradebook (``q1``, ``q2`` ...).
    points : float
        Points for a pass; all or nothing.
    answers : tuple of str
        Names the student's notebook must define.
    check : callable
        ``check(values, calls)`` where ``values`` maps each answer name to the
        harvested value and ``calls`` maps each called name to a list of
        results (one per :class:`Call`). Returns a short success message or
        raises :class:`CheckFailed`.
    calls : mapping of str -> callable returning list of Call, optional
        Functions of the student's to call, with the inputs to call them on.
        Inputs are built in the grader (fresh simulator seeds).
    title : str
        What the question asks, for feedback.
    """

    qid: str
    points: float
    answers: tuple[str, ...]
    check: Callable[[dict, dict], str]
    calls: Mapping[str, Callable[[], list[Call]]] = field(default_factory=dict)
    title: str = ""


class CheckFailed(Exception):
    """A hidden check did not pass. ``str(err)`` is shown to the student.

    ``status`` is ``"fail"`` for a wrong answer, ``"error"`` when the student's
    code raised, ``"timeout"`` when it ran out of time.
    """

    def __init__(self, message: str, status: str = "fail"):
        super().__init__(message)
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        self.status = status


@dataclass(frozen=True)
class Unsupported:
    """A harvested object of a type the checks do not accept."""

    type_name: str


@dataclass(frozen=True)
class Raised:
    """A student's function raised ``exception`` (its class name) with ``message``."""

    exception: str
    message: str


@dataclass(frozen=True)
class TimedOut:
    """A student's function did not return within the time limit."""

    seconds: float


def _describe(value) -> str:
    if isinstance(value, Unsupported):
        return f"an object of type {value.type_name}"
    return f"a {type(value).__name__}"


def _reject_special(value, name: str) -> None:
    if isinstance(value, Raised):
        raise CheckFailed(f"{name} raised {value.exception}: {value.message}", status="error")
    if isinstance(value, TimedOut):
        raise CheckFailed(f"{name} did not finish within {value.seconds:g} s", status="timeout")


def expect_float(value, name: str, *, finite: bool = True) -> float:
    """Return ``value`` as a float if it is a real number (not bool), else fail."""
    _reject_special(value, name)
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise CheckFailed(f"{name} should be a number, got {_describe(value)}")
    out = float(value)
    if finite and not math.isfinite(out):
        raise CheckFailed(f"{name} should be a finite number, got {out}")
    return out


def expect_bool(value, name: str) -> bool:
    """Return ``value`` if it is a bool (Python or NumPy), else fail."""
    _reject_special(value, name)
    if not isinstance(value, bool):
        raise CheckFailed(f"{name} should be True or False, got {_describe(value)}")
    return value


def expect_close(
    value, expected: float, name: str, *, rel: float = 1e-6, abs_: float = 1e-6
) -> float:
    """Fail unless ``value`` is a number within tolerance of ``expected``.

    The feedback says the value is off, never what the reference is.
    """
    got = expect_float(value, name)
    if not math.isclose(got, expected, rel_tol=rel, abs_tol=abs_):
        raise CheckFailed(f"{name} = {got:.6g} does not match the reference value")
    return got


def expect_choice(value, options: Sequence[str], correct: str, name: str) -> str:
    """Fail unless ``value`` is one of ``options`` and equals ``correct``."""
    _reject_special(value, name)
    if type(value) is not str or value not in options:
        raise CheckFailed(f"{name} should be one of {list(options)}, got {_describe(value)}")
    if value != correct:
        raise CheckFailed(f"{name} = {value!r} is not the expected choice")
    return value


def expect_tuple(value, length: int, name: str) -> tuple:
    """Return ``value`` if it is a tuple (or list) of ``length`` items, else fail."""
    _reject_special(value, name)
    if not isinstance(value, tuple | list) or len(value) != length:
        raise CheckFailed(f"{name} should be a tuple of {length} values, got {_describe(value)}")
    return tuple(value)


def expect_raises(value, exception: str, name: str) -> None:
    """Fail unless the call's result is a :class:`Raised` of ``exception``."""
    if isinstance(value, TimedOut):
        raise CheckFailed(f"{name} did not finish within {value.seconds:g} s", status="timeout")
    if not isinstance(value, Raised):
        raise CheckFailed(f"{name} should raise {exception} here, but it returned a value")
    if value.exception != exception:
        raise CheckFailed(f"{name} should raise {exception} here, but raised {value.exception}")
