"""The runnable examples in public docstrings stay true."""

from __future__ import annotations

import doctest
import importlib
import os

import pytest

from .conftest import ROOT

MODULES = ["discretion", "discretion.expr", "discretion.evaluate", "discretion.testing", "discretion.batch"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples name bundled rulesets by their path in the repository
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0
    assert os.getcwd() == str(ROOT)
