"""Plots of training runs and of compute-optimal allocations, drawn from tables the package computes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_choice, check_columns
from ..errors import AnalysisInputError

__all__ = ["plot_allocation", "plot_near_optimal", "plot_runs"]

_LABELS = {"N": "parameters $N$", "D": "training tokens $D$", "C": "training compute $C$ (FLOP)",
           "loss": "final loss (nats/token)"}


def plot_runs(data: pd.DataFrame, *, x: str = "N", y: str = "loss", color: str = "C", ax=None):
    """Training runs: ``y`` against ``x`` on a log axis, coloured by ``log10`` of ``color``; returns the Axes.

    The usual columns (``N``, ``D``, ``C``, ``loss``) get labels in words with units.
    """
    import matplotlib.pyplot as plt

    check_columns(data, (x, y, color))
    ax = ax if ax is not None else plt.gca()
    points = ax.scatter(data[x], data[y], c=np.log10(data[color].to_numpy(float)), s=8, cmap="viridis")
    ax.set(xscale="log", xlabel=_LABELS.get(x, x), ylabel=_LABELS.get(y, y))
    ax.figure.colorbar(points, ax=ax, label=rf"$\log_{{10}}$ of {_LABELS.get(color, color)}")
    return ax


def plot_allocation(table: pd.DataFrame, *, y: str = "tokens_per_param", interval_style: str = "fill", ax=None,
                    **line_kw):
    """A column of :func:`~analysis.scaling.compute_optimal`'s table against compute, with its interval.

    ``interval_style``: ``"fill"`` shades between ``{y}_low`` and ``{y}_high``,
    ``"lines"`` draws them dotted, ``"none"`` omits them (also when the table
    has no interval columns).
    ``line_kw`` goes to ``Axes.plot`` (``color``, ``label``, ``ls``). Returns the Axes.
    """
    import matplotlib.pyplot as plt

    check_choice(interval_style, "interval_style", ("fill", "lines", "none"))
    check_columns(table, ("C",), name="table")
    check_choice(y, "y", [c for c in table.columns if c != "C"])
    ax = ax if ax is not None else plt.gca()
    (line,) = ax.plot(table["C"], table[y], **line_kw)
    if interval_style != "none" and f"{y}_low" in table:
        low, high = table[f"{y}_low"], table[f"{y}_high"]
        if interval_style == "fill":
            ax.fill_between(table["C"], low, high, color=line.get_color(), alpha=0.2, lw=0)
        else:
            for edge in (low, high):
                ax.plot(table["C"], edge, color=line.get_color(), lw=0.6, ls=":")
    labels = {"tokens_per_param": "optimal tokens per parameter $D/N$", "N_opt": "optimal parameters $N$",
              "D_opt": "optimal tokens $D$", "loss_opt": "loss at the optimum (nats/token)"}
    ax.set(xscale="log", yscale="log", xlabel="training compute $C$ (FLOP)", ylabel=labels.get(y, y))
    return ax


def plot_near_optimal(sets, quantity: str, *, reference=None, ax=None, **line_kw):
    """The range of ``quantity`` over near-optimal sets against their epsilon (log axis); returns the Axes.

    ``sets``: :class:`~analysis.scaling.NearOptimalSet` results of one fit at
    several ``epsilon > 0`` (the ticks, in percent). The range is shaded, the
    value at the optimum is a line. ``reference`` (a :class:`~analysis.ConfidenceInterval`, e.g. a
    bootstrap interval from ``fit.intervals``) is drawn as two dashed lines.
    ``line_kw`` goes to ``Axes.plot``.
    """
    import matplotlib.pyplot as plt

    sets = sorted(sets, key=lambda s: s.epsilon)
    if not sets or sets[0].epsilon <= 0 or quantity not in sets[0].ranges.index:
        raise AnalysisInputError.about(
            "sets", f"near-optimal sets with epsilon > 0 that range over {quantity!r}",
            f"{len(sets)} sets" + (f", the smallest epsilon {sets[0].epsilon:g}" if sets else ""),
            "Pass near_optimal_set(fit, eps, quantities) for a few eps > 0, naming the quantity in each.",
        )
    ax = ax if ax is not None else plt.gca()
    eps = [s.epsilon for s in sets]
    rows = pd.DataFrame([s.ranges.loc[quantity] for s in sets])
    (line,) = ax.plot(eps, rows["at_optimum"], **{"label": "optimum", **line_kw})
    ax.fill_between(eps, rows["low"], rows["high"], color=line.get_color(), alpha=0.25, lw=0,
                    label="range over the set")
    if reference is not None:
        for k, bound in enumerate((reference.low, reference.high)):
            ax.axhline(bound, color="0.35", lw=0.8, ls="--",
                       label=f"{reference.ci:.0%} bootstrap interval" if k == 0 else None)
    ax.set(xscale="log", xlabel=r"relative slack $\epsilon$ of the objective", ylabel=quantity)
    ax.set_xticks(eps, [f"{e:.3g}%" for e in 100 * np.asarray(eps)])
    ax.minorticks_off()
    return ax
