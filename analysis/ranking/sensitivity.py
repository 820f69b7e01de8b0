"""Diversity and sensitivity of multi-task benchmarks (after Zhang & Hardt, 'Inherent Trade-Offs between
Diversity and Stability in Multi-Task Benchmarks', ICML 2024).

- Diversity: how much the tasks disagree, ``1 - W`` with Kendall's W of the
  task rankings (0: every task ranks the systems alike).
- Sensitivity to irrelevant changes, two kinds:

  * cardinal: rescale each task's scores by a random increasing map (a power
    ``x -> x^g`` of the min-max scaled scores, ``g`` log-uniform in
    ``[1 / max_power, max_power]``); no task's ranking changes, yet a
    mean-based aggregate may;
  * ordinal: add weak systems that stay below the leading systems overall; a
    rule independent of irrelevant alternatives keeps the leaders' order.

Both report the distribution of Kendall's tau between the original ranking
and the perturbed one over random draws; their sensitivity is ``1 - min tau``
over the draws (a lower bound on the worst case, which the paper searches for
by optimisation).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._results import Result
from .._validation import check_integer, check_rng
from ..errors import AnalysisInputError
from ._inputs import check_scores
from .aggregate import aggregate
from .correlations import kendall_tau, kendall_w

__all__ = ["Sensitivity", "cardinal_sensitivity", "diversity", "ordinal_sensitivity"]


def diversity(scores) -> float:
    """``1 - W``: Kendall's concordance of the tasks' rankings, turned into disagreement."""
    return 1.0 - kendall_w(check_scores(scores))


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Sensitivity(Result):
    """Kendall's tau between the original ranking and perturbed ones.

    Attributes
    ----------
    taus : array, shape (n_draws,)
    sensitivity : float
        ``1 - min(taus)``.
    kind, method : str
    """

    taus: np.ndarray
    sensitivity: float
    kind: str
    method: str

    @property
    def title(self) -> str:
        return f"{self.kind} sensitivity of the {self.method} ranking"

    def to_frame(self) -> pd.DataFrame:
        q = np.quantile(self.taus, [0.05, 0.5])
        return pd.DataFrame({"quantity": ["sensitivity (1 - min tau)", "median tau", "5% quantile of tau", "draws"],
                             "value": [self.sensitivity, q[1], q[0], len(self.taus)]})


def cardinal_sensitivity(scores, *, method: str = "mean", max_power: float = 3.0, n_draws: int = 200,
                         rng=None) -> Sensitivity:
    """How far increasing per-task rescalings (which change no task's ranking) move the ``method`` ranking."""
    scores = check_scores(scores)
    n_draws = check_integer(n_draws, "n_draws")
    if not max_power > 1:
        raise AnalysisInputError.about("max_power", "a number above 1", repr(max_power), "Pass e.g. 3.")
    rng = check_rng(rng)
    values = scores.to_numpy(dtype=float)
    low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    span = np.where(high > low, high - low, 1.0)
    unit = (values - low) / span
    base = aggregate(scores, method, missing="ignore").scores.loc[scores.index].to_numpy()
    taus = np.empty(n_draws)
    for d in range(n_draws):
        power = np.exp(rng.uniform(-np.log(max_power), np.log(max_power), values.shape[1]))
        moved = pd.DataFrame(low + span * unit**power, index=scores.index, columns=scores.columns)
        taus[d] = kendall_tau(base, aggregate(moved, method, missing="ignore").scores.loc[scores.index].to_numpy())
    return Sensitivity(taus, float(1 - taus.min()), "cardinal", method)


def ordinal_sensitivity(scores, *, method: str = "borda", n_irrelevant: int = 3, top: int | None = None,
                        n_draws: int = 200, rng=None, max_tries: int = 100) -> Sensitivity:
    """How far adding ``n_irrelevant`` weak systems reorders the ``top`` systems (default: the better half).

    Each added system's score on a task is drawn uniformly from that task's
    range, so it can beat leaders on some tasks. A draw counts when every added system ranks below all of the
    ``top`` systems under ``method`` (otherwise it is redrawn, up to
    ``max_tries`` times; ``len(taus)`` counts the draws that counted); tau is
    between the ``top`` systems' scores before and after.
    """
    scores = check_scores(scores)
    n_irrelevant = check_integer(n_irrelevant, "n_irrelevant")
    n_draws = check_integer(n_draws, "n_draws")
    top = check_integer(len(scores) // 2 if top is None else top, "top", minimum=2)
    rng = check_rng(rng)
    values = scores.to_numpy(dtype=float)
    low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    full = aggregate(scores, method, missing="ignore")
    leaders = full.systems[:top]
    sign = -1.0 if method == "mean_rank" else 1.0
    names = [f"irrelevant {i}" for i in range(n_irrelevant)]
    taus = []
    for _ in range(n_draws):
        for _ in range(max_tries):
            extra = pd.DataFrame(rng.uniform(low, high, (n_irrelevant, len(low))), index=names,
                                 columns=scores.columns)
            table = aggregate(pd.concat([scores, extra]), method, missing="ignore").scores * sign
            if table.loc[names].max() < table.loc[leaders].min():
                taus.append(kendall_tau(sign * full.scores.loc[leaders].to_numpy(), table.loc[leaders].to_numpy()))
                break
    if not taus:
        raise AnalysisInputError.about("n_irrelevant", f"weak systems that stay below the top {top}",
                                       f"none in {max_tries} tries per draw", "Add fewer systems or lower top.")
    taus = np.array(taus)
    return Sensitivity(taus, float(1 - taus.min()), "ordinal", method)
