"""Plackett-Luce scores from orderings, e.g. one ordering of the systems per evaluated sample.

An ordering ``o_1 > o_2 > ... > o_m`` of some of the items has probability
``prod_t exp(s_{o_t}) / sum_{u >= t} exp(s_{o_u})``: the best is picked from
all, the next from the rest, and so on. Orderings may cover any subset of the
items, so a benchmark where each sample was run on a few systems only ('ONEBench
to Test Them All', 2024) still gives one joint scale. Scores are fitted by
Hunter's (2004) minorise-maximise iteration, which increases the likelihood at
every step; they exist when every item is ranked above and below some other
item through chains of orderings (the Plackett-Luce analogue of Ford's
condition), which is checked first.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
from scipy.sparse import coo_matrix, csgraph

from .._samples import in_memory
from .._validation import check_array, check_columns, check_integer, check_rng
from ..errors import AnalysisInputError, ConvergenceWarning
from .result import Ranking, ranking_table

__all__ = ["PlackettLuceRanking", "orderings_from_scores", "plackett_luce", "plackett_luce_samples",
           "strongly_connected_items"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class PlackettLuceRanking(Ranking):
    """Plackett-Luce log-strengths (centred to mean 0) and the fit's diagnostics.

    Attributes
    ----------
    table, method
        As in :class:`Ranking`; ``score`` is the log-strength.
    n_iter : int
    converged : bool
    log_likelihood : float
    """

    n_iter: int
    converged: bool
    log_likelihood: float


def orderings_from_scores(scores, *, rng=None) -> list[np.ndarray]:
    """One ordering per column of a systems x samples score matrix (higher is better, NaN: not run).

    Each ordering lists the row positions of the systems run on that sample,
    best first; equal scores are put in random order (seeded by ``rng``), since
    Plackett-Luce has no ties. Samples with fewer than two systems are dropped.
    """
    values = check_array(scores, "scores", ndim=2, finite=False)
    if np.isinf(values).any():
        raise AnalysisInputError.about("scores", "finite scores or NaN for 'not run'", "inf", "Replace inf.")
    if len(values) < 2:
        raise AnalysisInputError.about("scores", "at least 2 systems (rows) to order", f"{len(values)}",
                                       "Pass every system's row.")
    rng = check_rng(rng)
    out = []
    for column in values.T:
        present = np.flatnonzero(~np.isnan(column))
        if len(present) < 2:
            continue
        tiebreak = rng.permutation(len(present))
        out.append(present[np.lexsort((tiebreak, -column[present]))])
    return out


def _padded(orderings, n_items: int) -> np.ndarray:
    longest = max(len(o) for o in orderings)
    table = np.full((len(orderings), longest), -1, dtype=np.int64)
    for r, o in enumerate(orderings):
        o = np.asarray(o)
        if o.ndim != 1 or not np.issubdtype(o.dtype, np.integer) or len(np.unique(o)) != len(o):
            raise AnalysisInputError.about("orderings", "1-D arrays of distinct integer item indices",
                                           f"ordering {r}: {o!r}", "List each item once, best first.")
        if len(o) and (o.min() < 0 or o.max() >= n_items):
            raise AnalysisInputError.about("orderings", f"indices in 0 .. {n_items - 1}", f"ordering {r}: {o!r}",
                                           "Check n_items.")
        table[r, :len(o)] = o
    return table


def strongly_connected_items(orderings, n_items: int) -> np.ndarray:
    """The items of the largest group in which every item beats every other through chains of orderings.

    Plackett-Luce scores of these items exist; an ordering restricted to them
    is still a Plackett-Luce ordering, so they can be fitted on their own.
    """
    table = _padded([o for o in orderings if len(o) > 1], n_items)
    _, labels = csgraph.connected_components(_beats_graph(table, n_items), directed=True, connection="strong")
    return np.flatnonzero(labels == np.bincount(labels).argmax())


def _beats_graph(table: np.ndarray, n_items: int) -> coo_matrix:
    rows, cols = [], []
    for t in range(table.shape[1] - 1):  # each item beats the next one in its ordering
        ok = table[:, t + 1] >= 0
        rows.append(table[ok, t])
        cols.append(table[ok, t + 1])
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    return coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_items, n_items))


def _check_connected(table: np.ndarray, n_items: int) -> None:
    """Raise unless every item beats and is beaten, through chains of orderings (strong connectivity)."""
    n_components, _ = csgraph.connected_components(_beats_graph(table, n_items), directed=True, connection="strong")
    if n_components > 1:
        raise AnalysisInputError.about(
            "orderings", "every item ranked above and below others through chains of orderings",
            f"{n_components} groups that never beat each other both ways",
            "Drop items that are always first or always last, or collect orderings linking the groups.")


def _log_likelihood(scores: np.ndarray, table: np.ndarray) -> float:
    present = table >= 0
    s = np.where(present, scores[np.maximum(table, 0)], -np.inf)
    tail = np.logaddexp.accumulate(s[:, ::-1], axis=1)[:, ::-1]  # log sum over positions >= t
    stage = present & (np.arange(table.shape[1]) < present.sum(axis=1, keepdims=True) - 1)
    with np.errstate(invalid="ignore"):  # padding: -inf - -inf, masked out
        return float(np.sum(np.where(stage, s - tail, 0.0)))


def plackett_luce(orderings, n_items: int, *, systems=None, max_iter: int = 10_000,
                  tol: float = 1e-10) -> PlackettLuceRanking:
    """Maximum-likelihood Plackett-Luce scores from ``orderings`` (item indices, best first).

    Minorise-maximise iterations until no score moves by more than ``tol``.
    ``systems`` names the items 0..n_items-1.
    """
    n_items = check_integer(n_items, "n_items", minimum=2)
    max_iter = check_integer(max_iter, "max_iter")
    orderings = [o for o in orderings if len(o) > 1]
    if not orderings:
        raise AnalysisInputError.about("orderings", "orderings of at least two items", "none",
                                       "Pass one ordering per sample, best first.")
    table = _padded(orderings, n_items)
    _check_connected(table, n_items)
    present = table >= 0
    length = present.sum(axis=1, keepdims=True)
    stage = present & (np.arange(table.shape[1]) < length - 1)  # positions that are a choice
    wins = np.bincount(table[stage], minlength=n_items).astype(float)
    items = np.maximum(table, 0)
    gamma = np.ones(n_items)
    converged, n_iter = False, 0
    while not converged and n_iter < max_iter:
        n_iter += 1
        g = np.where(present, gamma[items], 0.0)
        tail = np.cumsum(g[:, ::-1], axis=1)[:, ::-1]  # sum of strengths still in the running at stage t
        inverse = np.where(stage, 1.0 / np.where(stage, tail, 1.0), 0.0)
        exposure = np.cumsum(inverse, axis=1)  # sum over the stages an item was still available in
        denominator = np.bincount(items[present], weights=exposure[present], minlength=n_items)
        new = wins / denominator
        new /= np.exp(np.mean(np.log(new)))
        converged = np.abs(np.log(new) - np.log(gamma)).max() < tol
        gamma = new
    if not converged:
        warnings.warn(f"Plackett-Luce did not converge in {max_iter} iterations", ConvergenceWarning, stacklevel=2)
    scores = np.log(gamma)
    return PlackettLuceRanking(ranking_table(scores - scores.mean(), systems), "Plackett-Luce", n_iter,
                               bool(converged), _log_likelihood(scores, table))


def plackett_luce_samples(table, *, model: str = "model", item=("task", "item"), score: str = "correct",
                          rng=None, **options) -> PlackettLuceRanking:
    """Plackett-Luce scores from a tidy sample-level table in which models need not share items (ONEBench).

    Each item (the columns named by ``item``) ranks the models that were
    scored on it by ``score``, best first, equal scores in random order
    (``rng``), as :func:`orderings_from_scores` does; missing (model, item)
    pairs are simply absent. ``options`` go to :func:`plackett_luce`. A Dask
    ``table`` gives the columns these read, computed.
    """
    keys = [item] if isinstance(item, str) else list(item)
    table = in_memory(table, [model, *keys, score])
    check_columns(table, [model, *keys, score], name="table")
    values = check_array(table[score], score, ndim=1)
    rows = table[[model, *keys]].assign(**{score: values})
    if rows[[model, *keys]].isna().any().any():
        raise AnalysisInputError.about("table", f"a name in {[model, *keys]} on every row", "missing names",
                                       "Fill or drop those rows first; nothing is dropped silently.")
    repeated = rows.duplicated([model, *keys])
    if repeated.any():
        raise AnalysisInputError.about("table", f"one row per ({model}, {', '.join(keys)})",
                                       f"{int(repeated.sum())} repeated, e.g. {rows.loc[repeated].iloc[0].tolist()}",
                                       "Average epochs or keep one filter per item first (io.one_per_item).")
    matrix = rows.pivot_table(index=model, columns=keys, values=score, sort=True)  # systems x items, NaN: not run
    orderings = orderings_from_scores(matrix.to_numpy(), rng=rng)
    return plackett_luce(orderings, len(matrix), systems=list(matrix.index), **options)
