"""The verification rank histogram of ensemble forecasts (Anderson 1996; Hamill 2001).

For ``k`` ensemble members, the rank of an observation is the number of members
below it, one of ``k + 1`` slots. If the observation were exchangeable with the
members, every slot would be equally likely: a U shape means too narrow an
ensemble, a slope a biased one. Ties between the observation and members (dry
days in a precipitation ensemble) are broken at random, uniformly over the tied
positions, as Hamill (2001) recommends; counting them all as "below" would pile
them into the lowest slot.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from .._results import Result
from .._validation import check_array, check_consistent_length, check_rng

__all__ = ["RankHistogram", "rank_histogram"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class RankHistogram(Result):
    """Counts of the observation's rank among the members.

    Attributes
    ----------
    ranks : array of int, shape (n,)
        Members below each observation, ties broken at random (0 to k).
    counts : array of int, shape (k + 1,)
    n_ties : int
        Forecasts whose observation tied with at least one member.
    chi2, p_value : float
        Pearson's test of equal slot probabilities. Forecasts on consecutive days
        are not independent, so read the p-value as a guide, not a test.
    """

    ranks: np.ndarray
    counts: np.ndarray
    n_ties: int
    chi2: float
    p_value: float

    @property
    def title(self) -> str:
        return f"Rank histogram of {len(self.ranks)} forecasts with {len(self.counts) - 1} members"

    @property
    def shares(self) -> np.ndarray:
        """Share of forecasts per slot, shape (k + 1,)."""
        return self.counts / self.counts.sum()

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"count": self.counts, "share": self.shares},
                            index=pd.RangeIndex(len(self.counts), name="members below"))

    def plot(self, *, ax=None, color=None):
        """Share of forecasts per slot as bars, the flat share of a calibrated ensemble dashed; returns the Axes."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        ax.bar(np.arange(len(self.counts)), self.shares, color=color)
        ax.axhline(1 / len(self.counts), color="0.3", lw=0.8, ls="--", label="calibrated")
        ax.set(xlabel="members below the observation", ylabel="share of forecasts")
        return ax


def rank_histogram(members, observed, *, rng=None) -> RankHistogram:
    """Rank of each observation among its ensemble members, ties broken at random.

    Parameters
    ----------
    members : array, shape (n, k)
        Ensemble members per forecast (any order).
    observed : array, shape (n,)
    rng : None, int or Generator
        Breaks ties between the observation and members.
    """
    members = check_array(members, "members", ndim=2)
    observed = check_array(observed, "observed", ndim=1)
    check_consistent_length(members=members, observed=observed)
    below = (members < observed[:, None]).sum(axis=1)
    tied = (members == observed[:, None]).sum(axis=1)
    ranks = below + check_rng(rng).integers(0, tied + 1)
    counts = np.bincount(ranks, minlength=members.shape[1] + 1)
    chi2, p_value = stats.chisquare(counts)
    return RankHistogram(ranks, counts, int((tied > 0).sum()), float(chi2), float(p_value))
