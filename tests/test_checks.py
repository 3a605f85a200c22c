"""Public exercise checks: pass quietly on good answers, hint on bad ones."""

import numpy as np
import pytest

from causalcourse import checks


def test_is_number(capsys):
    checks.is_number(1.5, "x")
    checks.is_number(np.float64(2.0), "x")
    assert "[ok]" in capsys.readouterr().out
    for bad in (True, "1.0", [1.0], np.array([1.0]), None):
        with pytest.raises(checks.CheckError, match="single number"):
            checks.is_number(bad, "x")
    with pytest.raises(checks.CheckError, match="finite"):
        checks.is_number(float("nan"), "x")


def test_is_choice():
    checks.is_choice("b", "abcd", "q")
    with pytest.raises(checks.CheckError, match="one of"):
        checks.is_choice("B", "abcd", "q")


def test_is_close_and_hint():
    checks.is_close(4.0 + 1e-9, 4.0, "est")
    with pytest.raises(checks.CheckError, match="worked example"):
        checks.is_close(4.1, 4.0, "est")
    with pytest.raises(checks.CheckError, match="my hint"):
        checks.hint(False, "my hint")


def test_raises():
    def bad(x):
        raise ValueError("no")

    checks.raises(bad, ValueError, 1)
    with pytest.raises(checks.CheckError, match="returned normally"):
        checks.raises(lambda: 1, ValueError)
    with pytest.raises(checks.CheckError, match="raised TypeError"):
        checks.raises(lambda: 1 + "a", ValueError)


def test_check_error_is_an_assertion_error():
    assert issubclass(checks.CheckError, AssertionError)
