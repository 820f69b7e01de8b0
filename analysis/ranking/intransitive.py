"""Preferences that are not a ranking: circular triads, and a skew-symmetric embedding model.

- :func:`intransitivity` counts the cyclic triples of the majority relation of
  a win matrix (Kendall & Babington Smith, 'On the method of paired
  comparisons', Biometrika 1940), with their coefficient of consistence and a
  test of "the majorities are random".
- :func:`general_preference` fits ``P(i beats j) = sigmoid(v_i^T R v_j)``,
  ``R`` block-diagonal with blocks ``[[0, 1], [-1, 0]]`` (the General
  Preference Model of Zhang et al., 'Beyond Bradley-Terry Models: A General
  Preference Model for Language Model Alignment', 2024). Each block is a plane
  in which a preference is the signed area spanned by two systems, so cycles
  (rock-paper-scissors) are representable; systems on a line ``(1, s_i)`` in
  one block give Bradley-Terry with scores ``-s_i``.
- :func:`compare_preference_models` puts both beside Bradley-Terry by held-out
  log-likelihood.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from math import comb

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .._results import Result
from .._validation import check_integer, check_number, check_rng
from ..errors import AnalysisInputError, FitError
from ._inputs import system_positions
from .bradley_terry import bradley_terry, check_win_counts, index_battles, win_matrix

__all__ = ["GeneralPreference", "Intransitivity", "PreferenceComparison", "compare_preference_models",
           "general_preference", "intransitivity"]

_EXACT_UP_TO = 7  # items; the null distribution is enumerated over all 2^(n(n-1)/2) tournaments up to here


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Intransitivity(Result):
    """Cyclic triples of the majority relation of a win matrix.

    Attributes
    ----------
    circular_triads : float
        Triples ``a > b > c > a`` of the majority relation. A pair with equal
        wins either way is broken by a fair coin, and a triple counts with its
        probability of being cyclic (1/2 with one such pair on a path, 1/4
        with all three pairs equal). Without equal pairs this is Kendall and
        Babington Smith's ``d = n(n-1)(2n-1)/12 - sum(s_i^2)/2`` for scores
        ``s_i`` (majorities won); with ``t`` equal pairs counted as half a
        majority each way it is that formula minus ``t / 4``.
    max_circular_triads : int
        ``(n^3 - n) / 24`` for odd ``n``, ``(n^3 - 4n) / 24`` for even ``n``.
    consistence : float
        Kendall's coefficient of consistence ``1 - d / d_max``: 1 for a
        ranking, 0 for the most cyclic tournament.
    cyclic_share : float
        ``d`` over the number of triples.
    p_value : float
        ``P(D <= d)`` when every majority is a fair coin: small values say the
        relation is more consistent than chance. Exact (enumeration) up to 7
        items, else Kendall's chi-square approximation (its first two
        moments are exact; with the continuity correction at ``d + 1/2`` it
        is within 0.005 of simulated tails at 12 items).
    test : str
        ``"exact"`` or ``"chi-square"``.
    tied_pairs : int
        Pairs with equal wins either way (unplayed pairs among them).
    majority : DataFrame
        ``1`` where the row beats the column by majority, ``0.5`` for equal wins.
    """

    circular_triads: float
    max_circular_triads: int
    consistence: float
    cyclic_share: float
    p_value: float
    test: str
    tied_pairs: int
    majority: pd.DataFrame

    @property
    def title(self) -> str:
        return f"Circular triads among {len(self.majority)} systems"

    def triples(self) -> pd.DataFrame:
        """Triples that may be cyclic, most likely first: ``a``, ``b``, ``c`` (``a > b > c > a``) and
        ``probability`` (1, or 1/2 or 1/4 when equal pairs are broken by a coin); the probabilities sum to
        ``circular_triads``."""
        m, names = self.majority.to_numpy(), self.majority.index
        a, b, c = np.array(list(itertools.combinations(range(len(m)), 3))).T
        forward = m[a, b] * m[b, c] * m[c, a]
        backward = (1 - m[a, b]) * (1 - m[b, c]) * (1 - m[c, a])
        keep = forward + backward > 0
        flip = backward > forward
        table = pd.DataFrame({"a": names[a], "b": names[np.where(flip, c, b)], "c": names[np.where(flip, b, c)],
                              "probability": forward + backward})[keep]
        return table.sort_values("probability", ascending=False, kind="stable").reset_index(drop=True)


def intransitivity(wins, *, systems=None) -> Intransitivity:
    """Circular triads of the majority relation of ``wins`` (see :class:`Intransitivity`).

    ``wins[i, j]``: wins of ``i`` over ``j``, as :func:`bradley_terry` takes
    (ties as half-wins); ``systems`` names the rows. Every system must have
    played.
    """
    w = check_win_counts(wins)
    n = len(w)
    if n < 3:
        raise AnalysisInputError.about("wins", "at least 3 systems (a triad)", f"{n}", "Pass more systems.")
    _check_everyone_played(w, systems)
    majority = np.where(w > w.T, 1.0, np.where(w == w.T, 0.5, 0.0))
    np.fill_diagonal(majority, 0.0)
    s = majority.sum(axis=1)
    tied = int((np.triu(majority == 0.5, 1)).sum())
    d = n * (n - 1) * (2 * n - 1) / 12 - (s**2).sum() / 2 - tied / 4
    d_max = (n**3 - n) // 24 if n % 2 else (n**3 - 4 * n) // 24
    below = np.floor(d + 1e-9)  # the null's counts are whole: P(D <= d) = P(D <= floor(d))
    if n <= _EXACT_UP_TO:
        counts = _null_counts(n)
        p, test = float(counts[: int(below) + 1].sum() / counts.sum()), "exact"
    else:
        dof = n * (n - 1) * (n - 2) / (n - 4) ** 2
        chi2 = 8 / (n - 4) * (comb(n, 3) / 4 - below - 0.5) + dof  # with a continuity correction
        p, test = float(stats.chi2.sf(chi2, dof)), "chi-square"
    names = pd.Index(range(n) if systems is None else list(systems), name="system")
    return Intransitivity(float(d), d_max, float(1 - d / d_max), float(d / comb(n, 3)), p, test, tied,
                          pd.DataFrame(majority, index=names, columns=names))


@functools.cache
def _null_counts(n: int) -> np.ndarray:
    """Number of tournaments on ``n`` items with 0, 1, 2, ... circular triads."""
    i, j = np.triu_indices(n, 1)
    codes = np.arange(2 ** len(i), dtype=np.uint32)
    first_wins = (codes[:, None] >> np.arange(len(i), dtype=np.uint32)) & 1  # (tournaments, pairs)
    s = np.zeros((len(codes), n), dtype=np.int64)
    for pair, (a, b) in enumerate(zip(i, j)):
        s[:, a] += first_wins[:, pair]
        s[:, b] += 1 - first_wins[:, pair]
    d = n * (n - 1) * (2 * n - 1) // 12 - (s**2).sum(axis=1) // 2
    return np.bincount(d)


def _check_everyone_played(w: np.ndarray, systems) -> None:
    idle = np.flatnonzero((w + w.T).sum(axis=1) == 0)
    if len(idle):
        names = list(np.asarray(list(systems))[idle]) if systems is not None else idle.tolist()
        raise AnalysisInputError.about("wins", "at least one comparison for every system",
                                       f"no comparisons for {names[:5]}", "Drop those rows and columns.")


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class GeneralPreference(Result):
    """A fitted General Preference Model.

    Attributes
    ----------
    embedding : DataFrame, shape (systems, dim)
        ``v_i``; columns ``x1, y1, x2, y2, ...`` (one plane per block). The
        model fixes each plane only up to area-preserving linear maps; the
        fit is shown with isotropic second moments per plane and the longest
        vector on the positive y axis.
    probabilities : DataFrame, shape (systems, systems)
        ``P(row beats column)``.
    table : DataFrame
        Indexed by system, by ``average_win`` (mean probability of beating
        the others), best first.
    log_likelihood : float
        Of the observed comparisons (ties as half a win each way), without the prior.
    prior : float
        Virtual ties added to every pair.
    """

    embedding: pd.DataFrame
    probabilities: pd.DataFrame
    table: pd.DataFrame
    log_likelihood: float
    prior: float

    @property
    def title(self) -> str:
        return f"General preference model, {self.embedding.shape[1]} dimensions, {len(self.embedding)} systems"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def probability(self, a, b) -> np.ndarray:
        """``P(a beats b)`` for systems (or arrays of systems) ``a`` and ``b``."""
        p = self.probabilities
        return p.to_numpy()[system_positions(a, p.index, "a"), system_positions(b, p.columns, "b")]

    def plot(self, *, ax=None, block: int = 0):
        """The systems in one preference plane; ``i`` beats ``j`` when ``j`` lies counter-clockwise from ``i``
        (seen from the origin), by the area of their triangle with it. Returns the Axes."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        block = check_integer(block, "block", minimum=0)
        if 2 * block + 1 >= self.embedding.shape[1]:
            raise AnalysisInputError.about("block", f"a plane below {self.embedding.shape[1] // 2}", str(block),
                                           "Pass 0 for the first plane.")
        xy = self.embedding.to_numpy()[:, 2 * block: 2 * block + 2]
        ax.scatter(xy[:, 0], xy[:, 1], s=14, zorder=3)
        for name, (x, y) in zip(self.embedding.index, xy):
            ax.annotate(str(name), (x, y), xytext=(3, 3), textcoords="offset points", fontsize="small")
        ax.axhline(0, color="0.85", lw=0.8, zorder=0)
        ax.axvline(0, color="0.85", lw=0.8, zorder=0)
        ax.set(xlabel=f"x{block + 1}", ylabel=f"y{block + 1}", aspect="equal")
        return ax


def general_preference(battles, *, dim: int = 2, systems=None, prior: float = 1.0, n_starts: int = 5,
                       rng=None) -> GeneralPreference:
    """Fit the General Preference Model to a battles table by maximum (prior-penalised) likelihood.

    Parameters
    ----------
    battles : DataFrame
        ``winner``, ``loser`` (system names; for a tie, either order) and
        ``tie``, as :func:`index_battles` takes.
    dim : int
        Embedding dimension, even (one preference plane per 2 dimensions).
    systems : sequence, optional
        All systems, in the order of the result; each must have played.
    prior : float
        Virtual ties added to every pair (half a win each way). They keep the
        likelihood bounded when a pair or a cycle is won every time.
    n_starts : int
        Random starts of L-BFGS; the best fit is kept.
    """
    dim = check_integer(dim, "dim", minimum=2)
    if dim % 2:
        raise AnalysisInputError.about("dim", "an even dimension (planes of 2)", str(dim), f"Pass {dim + 1}.")
    wins, names = _wins_from_battles(battles, systems)
    prior = check_number(prior, "prior", minimum=0)
    n_starts = check_integer(n_starts, "n_starts")
    rng = check_rng(rng)
    embedding = _fit_embedding(wins, dim, prior, n_starts, rng)
    return _result(embedding, wins, names, prior)


def _wins_from_battles(battles, systems) -> tuple[np.ndarray, list]:
    coded = index_battles(battles)
    names = coded["systems"]
    if systems is not None:
        systems = list(systems)
        unknown = sorted(set(names) - set(systems), key=str)
        if unknown:
            raise AnalysisInputError.about("systems", "every system in the battles", f"no entry for {unknown[:5]}",
                                           "Add them to systems.")
        never = [s for s in systems if s not in set(names)]
        if never:
            raise AnalysisInputError.about("battles", "at least one battle for every system",
                                           f"none for {never[:5]}", "Drop those systems or collect battles.")
        position = {s: k for k, s in enumerate(systems)}
        remap = np.array([position[s] for s in names])
        coded["winner"], coded["loser"], names = remap[coded["winner"]], remap[coded["loser"]], systems
    return win_matrix(coded["winner"], coded["loser"], len(names), ties=coded["ties"]), names


def _rotation(dim: int) -> np.ndarray:
    r = np.zeros((dim, dim))
    for b in range(0, dim, 2):
        r[b, b + 1], r[b + 1, b] = 1.0, -1.0
    return r


def _fit_embedding(wins: np.ndarray, dim: int, prior: float, n_starts: int, rng) -> np.ndarray:
    """Embedding (n, dim) maximising the likelihood of ``wins`` plus ``prior`` virtual ties per pair."""
    n = len(wins)
    target = wins + prior / 2 * (1 - np.eye(n))
    r = _rotation(dim)

    def loss(flat):
        v = flat.reshape(n, dim)
        f = v @ r @ v.T
        grad_f = -target * stats.logistic.sf(f)  # d loss / d f_ij
        return (target * np.logaddexp(0, -f)).sum(), ((grad_f.T - grad_f) @ v @ r).ravel()

    best = None
    for _ in range(n_starts):
        start = 0.1 * rng.normal(size=n * dim)
        fit = optimize.minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 5000, "gtol": 1e-8})
        if best is None or fit.fun < best.fun:
            best = fit
    if not np.isfinite(best.fun):
        raise FitError(f"The general preference fit did not reach a finite likelihood: {best.message}")
    return best.x.reshape(n, dim)


def _canonical(embedding: np.ndarray) -> np.ndarray:
    """The embedding with each plane's second moments made isotropic by a map of determinant 1 and the
    plane's longest vector turned to the positive y axis: neither changes any ``v_i^T R v_j``."""
    out = embedding.copy()
    for b in range(0, embedding.shape[1], 2):
        plane = out[:, b: b + 2]
        values, vectors = np.linalg.eigh(plane.T @ plane)
        if values.min() <= 1e-12 * values.max():
            continue  # a plane of collinear points: leave it as fitted
        plane = plane @ (vectors / np.sqrt(values)) @ vectors.T * np.prod(values) ** 0.25
        x, y = plane[np.argmax(np.hypot(*plane.T))]
        angle = np.pi / 2 - np.arctan2(y, x)
        turn = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
        out[:, b: b + 2] = plane @ turn
    return out


def _result(embedding: np.ndarray, wins: np.ndarray, names: list, prior: float) -> GeneralPreference:
    dim = embedding.shape[1]
    embedding = _canonical(embedding)
    f = embedding @ _rotation(dim) @ embedding.T
    p = stats.logistic.cdf(f)
    index = pd.Index(names, name="system")
    average = (p.sum(axis=1) - 0.5) / (len(p) - 1)  # the diagonal holds 1/2
    table = pd.DataFrame({"average_win": average}, index=index).sort_values("average_win", ascending=False)
    table["rank"] = np.arange(1, len(table) + 1)
    columns = [f"{axis}{b + 1}" for b in range(dim // 2) for axis in "xy"]
    return GeneralPreference(pd.DataFrame(embedding, index=index, columns=columns),
                             pd.DataFrame(p, index=index, columns=index), table,
                             float(-(wins * np.logaddexp(0, -f)).sum()), float(prior))


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class PreferenceComparison(Result):
    """Held-out log-likelihood per battle of Bradley-Terry and General Preference Models.

    Attributes
    ----------
    folds : DataFrame
        One row per (model, fold): ``model``, ``fold``, ``log_likelihood``
        (mean over the fold's held-out battles, ties as half a win each way)
        and ``battles``.
    """

    folds: pd.DataFrame

    @property
    def title(self) -> str:
        return f"Held-out log-likelihood per battle, {self.folds['fold'].nunique()} folds"

    def to_frame(self) -> pd.DataFrame:
        """Per model: mean held-out log-likelihood per battle and its standard error over folds, best first."""
        grouped = self.folds.groupby("model", sort=False)["log_likelihood"]
        table = pd.DataFrame({"log_likelihood": grouped.mean(),
                              "se": grouped.std(ddof=1) / np.sqrt(grouped.count())})
        return table.sort_values("log_likelihood", ascending=False)


def compare_preference_models(battles, *, dims=(2, 4), n_splits: int = 5, prior: float = 1.0, n_starts: int = 3,
                              rng=None) -> PreferenceComparison:
    """Bradley-Terry against General Preference Models of each ``dim`` by ``n_splits``-fold cross-validation.

    The battles are shuffled and split; each model is fitted with ``prior``
    virtual ties per pair on the other folds (so a system missing from a
    training fold still gets a finite score). On transitive data the models
    agree; on cyclic data Bradley-Terry cannot fit the cycle and loses.
    """
    dims = [check_integer(d, "dims", minimum=2) for d in np.atleast_1d(dims)]
    odd = [d for d in dims if d % 2]
    if odd:
        raise AnalysisInputError.about("dims", "even dimensions (planes of 2)", str(odd), "Pass e.g. (2, 4).")
    n_splits = check_integer(n_splits, "n_splits", minimum=2)
    n_starts = check_integer(n_starts, "n_starts")
    prior = check_number(prior, "prior", minimum=0, strict=True, fix="Pass e.g. 1: held-out systems need it.")
    rng = check_rng(rng)
    coded = index_battles(battles)
    n_items, n = coded["n_items"], len(battles)
    if n < n_splits:
        raise AnalysisInputError.about("battles", f"at least n_splits = {n_splits} battles", str(n),
                                       "Lower n_splits.")
    fold = rng.permutation(np.arange(n) % n_splits)
    rows = []
    for k in range(n_splits):
        train, test = fold != k, fold == k
        wins = win_matrix(coded["winner"][train], coded["loser"][train], n_items, ties=coded["ties"][train])
        held = win_matrix(coded["winner"][test], coded["loser"][test], n_items, ties=coded["ties"][test])
        scores = bradley_terry(wins, prior=prior).table["score"].reindex(range(n_items)).to_numpy()
        fits = {"Bradley-Terry": scores[:, None] - scores[None, :]}
        for d in dims:
            v = _fit_embedding(wins, d, prior, n_starts, rng)
            fits[f"GPM, {d} dimensions"] = v @ _rotation(d) @ v.T
        for model, f in fits.items():
            rows.append({"model": model, "fold": k, "battles": int(test.sum()),
                         "log_likelihood": float(-(held * np.logaddexp(0, -f)).sum() / test.sum())})
    return PreferenceComparison(pd.DataFrame(rows))

