"""Run every docstring example in painkg, with the bundled KB injected as ``kg``."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import painkg

MODULES = sorted(m.name for m in pkgutil.walk_packages(painkg.__path__, "painkg.") if m.name != "painkg.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, kg) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs={"kg": kg, "painkg": painkg, **vars(module)}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name} (run pytest -s to see them)"


@pytest.mark.parametrize("name", ["load", "trace", "to_rdf", "export", "render", "render_trace", "to_dot"])
def test_the_public_api_has_examples(name: str) -> None:
    function = getattr(painkg, name)
    function = getattr(function, name, function)  # painkg.trace is the callable trace wing
    module = importlib.import_module(function.__module__)
    assert ">>>" in (function.__doc__ or "") or ">>>" in (module.__doc__ or "")
