"""A violation's ``group`` makes prior records of every violation in the group the same type (首违's
"同一类违法行为"): a record of another member counts as one of the violation itself or of the group id,
in the library, in the page evaluator and with the memo on or off."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import discretion
from discretion import memo
from discretion.case import same_type, validate_case
from discretion.publish.export import export_ruleset

from .conftest import synthetic_header
from .publish_support import comparable, node_answers

NODE = shutil.which("node")

VIOLATION = """\
    title: {{zh: 测试违法行为{n}, en: test violation {n}}}
    penalty_basis:
      - {{law: 测试法, version: 2020-01-01, article: {n}}}
{group}    statutory:
      types: [warning, fine]
      fine: {{max: 5000}}
"""

RULESET = synthetic_header("test.group-priors", "同类违法记录测试", "same-type prior violations test") + """\
parameters:
  first_violation_window_months: 12
violations:
  a:
""" + VIOLATION.format(n=1, group="    group: g1\n") + """\
  b:
""" + VIOLATION.format(n=2, group="    group: g1\n") + """\
  c:
""" + VIOLATION.format(n=3, group="") + """\
list_items:
  - id: first-01
    kind: no_penalty
    ground: first_violation
    modality: may
    violations: [a, b, c]
    when: [first_violation]
    basis: {document: 测试清单, item: 1}
"""

ACT = "2024-06-01"
INSIDE, OUTSIDE, EDGE = "2024-01-10", "2023-05-01", "2023-06-01"  # the window is (2023-06-01, 2024-06-01]

# (violation, prior records, expected prior_violation_count)
CASES: list[tuple[str, list[dict[str, Any]], int]] = [
    ("a", [], 0),
    ("a", [{"violation": "b", "date": INSIDE}], 1),  # another violation of the group, inside the window
    ("b", [{"violation": "a", "date": INSIDE}], 1),
    ("a", [{"violation": "b", "date": OUTSIDE}], 0),  # ... outside it
    ("a", [{"violation": "b", "date": EDGE}], 0),  # ... on its first day, which it leaves out
    ("a", [{"violation": "b", "date": "2024-07-01"}], 0),  # ... after the act
    ("a", [{"violation": "g1", "date": INSIDE}], 1),  # the group id itself
    ("a", [{"violation": "a", "date": INSIDE}], 1),  # the same violation
    ("a", [{"date": INSIDE}], 1),  # a record naming no violation
    ("a", [{"violation": "c", "date": INSIDE}], 0),  # an unrelated violation
    ("a", [{"violation": "elsewhere", "date": INSIDE}], 0),  # an id the ruleset does not know
    ("c", [{"violation": "a", "date": INSIDE}], 0),  # c is in no group: a's record is not its type
    ("c", [{"violation": "g1", "date": INSIDE}], 0),
    ("c", [{"violation": "c", "date": INSIDE}], 1),
    ("a", [{"violation": "b", "date": INSIDE}, {"violation": "c", "date": INSIDE},
           {"violation": "g1", "date": "2023-12-01"}, {"violation": "b", "date": OUTSIDE}], 2),
]


def _case(vid: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"violation": vid, "facts": {"act_date": ACT, "prior_violations": records}}


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory: pytest.TempPathFactory) -> discretion.CompiledRuleset:
    folder: Path = tmp_path_factory.mktemp("group-priors")
    (folder / "ruleset.yaml").write_text(RULESET, encoding="utf-8")
    return discretion.load_ruleset(folder)


def test_same_type_is_the_violation_its_group_and_the_groups_members(ruleset: discretion.CompiledRuleset) -> None:
    assert same_type(ruleset, "a") == same_type(ruleset, "b") == {"a", "b", "g1"}
    assert same_type(ruleset, "c") == {"c"}
    exported = export_ruleset(ruleset)["violations"]
    assert [exported[v]["same_type"] for v in "abc"] == [["a", "b", "g1"], ["a", "b", "g1"], ["c"]]


@pytest.mark.parametrize(("vid", "records", "count"), CASES)
def test_prior_records_of_the_group_count(ruleset: discretion.CompiledRuleset, vid: str,
                                          records: list[dict[str, Any]], count: int) -> None:
    facts = validate_case(ruleset, _case(vid, records)).facts
    assert (facts["prior_violation_count"], facts["first_violation"]) == (count, count == 0)
    rec = discretion.evaluate(ruleset, _case(vid, records))
    assert rec.list_item == ("first-01" if count == 0 else None)


@pytest.mark.usefixtures("fresh_memo")
def test_the_memo_gives_what_a_fresh_evaluation_gives(ruleset: discretion.CompiledRuleset) -> None:
    cases = [_case(vid, records) for vid, records, _ in CASES]
    remembered = [discretion.evaluate(ruleset, case).model_dump_json() for case in cases * 3]
    memo.set_enabled(False)
    fresh = [discretion.evaluate(ruleset, case).model_dump_json() for case in cases]
    assert remembered == fresh * 3
    assert [r.list_item for r in map(discretion.Recommendation.model_validate_json, fresh)] == [
        "first-01" if count == 0 else None for _, _, count in CASES]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_page_evaluator_agrees(ruleset: discretion.CompiledRuleset) -> None:
    assert NODE is not None
    cases = [_case(vid, records) for vid, records, _ in CASES]
    expected = [comparable(discretion.evaluate(ruleset, case).model_dump(mode="json")) for case in cases]
    assert [e["list_item"] for e in expected] == ["first-01" if count == 0 else None for _, _, count in CASES]
    assert node_answers(export_ruleset(ruleset), cases, NODE) == expected


def test_the_reason_against_no_penalty_lists_the_groups_records(ruleset: discretion.CompiledRuleset) -> None:
    """'非初次违法：12个月内有N次同类违法记录（…）' counts the records the derivation counted."""
    records = [{"violation": "b", "date": INSIDE}, {"violation": "g1", "date": "2024-02-01"},
               {"violation": "c", "date": "2024-03-01"}]
    rec = discretion.evaluate(ruleset, _case("a", records))
    against = " ".join(reason.zh for reason in rec.reasons)
    assert f"非初次违法：12个月内有2次同类违法记录（{INSIDE}、2024-02-01）" in against, against
