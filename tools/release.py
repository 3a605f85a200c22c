"""Build the student bundle: lectures, exercises, the package, environment files.

Left out on purpose: ``solutions/``, ``tests/`` (the hidden checks live
there) and the maintainer tools. A test builds the bundle and checks that no
solution line or hidden-check text is inside.

    python -m tools.release --out release/      # what `make release` runs
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ["pyproject.toml", "requirements.in", "requirements-lock.txt", "environment.yml",
         "jupytext.toml"]
DIRS = ["lectures", "exercises", "shared"]
EXTRA = {  # bundle path -> source
    "README.md": ROOT / "tools" / "release_files" / "README.md",
    "Makefile": ROOT / "tools" / "release_files" / "Makefile",
    "tools/ensure_graphviz.sh": ROOT / "tools" / "ensure_graphviz.sh",
}
IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints", "*.pyc")


def build(out: Path) -> list[Path]:
    """Write the bundle to ``out`` (replacing it) and return the files written."""
    out = out.resolve()
    if out == ROOT or ROOT.is_relative_to(out):
        raise SystemExit(f"refusing to write the bundle over the repository: {out}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in FILES:
        shutil.copy2(ROOT / name, out / name)
    for name in DIRS:
        shutil.copytree(ROOT / name, out / name, ignore=IGNORE)
    for name, source in EXTRA.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, out / name)
    return sorted(p for p in out.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.release")
    parser.add_argument("--out", type=Path, default=ROOT / "release")
    args = parser.parse_args(argv)
    files = build(args.out)
    print(f"student bundle: {len(files)} files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
