"""Shared fixtures: the bundled KB, the tiny hand-built KB, and doctest globals."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

import painkg

# CI runs a fixed sequence of examples (HYPOTHESIS_PROFILE=ci in .ci/run), so a landing is
# reproducible; local runs keep exploring new random examples.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Every load in the tests (and in the CLI subprocesses they start) caches into a fresh
# folder, never into the user's own ~/.cache/painkg.
os.environ["PAINKG_CACHE"] = tempfile.mkdtemp(prefix="painkg-test-cache-")

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"


@pytest.fixture(scope="session")
def kg() -> painkg.KnowledgeGraph:
    """The bundled knowledge base."""
    return painkg.load()


@pytest.fixture(scope="session")
def mini() -> painkg.KnowledgeGraph:
    """A 16-node hand-built KB (tests/data/mini) for exact, hand-worked assertions."""
    return painkg.load(MINI)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini KB folder, for tests that break it."""
    target = tmp_path / "kb"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture(scope="session")
def dot_program() -> str:
    path = shutil.which("dot")
    if path is None:
        pytest.fail("Graphviz `dot` is required by the test suite (apt-get install graphviz)")
    return path
