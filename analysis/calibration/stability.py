"""Is "the best-calibrated model" stable under the choice of calibration estimator?

Every calibration error is an estimator with choices: the number of bins,
equal-width or equal-mass bins, plug-in or debiased, the L1 or L2 norm,
top-label or classwise pairs, or no bins at all (smooth ECE), or a different
quantity (the reliability term of the Brier score, the Balance score).
:func:`estimator_stability` ranks several models under each choice and asks
how much the rankings agree, with the ranking theme's tools: Kendall's tau
between every pair of estimators' rankings, each model's range of ranks over
the estimators, and bootstrap rank intervals (items resampled, the same
resample for every model) under each estimator.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from .._resample import map_batches
from .._results import Result
from .._validation import check_integer, check_level, check_rng
from ..errors import AnalysisInputError
from ..ranking.correlations import kendall_tau
from ._inputs import check_inputs
from .metrics import balance_score, brier_decomposition, ece
from .smooth import smooth_ece

__all__ = ["EstimatorStability", "calibration_estimators", "estimator_stability"]

_STRATEGY = {"uniform": "equal-width", "quantile": "equal-mass"}


def calibration_estimators(n_classes: int = 2) -> dict[str, Callable]:
    """The estimator choices compared by default: name -> ``f(y_true, y_prob)``, lower is better calibrated.

    Top-label L1 ECE at 5, 10, 15, 20 and 30 bins, equal-width and
    equal-mass; at 15 bins the L2 ECE plug-in and debiased (Kumar et al. 2019)
    and the classwise L1 ECE, both bin strategies; smooth ECE (Blasiok &
    Nakkiran 2023); the reliability term of the Brier decomposition (15 bins);
    and, for two classes, the absolute Balance score.
    """
    n_classes = check_integer(n_classes, "n_classes", minimum=2)
    out = {}
    for strategy, label in _STRATEGY.items():
        for n_bins in (5, 10, 15, 20, 30):
            out[f"ECE, {n_bins} {label} bins"] = functools.partial(ece, n_bins=n_bins, strategy=strategy)
    for strategy, label in _STRATEGY.items():
        out[f"L2 ECE, 15 {label} bins"] = functools.partial(ece, strategy=strategy, norm="l2")
        out[f"L2 ECE debiased, 15 {label} bins"] = functools.partial(ece, strategy=strategy, norm="l2", debiased=True)
        out[f"classwise ECE, 15 {label} bins"] = functools.partial(ece, strategy=strategy, mode="classwise")
    out["smooth ECE"] = smooth_ece
    out["Brier reliability, 15 bins"] = lambda y, p: brier_decomposition(y, p).reliability
    if n_classes == 2:
        out["|Balance score|"] = lambda y, p: abs(balance_score(y, p))
    return out


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class EstimatorStability(Result):
    """Calibration rankings of models under several estimators.

    Attributes
    ----------
    errors : DataFrame, shape (models, estimators)
        Each model's calibration error under each estimator.
    ranks : DataFrame, shape (models, estimators)
        1 = best calibrated; equal errors share the best rank.
    taus : DataFrame, shape (estimators, estimators)
        Kendall's tau-b between the estimators' rankings.
    table : DataFrame
        Per model (best median rank first): ``best_rank``, ``worst_rank`` and
        ``median_rank`` over the estimators, and ``share_first`` (the share of
        estimators that rank it first).
    intervals : DataFrame or None
        With a bootstrap: indexed by (estimator, model), ``rank_low`` and
        ``rank_high`` (percentile interval of the bootstrap ranks) and
        ``p_first`` (share of resamples in which the model is first).
    ci : float or None
    """

    errors: pd.DataFrame
    ranks: pd.DataFrame
    taus: pd.DataFrame
    table: pd.DataFrame
    intervals: pd.DataFrame | None
    ci: float | None

    @property
    def title(self) -> str:
        return f"Calibration rankings of {len(self.errors)} models under {self.errors.shape[1]} estimators"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    @property
    def agreement(self) -> pd.Series:
        """How far the estimators agree: how many there are and how many distinct rankings they give, how many
        models some estimator ranks first, the model most often first and its share, and the median and smallest
        Kendall tau between two estimators' rankings."""
        taus = self.taus.to_numpy()[np.triu_indices(len(self.taus), 1)]
        return pd.Series({
            "estimators": self.ranks.shape[1],
            "distinct rankings": len({tuple(column) for column in self.ranks.T.to_numpy()}),
            "models ranked first by some estimator": int(self.ranks.eq(1).any(axis=1).sum()),
            "most often first": self.table["share_first"].idxmax(),
            "its share of estimators": self.table["share_first"].max(),
            "median tau between estimators": float(np.median(taus)) if len(taus) else np.nan,
            "smallest tau": float(taus.min()) if len(taus) else np.nan,
        }, name="agreement")

    def plot(self, *, ax=None):
        """Each model's rank under each estimator as a heat map (estimators down, models across); returns the Axes."""
        import matplotlib.pyplot as plt
        import seaborn as sns

        ax = ax if ax is not None else plt.gca()
        ranks = self.ranks.loc[self.table.index].T
        sns.heatmap(ranks, annot=True, fmt="d", cmap="viridis_r", cbar=False, ax=ax, annot_kws={"size": "small"})
        ax.set(xlabel="model", ylabel="")
        return ax


def estimator_stability(y_true, probs: dict, *, estimators: dict | None = None, n_boot: int = 0, ci: float = 0.95,
                        rng=None, progress=None) -> EstimatorStability:
    """Rank the models of ``probs`` by calibration error under each estimator and compare the rankings.

    Parameters
    ----------
    y_true : array of int labels, shape (n,)
    probs : dict
        Model name -> probabilities for the same items: ``(n,)`` with
        P(y = 1), or ``(n, k)`` with rows summing to 1. At least 2 models.
    estimators : dict, optional
        Name -> ``f(y_true, y_prob)`` (lower is better calibrated); default
        :func:`calibration_estimators`.
    n_boot : int
        Bootstrap resamples of the items for rank intervals (0: none).
    ci : float
        Level of the rank intervals.
    rng : None, int or Generator
        For the resamples.
    progress : bool or None
        Progress bar of the bootstrap (None: only for long runs).
    """
    if not isinstance(probs, dict) or len(probs) < 2:
        raise AnalysisInputError.about("probs", "a dict of at least 2 models' probabilities",
                                       f"{type(probs).__name__} of {len(probs) if hasattr(probs, '__len__') else 0}",
                                       "Pass {'model a': probs_a, 'model b': probs_b, ...}.")
    checked = {name: check_inputs(y_true, p) for name, p in probs.items()}
    labels = next(iter(checked.values()))[0]
    n_classes = {2 if p.ndim == 1 else p.shape[1] for _, p in checked.values()}
    if len(n_classes) > 1:
        raise AnalysisInputError.about("probs", "the same classes for every model", f"{sorted(n_classes)} classes",
                                       "Give every model probabilities over the same classes.")
    estimators = calibration_estimators(n_classes.pop()) if estimators is None else estimators
    if not isinstance(estimators, dict) or len(estimators) < 2 or not all(map(callable, estimators.values())):
        raise AnalysisInputError.about("estimators", "a dict of at least 2 named callables f(y_true, y_prob)",
                                       repr(estimators)[:80], "Pass e.g. calibration_estimators().")
    n_boot = check_integer(n_boot, "n_boot", minimum=0)
    if n_boot == 1:
        raise AnalysisInputError.about("n_boot", "0 (no bootstrap) or at least 2 resamples", "1", "Pass e.g. 1000.")
    ci = check_level(ci)
    rng = check_rng(rng)
    models = list(probs)
    prob = [checked[m][1] for m in models]

    def evaluate(rows) -> np.ndarray:
        """Errors (models, estimators) on the items ``rows``."""
        return np.array([[f(labels[rows], p[rows]) for f in estimators.values()] for p in prob])

    errors = pd.DataFrame(evaluate(slice(None)), index=pd.Index(models, name="model"), columns=list(estimators))
    if not np.isfinite(errors.to_numpy()).all():
        bad = errors.columns[~np.isfinite(errors.to_numpy()).all(axis=0)].tolist()
        raise AnalysisInputError.about("estimators", "finite calibration errors", f"NaN or inf from {bad[:3]}",
                                       "Check those estimators on these data.")
    ranks = errors.rank(method="min").astype(int)
    names = list(estimators)
    taus = pd.DataFrame([[kendall_tau(ranks[a].to_numpy(), ranks[b].to_numpy()) for b in names] for a in names],
                        index=names, columns=names)
    table = pd.DataFrame({"best_rank": ranks.min(axis=1), "worst_rank": ranks.max(axis=1),
                          "median_rank": ranks.median(axis=1), "share_first": (ranks == 1).mean(axis=1)})
    table = table.sort_values(["median_rank", "best_rank"], kind="stable")
    intervals = None
    if n_boot:
        draws = [rng.integers(0, len(labels), len(labels)) for _ in range(n_boot)]
        replicates = np.array(map_batches(evaluate, draws, n_boot, progress=progress,
                                          desc="estimator bootstrap"))  # (n_boot, models, estimators)
        boot_ranks = stats.rankdata(replicates, method="min", axis=1)
        low, high = np.quantile(boot_ranks, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
        index = pd.MultiIndex.from_product([names, models], names=["estimator", "model"])
        intervals = pd.DataFrame({"rank_low": low.T.ravel(), "rank_high": high.T.ravel(),
                                  "p_first": (boot_ranks == 1).mean(axis=0).T.ravel()}, index=index)
    return EstimatorStability(errors, ranks, taus, table, intervals, ci if n_boot else None)
