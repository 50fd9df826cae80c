"""Benchmark: ``import discretion`` and loading every bundled ruleset, each in a fresh interpreter (cold).

Not collected by pytest. Run ``taskset -c 0 .venv/bin/python benchmarks/bench_load.py [--repeats 7]``.
Each figure is the median over fresh processes, measured inside the process with perf_counter, so
interpreter start-up is excluded. ``load`` includes importing the loading machinery (pydantic models,
YAML) and parsing, validating and compiling every ruleset.yaml under rulesets/.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine, table

PROBES = {
    "import discretion": "import discretion",
    "import discretion; discretion.evaluate (first use imports the pipeline)": "import discretion; discretion.evaluate",
    "load and compile every bundled ruleset (imports included)":
        "import discretion; from discretion.loading import find_ruleset_files; "
        f"[discretion.load_ruleset(p) for p in find_ruleset_files({str(ROOT / 'rulesets')!r})]",
}
SKELETON = "import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    count = len(list((ROOT / "rulesets").rglob("ruleset.yaml")))
    rows = []
    for label, code in PROBES.items():
        times = []
        for _ in range(args.repeats):
            out = subprocess.run([sys.executable, "-c", SKELETON.format(code=code)], check=True,
                                 capture_output=True, text=True, cwd=ROOT)
            times.append(float(out.stdout.strip().splitlines()[-1]) * 1000)
        rows.append((label, f"{statistics.median(times):.0f}", f"{min(times):.0f}"))
    print(f"Machine: {machine()}")
    print(f"{count} bundled rulesets; {args.repeats} fresh processes per row\n")
    print(table(["what", "median ms", "best ms"], rows))


if __name__ == "__main__":
    main()
