"""The pinned environment: lock, environment.yml and the running venv agree."""

import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tools.lock import ENV_YML, LOCK, read_env_pins, read_lock

ROOT = Path(__file__).resolve().parents[1]


def _top_level():
    reqs = []
    for line in (ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            reqs.append(Requirement(line))
    return reqs


def test_environment_yml_pins_equal_the_lock():
    lock, env = read_lock(LOCK), read_env_pins(ENV_YML)
    assert lock, "requirements-lock.txt has no pins"
    only_lock = sorted(set(lock) - set(env))
    only_env = sorted(set(env) - set(lock))
    differ = sorted(k for k in set(lock) & set(env) if lock[k] != env[k])
    assert not (only_lock or only_env or differ), (
        f"environment.yml and requirements-lock.txt disagree: only in lock {only_lock}, "
        f"only in environment.yml {only_env}, different versions {differ}; run `make lock`")


def test_environment_yml_python_and_graphviz():
    text = ENV_YML.read_text()
    assert "- python=3.11" in text
    assert "- graphviz" in text
    assert "- -e ." in text


def test_every_top_level_requirement_is_pinned_and_satisfied():
    lock = read_lock(LOCK)
    for req in _top_level():
        name = req.name.lower()
        assert name in lock, f"{req.name} is in requirements.in but not in the lock"
        assert req.specifier.contains(lock[name], prereleases=True), (
            f"lock pins {req.name}=={lock[name]}, outside requirements.in's {req.specifier}")


def test_lock_pins_are_exact():
    for line in LOCK.read_text().splitlines():
        entry = line.split("#", 1)[0].split(";", 1)[0].strip()
        if entry:
            assert "==" in entry and not any(op in entry for op in (">", "<", "~", "!")), entry


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
                    reason="only meaningful inside the course's .venv")
def test_running_environment_matches_the_lock():
    wrong = {}
    for name, version in read_lock(LOCK).items():
        if name.startswith("nvidia-") and sys.platform != "linux":
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (installed, version)
    assert not wrong, f"installed vs locked: {wrong}; run `make setup`"


@pytest.mark.xfail(strict=True, raises=TypeError, reason=(
    "causalml 0.15.5's compiled causal/uplift trees were built against an older "
    "scikit-learn and fail to load with the locked scikit-learn 1.9 "
    "('DEFAULT_SEED has wrong signature'). Lecture 06 uses EconML's forests "
    "instead. When a re-lock fixes this, this test XPASSes and fails: delete it."))
def test_causalml_trees_load():
    import causalml.inference.tree  # noqa: F401


def test_causalml_meta_learners_load():
    from causalml.inference.meta import BaseTRegressor

    assert BaseTRegressor is not None
