"""The student bundle contains what students need and nothing they must not see."""

import re
from pathlib import Path

import pytest

from tools import exercises, release

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "bundle"
    release.build(out)
    return out


def _texts(bundle: Path) -> dict[Path, str]:
    texts = {}
    for path in bundle.rglob("*"):
        if path.is_file():
            texts[path] = path.read_text(errors="replace")
    return texts


def test_bundle_has_the_course(bundle):
    for rel in ("README.md", "Makefile", "environment.yml", "requirements-lock.txt",
                "pyproject.toml", "shared/causalcourse/__init__.py",
                "tools/ensure_graphviz.sh"):
        assert (bundle / rel).is_file(), rel
    for stem in (p.stem for p in (ROOT / "lectures").glob("[0-9]*.py")):
        assert (bundle / "lectures" / f"{stem}.ipynb").is_file()
    for stem in (p.stem for p in (ROOT / "solutions").glob("[0-9p]*.py")):
        assert (bundle / "exercises" / f"{stem}.ipynb").is_file()
        assert (bundle / "exercises" / f"{stem}.py").is_file()


def test_bundle_has_no_solutions_or_hidden_checks(bundle):
    assert not (bundle / "solutions").exists()
    assert not (bundle / "tests").exists()
    texts = _texts(bundle)
    for path, text in texts.items():
        assert exercises.BEGIN not in text, f"solution marker in {path}"
    # A line that is also in the lectures or the package source is public course
    # material (e.g. the Neyman formula the lecture derives), not a leak.
    public = "\n".join(p.read_text() for p in [*(ROOT / "lectures").glob("*.py"),
                                                *(ROOT / "shared").rglob("*.py")])
    solution_lines = set()
    for sol in (ROOT / "solutions").glob("[0-9p]*.py"):
        for region in exercises.solution_regions(sol.read_text()):
            solution_lines |= {ln.strip() for ln in region
                               if len(re.sub(r"\W", "", ln)) >= 3
                               and not ln.strip().startswith("#")}
    # Hidden checks rebuild the exercise's own setup (same seeds, same
    # candidate lists); lines the exercise itself shows are not secrets.
    exercise_text = "\n".join(p.read_text() for p in (ROOT / "exercises").glob("*.py"))
    hidden_lines = set()
    for hidden in (ROOT / "tests" / "hidden").glob("*.py"):
        hidden_lines |= {ln.strip() for ln in hidden.read_text().splitlines()
                         if len(ln.strip()) > 25
                         and not ln.strip().startswith(("from ", "import ", "#"))}
    secret = {s for s in solution_lines if s not in public} | {
        s for s in hidden_lines if s not in public and s not in exercise_text}
    assert secret
    joined = "\n".join(texts.values())
    leaked = sorted(s for s in secret if s in joined)
    assert not leaked, f"bundle leaks: {leaked[:5]}"


def test_refuses_to_overwrite_the_repository():
    with pytest.raises(SystemExit, match="refusing"):
        release.build(ROOT)


def test_student_makefile_offers_setup_and_lab(bundle):
    import subprocess

    out = subprocess.run(["make", "--no-print-directory", "-C", str(bundle), "help"],
                         capture_output=True, text=True, check=True).stdout
    assert "make setup" in out and "make lab" in out
    readme = (bundle / "README.md").read_text()
    assert "make lab" in readme and "Restart" in readme
