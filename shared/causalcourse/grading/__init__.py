"""Grading: run student notebooks in fresh kernels and apply hidden checks.

The engine ships with the package; the hidden checks (one module per
exercise, under the instructor's ``tests/hidden/``) do not.

Entry point: ``python -m causalcourse.grading SUBMISSIONS --out OUT`` (what
``make grade`` runs).
"""

from causalcourse.grading.spec import (
    STATUSES,
    Call,
    CheckFailed,
    Question,
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
