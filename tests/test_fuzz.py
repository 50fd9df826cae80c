"""Fuzzing the boundary: every ruleset text and every case ends in a result or a located DiscretionError.

The loader and the case validator are where untrusted input enters, so they are fuzzed with random
YAML, mutations of the bundled rulesets, hostile condition expressions and random JSON cases. Any other
exception, a hang (a per-input alarm) or a blow-up in memory is a crash. Each property runs twice: a
CI-sized budget by default, and a long run with ``--run-slow``. Inputs tried and crashes are counted;
set ``DISCRETION_FUZZ_REPORT=path.json`` to have the counts written at the end of the module.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import string
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import discretion
from discretion import CaseError, DiscretionError, RulesetError
from discretion.expr import ExprSyntaxError, ExprTypeError, FactType, condition
from discretion.models.outcome import Recommendation
from discretion.registry import ruleset_files

from .conftest import FIXTURES, RULESETS

COUNTS: Counter[str] = Counter()
HANG_SECONDS = 20  # generous: CI machines are busy; a real hang never returns
FILES = ruleset_files(RULESETS)
TEXTS = {f.relative_to(RULESETS).as_posix(): f.read_bytes() for f in FILES}
MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
CI = {"deadline": None, "derandomize": False, "suppress_health_check": list(HealthCheck), "database": None}


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    """Write the counts where asked, so that the README figures come from a real run."""
    yield
    target = os.environ.get("DISCRETION_FUZZ_REPORT")
    if target:
        Path(target).write_text(json.dumps(dict(sorted(COUNTS.items())), indent=2) + "\n", encoding="utf-8")


class Hang(Exception):
    """One input took longer than HANG_SECONDS."""


@contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    """Interrupt a runaway input in the main thread (POSIX); elsewhere, run without a guard."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise Hang(f"an input took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def attempt(kind: str, action: Callable[[], object]) -> object | DiscretionError:
    """Run one input: a result, or a DiscretionError that says where; anything else is a crash."""
    COUNTS[f"{kind}.inputs"] += 1
    COUNTS["inputs"] += 1
    try:
        with _alarm(HANG_SECONDS):
            return action()
    except DiscretionError as error:
        if error.location is None or not str(error.location):
            COUNTS["crashes"] += 1
            raise AssertionError(f"{kind}: an error without a location: {error!r}") from error
        return error
    except BaseException:
        COUNTS["crashes"] += 1
        COUNTS[f"{kind}.crashes"] += 1
        raise


def _load(raw: bytes | str) -> object:
    ruleset = discretion.load_ruleset_text(raw, source="fuzz.yaml")
    assert isinstance(ruleset.sha256, str) and len(ruleset.sha256) == 64
    return ruleset


def _fuzz(given_args: tuple[st.SearchStrategy[Any], ...], check: Callable[..., None],
          ci: int, slow: int) -> tuple[Callable[..., None], Any]:
    """The same property under two budgets: CI-sized, and a long one behind ``--run-slow``."""
    def make(examples: int) -> Callable[..., None]:
        @settings(max_examples=examples, **CI)  # type: ignore[arg-type]
        @given(st.tuples(*given_args))
        def run(args: tuple[Any, ...]) -> None:
            check(*args)

        return run  # type: ignore[no-any-return]

    long = pytest.mark.slow(make(slow))
    return make(ci), long


# -- strategies ----------------------------------------------------------------------------------------

HOSTILE_EXPRESSIONS = [
    "x.__class__", "().__class__.__bases__[0].__subclasses__()", "__import__('os').system('true')",
    "lambda: 1", "(lambda x: x)(1)", "[a for a in b]", "{a: 1 for a in b}", "(a for a in b)", "f'{harm}'",
    "f'{__import__(\"os\")}'", "open('/etc/passwd')", "eval('1')", "exec('1')", "getattr(harm, 'x')",
    "harm.upper()", "days_late[0]", "days_late is None", "~days_late", "days_late // 2", "days_late ** 99",
    "days_late << 99", "days_late @ days_late", "{}", "{1: 2}", "...", "b'x' == 1", "1j > 0", "yield 1",
    "await x", "(x := 1)", "*a", "days_late if harm else 1", "date('2021-02-30') < act_date",
    "act_date < date(harm)", "date('2021-01-01', 1) < act_date", "harm in []", "harm in [days_late]",
    "harm in harm", "1 < 2 < 3 < 4 < 5", "`", "\\", "'unterminated", "1e999 > 0", "1e999999999 * days_late > 0",
    "days_late / 0 > 1", "-1e-999999999 < days_late", "days_late * 1e400 * 1e400 > 0", "nan > 1", "inf > 1",
    "_private", "__builtins__", "True.real", "days_late + act_date > 0", "not " * 500 + "true",
    "(" * 40 + "1" + ")" * 40, "-" * 1000 + "1 > 0", "[" * 200, "a" * 3000, "9" * 1999 + " > days_late",
    "9" * 5000, "days_late" + " + days_late" * 300 + " > 0", " and ".join(["first_violation"] * 400),
    "act_date - 99999999999999999999 < act_date", "act_date + days_late * 999999999 > act_date",
    "\x00", "\u202e harm", "ｈａｒｍ == 'minor'", "harm == 'minor'\r\n and first_violation",
]

_expr_atoms = st.sampled_from(["days_late", "harm", "first_violation", "act_date", "1", "1.5", "0", "-3",
                               "'minor'", "\"none\"", "true", "date('2024-01-01')", "x", "_x", "__class__",
                               "1e308", "9" * 40])
_expr_ops = st.sampled_from([" and ", " or ", " + ", " - ", " * ", " / ", " < ", " == ", " != ", " in ",
                             ".", "(", ")", "[", "]", ", ", " not ", " if ", " else ", " for ", " lambda ",
                             "**", " is ", ":", "{", "}", "f'", "'", "\\", "\n", "#"])


@st.composite
def expressions(draw: st.DrawFn) -> str:
    """Conditions built to escape or to blow up; shrinks towards a single atom or a known hostile text."""
    if draw(st.booleans()):
        return draw(st.sampled_from(HOSTILE_EXPRESSIONS))
    parts = draw(st.lists(st.one_of(_expr_atoms, _expr_ops), min_size=1, max_size=30))
    text = "".join(parts)
    depth = draw(st.integers(0, 80))
    if depth and draw(st.booleans()):
        text = "(" * depth + text + ")" * depth
    return text


yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False).map(str), st.text(max_size=40),
    st.sampled_from([".nan", ".inf", "-.inf", "1e999", "0x1F", "0o17", "1_000", "2021-02-30", "2024-01-01",
                     "yes", "no", "on", "~", "null", "-0.00", "9" * 5000, "<<", "!!python/object:os.system",
                     "&a", "*a", "%", "@", "`"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=6),
                            st.dictionaries(st.text(string.ascii_lowercase + "_", min_size=1, max_size=12),
                                            inner, max_size=6)),
    max_leaves=40,
)
_keys = ["format", "id", "title", "department", "issuer", "jurisdiction", "version", "effective", "expires",
         "sources", "facts", "violations", "list_items", "tiers", "when", "fine", "min", "max", "statutory",
         "types", "bands", "kind", "ground", "modality", "violation", "measures", "basis", "zh", "en", "type",
         "values", "penalty_basis", "law", "article", "parameters", "formulas", "waivers", "default", "implies"]


@st.composite
def ruleset_like(draw: st.DrawFn) -> dict[str, Any]:
    """A mapping built from the format's own keys, so that validation (not only parsing) is exercised."""
    keys = st.sampled_from(_keys)
    tree = st.recursive(yaml_scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=30)
    return draw(st.dictionaries(keys, tree, min_size=1, max_size=10))


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


TOKENS = [b"\n", b": ", b"- ", b"&a ", b"*a", b"<<: *a", b"{", b"}", b"[", b"]", b",", b"'", b'"', b"? ",
          b"!!python/object/apply:os.system ['true'] ", b"!x ", b"\t", b"\r\n", b"\r", b"\xef\xbb\xbf",
          b"\xff\xfe", b"\x07", b"\x00", b"\xe4\xb8", b"1e999", b".nan", b".inf", b"-1", b"-0.01", b"2021-02-30",
          b"when: ", b"x.__class__", b"(lambda: 1)()", b"[x for x in y]", b"f'{x}'", b"(" * 50, b"null", b"~",
          b"|\n  ", b">\n  ", b"%YAML 1.1\n", b"---\n", b"...\n", b"0x1F", b"1_000", b"9" * 5000,
          b"99999999999999999999999999", b"\\u0000", b"\xf0\x9f\x98\x80", b"\xed\xa0\x80"]


@st.composite
def mutations(draw: st.DrawFn) -> bytes:
    """A bundled ruleset with a few edits (tokens in, bytes out, lines swapped or repeated, encodings);
    shrinks towards fewer edits on the smallest file."""
    name = draw(st.sampled_from(sorted(TEXTS, key=lambda k: len(TEXTS[k]))))
    data = bytearray(TEXTS[name])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.integers(0, 7))
        pos = draw(st.integers(0, len(data)))
        if op == 0:
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == 1:
            del data[pos:pos + draw(st.integers(1, 40))]
        elif op == 2:
            data[pos:pos + 1] = bytes([draw(st.integers(0, 255))])
        elif op in (3, 4):
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if op == 3:
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(i, lines[j])
            data = bytearray(b"\n".join(lines))
        elif op == 5:
            text = bytes(data).decode("utf-8", "replace")
            lines = text.split("\n")
            whens = [k for k, line in enumerate(lines) if line.lstrip().startswith(("when:", "- when:"))]
            if whens:
                k = draw(st.sampled_from(whens))
                indent = lines[k][: len(lines[k]) - len(lines[k].lstrip())]
                head = "- when: " if lines[k].lstrip().startswith("-") else "when: "
                lines[k] = indent + head + json.dumps(draw(expressions()))
            data = bytearray("\n".join(lines).encode("utf-8", "surrogatepass"))
        elif op == 6:
            data = bytearray(bytes(data).replace(b"\n", b"\r\n"))
        else:
            codec = draw(st.sampled_from(["utf-16", "utf-16-le", "gb18030", "latin-1", "utf-8-sig", "utf-32"]))
            data = bytearray(bytes(data).decode("utf-8", "replace").encode(codec, "replace"))
    return bytes(data)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
              st.decimals(allow_nan=True, allow_infinity=True), st.text(max_size=30),
              st.sampled_from(["", "-1", "-0.01", "1e999", "NaN", "Infinity", "-Infinity", "1,000.00",
                               "2024-02-30", "2024-01-01", "0001-01-01", "9999-12-31", "9" * 50, "1e-999999999",
                               "1e40", "minor", "none", "within_deadline", "true"]),
              st.integers(min_value=-(10 ** 60), max_value=10 ** 60)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
@functools.cache
def loaded(name: str) -> discretion.CompiledRuleset:
    """Bundled rulesets compiled on first use, not at collection (the rest of the suite does not pay)."""
    return discretion.load_ruleset_text(TEXTS[name], source=name)


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, Any]:
    """A ruleset and a case for it: mostly its own fact names with values of any type; shrinks towards
    an empty case."""
    name = draw(st.sampled_from(sorted(TEXTS)))
    ruleset = loaded(name)
    violations = sorted(ruleset.violations)
    facts: dict[str, Any] = {}
    for fact in draw(st.lists(st.sampled_from(sorted(ruleset.schema)), max_size=10)):
        spec = ruleset.schema[fact]
        typed = {"money": st.decimals(min_value=-10 ** 16, max_value=10 ** 16, places=2),
                 "date": st.dates().map(lambda d: d.isoformat()),
                 "enum": st.sampled_from(list(spec.codes) or ["x"]),
                 "records": st.lists(st.fixed_dictionaries(
                     {"date": st.dates().map(lambda d: d.isoformat())},
                     optional={"violation": st.sampled_from([*violations, "other"])}), max_size=3),
                 "bool": st.booleans(), "integer": st.integers(-5, 10 ** 6), "days": st.integers(-5, 10 ** 6),
                 "number": st.decimals(allow_nan=False, allow_infinity=False)}.get(spec.type.value, json_values)
        facts[fact] = draw(st.one_of(typed, json_values) if draw(st.integers(0, 4)) == 0 else typed)
    if draw(st.booleans()):
        facts[draw(st.text(max_size=8))] = draw(json_values)
    case: dict[str, Any] = {"facts": facts}
    shape = draw(st.integers(0, 5))
    if shape <= 2:
        case["violation"] = draw(st.sampled_from(violations))
    elif shape == 3:
        case["violations"] = draw(st.lists(st.sampled_from(violations), max_size=4))
    elif shape == 4:
        case["violation"] = draw(json_values)
    if draw(st.integers(0, 5)) == 0:
        case[draw(st.sampled_from(["id", "extra", "facts"]))] = draw(json_values)
    return name, case


# -- properties ----------------------------------------------------------------------------------------

def check_yaml_values(value: Any) -> None:
    attempt("yaml", lambda: _load(_dump(value)))


def check_ruleset_like(value: dict[str, Any]) -> None:
    attempt("yaml", lambda: _load(_dump(value)))


def check_bytes(raw: bytes) -> None:
    attempt("bytes", lambda: _load(raw))


def check_mutation(raw: bytes) -> None:
    attempt("mutation", lambda: _load(raw))


def check_expression_parses(text: str) -> None:
    """The condition language alone: a condition, or a syntax/type error with a code; never a crash."""
    COUNTS["expression.inputs"] += 1
    COUNTS["inputs"] += 1
    types = {"days_late": FactType("days"), "harm": FactType("enum", ("none", "minor")),
             "first_violation": FactType("bool"), "act_date": FactType("date")}
    try:
        with _alarm(HANG_SECONDS):
            compiled = condition(text, types)
            compiled.matcher({"days_late": 3, "harm": "minor", "first_violation": True})
    except (ExprSyntaxError, ExprTypeError) as error:
        assert error.code.startswith(("expr-", "type-", "unknown-")), error.code
    except BaseException:
        COUNTS["crashes"] += 1
        COUNTS["expression.crashes"] += 1
        raise


def check_expression_in_ruleset(text: str, days: int) -> None:
    """A hostile condition inside a valid ruleset: refused at load with file:line:col, or evaluated safely."""
    raw = MINIMAL.replace("when: days_late <= 10", "when: " + json.dumps(text))
    result = attempt("expression", lambda: _load(raw))
    if isinstance(result, discretion.CompiledRuleset):
        ruleset = result
        attempt("expression", lambda: discretion.evaluate(ruleset, {"violation": "v1", "facts": {"days_late": days}}))
    elif isinstance(result, RulesetError):
        assert all(p.location is not None and p.location.line for p in result.problems), result


def check_case(drawn: tuple[str, Any]) -> None:
    name, case = drawn
    ruleset = loaded(name)
    result = attempt("case", lambda: discretion.evaluate(ruleset, case))
    if isinstance(result, Recommendation):
        payload = result.model_dump_json()  # the JSON contract holds for every accepted case
        assert json.loads(payload)["ruleset"]["sha256"] == ruleset.sha256
    else:
        assert isinstance(result, CaseError), result


def check_case_text(name: str, text: str | bytes) -> None:
    attempt("case-json", lambda: discretion.evaluate(loaded(name), text))


test_random_yaml_documents, test_random_yaml_documents_long = _fuzz((yaml_values,), check_yaml_values, 80, 3000)
test_ruleset_shaped_documents, test_ruleset_shaped_documents_long = _fuzz(
    (ruleset_like(),), check_ruleset_like, 50, 2000)
test_random_bytes, test_random_bytes_long = _fuzz(
    (st.one_of(st.binary(max_size=400), st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
               st.lists(st.sampled_from(TOKENS), max_size=30).map(b"".join)),), check_bytes, 200, 10000)
test_mutated_bundled_rulesets, test_mutated_bundled_rulesets_long = _fuzz(
    (mutations(),), check_mutation, 60, 2000)
test_condition_language, test_condition_language_long = _fuzz((expressions(),), check_expression_parses, 300, 20000)
test_hostile_conditions_in_a_ruleset, test_hostile_conditions_in_a_ruleset_long = _fuzz(
    (expressions(), st.integers(-10, 10 ** 6)), check_expression_in_ruleset, 100, 3000)
test_random_cases, test_random_cases_long = _fuzz((cases(),), check_case, 150, 10000)
test_random_case_text, test_random_case_text_long = _fuzz(
    (st.sampled_from(sorted(TEXTS)),
     st.one_of(st.text(max_size=200), st.binary(max_size=200),
               cases().map(lambda c: json.dumps(c[1], default=str)),
               json_values.map(lambda v: json.dumps(v, default=str)))), check_case_text, 120, 5000)


# -- the named hazards, each once, with a memory bound ------------------------------------------------

def _bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


HAZARDS: dict[str, bytes | str] = {
    "alias bomb": _bomb(9, 10),
    "alias bomb in a merge": "a: &a {x: 1}\n" + "".join(f"b{i}: &b{i}\n  <<: [*{'a' if i == 0 else f'b{i - 1}'}]\n"
                                                          f"  y{i}: 1\n" for i in range(60)),
    "deep nesting (flow)": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep nesting (block)": "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n",
    "deep nesting (mappings)": "a: " + "{b: " * 3000 + "1" + "}" * 3000 + "\n",
    "huge integer": "id: " + "9" * 20000 + "\n",
    "huge integer (4301 digits)": "format: " + "1" * 4301 + "\n",
    "huge decimal": "format: 0." + "1" * 90000 + "\n",
    "NaN and Infinity": "format: .nan\nid: .inf\nversion: -.inf\n",
    "negative money": MINIMAL.replace("fine: {max: 300}", "fine: {max: -300}"),
    "money with fractions of a fen": MINIMAL.replace("fine: {max: 300}", "fine: {max: 300.001}"),
    "10 MB string": "note: '" + "x" * (10 * 1024 * 1024) + "'\n",
    "long value": "note: '" + "x" * 200_000 + "'\n",
    "GBK encoding": MINIMAL.encode("gb18030"),
    "UTF-16 with BOM": MINIMAL.encode("utf-16"),
    "UTF-8 byte-order mark": b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"),
    "Windows line endings": MINIMAL.replace("\n", "\r\n"),
    "old Mac line endings": MINIMAL.replace("\n", "\r"),
    "control character": MINIMAL.replace("test ruleset", "test\x07ruleset"),
    "NUL byte": MINIMAL.replace("test ruleset", "test\x00ruleset"),
    "lone surrogate bytes": MINIMAL.encode("utf-8") + b"\nnote: \xed\xa0\x80\n",
    "python tag": "id: !!python/object/apply:os.system ['true']\n",
    "local tag": "id: !secret x\n",
    "empty document": "",
    "several documents": MINIMAL + "\n---\n" + MINIMAL,
    "a list at the top": "- 1\n- 2\n",
    "a scalar at the top": "just text\n",
    "duplicate key": MINIMAL + "id: again\n",
    "complex key": "? [a, b]\n: 1\n",
}


def _peak_rss() -> int:
    """The process's peak resident memory in bytes (tracemalloc would slow the alias bomb tenfold)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


@pytest.mark.parametrize("name", sorted(HAZARDS))
def test_named_hazards_end_in_a_located_error_within_bounds(name: str) -> None:
    raw = HAZARDS[name]
    before = _peak_rss()
    result = attempt("hazard", lambda: _load(raw))
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    grown = _peak_rss() - before  # the high-water mark moves only if this input went above it
    assert grown < 128 * 1024 * 1024 + 10 * size, f"{name}: the peak grew by {grown / 1e6:.0f} MB"
    if name in {"UTF-8 byte-order mark", "Windows line endings", "old Mac line endings"}:
        assert isinstance(result, discretion.CompiledRuleset), result  # harmless variations still load
    else:
        assert isinstance(result, RulesetError), f"{name}: {result!r}"


@pytest.mark.parametrize("text", HOSTILE_EXPRESSIONS)
def test_each_hostile_condition_is_refused_or_harmless(text: str) -> None:
    check_expression_in_ruleset(text, 3)
    check_expression_parses(text)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), Decimal("NaN"), Decimal("-Infinity"),
                                   Decimal("-0.01"), -1, "-5", 10 ** 400, "1e40", Decimal("1e40"), "1e-999999999",
                                   "9" * 10_000, "x" * (10 * 1024 * 1024), [1] * 10_000, {"a": {"b": {}}}],
                         ids=lambda v: type(v).__name__)
def test_named_case_hazards_end_in_a_case_error(value: Any, tax: discretion.CompiledRuleset) -> None:
    for fact in ("illegal_gains", "age_at_act", "act_date", "harm", "first_violation", "prior_violations"):
        case = {"violation": "late-filing", "facts": {fact: value}}
        result = attempt("case", lambda: discretion.evaluate(tax, case))  # noqa: B023 - called at once
        assert isinstance(result, CaseError), (fact, value, result)


def test_case_json_with_nan_and_deep_nesting(tax: discretion.CompiledRuleset) -> None:
    for text in ('{"violation": "late-filing", "facts": {"illegal_gains": NaN}}',
                 '{"violation": "late-filing", "facts": {"illegal_gains": -Infinity}}',
                 '{"violation": "late-filing", "facts": {"illegal_gains": 1e999}}',
                 '{"violation": "late-filing", "facts": {"age_at_act": ' + "9" * 5000 + "}}",
                 "[" * 100_000 + "]" * 100_000, '{"a": ' * 50_000 + "1" + "}" * 50_000,
                 b"\xff\xfe{", "\ufeff{}", '{"violation": "late-filing"}\r\n'.encode("utf-16")):
        result = attempt("case-json", lambda: discretion.evaluate(tax, text))  # noqa: B023 - called at once
        assert isinstance(result, CaseError), (text[:60], result)


def test_the_figures_are_counted() -> None:
    """The counters are what the README reports: they must move, and no crash may have been swallowed."""
    if not COUNTS["inputs"]:
        pytest.skip("run with the rest of the module")
    assert COUNTS["crashes"] == 0


# -- regressions: one per crash the fuzzing found ------------------------------------------------------

def test_regression_control_character_is_located() -> None:
    """PyYAML's reader raised ReaderError from the loader's constructor, outside the error mapping."""
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset_text("id: x\ntitle: a\x07b\n", source="bell.yaml")
    assert info.value.code == "encoding" and str(info.value.location) == "bell.yaml:2:9"


def test_regression_enum_value_labels_that_are_not_a_mapping() -> None:
    """``values: {minor: 1}`` spread an int as labels: a TypeError from inside the models."""
    raw = MINIMAL.replace("facts:\n", "facts:\n  level:\n    type: enum\n    values: {low: 1}\n")
    assert raw != MINIMAL
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset_text(raw, source="labels.yaml")
    assert "expected its labels as a mapping" in str(info.value) and "labels.yaml:" in str(info.value)


def test_regression_integer_beyond_python_digit_guard() -> None:
    """int() refuses more than 4300 digits with a ValueError."""
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset_text("format: " + "9" * 5000 + "\n", source="big.yaml")
    assert info.value.code == "yaml-number" and str(info.value.location) == "big.yaml:1:9"


def test_regression_deep_flow_nesting_stops_at_the_limit_quickly() -> None:
    """Thousands of '[' ran PyYAML's recursive composer into RecursionError (slow, and fragile)."""
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset_text("a: " + "[" * 20_000, source="deep.yaml")
    assert info.value.code == "yaml-too-deep" and info.value.location is not None


def test_regression_condition_errors_survive_context_managers() -> None:
    """The condition errors were frozen dataclasses: Python could not set their __traceback__."""
    import contextlib

    for text in ["(" * 40 + "1" + ")" * 40, "harm +", "x.y"]:
        with pytest.raises((ExprSyntaxError, ExprTypeError)), contextlib.nullcontext():
            condition(text, {"harm": FactType("enum", ("a",))})
    with pytest.raises(ExprTypeError), contextlib.nullcontext():
        condition("harm > 1", {"harm": FactType("enum", ("a",))})


@pytest.mark.parametrize("text", ["1e999999999 * days_late > 0", "days_late / 1e-999999999 > 0",
                                  "days_late * " + "9" * 40 + " > 0"])
def test_regression_number_literals_cannot_overflow_decimal(text: str) -> None:
    """A literal like 1e999999999 loaded, then raised decimal.Overflow in evaluation."""
    raw = MINIMAL.replace("when: days_late <= 10", "when: " + json.dumps(text))
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset_text(raw, source="big.yaml")
    assert info.value.code == "expr-syntax" and info.value.location is not None


@pytest.mark.parametrize(("fact", "value"), [("illegal_gains", "1e40"), ("illegal_gains", Decimal("1E+40")),
                                             ("age_at_act", 10 ** 5000), ("age_at_act", Decimal("1e400"))],
                         ids=["money-text", "money-decimal", "int-5000-digits", "int-decimal"])
def test_regression_huge_case_values_are_case_errors(fact: str, value: Any, tax: discretion.CompiledRuleset) -> None:
    """Quantizing 1e40 yuan raised decimal.InvalidOperation; a 5000-digit int broke repr() in the message."""
    with pytest.raises(CaseError) as info:
        discretion.evaluate(tax, {"violation": "late-filing", "facts": {fact: value}})
    assert info.value.code == "invalid-fact" and len(str(info.value)) < 400


def test_regression_text_with_a_lone_surrogate_is_an_encoding_error() -> None:
    """A str ruleset was encoded strictly, so a lone surrogate raised UnicodeEncodeError."""
    for load in (lambda: discretion.load_ruleset_text("id: a\ud800b\n", source="s.yaml"),
                 lambda: discretion.load_ruleset_text(MINIMAL + "note: \udcff\n", source="s.yaml")):
        with pytest.raises(RulesetError) as info:
            load()
        assert info.value.code == "encoding" and str(info.value.location).startswith("s.yaml:")


@pytest.mark.parametrize("value", [Decimal("sNaN"), Decimal("-sNaN")], ids=["sNaN", "-sNaN"])
def test_regression_signalling_nan_is_a_case_error(value: Decimal, tax: discretion.CompiledRuleset) -> None:
    """``raw == raw`` on a signalling NaN raised decimal.InvalidOperation in the integer check."""
    for fact in ("age_at_act", "illegal_gains"):
        with pytest.raises(CaseError):
            discretion.evaluate(tax, {"violation": "late-filing", "facts": {fact: value}})
