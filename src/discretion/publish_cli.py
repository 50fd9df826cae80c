"""``discretion publish RULESETS --out DIR``: the static site (a light module; the builder loads on run)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

__all__ = ["register"]


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from .publish import publish

    files = publish(args.rulesets, args.out, templates=args.templates, title=args.title)
    pages = sum(1 for f in files if f.suffix == ".html")
    out.write(f"published {pages} pages ({len(files)} files) to {args.out}; open {args.out}/index.html\n")
    return 0


def register(subparsers: Any) -> None:
    """Add the ``publish`` command to the CLI's subparsers."""
    p = subparsers.add_parser("publish", help="write a static, offline site of the rulesets (lists, baselines, "
                              "statutes, calculators)")
    p.add_argument("rulesets", nargs="+", help="ruleset folders or files (earlier versions in versions/ included)")
    p.add_argument("--out", required=True, help="the folder to write the site into")
    p.add_argument("--templates", default=None, help="a folder of template overrides (default: templates/ beside "
                   "the rulesets, if present): layout.html, style.css, calculator.js, index-intro.html, "
                   "ruleset-intro.html")
    p.add_argument("--title", default="行政处罚裁量基准与免罚清单", help="the site's title")
    p.set_defaults(run=_run)
