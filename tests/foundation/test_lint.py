"""`make lint` is part of the suite: the pinned ruff (uv.lock) finds nothing in the project's code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from orchestration.settings import PROJECT_DIR


def test_ruff_finds_nothing() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    proc = subprocess.run([str(ruff), "check", "orchestration", "expectations", "tests", "benchmarks"],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
