"""Installability and import cost: a real wheel install in a fresh venv, outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_and_load_stay_light():
    code = ("import sys, painkg; painkg.load(); painkg.load().trace(['low back pain']); "
            "heavy = [m for m in ('rdflib', 'pydot') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_wheel_install_in_a_fresh_venv(tmp_path: Path):
    env_dir = tmp_path / "venv"
    # system_site_packages: reuse the already installed dependencies (no network needed for them);
    # painkg itself is built and installed from this checkout as a regular, non-editable wheel.
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # exactly what a user runs: pip builds the wheel (fetching the build backend) and installs it
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(ROOT)], check=True, cwd=tmp_path,
                   timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import painkg, pathlib; kg = painkg.load(); "
            "assert 'site-packages' in painkg.__file__, painkg.__file__; "
            "web = pathlib.Path(painkg.__file__).parent / 'web' / 'static'; "  # the explorer's page ships too
            "assert all((web / n).is_file() for n in ('index.html', 'app.js', 'style.css')), web; "
            "print(len(kg.graph), kg.graph.number_of_edges())")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    nodes, edges = map(int, out.stdout.split())
    assert nodes > 0 and edges > 0
    cli = subprocess.run([env_dir / "bin" / "painkg", "--help"], capture_output=True, text=True, cwd=elsewhere,
                         env=env, timeout=120)
    assert cli.returncode == 0 and "trace" in cli.stdout


def test_public_functions_stay_functions_after_submodule_imports():
    code = ("import painkg, painkg.trace.infer, painkg.draw.diagram, painkg.rdf.export; "
            "from painkg.draw.diagram import render_trace; "
            "assert all(callable(getattr(painkg, n)) for n in ('trace', 'render', 'render_trace', 'to_dot', "
            "'to_rdf', 'from_rdf', 'export', 'load')), [getattr(painkg, n) for n in ('trace', 'render')]")
    subprocess.run([sys.executable, "-c", code], check=True)
