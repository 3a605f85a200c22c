"""The Examples sections of the package's docstrings run and are right."""

import doctest
import importlib
import pkgutil

import pytest

import causalcourse

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(causalcourse.__path__, "causalcourse.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
