"""Benchmark: ``import discretion`` and loading every bundled ruleset, each in a fresh interpreter (cold).

Not collected by pytest. Run ``taskset -c 0 .venv/bin/python benchmarks/bench_load.py [--repeats 7]``
(``--rulesets DIR`` for another folder, e.g. a fixed copy while comparing two versions of the code).
Each row runs its code in ``--repeats`` fresh processes: no import, parse or compile is cached between
them (nor is there any cache of ours on disk). Timed inside the process, so interpreter start-up is
excluded: wall time with perf_counter (median and best) and the process's CPU time (median), which a
shared machine disturbs less. The load rows include importing the loading machinery (pydantic, the
models, YAML) and then reading, validating and compiling every file: ``load_ruleset`` on each
``ruleset.yaml`` under rulesets/, and ``registry.load_all``, which also reads the earlier versions
(``versions/*.yaml``) as the registry, the catalogue and ``discretion check`` do. The header says
whether Python may reuse bytecode of the project's own modules (``PYTHONDONTWRITEBYTECODE``, and
whether ``__pycache__`` is there): without it each process also compiles their source.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine, table


def probes(rulesets: str) -> dict[str, str]:
    return {
        "import discretion": "import discretion",
        "import discretion; discretion.evaluate (first use imports the pipeline)":
            "import discretion; discretion.evaluate",
        "load and compile every bundled ruleset.yaml (imports included)":
            "import discretion; from discretion.loading import find_ruleset_files; "
            f"[discretion.load_ruleset(p) for p in find_ruleset_files({rulesets!r})]",
        "registry.load_all: every ruleset.yaml and earlier version (imports included)":
            f"from discretion.registry import load_all; found, problems = load_all({rulesets!r}); "
            "assert not problems, problems[0]",
    }
SKELETON = ("import time; t = time.perf_counter(); c = time.process_time(); {code}; "
            "print(time.perf_counter() - t, time.process_time() - c)")


def bytecode() -> str:
    cached = any((ROOT / "src" / "discretion").rglob("__pycache__/*.pyc"))
    writes = not (sys.flags.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE"))
    return (f"bytecode of discretion's modules: {'cached' if cached else 'not cached'}, "
            f"{'written' if writes else 'not written (PYTHONDONTWRITEBYTECODE)'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--rulesets", type=Path, default=ROOT / "rulesets")
    args = parser.parse_args()
    count = len(list(args.rulesets.rglob("ruleset.yaml")))
    versions = len(list(args.rulesets.rglob("versions/*.yaml")))
    rows = []
    for label, code in probes(str(args.rulesets.resolve())).items():
        wall, cpu = [], []
        for _ in range(args.repeats):
            out = subprocess.run([sys.executable, "-c", SKELETON.format(code=code)], check=True,
                                 capture_output=True, text=True, cwd=ROOT)
            seconds, cpu_seconds = out.stdout.strip().splitlines()[-1].split()
            wall.append(float(seconds) * 1000)
            cpu.append(float(cpu_seconds) * 1000)
        rows.append((label, f"{statistics.median(wall):.0f}", f"{min(wall):.0f}", f"{statistics.median(cpu):.0f}"))
    print(f"Machine: {machine()}")
    print(f"{count} bundled rulesets and {versions} earlier versions; {args.repeats} fresh processes per row; "
          f"{bytecode()}\n")
    print(table(["what", "median ms", "best ms", "median CPU ms"], rows))


if __name__ == "__main__":
    main()
