"""Variable importance and feature interaction clouds of logistic models.

For a model ``f`` with loss ``e_orig`` on ``(X, y)``, the effect of a set of
features ``I`` is ``phi_I = e_switch(I) - e_orig``: the loss when the features
in ``I`` are taken jointly from another row, over all ``n (n - 1)`` pairs of
rows (Fisher, Rudin & Dominici 2019), minus the loss as it is. The feature
interaction score is ``FIS_I = phi_I - sum_{j in I} phi_j`` (Li et al.,
"Exploring the cloud of feature interaction scores in a Rashomon set", 2024).
Over the members of a Rashomon set, the main effects form the variable
importance cloud (Dong & Rudin 2020) and the scores the FIS cloud.

For linear log-odds, taking ``x_I`` from another row only shifts the log-odds
by ``sum_{j in I} w_j (x'_j - x_j)``; summing over the distinct values of
``x_I`` (with their counts) makes ``e_switch`` exact in
``O(rows x members x distinct values)``, for all members at once.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd

from .._results import Result
from .._validation import check_array, check_choice, check_consistent_length, check_integer, check_labels, check_rng
from ..errors import AnalysisInputError
from .logistic import LogisticRashomonSet

__all__ = ["Halo", "InteractionCloud", "interaction_cloud", "interaction_halo"]


def _log_loss(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.logaddexp(0, z) - y[:, None] * z


def _switch_loss(A: np.ndarray, y: np.ndarray, counts: np.ndarray, W: np.ndarray, columns: list[int],
                 switch: str, include_self: bool, max_values: int) -> np.ndarray:
    """Mean log-loss of every member (rows of ``W``) with ``columns`` taken from other rows, shape (m,).

    ``switch="joint"`` takes all of ``columns`` from one partner row;
    ``"independent"`` takes each from its own partner.
    """
    groups = [columns] if switch == "joint" else [[j] for j in columns]
    n = counts.sum()
    parts = []  # per group: distinct values (k, |group|), each row's value index, weight of each value per row
    for group in groups:
        values, inverse = np.unique(A[:, group], axis=0, return_inverse=True)
        inverse = inverse.ravel()
        value_counts = np.bincount(inverse, weights=counts, minlength=len(values))
        parts.append((group, values, inverse, value_counts))
    if np.prod([len(p[1]) for p in parts]) > max_values:
        raise AnalysisInputError.about(
            "X", f"at most {max_values} combinations of switched values", f"{np.prod([len(p[1]) for p in parts])}",
            "Discretise continuous features, or raise max_values (cost grows with it).")
    Z = A @ W.T  # (u, m)
    total = np.zeros(len(W))
    for choice in itertools.product(*[range(len(p[1])) for p in parts]):
        shifted, weight = Z.copy(), np.ones(len(A))
        for k, (group, values, inverse, value_counts) in zip(choice, parts):
            lenders = value_counts[k] - (0.0 if include_self else inverse == k)  # rows that can lend value k
            weight *= lenders / (n if include_self else n - 1)
            shifted += (values[k][None, :] - A[:, group]) @ W[:, group].T
        total += (counts * weight) @ _log_loss(shifted, y)
    return total / n


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class InteractionCloud(Result):
    """Main effects and interaction scores of every member of a set.

    Attributes
    ----------
    main : DataFrame, shape (n_models, n_features)
        ``phi_j`` per member (the variable importance cloud).
    fis : DataFrame, shape (n_models, n_subsets)
        ``FIS_I`` per member, columns named ``"a x b"``.
    inside : array of bool, shape (n_models,)
        Whether each member is in the Rashomon set (candidates may not be).
    reference : int
        Row of the reference (optimal) model.
    """

    main: pd.DataFrame
    fis: pd.DataFrame
    inside: np.ndarray
    reference: int

    @property
    def title(self) -> str:
        return "Feature interaction cloud"

    @property
    def notes(self) -> tuple[str, ...]:
        return (f"{self.inside.sum()} of {len(self.inside)} candidate models inside the set "
                f"({self.inside.mean():.1%})",)

    def to_frame(self) -> pd.DataFrame:
        """Per subset: FIS of the reference model and its range over the members inside the set."""
        inside = self.fis[self.inside]
        return pd.DataFrame({"subset": self.fis.columns, "reference": self.fis.iloc[self.reference].to_numpy(),
                             "low": inside.min().to_numpy(), "high": inside.max().to_numpy()})

    def plot_importance(self, a: str, b: str, *, ax=None):
        """The variable importance cloud (Dong & Rudin 2020) projected on features ``a`` and ``b``; returns the Axes."""
        import matplotlib.pyplot as plt

        for name, value in (("a", a), ("b", b)):
            check_choice(value, name, list(self.main.columns))
        ax = ax if ax is not None else plt.gca()
        inside = self.inside
        ax.scatter(self.main[a][inside], self.main[b][inside], s=3, alpha=0.4, lw=0, label="members of the set")
        ax.plot(self.main[a].iloc[self.reference], self.main[b].iloc[self.reference], "k*", ms=7, label="optimum")
        ax.set(xlabel=f"reliance on {a} (log-loss increase)", ylabel=f"reliance on {b} (log-loss increase)")
        return ax

    def plot_swarm(self, *, ax=None, max_points: int = 400, rng=0):
        """The FIS of every member inside the set, one jittered strip per subset; a tick marks the optimum.

        The jitter is drawn from ``rng`` rather than by seaborn's ``stripplot``,
        which jitters with numpy's global random state. Returns the Axes.
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        fis = self.fis[self.inside]
        order = fis.abs().max().sort_values().index
        rng = check_rng(rng)
        for k, column in enumerate(order):
            values = fis[column].to_numpy()[:check_integer(max_points, "max_points")]
            ax.scatter(values, k + rng.uniform(-0.3, 0.3, len(values)), s=2, alpha=0.5, lw=0, color="C0",
                       label="members of the set" if k == 0 else None)
            ax.plot(self.fis[column].iloc[self.reference], k, "k|", ms=8, label="optimum" if k == 0 else None)
        ax.axvline(0, color="0.6", lw=0.6)
        ax.set_yticks(range(len(order)), [name.replace(" x ", " × ") for name in order])
        ax.set(xlabel="interaction score (log-loss)")
        return ax


def interaction_cloud(rset: LogisticRashomonSet, weights, X, y, *, subsets=None, feature_names=None,
                      switch: str = "joint", include_self: bool = False, max_values: int = 256) -> InteractionCloud:
    """Main effects and FIS of logistic models ``weights`` (rows ``[coef, intercept]``) on ``(X, y)``.

    ``subsets`` are tuples of feature indices (default: all pairs). Models are
    flagged as inside ``rset``'s Rashomon set or not. ``switch``: the features
    of a subset come from one partner row (``"joint"``, keeping their
    dependence) or each from its own (``"independent"``, what permuting each
    column separately estimates). ``include_self=True`` lets a row be its own
    partner (what random permutations estimate); the default pairs distinct rows.
    """
    check_choice(switch, "switch", ("joint", "independent"))
    max_values = check_integer(max_values, "max_values")
    X = check_array(X, "X", ndim=2)
    y = check_labels(y, "y", n_classes=2)  # the logistic loss of 0/1 labels
    check_consistent_length(X=X, y=y)
    W = np.atleast_2d(check_array(weights, "weights", ndim=(1, 2)))
    A = rset._design(X)
    if W.shape[1] != A.shape[1]:
        raise AnalysisInputError.about("weights", f"{A.shape[1]} columns (coefficients, then the intercept)",
                                       f"{W.shape[1]}", "Pass rows like LogisticRashomonSet.sample returns.")
    d = X.shape[1]
    subsets = [tuple(s) for s in (subsets if subsets is not None else itertools.combinations(range(d), 2))]
    names = [str(f) for f in feature_names] if feature_names is not None else [f"x{j}" for j in range(d)]
    rows, inverse = np.unique(np.column_stack([A, y]), axis=0, return_inverse=True)
    counts = np.bincount(inverse.ravel()).astype(float)
    A_u, y_u = rows[:, :-1], rows[:, -1]
    e_orig = counts @ _log_loss(A_u @ W.T, y_u) / counts.sum()
    needed = sorted({j for s in subsets for j in s})
    main = {j: _switch_loss(A_u, y_u, counts, W, [j], switch, include_self, max_values) - e_orig for j in needed}
    fis = {" x ".join(names[j] for j in s):
           _switch_loss(A_u, y_u, counts, W, list(s), switch, include_self, max_values) - e_orig
           - sum(main[j] for j in s)
           for s in subsets}
    main_all = pd.DataFrame({names[j]: main[j] for j in needed})
    objective = rset.objective(W)
    reference = int(np.argmin(objective))
    return InteractionCloud(main_all, pd.DataFrame(fis), objective <= rset.threshold_ * (1 + 1e-12), reference)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Halo(Result):
    """Interaction scores on the boundary of a logistic set, in the plane of two coefficient masks.

    Attributes
    ----------
    table : DataFrame
        One row per boundary point: ``angle``, ``m_i`` and ``m_j`` (the masks
        scaling the two coefficients; the optimum is ``(1, 1)``) and ``fis``.
    features : tuple of str
        The two features.
    """

    table: pd.DataFrame
    features: tuple[str, str]

    @property
    def title(self) -> str:
        return f"Halo of {self.features[0]} × {self.features[1]}"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def plot(self, *, ax=None):
        """The boundary coloured by FIS on a diverging map centred on 0, and the optimum; returns the Axes."""
        import matplotlib.pyplot as plt
        from matplotlib.colors import TwoSlopeNorm

        ax = ax if ax is not None else plt.gca()
        t = self.table
        reach = max(abs(t["fis"].min()), abs(t["fis"].max()), np.finfo(float).tiny)
        points = ax.scatter(t["m_i"], t["m_j"], c=t["fis"], s=8, cmap="RdBu_r",
                            norm=TwoSlopeNorm(0.0, -reach, reach), label="boundary of the set")
        ax.plot(1, 1, "k+", ms=8, label="optimum (masks 1, 1)")
        ax.figure.colorbar(points, ax=ax, label="feature interaction score (log-loss)")
        ax.set(xlabel=f"mask on the coefficient of {self.features[0]}",
               ylabel=f"mask on the coefficient of {self.features[1]}")
        return ax


def interaction_halo(rset: LogisticRashomonSet, X, y, i: int, j: int, *, n_angles: int = 120,
                     feature_names=None) -> Halo:
    """The halo of features ``i`` and ``j``: boundary masks of the set and the FIS of the model at each."""
    n_angles = check_integer(n_angles, "n_angles", minimum=3)
    boundary = rset.mask_boundary(i, j, n_angles)
    cloud = interaction_cloud(rset, np.stack(boundary.weights), X, y, subsets=[(i, j)], feature_names=feature_names)
    table = boundary.drop(columns="weights").assign(fis=cloud.fis.iloc[:, 0].to_numpy())
    return Halo(table=table, features=tuple(cloud.main.columns))
