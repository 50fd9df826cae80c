"""The two readings of a YAML text agree: without positions (what loading does first) and with them
(what every error and location comes from). Reading without positions builds an anchored part once
and copies it for each alias; it may refuse more than the other reading (it then reads again with
positions), never less, and what it accepts is the same data, with the same positions worked out later.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from discretion._yaml import Limits, parse_yaml
from discretion.errors import RulesetError

KEYS = ["a", "b", "c", "d"]


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Block and flow YAML with anchors, aliases (defined, undefined and recursive ones), merges,
    duplicate keys and odd scalars: small enough for the small limits below to bite."""
    anchors: list[str] = []

    def scalar() -> str:
        return draw(st.sampled_from(["1", "x", "'q'", "1.5", "2021-04-01", "2021-02-30", "~", "yes", ".nan"]))

    def node(depth: int) -> str:
        choice = draw(st.integers(0, 5 if depth < 4 else 1))
        if choice == 1 and anchors:
            return "*" + draw(st.sampled_from([*anchors, "nowhere"]))
        if choice in (0, 1):
            return scalar()
        anchor = ""
        if draw(st.booleans()):
            name = f"n{draw(st.integers(0, 3))}"
            anchor = f"&{name} "
        if choice in (2, 3):
            items = [node(depth + 1) for _ in range(draw(st.integers(0, 3)))]
            body = "[" + ", ".join(items) + "]"
        else:
            pairs = []
            if anchors and draw(st.booleans()):
                merged = draw(st.sampled_from(anchors))
                pairs.append(f"<<: *{merged}" if draw(st.booleans()) else f"<<: [*{merged}]")
            for _ in range(draw(st.integers(0, 3))):
                pairs.append(f"{draw(st.sampled_from(KEYS))}: {node(depth + 1)}")
            body = "{" + ", ".join(pairs) + "}"
        if anchor:
            anchors.append(anchor[1:-1])
        return anchor + body

    lines = [f"{key}: {node(1)}" for key in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5))]
    return "\n".join(lines) + "\n"


def _outcome(text: str, limits: Limits, *, positions: bool) -> Any:
    try:
        document = parse_yaml(text, "t.yaml", limits=limits, positions=positions)
    except RulesetError as error:
        return [str(problem) for problem in error.problems]
    return document


def _agree(text: str, limits: Limits) -> bool:
    """Both readings give the same problems, or the same data and positions; whether it was accepted."""
    lazy, eager = _outcome(text, limits, positions=False), _outcome(text, limits, positions=True)
    if isinstance(eager, list):
        assert lazy == eager, text  # refused alike, with the same located problems
        return False
    assert not isinstance(lazy, list), (text, lazy)
    assert lazy.data == eager.data, text
    assert (lazy.positions.keys, lazy.positions.values) == (eager.positions.keys, eager.positions.values)
    return True


def _least(text: str, accepts: Any, low: int, high: int) -> int | None:
    """The least limit in [low, high] at which the reading with positions accepts the text, if any."""
    if not accepts(high):
        return None
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if accepts(middle) else (middle + 1, high)
    return low


@settings(max_examples=300, deadline=None)
@given(documents(), st.integers(3, 60), st.integers(1, 6))
def test_reading_without_positions_gives_what_reading_with_them_gives(text: str, nodes: int, depth: int) -> None:
    _agree(text, Limits(max_nodes=nodes, max_depth=depth))
    # and at the very edge of each limit, where counting an expansion one short would show
    def accepts(limits: Limits) -> bool:
        return not isinstance(_outcome(text, limits, positions=True), list)

    least_nodes = _least(text, lambda n: accepts(Limits(max_nodes=n)), 1, 10_000)
    if least_nodes is not None:
        assert _agree(text, Limits(max_nodes=least_nodes))
        assert least_nodes == 1 or not _agree(text, Limits(max_nodes=least_nodes - 1))
    least_depth = _least(text, lambda d: accepts(Limits(max_depth=d)), 0, 64)
    if least_depth is not None:
        assert _agree(text, Limits(max_depth=least_depth))
        assert least_depth == 0 or not _agree(text, Limits(max_depth=least_depth - 1))


def test_an_alias_gets_its_own_copy_of_an_anchored_part() -> None:
    data = parse_yaml("a: &x {k: [1, 2]}\nb: *x\nc: {<<: *x, j: 3}\n", "t.yaml").data
    assert data == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}, "c": {"k": [1, 2], "j": 3}}
    assert data["b"] is not data["a"] and data["b"]["k"] is not data["a"]["k"]
    assert data["c"]["k"] is not data["a"]["k"]


FORBIDDEN = ["\x01", "\x07", "\x1b", "\x7f", "\x80", "\x9f", "\ufffe", "\uffff", "\ud800", "\udfff"]


def test_characters_yaml_refuses_are_refused_alike_and_located_where_they_are() -> None:
    """Reading without positions leaves this check to libyaml; whatever it meets is read again with
    positions, so each is reported once, at its line and column (of characters, not bytes)."""
    for char in FORBIDDEN:
        for text in (f"a: 1\nb: 中文{char}x\n", f"{char}a: 1\n", f"a: [1, '{char}']\n"):
            lazy, eager = _outcome(text, Limits(), positions=False), _outcome(text, Limits(), positions=True)
            assert isinstance(eager, list) and lazy == eager, (repr(char), text, lazy)
    problem = _outcome("a: 1\nb: 中文\x07x\n", Limits(), positions=False)
    assert problem == ["t.yaml:2:6: encoding: character U+0007 is not allowed in YAML; remove it"]
