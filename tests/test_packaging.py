"""Installability and import cost: a real wheel install in a fresh venv, outside the checkout."""

from __future__ import annotations

import os
import shutil
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


@pytest.fixture(scope="module")
def clone_and_venv(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the checkout (as a user's clone) and a fresh venv where `pip install .` installed it."""
    base = tmp_path_factory.mktemp("install")
    clone = base / "clone"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__",
                                                               ".hypothesis", ".benchmarks", ".mypy_cache"))
    env_dir = base / "venv"
    # system_site_packages: reuse the already installed dependencies (no network needed for them);
    # painkg itself is built and installed from the clone as a regular, non-editable wheel.
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # exactly what a user runs: pip builds the wheel (fetching the build backend) and installs it
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "."], check=True, cwd=clone, timeout=600)
    return clone, env_dir


def _plain_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.mark.slow
def test_wheel_install_in_a_fresh_venv(clone_and_venv, tmp_path: Path):
    _, env_dir = clone_and_venv
    python = env_dir / "bin" / "python"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import painkg, pathlib; kg = painkg.load(); "
            "assert 'site-packages' in painkg.__file__, painkg.__file__; "
            "web = pathlib.Path(painkg.__file__).parent / 'web' / 'static'; "  # the explorer's page ships too
            "assert all((web / n).is_file() for n in ('index.html', 'app.js', 'style.css')), web; "
            "print(len(kg.graph), kg.graph.number_of_edges())")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=elsewhere, env=_plain_env(),
                         timeout=120)
    assert out.returncode == 0, out.stderr
    nodes, edges = map(int, out.stdout.split())
    assert nodes > 0 and edges > 0
    cli = subprocess.run([env_dir / "bin" / "painkg", "--help"], capture_output=True, text=True, cwd=elsewhere,
                         env=_plain_env(), timeout=120)
    assert cli.returncode == 0 and "trace" in cli.stdout


@pytest.mark.slow
def test_python_started_in_the_clone_loads_the_clones_kb(clone_and_venv):
    # Python started in the clone imports the clone's painkg/, beside which ontology/ is a plain
    # folder, not the installed painkg.ontology package (issue 15: ModuleNotFoundError before).
    clone, env_dir = clone_and_venv
    code = ("import painkg, pathlib; from painkg.kb.tables import bundled_folder; kg = painkg.load(); "
            "print(pathlib.Path(painkg.__file__).parent, bundled_folder(), len(kg.graph))")
    out = subprocess.run([env_dir / "bin" / "python", "-c", code], capture_output=True, text=True, cwd=clone,
                         env=_plain_env(), timeout=120)
    assert out.returncode == 0, out.stderr
    package, folder, nodes = out.stdout.split()
    assert Path(package) == clone / "painkg" and Path(folder) == clone / "ontology" / "kb"
    assert int(nodes) > 0


@pytest.mark.slow
def test_the_store_tests_skip_without_the_oxigraph_server(clone_and_venv):
    # `python -m pytest` with an interpreter whose folder has no `oxigraph`, nor PATH: skip, not error.
    clone, env_dir = clone_and_venv
    env = {**_plain_env(), "PATH": "/usr/bin:/bin", "PAINKG_CACHE": "off"}
    out = subprocess.run([env_dir / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests/test_rdf_store.py", "-k", "replaces"], capture_output=True, text=True, cwd=clone,
                         env=env, timeout=600)
    assert "1 skipped" in out.stdout and "error" not in out.stdout.lower(), out.stdout[-2000:]


def test_public_functions_stay_functions_after_submodule_imports():
    code = ("import painkg, painkg.trace.infer, painkg.draw.diagram, painkg.rdf.export; "
            "from painkg.draw.diagram import render_trace; "
            "assert all(callable(getattr(painkg, n)) for n in ('trace', 'render', 'render_trace', 'to_dot', "
            "'to_rdf', 'from_rdf', 'export', 'load')), [getattr(painkg, n) for n in ('trace', 'render')]")
    subprocess.run([sys.executable, "-c", code], check=True)
