"""The monotone property finds an inverted band at the CI budget, even when no generated case gives the fact."""

from __future__ import annotations

from pathlib import Path

import pytest

import discretion
from discretion.testing import PropertyFailure, run_property

from .conftest import FIXTURES, TAX

# The three statutory "serious" bands of the tax ruleset (art. 60, 62, 61), each the first of its text.
SERIOUS_BANDS = {"art60": "fine: {min: 2000, max: 10000}", "art62": "fine: {min: 2000, max: 10000}",
                 "art61": "fine: {min: 2000, max: 5000}"}


def _inverted(tmp_path: Path, band: str) -> Path:
    """The tax ruleset with one serious band fined below the ordinary band (≤ 2,000)."""
    text = TAX.read_text(encoding="utf-8")
    marker = {"art60": "statutory: &art60", "art62": "statutory: &art62", "art61": "article: 61\n"}[band]
    head, tail = text.split(marker, 1)
    assert SERIOUS_BANDS[band] in tail
    path = tmp_path / "ruleset.yaml"
    path.write_text(head + marker + tail.replace(SERIOUS_BANDS[band], "fine: {min: 0, max: 100}", 1),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("band", sorted(SERIOUS_BANDS))
def test_an_inverted_serious_band_fails_at_the_default_budget(tmp_path: Path, band: str) -> None:
    ruleset = discretion.load_ruleset(_inverted(tmp_path, band))
    with pytest.raises(PropertyFailure) as failure:
        run_property("monotone", ruleset, max_examples=25)
    message = str(failure.value)
    assert "raising aggravating fact 'serious_circumstances' (False → True) lowered" in message
    assert "to standard 0.00–100.00" in message and "serious_circumstances: true" in message


def test_the_plugin_reports_the_inverted_band_with_its_default_options(pytester: pytest.Pytester,
                                                                       tmp_path: Path) -> None:
    text = _inverted(tmp_path, "art62").read_text(encoding="utf-8")
    pytester.makefile(".yaml", **{"rs/ruleset": text})
    result = pytester.runpytest("rs", "-k", "monotone")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*property monotone does not hold*",
                                 "*raising aggravating fact 'serious_circumstances' (False → True)*"])


def test_an_inverted_enum_step_is_found_when_the_case_leaves_the_fact_out(tmp_path: Path) -> None:
    """Moderate harm fined less than minor harm: the sweep raises harm through its values in order."""
    text = (FIXTURES / "clean.yaml").read_text(encoding="utf-8")
    text = text.replace("when: days_late <= 10", 'when: harm != "moderate"').replace(
        "when: days_late > 10\n        fine: {min: 300", 'when: harm == "moderate"\n        fine: {min: 300')
    text = text.replace("outcome: lighter\n        when: harm", "outcome: standard\n        when: harm", 1)
    text = text.replace("fine: {max: 300}", "fine: {min: 600, max: 1000}").replace(
        "fine: {min: 300, max: 1000}", "fine: {min: 300, max: 500}")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PropertyFailure, match=r"raising aggravating fact 'harm' \('minor' → 'moderate'\) lowered"):
        run_property("monotone", discretion.load_ruleset(path), max_examples=25)


@pytest.mark.parametrize("examples", [25, 100])
def test_the_bundled_tax_ruleset_is_monotone(tax: discretion.CompiledRuleset, examples: int) -> None:
    run_property("monotone", tax, max_examples=examples)


def test_a_fact_waived_for_monotone_is_not_swept(tmp_path: Path) -> None:
    path = _inverted(tmp_path, "art62")
    waiver = "waivers:\n  - {check: monotone, subject: serious_circumstances, reason: a test of the waiver}\n"
    path.write_text(path.read_text(encoding="utf-8").replace("parameters:", waiver + "parameters:", 1),
                    encoding="utf-8")
    run_property("monotone", discretion.load_ruleset(path), max_examples=25)


def test_a_gap_between_tiers_is_left_to_the_tier_gap_check(tmp_path: Path) -> None:
    """Days 11–20 match no tier: the band's whole range (0–1,000) is no level to order against 300–500."""
    text = (FIXTURES / "clean.yaml").read_text(encoding="utf-8").replace(
        "when: days_late > 10\n        fine: {min: 300, max: 1000}",
        "when: days_late > 20\n        fine: {min: 300, max: 500}")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    ruleset = discretion.load_ruleset(path)
    assert "tier-gap" in {f.code for f in discretion.check(ruleset)}
    run_property("monotone", ruleset, max_examples=25)
    # and an inversion across the gap is still found: ≤ 10 days fined 600–1,000, over 20 days 300–500
    inverted = text.replace("outcome: lighter", "outcome: standard").replace("fine: {max: 300}",
                                                                              "fine: {min: 600, max: 1000}")
    path.write_text(inverted, encoding="utf-8")
    with pytest.raises(PropertyFailure, match=r"raising aggravating fact 'days_late' \(10 → 21\) lowered"):
        run_property("monotone", discretion.load_ruleset(path), max_examples=25)
