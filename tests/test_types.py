"""The package's annotations check: `python -m mypy painkg` passes (setup.cfg's [mypy] section configures it).

painkg ships ``py.typed`` (setup.cfg's package_data), so a user's type checker reads these annotations.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_py_typed_is_shipped():
    assert (ROOT / "painkg" / "py.typed").is_file()
    setup = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    assert "painkg = py.typed" in setup.split("[options.package_data]", 1)[1].split("\n[", 1)[0]


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                    reason="mypy is not installed (the test extra installs it: pip install -e '.[test]')")
@pytest.mark.slow
def test_mypy_passes():
    start = time.perf_counter()
    # The cache lives in the checkout (.mypy_cache, ignored by git): a second run takes a few seconds.
    run = subprocess.run([sys.executable, "-m", "mypy", "painkg"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert run.returncode == 0, f"mypy painkg failed ({seconds:.0f} s):\n{run.stdout}{run.stderr}"
    assert "Success: no issues found" in run.stdout, run.stdout + run.stderr
