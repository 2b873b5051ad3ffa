"""Timing and peak-memory measurement for benchmarks, run in the same process as their baselines.

Peak memory is the largest resident set size seen while the measured function runs, minus the
resident set size just before it started, sampled from /proc every few milliseconds by a thread.
That sees memory allocated by DuckDB's and NumPy's C code, which tracemalloc does not.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


@dataclass(frozen=True)
class Result:
    bench: str
    variant: str
    seconds: float
    peak_bytes: int
    note: str = ""


def measure(bench: str, variant: str, fn: Callable[[], Any], note: str = "") -> tuple[Result, Any]:
    """Run ``fn`` once; return its time, peak extra memory and its return value."""
    gc.collect()
    start_rss = _rss_bytes()
    peak = start_rss
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _rss_bytes())
            stop.wait(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    try:
        value = fn()
    finally:
        elapsed = time.perf_counter() - t0
        stop.set()
        sampler.join()
    peak = max(peak, _rss_bytes())
    return Result(bench, variant, elapsed, max(0, peak - start_rss), note), value


def print_table(results: list[Result], baseline: str | None = None) -> None:
    """Print results, with time and memory ratios against the named baseline variant."""
    if not results:
        return
    base = next((r for r in results if r.variant == baseline), None)
    header = f"{'bench':<22} {'variant':<28} {'seconds':>9} {'peak MiB':>9}"
    if base:
        header += f" {'time ×' + baseline:>22} {'mem ×' + baseline:>20}"
    print(header)
    print("-" * len(header))
    for r in results:
        line = f"{r.bench:<22} {r.variant:<28} {r.seconds:>9.2f} {r.peak_bytes / 2**20:>9.1f}"
        if base:
            t_ratio = r.seconds / base.seconds if base.seconds else float("nan")
            m_ratio = r.peak_bytes / base.peak_bytes if base.peak_bytes else float("nan")
            line += f" {t_ratio:>22.2f} {m_ratio:>20.2f}"
        if r.note:
            line += f"  {r.note}"
        print(line)
    print()
