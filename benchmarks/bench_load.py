"""Benchmark: ``import discretion`` and loading every bundled ruleset, each in a fresh interpreter (cold).

Not collected by pytest. Run ``taskset -c 0 .venv/bin/python benchmarks/bench_load.py [--repeats 7]``
(``--rulesets DIR`` for another folder, e.g. a fixed copy while comparing two versions of the code;
``--package DIR`` for another copy of the code, e.g. ``git archive <commit> src/discretion`` unpacked).
Each row runs its code in ``--repeats`` fresh processes: no import, parse or compile is cached between
them (nor is there any cache of ours on disk). Timed inside the process, so interpreter start-up is
excluded: wall time with perf_counter (median and best) and the process's CPU time (median and best),
which a shared machine disturbs less. The load rows include importing the loading machinery (pydantic,
the models, YAML) and then reading, validating and compiling every file: ``load_ruleset`` on each
``ruleset.yaml`` under rulesets/, and ``registry.load_all``, which also reads the earlier versions
(``versions/*.yaml``) as the registry, the catalogue and ``discretion check`` do.

Every row is measured twice, with the bytecode of discretion's own modules cached (as an installed
package has it after pip or a first run: the figure the targets are judged on) and not cached (each
process also compiles their source). So that neither depends on what ``__pycache__`` folders happen to
lie in the checkout, the package is copied to a temporary folder, compiled there with ``compileall``
for the cached rows, and put first on ``PYTHONPATH``; ``PYTHONDONTWRITEBYTECODE`` keeps the uncached
copy uncached. Third-party packages (pydantic, PyYAML) are used as installed, with their bytecode.
The two states alternate repeat by repeat, so that a burst of load on the machine hits both alike.
(Until this change the script measured only whatever state the checkout was in: not cached, usually.)

To compare two versions of the code, ``--against DIR`` measures a second copy (e.g. ``git archive <commit>
src/discretion`` unpacked) in the same run, process by process in turn with the first: on a machine whose
speed drifts (up to 2x on a shared VM) that is the only fair comparison. ``--only TEXT`` keeps the rows
whose label contains TEXT; ``--cached-only`` skips the not-cached rows.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine, table

STATES = ("cached", "not cached")


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
        "load and compile every bundled ruleset.yaml, the loading machinery imported before the clock starts":
            AFTER_IMPORTS + f"[discretion.load_ruleset(p) for p in find_ruleset_files({rulesets!r})]",
    }


# Imported before the clock starts in the last row: the rulesets' own cost, without the fixed cost of
# importing pydantic, PyYAML and the model classes (the other load rows include it).
LOADING_IMPORTED = "import discretion, discretion.loading, discretion.compile; " \
                   "from discretion.loading import find_ruleset_files; "
AFTER_IMPORTS = "# imports before the clock\n"  # marks that row's code; the other rows time their imports
SKELETON = ("{setup}import time; t = time.perf_counter(); c = time.process_time(); {code}; "
            "w, c = time.perf_counter() - t, time.process_time() - c; import discretion; "
            "print(discretion.__file__); print(w, c)")


def package_copy(package: Path, folder: Path, cached: bool) -> Path:
    """A copy of the discretion package in its own folder, its bytecode compiled or not."""
    target = folder / "discretion"
    shutil.copytree(package / "discretion", target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if cached and not compileall.compile_dir(target, quiet=1, force=True):
        raise SystemExit(f"could not compile {target}")
    return folder


def run(code: str, path: Path) -> tuple[float, float]:
    """Wall and CPU milliseconds of code in a fresh interpreter importing discretion from path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPYCACHEPREFIX", "PYTHONPATH")}
    env.update(PYTHONPATH=str(path), PYTHONDONTWRITEBYTECODE="1")
    setup = ""
    if code.startswith(AFTER_IMPORTS):
        setup, code = LOADING_IMPORTED, code[len(AFTER_IMPORTS):]
    out = subprocess.run([sys.executable, "-c", SKELETON.format(setup=setup, code=code)], check=True,
                         capture_output=True, text=True, cwd=ROOT, env=env)
    *_, where, times = out.stdout.strip().splitlines()
    if not Path(where).resolve().is_relative_to(path.resolve()):
        raise SystemExit(f"discretion was imported from {where}, not from the copy in {path}")
    seconds, cpu_seconds = times.split()
    return float(seconds) * 1000, float(cpu_seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--rulesets", type=Path, default=ROOT / "rulesets")
    parser.add_argument("--package", type=Path, default=ROOT / "src",
                        help="the folder holding the discretion package to measure (default: src)")
    parser.add_argument("--against", type=Path, default=None,
                        help="a second folder holding a discretion package, measured in turn with --package")
    parser.add_argument("--only", default="", help="only the rows whose label contains this text")
    parser.add_argument("--cached-only", action="store_true", help="only the rows with discretion's bytecode cached")
    args = parser.parse_args()
    count = len(list(args.rulesets.rglob("ruleset.yaml")))
    versions = len(list(args.rulesets.rglob("versions/*.yaml")))
    checks = {label: code for label, code in probes(str(args.rulesets.resolve())).items() if args.only in label}
    states = STATES[:1] if args.cached_only else STATES
    packages = {str(args.package): args.package}
    if args.against is not None:
        packages[str(args.against)] = args.against
    keys = [(label, state, name) for label in checks for state in states for name in packages]
    wall: dict[tuple[str, str, str], list[float]] = {key: [] for key in keys}
    cpu: dict[tuple[str, str, str], list[float]] = {key: [] for key in keys}
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        copies = {(state, name): package_copy(folder, Path(tmp) / f"{i}-{j}", state == "cached")
                  for i, state in enumerate(states) for j, (name, folder) in enumerate(packages.items())}
        for _ in range(args.repeats):
            for label, state, name in keys:
                seconds, cpu_seconds = run(checks[label], copies[state, name])
                wall[label, state, name].append(seconds)
                cpu[label, state, name].append(cpu_seconds)
    rows = []
    for key in keys:
        label, state, name = key
        rows.append((label, state, *([name] if args.against is not None else []),
                     f"{statistics.median(wall[key]):.0f}", f"{min(wall[key]):.0f}",
                     f"{statistics.median(cpu[key]):.0f}", f"{min(cpu[key]):.0f}"))
    print(f"Machine: {machine()}")
    print(f"{count} bundled rulesets and {versions} earlier versions; {args.repeats} fresh processes per row; "
          "discretion's bytecode cached (compileall, as installed: the targets are judged on these rows) or not "
          "cached (PYTHONDONTWRITEBYTECODE); third-party packages as installed\n")
    header = ["what", "discretion's bytecode", *(["package"] if args.against is not None else []),
              "median ms", "best ms", "median CPU ms", "best CPU ms"]
    print(table(header, rows, align="ll" + ("l" if args.against is not None else "") + "rrrr"))


if __name__ == "__main__":
    main()
