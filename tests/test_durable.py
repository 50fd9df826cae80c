"""The durable_rules backend: one test per hazard of the engine, each named after it.

The hazards are listed in the docstring of src/discretion/rete.py; the differential test over every
bundled ruleset is tests/test_backends_differential.py.
"""

from __future__ import annotations

import importlib
import sys
import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import discretion
from discretion.backends import matcher_for
from discretion.compile import CompiledRuleset
from discretion.evaluate import match_native

pytest.importorskip("durable")

from discretion import rete

from .conftest import TAX

HAZARDS = """\
format: 1
id: cn.test.durable-hazards
title: {zh: 测试, en: test}
department: test
issuer: 测试机关
jurisdiction: CN
version: "1"
published: 2024-01-01
effective: 2024-01-01
status: unverified
sources:
  - {id: test, title: 测试来源}
facts:
  货值金额: {type: money, zh: 货值金额}
  逾期天数: {type: days, zh: 逾期天数}
  次数: {type: integer, zh: 次数}
  整改: {type: enum, zh: 整改, values: [已整改, 未整改]}
  另一: {type: enum, zh: 另一, values: [已整改, 未整改]}
  检查日期: {type: date, zh: 检查日期}
  自查: {type: bool, zh: 自查}
violations:
  v-a:
    title: {zh: 违法甲, en: a}
    penalty_basis:
      - {law: 测试法, article: 1}
    statutory:
      types: [fine]
      bands:
        - id: serious
          when: 货值金额 >= 10000
          fine: {min: 10000, max: 50000}
        - id: ordinary
          fine: {max: 10000}
    tiers:
      - id: lighter
        outcome: lighter
        when:
          - when: 货值金额 * 2 < 次数 * 1000.5 and 检查日期 - 30 >= date("2024-01-01")
          - when: 逾期天数 / 3 > 1.5 or not 自查
          - when: 整改 == 另一 and 次数 not in [1, 2, 3]
          - when: 自查 == (整改 != "已整改") and -次数 < -1
list_items:
  - id: item-1
    kind: no_penalty
    modality: shall
    ground: other
    violation: v-a
    when: 整改 == "已整改" and 1 <= 逾期天数 < 5 and 货值金额 <= 0.01
    measures: [persuasion_education]
    basis: {document: 测试文件, item: 1}
"""


@pytest.fixture(scope="module")
def hazards() -> CompiledRuleset:
    return discretion.load_ruleset_text(HAZARDS, source="hazards.yaml")


@pytest.fixture(scope="module")
def tax_rs() -> CompiledRuleset:
    return discretion.load_ruleset(TAX)


LATE = {"first_violation": True, "harm": "minor", "irreparable_loss_or_major_impact": False,
        "corrected": "within_deadline"}


def _cycle(index: int) -> dict[str, Any]:
    """A cheap spread of tax facts: some true, some false, some unknown."""
    facts: dict[str, Any] = {}
    if index % 3:
        facts["first_violation"] = index % 3 == 1
    if index % 5:
        facts["harm"] = ("none", "minor", "moderate", "serious")[index % 4]
    if index % 7:
        facts["corrected"] = ("before_discovery", "late", "within_deadline")[index % 3]
    if index % 2:
        facts["irreparable_loss_or_major_impact"] = index % 4 == 1
    return facts


def _in_a_row(ruleset: CompiledRuleset, count: int) -> None:
    violation = ruleset.violations["late-filing"]
    match = matcher_for("durable", ruleset)
    expected = match_native(violation, LATE)
    for _ in range(count):
        assert match(violation, LATE) == expected


def test_session_cap_of_the_c_core(tax_rs: CompiledRuleset) -> None:
    """The C core holds 1,024 sessions; each evaluation deletes its own, so there is no cap."""
    _in_a_row(tax_rs, 5_000)
    case = {"violation": "late-filing", "facts": LATE}
    for _ in range(1_100):  # the whole pipeline, past the cap too
        assert discretion.evaluate(tax_rs, case, backend="durable").outcome.value == "no_penalty"


def test_session_cap_100000_evaluations_in_a_row(tax_rs: CompiledRuleset) -> None:
    """The full size of the issue (about 15 s of CPU on an idle 2-core machine)."""
    _in_a_row(tax_rs, 100_000)


def _threads(ruleset: CompiledRuleset, per_thread: int) -> None:
    import durable.lang

    violation = ruleset.violations["late-filing"]
    match = matcher_for("durable", ruleset)
    inputs = [_cycle(i) for i in range(per_thread)]
    single = [match(violation, facts) for facts in inputs]
    assert single == [match_native(violation, facts) for facts in inputs]
    results: dict[int, list[Any]] = {}
    errors: list[BaseException] = []

    def work(thread: int) -> None:
        try:
            results[thread] = [match(violation, facts) for facts in inputs]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(results[t] == single for t in range(8))
    assert durable.lang._main_host is None  # the lazily created global host was never made
    assert isinstance(match, rete.DurableMatcher)
    assert match.engine.host._ruleset_list  # our own host holds the rules


def test_global_host_racing_under_threads(tax_rs: CompiledRuleset) -> None:
    """8 threads give exactly the single-threaded results: our own host, behind one lock."""
    _threads(tax_rs, 1_000)


def test_global_host_racing_under_threads_8_x_10000(tax_rs: CompiledRuleset) -> None:
    """The full size of the issue: 8 threads × 10,000 evaluations."""
    _threads(tax_rs, 10_000)


def test_events_consumed_by_one_rule_versus_facts_firing_every_match(hazards: CompiledRuleset) -> None:
    """One message matches many rules at once; every one of them fires (facts, not events)."""
    violation = hazards.violations["v-a"]
    facts = {"货值金额": Decimal("0.01"), "逾期天数": 2, "次数": 0, "整改": "已整改", "另一": "已整改",
             "检查日期": date(2024, 3, 1), "自查": False}
    got = matcher_for("durable", hazards)(violation, facts)
    assert got == match_native(violation, facts)
    assert sum(value is not None for value in got.values()) == len(got) >= 5


def test_exception_in_action_is_raised_not_stored_in_state(tax_rs: CompiledRuleset,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """durable_rules stores an action's exception in the session state; the adapter raises it."""
    violation = tax_rs.violations["late-filing"]
    match = matcher_for("durable", tax_rs)

    def broken(self: Any, index: int, value: bool) -> None:
        raise RuntimeError("action broke")

    monkeypatch.setattr(type(match.engine), "fired", broken)
    with pytest.raises(discretion.EngineError, match="action broke") as info:
        match(violation, LATE)
    assert info.value.code == "engine-error"
    with pytest.raises(discretion.EngineError, match="action broke"):
        discretion.evaluate(tax_rs, {"violation": "late-filing", "facts": LATE}, backend="durable")
    monkeypatch.undo()
    assert match(violation, LATE) == match_native(violation, LATE)  # the session was cleaned up


def test_message_that_matches_no_rule(tax_rs: CompiledRuleset) -> None:
    """All facts unknown: no condition rule fires; the catch-all keeps the session deletable."""
    violation = tax_rs.violations["late-filing"]
    match = matcher_for("durable", tax_rs)
    for _ in range(2_000):  # past the 1,024 sessions an unhandled message would leak
        got = match(violation, {})
        assert got == match_native(violation, {})
        assert set(got.values()) == {None}


def test_reregistering_when_a_notebook_cell_runs_again(tax_rs: CompiledRuleset) -> None:
    """Loading the same ruleset again reuses its durable rules instead of registering them twice."""
    first = matcher_for("durable", tax_rs)
    again = discretion.load_ruleset(TAX)  # the cell runs again: a new CompiledRuleset
    second = matcher_for("durable", again)
    assert second is not first and second.names == first.names
    registered = len(first.engine.registered)
    first.engine.register(first.names["late-filing"], first.translations["late-filing"].rules)
    assert len(first.engine.registered) == registered
    case = {"violation": "late-filing", "facts": LATE}
    assert discretion.evaluate(again, case, backend="durable") == discretion.evaluate(tax_rs, case)
    reloaded = importlib.reload(rete)  # even the adapter module imported again
    try:
        assert discretion.evaluate(again, case, backend="durable") == discretion.evaluate(again, case)
    finally:
        assert reloaded is sys.modules["discretion.rete"]


@pytest.mark.parametrize(("facts", "expected"), [
    ({"货值金额": Decimal("0.01"), "整改": "已整改", "逾期天数": 1}, True),
    ({"货值金额": Decimal("0.02"), "整改": "已整改", "逾期天数": 1}, False),
    ({"货值金额": Decimal("0.00"), "整改": "已整改", "逾期天数": 4}, True),
    ({"货值金额": Decimal("0.00"), "整改": "已整改", "逾期天数": 5}, False),
    ({"货值金额": Decimal("0.00"), "整改": "已整改"}, None),
])
def test_decimal_and_date_facts_which_json_lacks(hazards: CompiledRuleset, facts: dict[str, Any],
                                                 expected: bool | None) -> None:
    """Money goes as integer fen and dates as ordinals: comparisons at the boundary are exact."""
    violation = hazards.violations["v-a"]
    got = matcher_for("durable", hazards)(violation, facts)
    assert got["item:item-1:0"] is expected
    assert got == match_native(violation, facts)


@pytest.mark.parametrize(("day", "expected"), [(date(2024, 1, 30), False), (date(2024, 1, 31), True),
                                               (date(2024, 2, 29), True)])
def test_decimal_and_date_facts_dates(hazards: CompiledRuleset, day: date, expected: bool) -> None:
    violation = hazards.violations["v-a"]
    facts = {"检查日期": day, "货值金额": Decimal("0.10"), "次数": 1}
    got = matcher_for("durable", hazards)(violation, facts)
    assert got["tier:lighter:0"] is expected
    assert got == match_native(violation, facts)
    assert rete.message(matcher_for("durable", hazards).translations["v-a"], facts)["f2"] == day.toordinal()


def test_decimal_and_date_facts_beyond_exact_range(hazards: CompiledRuleset) -> None:
    """An integer too large for the engine's exact arithmetic is an EngineError, never a wrong answer."""
    violation = hazards.violations["v-a"]
    with pytest.raises(discretion.EngineError, match="次数"):
        matcher_for("durable", hazards)(violation, {"次数": 10**20})


def test_chinese_names(hazards: CompiledRuleset) -> None:
    """Chinese fact names and enum values, through the whole pipeline on both backends."""
    case = {"violation": "v-a", "facts": {"货值金额": "0.01", "整改": "已整改", "逾期天数": 2}}
    durable = discretion.evaluate(hazards, case, backend="durable")
    assert durable == discretion.evaluate(hazards, case)
    assert durable.outcome.value == "no_penalty" and durable.list_item == "item-1"


FACTS = st.fixed_dictionaries({}, optional={
    "货值金额": st.integers(0, 3_000_000).map(lambda c: Decimal(c) / 100),
    "逾期天数": st.integers(-10, 10),
    "次数": st.integers(-5, 5),
    "整改": st.sampled_from(["已整改", "未整改"]),
    "另一": st.sampled_from(["已整改", "未整改"]),
    "检查日期": st.dates(date(2023, 12, 1), date(2024, 3, 1)),
    "自查": st.booleans(),
})


@settings(max_examples=300, deadline=None)
@given(facts=FACTS)
def test_every_construct_of_the_language_is_supported(hazards: CompiledRuleset, facts: dict[str, Any]) -> None:
    """Arithmetic, dates, enums against enums, bool == bool, not in, chains: the same as native."""
    violation = hazards.violations["v-a"]
    assert matcher_for("durable", hazards)(violation, facts) == match_native(violation, facts)


def test_unsupported_construct_is_refused_naming_the_rule(hazards: CompiledRuleset) -> None:
    """Division is inexact in the engine: precomputed by default, refused on request, naming the rule."""
    assert any("逾期天数 / 3" in note for note in matcher_for("durable", hazards).precomputed)
    with pytest.raises(discretion.DiscretionError, match=r"rule v-a tier:lighter:0") as info:
        rete.translate(hazards, precompute=False)
    assert info.value.code == "backend-unsupported"


def test_unknown_backend() -> None:
    with pytest.raises(discretion.DiscretionError) as info:
        discretion.evaluate(discretion.load_ruleset(TAX), {"violation": "late-filing"}, backend="drools")
    assert info.value.code == "unknown-backend" and "durable" in str(info.value)


def test_durable_not_installed_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "discretion.rete")
    monkeypatch.delattr(discretion, "rete")
    monkeypatch.setitem(sys.modules, "durable", None)
    monkeypatch.setitem(sys.modules, "durable.engine", None)
    with pytest.raises(discretion.BackendUnavailable, match=r'pip install "discretion\[durable\]"'):
        discretion.evaluate(discretion.load_ruleset(TAX), {"violation": "late-filing"}, backend="durable")
    assert discretion.evaluate(discretion.load_ruleset(TAX), {"violation": "late-filing"}).outcome


@pytest.mark.parametrize("area", ["0", "4.99", "5", "9.99", "10", "19.99", "20", "49.99", "50", "99.99", "100",
                                  "100.01"])
def test_decimal_number_facts_compare_exactly(area: str) -> None:
    """A ``number`` fact has any number of decimals: compared in Python, never as text in the engine."""
    rs = discretion.load_ruleset(TAX.parent.parent.parent / "transport/sichuan-highway-baseline")
    case = {"violation": "occupy-dig-highway",
            "facts": {"road_class": "county_township_village", "dug_area_m2": area}}
    native = discretion.evaluate(rs, case).model_dump()
    assert discretion.evaluate(rs, case, backend="durable").model_dump() == native
