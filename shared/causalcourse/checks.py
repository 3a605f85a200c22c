"""Public feedback for exercise notebooks.

A check either prints a short confirmation or raises :class:`CheckError`
(an ``AssertionError``) with a hint. Public checks test the *form* of an
answer, internal consistency, and toy examples whose answers are worked out
in the prompt; they never contain the exercise's reference values. The
instructor's hidden checks (not shipped to students) grade the values.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

__all__ = ["CheckError", "is_number", "is_choice", "is_close", "hint", "raises", "passed"]


class CheckError(AssertionError):
    """Raised by a public check that did not pass; the message is the hint."""


def passed(message: str) -> None:
    """Print a one-line confirmation."""
    print(f"[ok] {message}")


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_number(value, name: str, *, finite: bool = True) -> None:
    """Check that ``value`` is a single real number (not a bool, array or Series).

    Raises
    ------
    CheckError
        With a hint about what type was found instead.
    """
    if not _is_real(value):
        extra = ""
        if hasattr(value, "shape") or isinstance(value, list | tuple):
            extra = " (it looks like a collection: reduce it to one number, e.g. with .mean())"
        raise CheckError(f"{name} should be a single number, got {type(value).__name__}{extra}")
    if finite and not math.isfinite(float(value)):
        raise CheckError(f"{name} is {value}; expected a finite number")
    passed(f"{name} is a number")


def is_choice(value, options: Iterable[str], name: str) -> None:
    """Check that ``value`` is one of the allowed answer strings (case-sensitive)."""
    options = list(options)
    if not isinstance(value, str) or value not in options:
        raise CheckError(f"{name} should be one of {options} (a string), got {value!r}")
    passed(f"{name} has the right format (graded by the instructor's checks)")


def is_close(value, expected: float, name: str, *, tol: float = 1e-6) -> None:
    """Check a number against a value worked out in the exercise's prompt."""
    if not _is_real(value):
        raise CheckError(f"{name} should be a number, got {type(value).__name__}")
    if not math.isclose(float(value), expected, rel_tol=tol, abs_tol=tol):
        raise CheckError(
            f"{name} = {float(value):.6g}, but the worked example gives {expected:.6g}"
        )
    passed(f"{name} matches the worked example")


def hint(condition: bool, message: str) -> None:
    """Raise ``CheckError(message)`` unless ``condition`` holds."""
    if not bool(condition):
        raise CheckError(message)


def raises(func: Callable, exception: type[BaseException], *args, name: str = "", **kwargs) -> None:
    """Check that ``func(*args, **kwargs)`` raises ``exception``."""
    label = name or getattr(func, "__name__", "the function")
    try:
        func(*args, **kwargs)
    except exception:
        passed(f"{label} raises {exception.__name__} as asked")
        return
    except Exception as err:  # noqa: BLE001 - report what happened instead
        raise CheckError(
            f"{label} raised {type(err).__name__}, expected {exception.__name__}"
        ) from None
    raise CheckError(f"{label} returned normally, expected it to raise {exception.__name__}")
