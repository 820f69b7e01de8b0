"""How much a ranking moves when measurements or systems go missing, and across training checkpoints.

- :func:`missing_data_stability`: the ONEBench protocol ('ONEBench to Test
  Them All', 2024): drop a share of the cells of a systems x samples table at
  random, re-aggregate, and compare with the full-data ranking by Kendall's tau.
- :func:`system_subsampling`: rank random subsets of the systems; a method is
  independent of irrelevant alternatives when the kept systems keep their order.
- :func:`checkpoint_consistency` and :func:`model_consistency`: BOSE ('Toward
  Stable and Consistent Evaluation Results', 2025): over training checkpoints
  a reliable task's score should rise with the step (Kendall's tau between
  checkpoint order and score), and models should keep their order from base
  to instruction-tuned versions.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._results import Result
from .._validation import check_array, check_choice, check_integer, check_level, check_rng
from ..errors import AnalysisInputError
from ._inputs import check_scores
from .aggregate import METHODS, aggregate
from .bradley_terry import battles_from_scores, bradley_terry, win_matrix
from .correlations import kendall_tau
from .plackett_luce import orderings_from_scores, plackett_luce, strongly_connected_items

__all__ = ["StabilityCurve", "checkpoint_consistency", "leaderboard_change", "missing_data_stability",
           "model_consistency", "system_subsampling"]

SCORERS = (*METHODS, "bradley_terry", "plackett_luce")


def _score(scores: pd.DataFrame, method: str, rng, prior: float) -> np.ndarray:
    """One score per system (higher is better; NaN for a system with no data)."""
    present = scores.notna().any(axis=1).to_numpy()
    if method in METHODS:
        kept = scores[present]
        table = aggregate(kept, method, missing="ignore").scores.loc[kept.index].to_numpy()
        out = np.full(len(scores), np.nan)
        out[present] = -table if method == "mean_rank" else table
        return out
    if method == "bradley_terry":
        battles = battles_from_scores(scores)
        w = win_matrix(battles["winner"].to_numpy(), battles["loser"].to_numpy(), len(scores),
                       ties=battles["tie"].to_numpy())
        out = bradley_terry(w, prior=prior).scores.sort_index().to_numpy()
        return np.where(present, out, np.nan)
    # Plackett-Luce on the largest group of systems linked both ways; the others are not ranked
    orderings = orderings_from_scores(scores, rng=rng)
    out = np.full(len(scores), np.nan)
    if not orderings:
        return out
    keep = strongly_connected_items(orderings, len(scores))
    if len(keep) < 2:
        return out
    position = np.full(len(scores), -1)
    position[keep] = np.arange(len(keep))
    restricted = [position[o][position[o] >= 0] for o in orderings]
    out[keep] = plackett_luce(restricted, len(keep)).scores.sort_index().to_numpy()
    return out


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class StabilityCurve(Result):
    """Kendall's tau to a reference ranking, per draw, against what was varied.

    Attributes
    ----------
    taus : DataFrame
        One row per draw: the varied quantity (column ``x_name``), ``tau`` and
        ``n_ranked`` (systems that could be ranked).
    x_name, method : str
    """

    taus: pd.DataFrame
    x_name: str
    method: str

    @property
    def title(self) -> str:
        return f"Stability of the {self.method} ranking against {self.x_name.replace('_', ' ')}"

    def to_frame(self, *, ci: float = 0.9) -> pd.DataFrame:
        """Median tau and the central ``ci`` range of the draws (``low``, ``high``) per value of the varied quantity."""
        ci = check_level(ci, "ci")
        grouped = self.taus.groupby(self.x_name)["tau"]
        return pd.DataFrame({"median": grouped.median(), "low": grouped.quantile((1 - ci) / 2),
                             "high": grouped.quantile((1 + ci) / 2)}).reset_index()

    def plot(self, *, ax=None, ci: float = 0.9, show_band: bool = True, **line_kw):
        """Median tau against the varied quantity, with the central ``ci`` range of the draws shaded.

        ``show_band=False`` draws the median alone (e.g. other methods for
        reference); ``line_kw`` goes to the line. Returns the Axes.
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        t = self.to_frame(ci=ci)
        line = ax.plot(t[self.x_name], t["median"], **({"marker": "o", "ms": 3} | line_kw))[0]
        if show_band:
            ax.fill_between(t[self.x_name], t["low"], t["high"], alpha=0.25, lw=0, color=line.get_color())
        ax.set(xlabel=_AXIS_LABELS.get(self.x_name, self.x_name), ylabel=r"Kendall $\tau$ to full ranking")
        if self.x_name in ("n_systems", "n_tasks"):  # counts: whole-number ticks
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return ax


_AXIS_LABELS = {"fraction_missing": "share of measurements dropped", "n_systems": "systems kept",
                "n_tasks": "tasks kept"}


def missing_data_stability(scores, fractions=(0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99), *, method: str = "borda",
                           n_draws: int = 20, prior: float = 1.0, rng=None) -> StabilityCurve:
    """Drop each share in ``fractions`` of the measured cells at random, re-rank, compare with the full ranking.

    ``method``: an :func:`aggregate` method (averaging over the cells each
    system has), ``"bradley_terry"`` (battles between systems on shared
    samples, with ``prior`` virtual ties per pair so sparse tables stay
    estimable) or ``"plackett_luce"`` (one ordering per sample, fitted on the
    largest group of systems linked both ways). Systems left with no cell, or
    outside that group, are not ranked in that draw (``n_ranked`` says how many were).
    """
    scores = check_scores(scores)
    check_choice(method, "method", SCORERS)
    n_draws = check_integer(n_draws, "n_draws")
    rng = check_rng(rng)
    fractions = check_array(np.atleast_1d(fractions), "fractions", ndim=1)
    if not ((fractions >= 0) & (fractions < 1)).all():
        raise AnalysisInputError.about("fractions", "shares in [0, 1)", f"{fractions}", "Pass e.g. (0.1, 0.5, 0.9).")
    full = _score(scores, method, rng, prior)
    cells = np.argwhere(scores.notna().to_numpy())
    rows = []
    for fraction in fractions:
        for _ in range(n_draws):
            drop = cells[rng.choice(len(cells), int(round(fraction * len(cells))), replace=False)]
            values = scores.to_numpy(dtype=float, copy=True)
            values[drop[:, 0], drop[:, 1]] = np.nan
            sparse = pd.DataFrame(values, index=scores.index, columns=scores.columns)
            try:
                sub = _score(sparse, method, rng, prior)
            except AnalysisInputError:  # e.g. orderings no longer connected: this draw cannot be ranked
                rows.append({"fraction_missing": fraction, "tau": np.nan, "n_ranked": 0})
                continue
            ok = ~np.isnan(sub)
            tau = kendall_tau(full[ok], sub[ok]) if ok.sum() > 1 else np.nan
            rows.append({"fraction_missing": fraction, "tau": tau, "n_ranked": int(ok.sum())})
    return StabilityCurve(pd.DataFrame(rows), "fraction_missing", method)


def system_subsampling(scores, n_systems, *, method: str = "borda", n_draws: int = 100, prior: float = 0.0,
                       rng=None) -> StabilityCurve:
    """Rank random subsets of ``n_systems`` systems; tau between their order and their order in the full ranking.

    A tau below 1 means removing other systems reordered the ones kept (the
    method is not independent of irrelevant alternatives).
    """
    scores = check_scores(scores)
    check_choice(method, "method", SCORERS)
    n_draws = check_integer(n_draws, "n_draws")
    rng = check_rng(rng)
    sizes = [check_integer(int(k), "n_systems", minimum=2) for k in np.atleast_1d(n_systems)]
    if max(sizes) > len(scores):
        raise AnalysisInputError.about("n_systems", f"at most {len(scores)} systems", f"{max(sizes)}",
                                       "Keep no more systems than the table has.")
    full = _score(scores, method, rng, prior)
    rows = []
    for size in sizes:
        for _ in range(n_draws):
            keep = np.sort(rng.choice(len(scores), size, replace=False))
            sub = _score(scores.iloc[keep], method, rng, prior)
            rows.append({"n_systems": size, "tau": kendall_tau(full[keep], sub), "n_ranked": size})
    return StabilityCurve(pd.DataFrame(rows), "n_systems", method)


def checkpoint_consistency(scores) -> pd.Series:
    """Kendall's tau-b between checkpoint order and score, per task.

    ``scores``: checkpoints as rows in training order, tasks as columns. A task
    whose score rises steadily with training has tau near 1 (BOSE's stability);
    one that wanders has tau near 0.
    """
    scores = check_scores(scores)
    steps = np.arange(len(scores), dtype=float)
    out = {}
    for task in scores.columns:
        values = scores[task].to_numpy(dtype=float)
        ok = ~np.isnan(values)
        out[task] = kendall_tau(steps[ok], values[ok]) if ok.sum() > 1 else np.nan
    return pd.Series(out, name="tau")


def model_consistency(before, after) -> pd.Series:
    """Per task, Kendall's tau-b between the models' scores in two tables with the same rows and columns.

    E.g. base models (``before``) and their instruction-tuned versions
    (``after``): a task that ranks base models the way it ranks the tuned ones
    is consistent (BOSE).
    """
    before, after = check_scores(before, "before"), check_scores(after, "after")
    if not (before.index.equals(after.index) and before.columns.equals(after.columns)):
        raise AnalysisInputError.about("before and after", "the same models (rows) and tasks (columns)",
                                       f"{before.shape} and {after.shape}", "Align the two tables first.")
    return pd.Series({task: kendall_tau(before[task].to_numpy(float), after[task].to_numpy(float))
                      for task in before.columns}, name="tau")


def leaderboard_change(scores, *, drop_tasks=(), drop_systems=(), method: str = "borda",
                       normalise: str = "raw", top: int = 10) -> tuple[pd.DataFrame, float]:
    """The ``top`` systems after dropping tasks and systems: their rank after and on all data, and Kendall's tau.

    Returns the table (indexed by system, best first, columns ``rank`` and
    ``rank on all data``) and the tau between the kept systems' scores before
    and after. ``method`` and ``normalise`` go to :func:`aggregate`; missing
    cells are ignored.
    """
    scores = check_scores(scores)
    kw = {"missing": "ignore"} | ({"normalise": normalise} if method in ("mean", "median") else {})
    full = aggregate(scores, method, **kw)
    kept = scores.drop(index=list(drop_systems), columns=list(drop_tasks))
    after = aggregate(kept, method, **kw)
    top = check_integer(top, "top", minimum=1)
    table = pd.DataFrame({"rank": after.ranks, "rank on all data": full.ranks.loc[after.systems]}).head(top)
    tau = kendall_tau(full.scores.loc[kept.index].to_numpy(), after.scores.loc[kept.index].to_numpy())
    return table, float(tau)
