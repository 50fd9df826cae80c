"""``discretion record`` and ``discretion replay``: keep what reproduces a recommendation, and check it later.

Exit status of ``replay``: 0 confirmed, 1 the recomputed recommendation differs (each difference
printed), 2 the ruleset text with the recorded hash is not available or the record is unreadable.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .errors import DiscretionError, Location

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``record`` and ``replay`` subcommands."""
    p = subparsers.add_parser("record", help="evaluate a case and print a replayable record (JSON)")
    p.add_argument("ruleset", help="ruleset.yaml, or its folder")
    p.add_argument("case", help="case file (.json or .yaml), or - for standard input")
    p.set_defaults(run=_record)

    p = subparsers.add_parser("replay", help="recompute a recorded recommendation and confirm it or show the "
                              "differences (exit 0 confirmed, 1 differs, 2 ruleset not available)")
    p.add_argument("record", help="a record (discretion record) or a recommendation (evaluate --json); - for stdin")
    p.add_argument("--rulesets", default="rulesets", help="folder searched for the ruleset by its sha256 "
                   "(ruleset.yaml and versions/*.yaml); default: rulesets")
    p.add_argument("--jurisdiction", help="the jurisdiction file the recommendation was made with, if any")
    p.set_defaults(run=_replay)


def _record(args: argparse.Namespace, out: TextIO) -> int:
    from .evaluate import evaluate
    from .loading import load_ruleset
    from .replay import make_record

    ruleset = load_ruleset(args.ruleset)
    data, source = _read(args.case, "case")
    records = [make_record(evaluate(ruleset, case, source=source), case)
               for case in (data if isinstance(data, list) else [data])]
    payload = records if isinstance(data, list) else records[0]
    out.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
    return 0


def _read(spec: str, what: str) -> tuple[Any, str]:
    """JSON (money kept exact) or YAML, from a file or '-'; every failure located."""
    from ._yaml import parse_yaml

    if spec == "-":
        text, source = sys.stdin.read(), "<stdin>"
    else:
        try:
            text, source = Path(spec).read_text(encoding="utf-8-sig"), spec
        except (OSError, UnicodeDecodeError) as exc:
            raise DiscretionError(f"cannot read the {what}: {exc}", code="file-unreadable",
                                  location=Location(spec)) from None
    if spec.endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text, parse_float=Decimal), source
        except json.JSONDecodeError as exc:
            raise DiscretionError(f"not JSON: {exc.msg}", code="json-syntax",
                                  location=Location(source, exc.lineno, exc.colno)) from None
        except RecursionError:
            raise DiscretionError("JSON nested too deeply", code="json-syntax", location=Location(source)) from None
    return parse_yaml(text, source).data, source


def _replay(args: argparse.Namespace, out: TextIO) -> int:
    from .replay import replay

    record, _ = _read(args.record, "record")
    result = replay(record, args.rulesets, jurisdiction=args.jurisdiction)
    ref = result.recomputed.ruleset
    for note in result.notes:
        out.write(f"note: {note}\n")
    if result.confirmed:
        out.write(f"confirmed: {ref.id} {ref.version} sha256 {ref.sha256[:12]}… gives the same recommendation\n")
        return 0
    out.write(f"differs: {ref.id} {ref.version} sha256 {ref.sha256[:12]}… now gives "
              f"{len(result.differences)} difference(s):\n")
    for line in result.differences:
        out.write(f"  {line}\n")
    return 1
