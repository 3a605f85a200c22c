"""Setup scripts: the Graphviz check and `make help`."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_missing_dot_gives_a_message_naming_what_to_install(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "id", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "COURSE_NO_INSTALL": "1", "HOME": str(tmp_path)}
    result = subprocess.run([str(bin_dir / "bash"), str(ROOT / "tools" / "ensure_graphviz.sh")],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Graphviz program 'dot' is required" in result.stderr
    assert "apt-get install graphviz" in result.stderr


def test_present_dot_passes():
    result = subprocess.run(["bash", str(ROOT / "tools" / "ensure_graphviz.sh")],
                            env={**os.environ, "COURSE_NO_INSTALL": "1"})
    assert result.returncode == 0


def test_make_help_lists_every_target_of_the_makefile():
    out = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    listed = {line.split()[1] for line in out.splitlines() if line.startswith("  make ")}
    text = (ROOT / "Makefile").read_text()
    phony = set(next(ln for ln in text.splitlines() if ln.startswith(".PHONY:")).split()[1:])
    assert phony == listed, f"make help and .PHONY disagree: {phony ^ listed}"
    for target in ("setup", "lab", "test", "execute", "sync", "exercises", "grade",
                   "release", "lint", "lock", "clean", "bench"):
        assert target in listed
