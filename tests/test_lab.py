"""`make lab` starts JupyterLab with the course kernel (headless, loopback only)."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_lab_serves_the_course_kernel(tmp_path):
    port, token = _free_port(), "course-test-token"
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_ARGS={args}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, specs = time.monotonic() + 90, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/api/kernelspecs?token={token}",
                                            timeout=5) as resp:
                    specs = json.load(resp)
                break
            except OSError:
                time.sleep(0.5)
        assert specs is not None, "JupyterLab did not answer on the loopback port"
        assert "causal-course" in specs["kernelspecs"]
        assert specs["kernelspecs"]["causal-course"]["spec"]["display_name"] == \
            "Python (causal course)"
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as resp:
            assert resp.status == 200
            assert b"JupyterLab" in resp.read()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
