"""IsoFLOP analysis (Approach 2 of Hoffmann et al. 2022).

For every compute budget, a polynomial (a parabola by default, or a cubic) of
the loss in ``log10 N`` locates the model size with the lowest loss. Power laws
``N_opt = k_N C^a`` and ``D_opt = k_D C^b`` (``D = C / (6 N)``) are then fitted by
least squares in log-log space. The bootstrap resamples runs within each budget
(a stratified bootstrap) and repeats every step, vectorised over replicates.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._resample import bootstrap_counts, column_intervals
from .._results import ConfidenceInterval, Result
from .._validation import (
    check_choice,
    check_columns,
    check_integer,
    check_level,
    check_number,
    check_positive,
    check_rng,
)
from ..errors import AnalysisInputError

__all__ = ["IsoFLOPResult", "isoflop_budgets", "isoflop_fit"]


def _weighted_polyfit(x: np.ndarray, y: np.ndarray, w: np.ndarray, degree: int) -> np.ndarray:
    """Least-squares polynomial coefficients, highest power first, for weight rows ``w`` ``(k, n)``."""
    powers = np.vander(x, degree + 1)  # (n, degree + 1)
    gram = np.einsum("kn,ni,nj->kij", w, powers, powers)
    rhs = np.einsum("kn,ni,n->ki", w, powers, y)
    with np.errstate(invalid="ignore"):
        return np.linalg.solve(gram, rhs[..., None])[..., 0]


def _interior_minimum(coef: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Location and value of the lowest local minimum of each polynomial row inside ``[lo, hi]``.

    NaN where a polynomial has no local minimum strictly inside the range.
    """
    degree = coef.shape[1] - 1
    if degree == 2:
        a, b = coef[:, 0], coef[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(a > 0, -b / (2 * a), np.nan)
        candidates = x[:, None]
    else:  # cubic: roots of 3a x^2 + 2b x + c; the minimum is where the second derivative is positive
        a, b, c = coef[:, 0], coef[:, 1], coef[:, 2]
        disc = (2 * b) ** 2 - 12 * a * c
        with np.errstate(divide="ignore", invalid="ignore"):
            root = np.sqrt(np.where(disc > 0, disc, np.nan))
            candidates = np.column_stack([(-2 * b + root) / (6 * a), (-2 * b - root) / (6 * a)])
        second = 6 * a[:, None] * candidates + 2 * b[:, None]
        candidates = np.where(second > 0, candidates, np.nan)
    candidates = np.where((candidates > lo) & (candidates < hi), candidates, np.nan)
    values = np.stack([np.polyval(row, cand) for row, cand in zip(coef, candidates)])
    best = np.nanargmin(np.where(np.isnan(values), np.inf, values), axis=1)
    rows = np.arange(len(coef))
    return candidates[rows, best], values[rows, best]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class IsoFLOPResult(Result):
    """Optimal model size per compute budget and the power laws through them.

    Attributes
    ----------
    budgets : DataFrame
        One row per budget: ``C``, ``n_runs``, ``N_opt``, ``D_opt``, ``loss_opt``,
        and bootstrap bands ``N_opt_low``/``N_opt_high`` when bootstrapped.
    a, b : float
        Exponents of ``N_opt ~ C^a`` and ``D_opt ~ C^b`` (``a + b = 1``).
    coefficients : array, shape (n_budgets, degree + 1)
        Polynomial of loss in ``log10 N`` per budget, highest power first.
    runs : DataFrame
        The runs used, with their ``budget``.
    degree : int
    boot_exponents : DataFrame or None
        ``a`` and ``b`` per bootstrap replicate.
    ci : float
    n_unassigned : int
        Runs of the data that lie on none of the budgets (not used).
    n_boot_invalid : int
        Bootstrap resamples left out because some budget had no interior minimum.
    """

    budgets: pd.DataFrame
    a: float
    b: float
    coefficients: np.ndarray
    runs: pd.DataFrame
    degree: int
    boot_exponents: pd.DataFrame | None
    ci: float
    n_unassigned: int
    n_boot_invalid: int = 0

    @property
    def title(self) -> str:
        return f"IsoFLOP analysis ({len(self.budgets)} budgets, degree-{self.degree} fits in log N)"

    @property
    def intervals(self) -> dict[str, ConfidenceInterval]:
        """Bootstrap percentile intervals of ``a`` and ``b`` (empty without a bootstrap)."""
        if self.boot_exponents is None:
            return {}
        return column_intervals(self.boot_exponents, ci=self.ci)

    @property
    def notes(self) -> tuple[str, ...]:
        notes = [f"N_opt ~ C^{self.a:.3f}, D_opt ~ C^{self.b:.3f} (D = C / 6N)"]
        if self.n_unassigned:
            notes.append(f"{self.n_unassigned} runs lie on none of the budgets and were not used")
        if self.boot_exponents is not None:
            notes.append(f"bootstrap: {len(self.boot_exponents)} resamples of runs within each budget"
                         + (f"; {self.n_boot_invalid} more had a budget without an interior minimum and were "
                            "left out" if self.n_boot_invalid else ""))
        return tuple(notes)

    def to_frame(self) -> pd.DataFrame:
        """The exponents with their bootstrap intervals."""
        rows = []
        for name in ("a", "b"):
            row = {"exponent": name, "estimate": getattr(self, name)}
            if name in self.intervals:
                ci = self.intervals[name]
                row |= {"standard_error": self.boot_exponents[name].std(ddof=1), "low": ci.low, "high": ci.high}
            rows.append(row)
        return pd.DataFrame(rows)

    def plot(self, *, ax=None):
        """Loss against model size per budget with the fitted curves and optima; returns the Axes."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        colors = plt.cm.viridis(np.linspace(0, 0.9, len(self.budgets)))
        for (c, group), coef, color in zip(self.runs.groupby("budget"), self.coefficients, colors):
            grid = np.linspace(np.log10(group["N"].min()), np.log10(group["N"].max()), 100)
            ax.scatter(group["N"], group["loss"], s=6, color=color)
            ax.plot(10**grid, np.polyval(coef, grid), color=color, lw=1, label=f"{c:.0e}")
        ax.scatter(self.budgets["N_opt"], self.budgets["loss_opt"], marker="*", s=30, color="k", zorder=3,
                   label="optimum")
        ax.set(xscale="log", xlabel="parameters $N$", ylabel="loss")
        return ax


def isoflop_budgets(data: pd.DataFrame, budgets, *, C: str = "C", tolerance_dex: float = 0.1) -> pd.Series:
    """The IsoFLOP budget of each run (FLOP): the budget nearest in ``log10 C``, NaN beyond ``tolerance_dex``.

    Indexed like ``data``; ``data[isoflop_budgets(data, [3e21]) == 3e21]`` are
    the runs of one budget, as :func:`isoflop_fit` groups them.
    """
    check_columns(data, [C], name="data")
    budgets, which = _assign_budgets(data, C, budgets, tolerance_dex)
    return pd.Series(np.where(which >= 0, budgets[np.maximum(which, 0)], np.nan), index=data.index, name="budget")


def _assign_budgets(data: pd.DataFrame, C: str, budgets, tolerance_dex: float) -> tuple[np.ndarray, np.ndarray]:
    """The sorted budgets, and each run's position among them (-1: on none)."""
    budgets = np.sort(check_positive(budgets, "budgets", ndim=1))
    tolerance_dex = check_number(tolerance_dex, "tolerance_dex", minimum=0, strict=True,
                                 fix="Pass a width in decades of compute, e.g. 0.1.")
    distance = np.abs(np.log10(check_positive(data[C], C, ndim=1))[:, None] - np.log10(budgets)[None, :])
    nearest = distance.argmin(axis=1)
    on = distance[np.arange(len(data)), nearest] <= tolerance_dex
    return budgets, np.where(on, nearest, -1)


def _exponent(log_c: np.ndarray, log_n_opt: np.ndarray) -> np.ndarray:
    """Least-squares slope of ``log N_opt`` on ``log C``, per row of ``log_n_opt`` ``(k, m)``."""
    xc = log_c - log_c.mean()
    return (log_n_opt - log_n_opt.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)


def isoflop_fit(
    data: pd.DataFrame,
    budgets,
    *,
    N: str = "N",
    C: str = "C",
    y: str = "loss",
    degree: int = 2,
    tolerance_dex: float = 0.1,
    n_boot: int = 0,
    ci: float = 0.95,
    rng=None,
) -> IsoFLOPResult:
    """Approach 2: the optimal model size per compute budget, and its power law in compute.

    Parameters
    ----------
    data : DataFrame
        Training runs with model size ``N``, compute ``C`` (FLOP) and loss ``y``.
    budgets : array-like
        The IsoFLOP budgets (FLOP). A run belongs to the budget nearest in
        ``log10 C`` if within ``tolerance_dex``; the others are not used, and
        the result says how many.
    degree : {2, 3}
        Parabola (Hoffmann et al.) or cubic in ``log10 N``.
    n_boot, ci, rng
        Stratified bootstrap of runs within budgets, and its percentile level.
    """
    check_columns(data, (N, C, y))
    check_choice(degree, "degree", (2, 3))
    n_boot = check_integer(n_boot, "n_boot", minimum=0)
    ci = check_level(ci, "ci")
    log_n = np.log10(check_positive(data[N], N, ndim=1))
    loss = check_positive(data[y], y, ndim=1)
    budgets, which = _assign_budgets(data, C, budgets, tolerance_dex)
    counts = np.bincount(which[which >= 0], minlength=len(budgets))
    if (counts < degree + 2).any():
        bad = ", ".join(f"{c:.2g} FLOP ({k} runs)" for c, k in zip(budgets, counts) if k < degree + 2)
        raise AnalysisInputError.about(
            "budgets", f"at least {degree + 2} runs within {tolerance_dex} dex of every budget", bad,
            "Drop those budgets, widen tolerance_dex, or use degree=2.",
        )
    rng = check_rng(rng)
    coefficients, n_opt, l_opt, boot_n = [], [], [], []
    for j in range(len(budgets)):
        rows = np.flatnonzero(which == j)
        x, yy = log_n[rows], loss[rows]
        weights = np.ones((1, len(rows)))
        if n_boot:
            weights = np.vstack([weights, bootstrap_counts(len(rows), n_boot=n_boot, rng=rng).astype(float)])
        coef = _weighted_polyfit(x, yy, weights, degree)
        where, value = _interior_minimum(coef, x.min(), x.max())
        if np.isnan(where[0]):
            raise AnalysisInputError.about(
                "data", "a loss minimum inside the range of model sizes at every budget",
                f"none at {budgets[j]:.2g} FLOP (the fitted curve falls towards an edge)",
                "Add runs on both sides of the optimum, or drop this budget.",
            )
        coefficients.append(coef[0])
        n_opt.append(10 ** where[0])
        l_opt.append(value[0])
        boot_n.append(where[1:])
    log_c = np.log10(budgets)
    n_opt = np.array(n_opt)
    a = float(_exponent(log_c, np.log10(n_opt)[None])[0])
    table = pd.DataFrame({
        "C": budgets, "n_runs": counts, "N_opt": n_opt, "D_opt": budgets / (6 * n_opt), "loss_opt": l_opt,
    })
    boot, n_invalid = None, 0
    if n_boot:
        boot_log_n = np.column_stack(boot_n)  # (n_boot, n_budgets); NaN where a resample has no interior minimum
        valid = ~np.isnan(boot_log_n).any(axis=1)
        n_invalid = int((~valid).sum())
        boot_a = _exponent(log_c, boot_log_n[valid])
        boot = pd.DataFrame({"a": boot_a, "b": 1 - boot_a})
        lo, hi = np.nanquantile(10**boot_log_n, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
        table["N_opt_low"], table["N_opt_high"] = lo, hi
    used = data.iloc[np.flatnonzero(which >= 0)].assign(budget=budgets[which[which >= 0]])
    return IsoFLOPResult(
        budgets=table, a=a, b=1 - a, coefficients=np.array(coefficients),
        runs=used.rename(columns={N: "N", y: "loss"}), degree=degree, boot_exponents=boot, ci=ci,
        n_unassigned=int((which < 0).sum()), n_boot_invalid=n_invalid,
    )
