"""Types a tier or list item names are its whole penalty: the band's optional types (并可以…) are not
offered beside them (FORMAT.md: a tier's or item's types are "narrower than the band's types")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import discretion
from discretion.publish.export import export_ruleset

from .conftest import synthetic_header
from .publish_support import comparable, node_answers

NODE = shutil.which("node")

V1 = """\
violations:
  v1:
    title: {zh: 测试违法行为, en: test violation}
    penalty_basis:
      - {law: 测试法, version: 2020-01-01, article: 1}
    statutory:
"""

RULESET = synthetic_header("test.optional-types", "可选处罚种类测试", "optional types test") + """\
facts:
  workers:
    type: integer
    zh: 涉及人数
""" + V1 + """\
      types: [warning, fine]
      bands:
        - id: default
          label: {zh: 法定幅度, en: statutory range}
          types: [warning]
          optional_types: [fine]
          fine: {max: 5000}
          modality: shall
    tiers:
      - id: warning-only
        outcome: lighter
        when: workers <= 3
        types: [warning]
      - id: ordinary
        outcome: standard
        when: workers > 3
list_items:
  - id: item-1
    kind: lighter
    modality: shall
    violation: v1
    when: [workers <= 1]
    types: [warning]
    basis: {document: 测试文件, item: 1}
"""


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory: pytest.TempPathFactory) -> discretion.CompiledRuleset:
    folder: Path = tmp_path_factory.mktemp("optional-types")
    (folder / "ruleset.yaml").write_text(RULESET, encoding="utf-8")
    return discretion.load_ruleset(folder)


def _penalties(rec: discretion.Recommendation) -> list[tuple[str, bool]]:
    return [(p.type.value, p.optional) for p in rec.penalties]


@pytest.mark.parametrize(("workers", "rule"), [(1, "item-1"), (2, "v1/warning-only")])
def test_named_types_are_the_whole_penalty(ruleset: discretion.CompiledRuleset, workers: int, rule: str) -> None:
    rec = discretion.evaluate(ruleset, {"violation": "v1", "facts": {"workers": workers}})
    assert rule in (rec.list_item, f"v1/{rec.tier}")
    assert _penalties(rec) == [("warning", False)] and rec.fine is None  # no optional fine offered


def test_the_bands_own_types_keep_their_optional_fine(ruleset: discretion.CompiledRuleset) -> None:
    rec = discretion.evaluate(ruleset, {"violation": "v1", "facts": {"workers": 5}})
    assert _penalties(rec) == [("warning", False), ("fine", True)]
    assert rec.fine is not None and rec.fine.max == 5000


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_page_evaluator_agrees(ruleset: discretion.CompiledRuleset) -> None:
    cases = [{"violation": "v1", "facts": {"workers": n}} for n in (0, 1, 2, 3, 4, 5)]
    assert NODE is not None
    expected = [comparable(discretion.evaluate(ruleset, case).model_dump(mode="json")) for case in cases]
    assert node_answers(export_ruleset(ruleset), cases, NODE) == expected


BANDS = synthetic_header("test.band-types", "分档处罚种类测试", "band types test") + """\
facts:
  serious:
    type: bool
    zh: 情节严重
""" + V1 + """\
      types: [warning, fine, suspend_business]
      bands:
        - id: serious
          label: {zh: 情节严重, en: serious}
          when: serious
          types: [fine, suspend_business]
          fine: {min: 1000, max: 5000}
        - id: ordinary
          label: {zh: 一般, en: ordinary}
"""


def test_a_band_naming_no_types_keeps_those_no_other_band_names(tmp_path: Path) -> None:
    """给予警告；情节严重的，处罚款并责令停业: the ordinary band is the warning, not nothing."""
    (tmp_path / "ruleset.yaml").write_text(BANDS, encoding="utf-8")
    ruleset = discretion.load_ruleset(tmp_path)
    ordinary = discretion.evaluate(ruleset, {"violation": "v1", "facts": {"serious": False}})
    serious = discretion.evaluate(ruleset, {"violation": "v1", "facts": {"serious": True}})
    assert _penalties(ordinary) == [("warning", False)]
    assert _penalties(serious) == [("fine", False), ("suspend_business", False)]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_page_evaluator_agrees_on_band_types(tmp_path: Path) -> None:
    (tmp_path / "ruleset.yaml").write_text(BANDS, encoding="utf-8")
    ruleset = discretion.load_ruleset(tmp_path)
    cases = [{"violation": "v1", "facts": {"serious": value}} for value in (False, True)]
    expected = [comparable(discretion.evaluate(ruleset, case).model_dump(mode="json")) for case in cases]
    assert NODE is not None
    assert node_answers(export_ruleset(ruleset), cases, NODE) == expected
