"""The benchmark scripts still run: each at a tiny size, its output checked for its rows and figures.

Figures are not judged here: speed goals live in ``benchmarks/results.md``, measured on one core by
``benchmarks/run``. These runs only keep the scripts from rotting as the library changes (a renamed
function, a changed signature). Not run here: ``bench_alternatives.py`` (it needs rule-engine and
zen-engine from the ``bench`` extra), ``bench_scaling.py`` (a thousand rules and a million rows at its
smallest; its batch table uses ``bench_batch``'s functions, run here), and ``bench_load.py`` beyond
its import rows.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?[×%]?$")


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def table_rows(output: str) -> dict[str, list[str]]:
    """A Markdown table's body rows by their first cell (the header and the rule left out)."""
    rows: dict[str, list[str]] = {}
    lines = [line for line in output.splitlines() if line.startswith("|")]
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def figures(cells: list[str]) -> list[float]:
    """The numeric cells of a row, as numbers."""
    out = []
    for cell in cells:
        if NUMBER.match(cell):
            out.append(float(cell.rstrip("×%").replace(",", "")))
    return out


def found(pattern: str, output: str) -> float:
    """The number a pattern's one group captures in the output; the pattern must be there."""
    match = re.search(pattern, output)
    assert match is not None, (pattern, output)
    return float(match.group(1).replace(",", ""))


def test_bench_evaluate_writes_every_stage_for_every_corpus() -> None:
    output = run("bench_evaluate.py", "--cases", "60", "--repeats", "1")
    rows = table_rows(output)
    json_row = next(label for label in rows if label.startswith("the result as JSON text"))
    for stage in ("validate_case", "match_native (matching alone)",
                  "discretion.evaluate (all of it, questions when facts are unknown)", json_row):
        values = figures(rows[stage])
        assert len(values) == 5 and all(v > 0 for v in values), (stage, rows[stage])
    size = re.search(r"holds a median (\d+) output models .* and (\d+) characters of JSON", output)
    assert size is not None and int(size[1]) > 10 and int(size[2]) > 1000, output[-300:]
    loop = next(label for label in rows if label.startswith("match_native, per case in a loop"))
    assert len(figures(rows[loop])) == 5


def test_bench_backends_compares_native_durable_and_raw_durable_rules() -> None:
    output = run("bench_backends.py", "--cases", "60")
    rows = table_rows(output)
    for what in ("evaluate, native", "evaluate, durable", "match, native", "match, durable (adapter)",
                 "raw durable_rules, same rules"):
        values = figures(rows[what])
        assert len(values) == 3 and all(v > 0 for v in values), (what, rows[what])
    assert found(r"vs raw durable_rules: (\d+\.\d+)× the median time per match", output) > 0


def test_bench_recall_recalls_the_timed_cases() -> None:
    output = run("bench_recall.py", "--cases", "400", "--repeats", "1")
    assert found(r"([\d.]+)% of the timed cases recalled whole", output) > 50  # 200 patterns, 400 cases
    assert found(r"best of 1: ([\d.]+)", output) > 0


def test_bench_collections_counts_each_generation() -> None:
    output = run("bench_collections.py", "--cases", "300", "--warm", "100")
    for generation in (0, 1, 2):
        assert found(rf"generation {generation}: (\d+) collections, [\d.]+ ms", output) >= 0
    assert found(r"objects tracked at the end: ([\d,]+)", output) > 0


def test_bench_batch_times_each_kind_of_frame_cold_and_warm() -> None:
    output = run("bench_batch.py", "--max-rows", "1000", "--repeat", "1")
    assert found(r"fixed cost of a call \(one-row frame, warm\): ([\d.]+) ms CPU", output) > 0
    lines = [line for line in output.splitlines() if line.startswith("|")][2:]
    kinds = {line.strip("|").split("|")[0].strip(): figures([c.strip() for c in line.strip("|").split("|")[1:]])
             for line in lines}
    assert set(kinds) == {"patterns", "random"}  # 1,000 rows each: the larger sizes are left out
    for kind, values in kinds.items():
        assert values[0] == 1000 and len(values) == 7 and all(v > 0 for v in values), (kind, values)


@pytest.mark.parametrize("path", ["hit", "first-sight", "recall", "distinct"])
def test_profile_evaluate_profiles_each_path(path: str) -> None:
    output = run("profile_evaluate.py", "--path", path, "--cases", "50")
    assert "evaluate" in output  # a call tree (pyinstrument) or a table (cProfile) naming the entry point
    assert "'misses'" in output or "cumulative" in output


def test_bench_load_times_the_import_in_fresh_processes() -> None:
    rows = table_rows(run("bench_load.py", "--repeats", "1", "--cached-only", "--only", "import discretion"))
    assert "import discretion" in rows
    values = figures(rows["import discretion"])
    assert len(values) == 4 and all(v > 0 for v in values), rows["import discretion"]
