"""Shared helpers for the benchmarks: the machine, timing by medians of repeats, Markdown tables."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """CPU, cores, the cores this process may use, Python and the load average when it started."""
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{cpu()}, {os.cpu_count()} cores ({allowed} allowed to this run), Python "
            f"{platform.python_version()} ({platform.python_implementation()}), {platform.system()} "
            f"{platform.release()}, load average {load}")


def per_call(calls: Sequence[Callable[[], Any]]) -> list[float]:
    """Microseconds per call, each call timed on its own (CPU time of this thread: less noise under load)."""
    out = []
    clock = time.thread_time_ns
    for call in calls:
        start = clock()
        call()
        out.append((clock() - start) / 1000)
    return out


def in_a_block(fn: Callable[[Any, Any], Any], pairs: Sequence[tuple[Any, Any]], repeats: int) -> float:
    """Median µs per call of ``fn(a, b)`` for each pair, in one loop (thread CPU time): no clock read
    and no wrapper per call.

    For costs near a microsecond, where reading the thread clock twice (about 1 µs on a VM) would be
    most of a per-call figure; a lambda around each call (as up to run 9) would add a tenth to it.
    """
    out = []
    clock = time.thread_time_ns
    for _ in range(repeats):
        start = clock()
        for first, second in pairs:
            fn(first, second)
        out.append((clock() - start) / 1000 / len(pairs))
    return statistics.median(out)


def median_of_repeats(calls: Sequence[Callable[[], Any]], repeats: int) -> float:
    """The median over repeats of the per-repeat median µs per call: robust to a shared machine."""
    return statistics.median(statistics.median(per_call(calls)) for _ in range(repeats))


def seconds(run: Callable[[], Any], repeats: int = 3) -> float:
    """Median wall seconds of a whole run (batch and load figures, where per-call timing is meaningless)."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        out.append(time.perf_counter() - start)
    return statistics.median(out)


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], align: str | None = None) -> str:
    rows = [[str(c) for c in row] for row in rows]
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
