"""Benchmarks: ``make bench`` (or ``python -m bench [name ...] [--quick]``).

Each ``bench/bench_<name>.py`` module defines ``main(quick: bool) -> list[Result]``. Results are printed
as a table of time and peak memory, with ratios against the baselines run in the same process.
"""
