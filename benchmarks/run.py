"""Speed and agreement of `analysis` against anchor libraries, side by side in one process.

Run with ``make benchmarks`` (or ``python benchmarks/run.py [name ...]``). Each
``bench_*.py`` module defines ``CASES``: a list of :class:`Case`. For every case
both callables run on the same input; the table reports the best of ``repeat``
wall-clock times, the ratio anchor / ours (above 1: we are faster) and the
largest absolute difference of their outputs.
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd


@dataclasses.dataclass
class Case:
    """``compare(ours, anchor)`` gives the reported difference (default: largest absolute difference)."""

    name: str
    ours: Callable[[], object]
    anchor: Callable[[], object]
    anchor_name: str
    repeat: int = 3
    compare: Callable[[object, object], float] | None = None


@dataclasses.dataclass
class Timed:
    """An output timed by the callable itself (e.g. inside another process)."""

    value: object
    seconds: float


def _best_time(func: Callable, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func()
        elapsed = time.perf_counter() - start
        if isinstance(out, Timed):
            out, elapsed = out.value, out.seconds
        best = min(best, elapsed)
    return best, out


def _max_abs_diff(ours, anchor) -> float:
    return float(np.max(np.abs(np.asarray(ours, dtype=float) - np.asarray(anchor, dtype=float))))


def run(modules: list[str]) -> pd.DataFrame:
    rows = []
    for module in modules:
        for case in importlib.import_module(module).CASES:
            t_ours, ours = _best_time(case.ours, case.repeat)
            t_anchor, anchor = _best_time(case.anchor, case.repeat)
            diff = (case.compare or _max_abs_diff)(ours, anchor)
            rows.append({
                "case": case.name, "anchor": case.anchor_name, "ours_s": t_ours, "anchor_s": t_anchor,
                "speedup": t_anchor / t_ours, "max_abs_diff": diff,
            })
    return pd.DataFrame(rows)


def main(argv: list[str]) -> None:
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    sys.modules.setdefault("run", sys.modules[__name__])  # bench modules import Case and Timed from this one
    names = argv or sorted(p.stem for p in here.glob("bench_*.py"))
    table = run(names)
    with pd.option_context("display.width", 160, "display.float_format", "{:.3g}".format):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main(sys.argv[1:])
