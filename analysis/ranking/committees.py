"""Choosing k systems from several rankings: multiwinner rules with group-fairness bounds.

Rules over full rankings (one per voter: a benchmark, a judge, a user group):

- SNTV: a point for each voter's first choice; Bloc: a point for each of a
  voter's top k; k-Borda: ``m - 1 - position`` points. These are additive: the
  committee is the k highest totals, and with per-group lower and upper
  bounds a greedy fill after the lower bounds is still exactly optimal.
- Chamberlin-Courant: each voter is represented by the committee member it
  ranks highest, scored by Borda points; the committee maximises the total.
  Exact by enumeration for small instances; otherwise greedy, which reaches at
  least (1 - 1/e) of the optimum without groups (the objective is monotone
  submodular) and 1/2 under group upper bounds (a partition matroid).

Bias (after 'Subset Selection Based On Multiple Rankings in the Presence of
Bias', which builds on Kleinberg & Raghavan's implicit-bias model): voters see
the utilities of one group's candidates multiplied by ``beta <= 1``;
:func:`simulate_biased_rankings` draws such rankings to study how rules and
bounds recover the unbiased committee.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pandas as pd

from .._results import Result
from .._validation import check_array, check_choice, check_integer, check_number, check_rng
from ..errors import AnalysisInputError

__all__ = ["Committee", "select_committee", "simulate_biased_rankings"]

RULES = ("sntv", "bloc", "k_borda", "chamberlin_courant")


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Committee(Result):
    """A selected committee.

    Attributes
    ----------
    members : array of int
        Candidate indices, in the order the rule ranks them.
    score : float
        The rule's objective for the committee.
    rule : str
    method : str
        ``"exact"`` or how the committee was approximated, with its guarantee.
    """

    members: np.ndarray
    score: float
    rule: str
    method: str

    @property
    def title(self) -> str:
        return f"{self.rule} committee of {len(self.members)}"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"member": self.members})

    @property
    def notes(self) -> tuple[str, ...]:
        return (f"score {self.score:g}; {self.method}",)


def _positions(rankings) -> np.ndarray:
    """Position (0 = first) of every candidate in every voter's ranking, shape (n_voters, m)."""
    r = check_array(rankings, "rankings", ndim=2).astype(np.int64)
    m = r.shape[1]
    if not (np.sort(r, axis=1) == np.arange(m)).all():
        raise AnalysisInputError.about("rankings", "one permutation of 0 .. m - 1 per voter (best first)",
                                       "rows that are not permutations", "Rank every candidate once per voter.")
    positions = np.empty_like(r)
    np.put_along_axis(positions, r, np.arange(m)[None, :], axis=1)
    return positions


def _bounds(groups, lower, upper, m: int, k: int):
    if groups is None:
        return np.zeros(m, np.int64), np.array([0]), np.array([k])
    codes = np.asarray(groups)
    if codes.shape != (m,) or not np.issubdtype(codes.dtype, np.integer) or codes.min() < 0:
        raise AnalysisInputError.about("groups", f"{m} non-negative integer group labels", f"{codes!r}",
                                       "Label each candidate's group 0, 1, ...")
    n_groups = codes.max() + 1
    low = np.zeros(n_groups, np.int64) if lower is None else np.asarray(lower, np.int64)
    high = np.full(n_groups, k) if upper is None else np.asarray(upper, np.int64)
    sizes = np.bincount(codes, minlength=n_groups)
    if low.sum() > k or np.minimum(high, sizes).sum() < k or (low > np.minimum(high, sizes)).any():
        raise AnalysisInputError.about("lower and upper", f"bounds a committee of {k} can meet",
                                       f"lower {low.tolist()}, upper {high.tolist()}, group sizes {sizes.tolist()}",
                                       "Loosen the bounds.")
    return codes, low, high


def _feasible_subsets(m: int, k: int, codes, low, high):
    for subset in itertools.combinations(range(m), k):
        counts = np.bincount(codes[list(subset)], minlength=len(low))
        if (counts >= low).all() and (counts <= high).all():
            yield subset


def _cc_value(points: np.ndarray, subset) -> float:
    return float(points[:, list(subset)].max(axis=1).sum())


def select_committee(rankings, k: int, *, rule: str = "k_borda", groups=None, lower=None, upper=None,
                     exact_limit: int = 200_000) -> Committee:
    """Choose ``k`` candidates from full rankings (``(n_voters, m)``, best first) by ``rule``.

    ``groups`` (one integer label per candidate) with ``lower`` and ``upper``
    (per-group minimum and maximum members) constrain the committee.
    Chamberlin-Courant is exact when at most ``exact_limit`` committees exist.
    """
    check_choice(rule, "rule", RULES)
    positions = _positions(rankings)
    m = positions.shape[1]
    k = check_integer(k, "k")
    if k > m:
        raise AnalysisInputError.about("k", f"at most {m} (the candidates)", str(k), "Choose fewer.")
    codes, low, high = _bounds(groups, lower, upper, m, k)
    borda = (m - 1 - positions).astype(float)
    if rule != "chamberlin_courant":
        points = {"sntv": positions == 0, "bloc": positions < k, "k_borda": borda}[rule]
        totals = np.asarray(points, dtype=float).sum(axis=0)
        order = np.argsort(-totals, kind="stable")
        chosen = []
        for g in range(len(low)):  # each group's best candidates up to its lower bound
            chosen += [c for c in order if codes[c] == g][:low[g]]
        counts = np.bincount(codes[chosen], minlength=len(low))
        for c in order:
            if len(chosen) == k:
                break
            if c not in chosen and counts[codes[c]] < high[codes[c]]:
                chosen.append(c)
                counts[codes[c]] += 1
        members = np.array(sorted(chosen, key=lambda c: -totals[c]))
        return Committee(members, float(totals[members].sum()), rule, "exact (additive scores, greedy fill)")
    if math.comb(m, k) <= exact_limit:
        best = max(_feasible_subsets(m, k, codes, low, high), key=lambda s: _cc_value(borda, s))
        return Committee(np.array(best), _cc_value(borda, best), rule, f"exact (all {math.comb(m, k)} committees)")
    chosen, represented = [], np.full(len(borda), -np.inf)
    counts = np.zeros(len(low), np.int64)
    for _ in range(k):
        seats_left = k - len(chosen)
        owed = np.maximum(low - counts, 0)
        gains = np.maximum(borda - represented[:, None], 0).sum(axis=0)
        allowed = np.array([c not in chosen and counts[codes[c]] < high[codes[c]]
                            and (owed.sum() < seats_left or owed[codes[c]] > 0) for c in range(m)])
        c = int(np.argmax(np.where(allowed, gains, -np.inf)))
        chosen.append(c)
        counts[codes[c]] += 1
        represented = np.maximum(represented, borda[:, c])
    guarantee = "1/2 (group bounds)" if groups is not None else "1 - 1/e"
    return Committee(np.array(chosen), _cc_value(borda, chosen), rule, f"greedy, at least {guarantee} of the optimum")


def simulate_biased_rankings(utilities, groups, *, beta: float, n_voters: int, noise: float = 1.0,
                             rng=None) -> np.ndarray:
    """Rankings (``(n_voters, m)``, best first) of voters who see group-1 candidates' utilities times ``beta``.

    Each voter ranks ``beta^[group = 1] x utility + noise x Gumbel``; ``beta = 1`` is unbiased.
    """
    u = check_array(utilities, "utilities", ndim=1)
    g = np.asarray(groups)
    if g.shape != u.shape:
        raise AnalysisInputError.about("groups", f"{len(u)} labels, one per candidate", f"{g.shape}",
                                       "Label each candidate 0 or 1.")
    if not 0 < beta <= 1:
        raise AnalysisInputError.about("beta", "a factor in (0, 1]", repr(beta), "Pass e.g. beta=0.8.")
    noise = check_number(noise, "noise", minimum=0)
    rng = check_rng(rng)
    seen = np.where(g == 1, beta, 1.0) * u + noise * rng.gumbel(size=(check_integer(n_voters, "n_voters"), len(u)))
    return np.argsort(-seen, axis=1, kind="stable")
