"""The command line: ``discretion evaluate | show | schema | test``. The only module that prints.

Exit status: 0 success, 1 findings or failed tests, 2 bad input (a located message, never a traceback),
141 when the reader of the output went away (``discretion rulesets | head -1``), as for a process ended
by SIGPIPE, 70 an error of ours.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .errors import CaseError, DiscretionError, Location, Problem, RulesetError

__all__ = ["main"]

Command = Callable[[argparse.Namespace, TextIO], int]

# Feature commands live in light modules with ``register(subparsers)``; each sets ``run`` on its parser
# (a ``Command``) and imports its heavy dependencies only when it runs.
_EXTENSIONS: tuple[str, ...] = ("publish_cli", "analysis_cli", "replay_cli")


def _read_case(spec: str, stdin: TextIO) -> tuple[Any, str]:
    """A case from a .json/.yaml file or '-' (stdin, JSON or YAML): plain data, money kept exact."""
    data, source, _ = _read_cases(spec, stdin)
    return data, source


def _read_cases(spec: str, stdin: TextIO) -> tuple[Any, str, Any]:
    """``_read_case`` with the YAML positions (None for JSON), to say on which line a case of a list begins."""
    from ._yaml import parse_yaml
    from .case import DuplicateKey, loads_case

    if spec == "-":
        text, source = _stdin_text(stdin), "<stdin>"
    else:
        path = Path(spec)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesetError([Problem("file-unreadable", f"cannot read the case: {exc}", Location(spec))]) from None
        source = spec
    stripped = text.lstrip()
    if spec.endswith(".json") or stripped.startswith(("{", "[")):
        try:
            return loads_case(text), source, None  # as the Python API reads JSON: money exact
        except json.JSONDecodeError as exc:
            raise RulesetError([Problem("json-syntax", exc.msg, Location(source, exc.lineno, exc.colno))]) from None
        except DuplicateKey as exc:
            raise RulesetError([Problem("duplicate-key", str(exc), Location(source))]) from None
        except ValueError:  # an integer past Python's 4,300-digit guard for turning text into int
            raise RulesetError([Problem("json-number", "a number of more than 4,300 digits", Location(source))]
                               ) from None
        except RecursionError:
            raise RulesetError([Problem("json-too-deep", "lists or objects nested too deeply", Location(source))]
                               ) from None
    document = parse_yaml(text, source)
    return document.data, source, document.positions


def _stdin_text(stdin: TextIO) -> str:
    """Standard input as UTF-8, strictly, as case files are read: Python's own decoding of stdin may let
    other encodings through as escaped bytes, which would come out again in the JSON."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:  # already text (a StringIO in tests, or a wrapper): nothing to decode
        return stdin.read()
    raw: bytes = buffer.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RulesetError([Problem("encoding", f"standard input is not UTF-8 (byte 0x{raw[exc.start]:02x} at "
                                    f"offset {exc.start})", Location("<stdin>", line))]) from None


def _evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from .evaluate import evaluate
    from .loading import load_ruleset
    from .render import recommendation_text, trace_text

    ruleset = load_ruleset(args.ruleset)
    data, source, positions = _read_cases(args.case, sys.stdin)
    if args.ask:
        if isinstance(data, list) or args.case == "-":
            raise RulesetError([Problem("ask-needs-one-case", "--ask asks at the terminal: give one case in a file",
                                        Location(source))])
        return _ask(ruleset, data, source, args, out, sys.stdin)
    if isinstance(data, list):
        if not data:  # an empty list is almost always a mistake (a filter that matched nothing): say so
            raise CaseError([Problem("no-cases", "the list holds no case", Location(source))])
        results = _evaluate_each(ruleset, data, source, positions, args.backend)
    else:
        results = [evaluate(ruleset, data, backend=args.backend, source=source)]
    if args.json:
        payload = [r.model_dump(mode="json") for r in results]
        out.write(json.dumps(payload if isinstance(data, list) else payload[0], ensure_ascii=False, indent=2))
        out.write("\n")
        return 0
    for index, result in enumerate(results):
        if index:
            out.write("\n" + "-" * 60 + "\n")
        out.write(recommendation_text(result) + "\n")
        if args.trace:
            out.write("\n规则轨迹 Trace:\n" + trace_text(result) + "\n")
    return 0


def _evaluate_each(ruleset: Any, cases: list[Any], source: str, positions: Any, backend: str) -> list[Any]:
    """Every case of a list evaluated; CaseError naming each bad case (its line and number) and field at once."""
    from .evaluate import evaluate

    results: list[Any] = []
    problems: list[Problem] = []
    for index, case in enumerate(cases):
        try:
            results.append(evaluate(ruleset, case, backend=backend, source=_case_source(source, positions, index)))
        except CaseError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CaseError(problems)
    return results


def _case_source(source: str, positions: Any, index: int) -> str:
    """Where case ``index`` of a list is: its line in a YAML file, and its number (from 1) in any case."""
    where = positions.of((index,)) if positions is not None else None
    return f"{source}:{where[0]} (case {index + 1})" if where else f"{source} (case {index + 1})"


def _ask(ruleset: Any, case: Any, source: str, args: argparse.Namespace, out: TextIO, answers: TextIO) -> int:
    """A questionnaire: ask the most deciding unknown fact, re-evaluate, until nothing is left to ask."""
    from .evaluate import evaluate
    from .render import recommendation_text

    if not isinstance(case, dict) or not isinstance(case.get("facts", {}), dict):
        raise CaseError([Problem("invalid-case", "a case is a mapping with 'violation' and 'facts'", Location(source))])
    facts = dict(case.get("facts") or {})
    rec = evaluate(ruleset, {**case, "facts": facts}, backend=args.backend, source=source)
    while rec.questions:
        question = rec.questions[0]
        possible = "、".join(o.value for o in rec.possible_outcomes)
        out.write(f"\n仍可能的结果 Possible outcomes: {possible}\n{question.zh} ({question.en})?\n")
        for number, option in enumerate(question.options, 1):
            reachable = option.possible_outcomes
            leads = ("仍可能 still possible: " + "、".join(o.value for o in reachable) if len(reachable) > 1
                     else option.outcome.value)
            out.write(f"  {number}. {option.zh} → {leads}\n")
        out.write("> ")
        out.flush()
        line = answers.readline()
        choice = line.strip()
        if not choice:  # end of input, or an empty answer: stop asking
            break
        if choice.isdigit() and 1 <= int(choice) <= len(question.options):
            answer: Any = question.options[int(choice) - 1].value
        else:
            answer = choice if choice.lower() not in ("true", "false") else choice.lower() == "true"
        try:
            rec = evaluate(ruleset, {**case, "facts": {**facts, question.fact: answer}}, backend=args.backend,
                           source=source)
        except CaseError as exc:  # a mistyped answer: say why and ask again, the case file is not at fault
            reasons = "; ".join(p.message for p in exc.problems)
            out.write(f"无效的回答 not a valid answer: {choice!r} ({reasons}); "
                      f"请输入 1–{len(question.options)} answer 1–{len(question.options)}\n")
            continue
        facts[question.fact] = answer
    out.write("\n" + recommendation_text(rec) + "\n")
    return 0


def _notice(args: argparse.Namespace, out: TextIO) -> int:
    from .evaluate import evaluate
    from .loading import load_jurisdiction, load_ruleset
    from .notice import check_notice_date, render_notice

    ruleset = load_ruleset(args.ruleset)
    jurisdiction = load_jurisdiction(args.jurisdiction) if args.jurisdiction else None
    data, source = _read_case(args.case, sys.stdin)
    rec = evaluate(ruleset, data, source=source, jurisdiction=jurisdiction)
    on: date | None = args.date
    if on is not None:  # named as the option: render_notice would name its argument
        check_notice_date(rec, on, where="--date")
    out.write(render_notice(ruleset, rec, party=args.party, agency=args.agency, on=on,
                            templates=Path(args.templates) if args.templates else None, jurisdiction=jurisdiction))
    return 0


def _iso_date(text: str) -> date:
    """An option's date: argparse reports anything else as a usage error (exit 2), naming the option."""
    from .fact_values import as_date  # as a case's dates are read: YYYY-MM-DD only

    try:
        return as_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD, e.g. 2025-05-01") from None


def _show(args: argparse.Namespace, out: TextIO) -> int:
    from .loading import load_ruleset
    from .render import ruleset_text

    ruleset = load_ruleset(args.ruleset)
    if args.json:
        payload = ruleset.model.model_dump(mode="json", by_alias=True, exclude_none=True)
        payload["sha256"] = ruleset.sha256
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(ruleset_text(ruleset) + "\n")
    return 0


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    from .schema import ruleset_json_schema

    out.write(json.dumps(ruleset_json_schema(), ensure_ascii=False, indent=2) + "\n")
    return 0


def _check(args: argparse.Namespace, out: TextIO) -> int:
    """Static checks of every ruleset found; exit 1 when any finding is an error."""
    from .checks.static import Finding, Severity, check_all
    from .compile import CompiledRuleset
    from .registry import load_all, no_rulesets

    unnamed = [problem for spec in args.paths if (problem := no_rulesets(spec)) is not None]
    if unnamed:  # a mistyped path: bad input (exit 2), not "0 rulesets, 0 errors"
        raise RulesetError(unnamed)
    findings: list[Finding] = []
    rulesets: list[CompiledRuleset] = []
    problems: list[Problem] = []
    for spec in args.paths:
        found, broken = load_all(spec)
        rulesets.extend(ruleset for _, ruleset in found)
        problems.extend(broken)
    findings.extend(check_all(rulesets))
    shown = [f for f in findings if args.verbose or f.severity is not Severity.info]
    if args.json:
        payload = {"rulesets": len(rulesets), "problems": [str(p) for p in problems], "findings": [
            {"code": f.code, "severity": f.severity.value, "message": f.message, "hint": f.hint,
             "subject": f.subject, "location": str(f.location) if f.location else None} for f in findings]}
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for problem in problems:
            out.write(f"{problem}\n")
        for finding in shown:
            out.write(f"{finding}\n")
        counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
        summary = (f"{len(rulesets)} ruleset(s): {counts[Severity.error]} error(s), "
                   f"{counts[Severity.warning]} warning(s), {counts[Severity.info]} note(s)")
        if problems:  # files that did not load are no ruleset: say so rather than "0 errors"
            files = {p.location.path for p in problems if p.location is not None}
            summary += f"; {max(len(files), 1)} file(s) not loaded, {len(problems)} problem(s) above"
        out.write(summary + "\n")
    return 1 if problems or any(f.severity is Severity.error for f in findings) else 0


def _rulesets(args: argparse.Namespace, out: TextIO) -> int:
    """Every ruleset found: id, department, issuer, 文号, dates, counts, unverified items."""
    from .catalogue import catalogue, catalogue_markdown

    entries, problems = catalogue(args.path)
    if args.json:
        out.write(json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
    elif args.markdown:
        out.write(catalogue_markdown(entries, Path(args.path)))
    else:
        for e in entries:
            out.write(f"{e['id']} {e['version']}  [{e['department']}] {e['title']}  {e['issuer']} "
                      f"{e['document'] or ''}  {e['effective']}–{e['expires'] or ''}  violations {e['violations']}, "
                      f"items {e['list_items']} ({e['unverified_items']} unverified)\n")
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    return 2 if problems else 0


def _test(args: argparse.Namespace, out: TextIO) -> int:
    """Run pytest in a fresh interpreter: the plugin must import discretion itself, after pytest starts."""
    import subprocess

    # the paths are those before ``--`` (main keeps what follows it apart, for pytest untouched)
    missing = [Problem("not-found", "no such file or folder", Location(p)) for p in args.paths if not Path(p).exists()]
    if missing:
        raise RulesetError(missing)
    command = [sys.executable, "-m", "pytest", *args.paths, *args.pytest_args]
    completed = subprocess.run(command, check=False, capture_output=True, text=True)
    out.write(completed.stdout)
    sys.stderr.write(completed.stderr)
    if completed.returncode == _PYTEST_NO_TESTS:  # nothing tested is a failure to say, not a pass
        paths = ", ".join(args.paths)
        sys.stderr.write(f"discretion test: nothing to test: no ruleset.yaml or *.cases.yaml under {paths}\n")
        return 2
    if completed.returncode == _PYTEST_USAGE:  # pytest's usage error (an unknown option): bad input
        return 2
    return completed.returncode


_PYTEST_USAGE, _PYTEST_NO_TESTS = 4, 5  # pytest.ExitCode.USAGE_ERROR, NO_TESTS_COLLECTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="discretion", description="Evaluate, check and test rulesets of "
                                     "lenient-penalty lists and discretion baselines (行政处罚裁量基准).")
    parser.add_argument("--version", action="version", version=f"discretion {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("evaluate", help="recommend an outcome for a case (or a list of cases)")
    p.add_argument("ruleset", help="ruleset.yaml, or its folder")
    p.add_argument("case", help="case file (.json or .yaml), or - for standard input")
    p.add_argument("--json", action="store_true", help="print the recommendation as JSON")
    p.add_argument("--trace", action="store_true", help="also print every rule considered")
    p.add_argument("--backend", default="native", choices=("native", "durable"))
    p.add_argument("--ask", action="store_true", help="ask for the unknown facts that decide the outcome")
    p.set_defaults(run=_evaluate)

    p = sub.add_parser("notice", help="text of the prior notice (事先告知书) or the no-penalty decision")
    p.add_argument("ruleset")
    p.add_argument("case")
    p.add_argument("--party", default="当事人", help="the party's name")
    p.add_argument("--agency", help="the enforcement agency's name (default: a marked blank to fill in)")
    p.add_argument("--date", type=_iso_date, help="date of the notice, YYYY-MM-DD; the hearing-request deadline "
                   "counts from it (default: the case's notice_date, else today)")
    p.add_argument("--templates", help="a folder with notice_penalty.txt / notice_no_penalty.txt to use instead")
    p.add_argument("--jurisdiction", help="a jurisdiction file: hearing thresholds (较大数额) and the holiday "
                   "calendar the hearing-request deadline skips (discretion.load_jurisdiction)")
    p.set_defaults(run=_notice)

    p = sub.add_parser("show", help="print a loaded ruleset")
    p.add_argument("ruleset")
    p.add_argument("--json", action="store_true", help="print the ruleset as JSON")
    p.set_defaults(run=_show)

    p = sub.add_parser("schema", help="print the JSON Schema of the ruleset format")
    p.set_defaults(run=_schema)

    p = sub.add_parser("check", help="static checks of rulesets: findings with path:line:col; exit 1 on errors")
    p.add_argument("paths", nargs="+", help="ruleset files or folders")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="also print notes (info findings)")
    p.set_defaults(run=_check)

    p = sub.add_parser("rulesets", help="list every ruleset found (current and earlier versions)")
    p.add_argument("path", nargs="?", default="rulesets")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.add_argument("--markdown", action="store_true", help="print the index table of rulesets/README.md")
    p.set_defaults(run=_rulesets)

    p = sub.add_parser("test", help="run *.cases.yaml (and the checks) through pytest")
    p.add_argument("paths", nargs="*", default=["rulesets"])
    p.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: arguments passed to pytest as given")
    p.set_defaults(run=_test)
    for name in _EXTENSIONS:
        importlib.import_module(f"discretion.{name}").register(sub)
    return parser


def _separated(argv: list[str]) -> tuple[list[str], list[str]]:
    """``discretion test PATHS -- ARGS``: the words before ``--``, and ARGS for pytest as given. argparse
    would put ARGS among the paths (an option's value such as ``no:cacheprovider`` taken for a missing path)."""
    command = next((i for i, word in enumerate(argv) if not word.startswith("-")), None)
    if command is None or argv[command] != "test" or "--" not in argv[command:]:
        return argv, []
    separator = argv.index("--", command)
    return argv[:separator], argv[separator + 1:]


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the CLI in-process (tests call this) and return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _parser()
    words, for_pytest = _separated(list(argv) if argv is not None else sys.argv[1:])
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:
        return int(exc.code or 0)
    if for_pytest:
        args.pytest_args = [*args.pytest_args, *for_pytest]
    try:
        run: Command = args.run
        return run(args, out)
    except DiscretionError as exc:
        err.write(f"{exc}\n")
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): nothing is wrong, nothing more to say
        if out is sys.__stdout__:
            _quiet_stdout()
        return 141
    except Exception as exc:  # a bug of ours: say so plainly instead of a traceback
        err.write(f"discretion: internal error ({type(exc).__name__}: {exc}); please report it with the input\n")
        return 70


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not report the closed pipe again."""
    stdout = sys.__stdout__
    try:
        if stdout is not None:
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    except OSError:  # stdout already closed: nothing left to quiet
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
