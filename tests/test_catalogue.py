"""The catalogue of bundled rulesets: `discretion rulesets`, the rulesets/README.md index, schema references."""

from __future__ import annotations

import io
import json
import re

import discretion
from discretion.catalogue import catalogue, catalogue_markdown
from discretion.cli import main

from .conftest import RULESETS


def test_cli_lists_every_ruleset_with_its_counts() -> None:
    out = io.StringIO()
    assert main(["rulesets", str(RULESETS), "--json"], out=out) == 0
    entries = json.loads(out.getvalue())
    tax = next(e for e in entries if e["id"] == "cn.tax.first-violation" and e["version"] == "2022.1")
    assert tax["department"] == "tax" and tax["document"] == "国家税务总局公告2021年第6号"
    assert (tax["violations"], tax["list_items"], tax["unverified_items"]) == (10, 10, 0)
    assert tax["effective"] == "2022-01-01" and tax["issuer"] == "国家税务总局"
    assert {"id", "department", "issuer", "document", "effective", "expires", "violations", "list_items",
            "unverified_items"} <= set(tax)


def test_the_readme_index_is_up_to_date() -> None:
    text = (RULESETS / "README.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- catalogue:start -->\n(.*)<!-- catalogue:end -->", text, re.S)
    assert table, "rulesets/README.md keeps the index between the catalogue markers"
    entries, problems = catalogue(RULESETS)
    assert not problems
    assert table.group(1) == catalogue_markdown(entries, RULESETS), \
        "regenerate with: discretion rulesets rulesets --markdown"


def test_departments_cover_the_key_enforcement_fields() -> None:
    entries, _ = catalogue(RULESETS)
    departments = {e["department"] for e in entries}
    key_fields = {"tax", "market", "environment", "transport", "urban", "safety", "labour", "health", "culture"}
    assert key_fields <= departments


def test_every_ruleset_file_references_the_schema() -> None:
    for path in [*RULESETS.rglob("ruleset.yaml"), *RULESETS.rglob("versions/*.yaml")]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path}: first line references the schema"
        assert (path.parent / match.group(1)).resolve() == (RULESETS / "ruleset.schema.json").resolve(), path


def test_unverified_items_stay_out_of_the_default_registry() -> None:
    default = discretion.load_registry(RULESETS)
    everything = discretion.load_registry(RULESETS, include_unverified=True, include_drafts=True)
    ids = {i.id for r in default.rulesets for i in r.model.list_items}
    unverified = {i.id for r in everything.rulesets for i in r.model.list_items if i.status.value == "unverified"}
    assert unverified and not (ids & unverified)
