"""The Rashomon importance distribution (Donnelly, Katta, Rudin & Browne, NeurIPS 2023).

A variable's importance differs between the good models of one data set and
between data sets drawn from the same population. RID mixes both: for each of
``n_boot`` bootstrap data sets, enumerate its Rashomon set of sparse trees and
compute every member's model reliance; each data set weighs equally and each
member of its set equally within it. The result is a distribution of
importance per variable, stable to the choice of any single model or sample.
"""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .._resample import bootstrap_indices, map_batches
from .._results import Result
from .._validation import check_array, check_choice, check_integer, check_probabilities
from .trees import SparseTreeRashomonSet

__all__ = ["ImportanceDistribution", "rashomon_importance_distribution"]


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray, q: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    cumulative /= cumulative[-1]
    return values[order][np.minimum(np.searchsorted(cumulative, q, side="left"), len(values) - 1)]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ImportanceDistribution(Result):
    """A weighted sample of importances per variable.

    Attributes
    ----------
    values, weights : dict of str to array
        Distinct importance values of each variable and their probabilities (summing to 1).
    n_boot : int
    set_sizes : array, shape (n_boot,)
        Trees in each bootstrap data set's Rashomon set.
    convention : str
    kind : str
        Model reliance as ``"difference"`` or ``"ratio"``.
    """

    values: dict
    weights: dict
    n_boot: int
    set_sizes: np.ndarray
    convention: str
    kind: str

    @property
    def title(self) -> str:
        return "Rashomon importance distribution"

    @property
    def notes(self) -> tuple[str, ...]:
        sizes = f"{self.set_sizes.min():,} to {self.set_sizes.max():,} trees per set"
        return (f"{self.n_boot} bootstrap data sets, {sizes}", self.convention)

    def quantiles(self, q) -> pd.DataFrame:
        """Quantiles ``q`` (in [0, 1]) of every variable's importance, one row per variable."""
        q = np.atleast_1d(check_probabilities(q, "q", ndim=(0, 1)))
        return pd.DataFrame([_weighted_quantiles(self.values[f], self.weights[f], q) for f in self.values],
                            index=list(self.values), columns=q)

    def cdf(self, variable: str, x) -> np.ndarray:
        """P(importance of ``variable`` <= x), shape like ``np.atleast_1d(x)``."""
        v, w = self.values[check_choice(variable, "variable", list(self.values))], self.weights[variable]
        return np.array([w[v <= t].sum() for t in np.atleast_1d(check_array(x, "x", ndim=(0, 1)))])

    def to_frame(self) -> pd.DataFrame:
        table = self.quantiles([0.05, 0.25, 0.5, 0.75, 0.95])
        table.columns = ["q05", "q25", "median", "q75", "q95"]
        table.insert(0, "mean", [self.values[f] @ self.weights[f] for f in self.values])
        table["P(> 0)"] = [self.weights[f][self.values[f] > 0].sum() for f in self.values]
        return table.rename_axis("variable").reset_index()

    def plot(self, *, ax=None):
        """Box plot from the weighted quantiles (whiskers at 5% and 95%), variables by median; returns the Axes."""
        ax = ax if ax is not None else plt.gca()
        table = self.to_frame().sort_values("median")
        stats = [dict(label=row.variable, whislo=row.q05, q1=row.q25, med=row.median, q3=row.q75, whishi=row.q95,
                      fliers=[]) for row in table.itertuples()]
        ax.bxp(stats, orientation="horizontal", showfliers=False)
        ax.axvline(0 if self.kind == "difference" else 1, color="0.6", lw=0.6)
        ax.set(xlabel="model reliance (error increase when switched)" if self.kind == "difference"
               else "model reliance (error ratio when switched)")
        return ax


def rashomon_importance_distribution(X, y, *, n_boot: int = 100, max_depth: int = 3, regularization: float = 0.01,
                                     epsilon: float = 0.05, kind: str = "difference", rng=None, progress=None,
                                     max_trees: int = 1_000_000, n_jobs=None) -> ImportanceDistribution:
    """RID of every 0/1 feature over Rashomon sets of sparse trees on bootstrap resamples of ``(X, y)``.

    Importance is exact model reliance (``kind``: ``"difference"``, as in the
    paper, or ``"ratio"``) on each bootstrap data set. A progress bar appears
    when the resamples take more than a few seconds. ``n_jobs`` builds the
    resamples' sets through joblib (on a Dask cluster inside
    ``joblib.parallel_config(backend="dask")``), with the same numbers.
    """
    check_choice(kind, "kind", ("ratio", "difference"))
    n_boot = check_integer(n_boot, "n_boot", minimum=2)
    params = dict(max_depth=max_depth, regularization=regularization, epsilon=epsilon, max_trees=max_trees)
    names = [str(c) for c in X.columns] if isinstance(X, pd.DataFrame) else None
    X = check_array(X, "X", ndim=2)
    y = check_array(y, "y", ndim=1)
    full = SparseTreeRashomonSet(**params, enumerate=False).fit(X, y)  # checks the inputs before any resample
    names = names or full.feature_names_

    def one(indices):
        rset = SparseTreeRashomonSet(**params).fit(X[indices], y[indices])
        reliance = rset.model_reliance(kind=kind).to_numpy()
        return rset.n_trees_, [np.unique(reliance[:, j], return_counts=True) for j in range(reliance.shape[1])]

    results = map_batches(one, bootstrap_indices(len(y), n_boot=n_boot, rng=rng), n_boot, n_jobs=n_jobs,
                          progress=progress, desc="RID")
    values, weights = {}, {}
    for j, name in enumerate(names):
        v = np.concatenate([r[1][j][0] for r in results])
        w = np.concatenate([r[1][j][1] / r[0] / n_boot for r in results])
        distinct, inverse = np.unique(v, return_inverse=True)
        values[name], weights[name] = distinct, np.bincount(inverse.ravel(), weights=w)
    convention = full.convention.rsplit(" = ", 1)[0] + ", on each bootstrap data set"
    return ImportanceDistribution(values, weights, n_boot, np.array([r[0] for r in results]), convention, kind)
