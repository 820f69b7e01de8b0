"""Speed and agreement of `analysis` against anchor libraries, side by side in one process.

Run with ``make benchmarks`` (or ``python benchmarks/run.py [name ...]``). Each
``bench_*.py`` module defines ``CASES``: a list of :class:`Case`. For every case
both callables run on the same input, ``repeat`` times in turn; the table
reports the best wall-clock times, the ratio anchor / ours of the best times
(above 1: we are faster), the range of the per-run ratios, and the largest
absolute difference of their outputs (or the case's own comparison).

A module may also define ``GROWTH``: a list of :class:`Growth`, each timed at
sizes over two decades or more, and printed as time against size with the
growth order (the slope of log time on log size over the upper sizes).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import runpy
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd


@dataclasses.dataclass
class Case:
    """``compare(ours, anchor)`` gives the reported difference (default: largest absolute difference).

    Each of the ``repeat`` runs times ``number`` calls of each side and reports their mean (as ``timeit``
    does), so a workload of milliseconds is not at the mercy of one hiccup of the machine. ``warmup`` untimed
    calls of each side come first, so neither side's first timed call pays for one-off set-up or for
    faulting in fresh memory pages.
    """

    name: str
    ours: Callable[[], object]
    anchor: Callable[[], object]
    anchor_name: str
    repeat: int = 3
    compare: Callable[[object, object], float] | None = None
    number: int = 1
    warmup: int = 0


@dataclasses.dataclass
class Timed:
    """An output timed by the callable itself (e.g. inside another process)."""

    value: object
    seconds: float


# The package's silencer, loaded from its file: praxis_trees.py imports it in an environment without the package
# (the module needs only the standard library). Anchors with C++ cores (TreeFARMS, PRAXIS) print while they fit.
quiet_stdout = runpy.run_path(str(Path(__file__).resolve().parents[1] / "analysis" / "_quiet.py"))["c_stdout_hidden"]


def _times(func: Callable, repeat: int, number: int = 1) -> tuple[list[float], object]:
    """Seconds per call of each of ``repeat`` runs of ``number`` calls, and the last output."""
    times, out = [], None
    for _ in range(repeat):
        elapsed = 0.0
        for _ in range(number):
            start = time.perf_counter()
            out = func()
            seconds = time.perf_counter() - start
            if isinstance(out, Timed):
                out, seconds = out.value, out.seconds
            elapsed += seconds
        times.append(elapsed / number)
    return times, out


def _max_abs_diff(ours, anchor) -> float:
    return float(np.max(np.abs(np.asarray(ours, dtype=float) - np.asarray(anchor, dtype=float))))


@dataclasses.dataclass
class Growth:
    """``ours(size)`` and ``anchor(size)`` (optional) timed at every size; ``size_name`` labels the column.

    ``order="power"``: growth as the exponent of size; ``"exponential"``: as
    the factor per unit of size (for a depth).
    """

    name: str
    sizes: list
    ours: Callable[[object], object]
    anchor: Callable[[object], object] | None = None
    anchor_name: str = ""
    size_name: str = "n"
    order: str = "power"


def run(modules: list[str]) -> pd.DataFrame:
    rows = []
    for module in modules:
        for case in getattr(importlib.import_module(module), "CASES", []):
            ours_times, anchor_times = [], []
            for _ in range(case.warmup):
                case.ours(), case.anchor()
            for _ in range(case.repeat):  # alternate, so a slow spell of the machine hits both sides
                t, ours = _times(case.ours, 1, case.number)
                ours_times += t
                t, anchor = _times(case.anchor, 1, case.number)
                anchor_times += t
            ratios = np.array(anchor_times) / np.array(ours_times)
            diff = (case.compare or _max_abs_diff)(ours, anchor)
            rows.append({
                "case": case.name, "anchor": case.anchor_name, "ours_s": min(ours_times),
                "anchor_s": min(anchor_times), "speedup": min(anchor_times) / min(ours_times),
                "runs": f"{ratios.min():.3g}-{ratios.max():.3g} ({len(ratios)})" if len(ratios) > 1 else "",
                "max_abs_diff": diff,
            })
    return pd.DataFrame(rows)


def growth(modules: list[str]) -> list[tuple[Growth, pd.DataFrame]]:
    tables = []
    for module in modules:
        for g in getattr(importlib.import_module(module), "GROWTH", []):
            rows = []
            for size in g.sizes:
                row = {g.size_name: size, "ours_s": min(_times(functools.partial(g.ours, size), 2)[0])}
                if g.anchor is not None:
                    row["anchor_s"] = min(_times(functools.partial(g.anchor, size), 2)[0])
                    row["speedup"] = row["anchor_s"] / row["ours_s"]
                rows.append(row)
            tables.append((g, pd.DataFrame(rows)))
    return tables


def _order(sizes, seconds, kind: str) -> str:
    """Growth over the upper half of the sizes (at least the two largest): the slope of log time on log size,
    or the time factor per unit of size."""
    x, y = np.asarray(sizes, dtype=float), np.log(np.asarray(seconds, dtype=float))
    keep = slice(min(len(x) // 2, len(x) - 2), None)
    if kind == "exponential":
        return f"x{np.exp(np.polyfit(x[keep], y[keep], 1)[0]):.2f} per step"
    return f"n^{np.polyfit(np.log(x[keep]), y[keep], 1)[0]:.2f}"


def main(argv: list[str]) -> None:
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    sys.modules.setdefault("run", sys.modules[__name__])  # bench modules import Case and Timed from this one
    names = argv or sorted(p.stem for p in here.glob("bench_*.py"))
    table = run(names)
    with pd.option_context("display.width", 200, "display.float_format", "{:.3g}".format):
        if len(table):
            print(table.to_string(index=False))
        for g, t in growth(names):
            orders = f"growth: ours {_order(t[g.size_name], t['ours_s'], g.order)}"
            if "anchor_s" in t:
                orders += f", {g.anchor_name} {_order(t[g.size_name], t['anchor_s'], g.order)}"
            print(f"\n{g.name} ({orders})")
            print(t.to_string(index=False))


if __name__ == "__main__":
    main(sys.argv[1:])
