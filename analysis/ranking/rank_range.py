"""The best and worst rank each system can reach under any task weighting, exactly.

A weighted mean ranks the systems by ``X @ w`` for task weights ``w``, shares
that are non-negative and sum to 1, restricted to a set ``W``: the whole
simplex, a box of per-task shares, or a polytope of linear constraints. The
number of systems ahead of system ``i``, ``#{j : (x_j - x_i) @ w > tol}``, is
piecewise constant in ``w``; its minimum and maximum over ``W`` are
mixed-integer linear programs with one binary per other system (a big-M
constraint per pair, with ``M`` from the pair's exact range over the box of
shares), solved by HiGHS through :func:`scipy.optimize.milp`.

Before any integer program, pairs whose order is the same for every weighting
are fixed, and one LP asks whether the extreme (no other system ahead, or all
the undecided ones ahead) is reachable; only when it is not does the MILP run.
It gets one cut per pair of systems that no weighting puts both behind (or
both ahead): by the minimax theorem, ``min_w max(a @ w, b @ w)`` over the
simplex is ``max_l min_t (l a_t + (1 - l) b_t)`` over ``l`` in [0, 1], an
intersection of intervals, so the pairs are found exactly without an LP each.
Triples of systems no weighting puts all behind (or all ahead) get a cut too,
each certified by a mix of its three rows found the same way along a grid of
mixes of two of them. These cuts make HiGHS' relaxation much tighter (they are
valid, not always exhaustive, for a box or polytope inside the simplex).
The weights that attain each end are then re-centred by an LP that maximises
their margin, and the reported rank is recounted from them, so
``best_weights`` and ``worst_weights`` reproduce the ranks exactly.

Scores are divided by their largest absolute value first; differences of at
most ``tolerance`` (on that scale) count as ties, and a tied system takes the
best of the tied ranks (1 + the number of systems strictly ahead).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .._bits import pack_rows
from .._chunks import thread_map
from .._quiet import c_stdout_hidden
from .._resample import map_batches
from .._results import Result
from .._validation import check_choice, check_number
from ..errors import AnalysisInputError, FitError
from ._inputs import check_scores
from .aggregate import NORMALISATIONS, _normalise

__all__ = ["RankRange", "rank_range"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class RankRange(Result):
    """Best and worst rank of each system over a set of task weightings.

    Attributes
    ----------
    table : DataFrame
        Indexed by ``system``, ordered by ``rank``: ``rank`` under the
        ``centre`` weights, ``best_rank`` and ``worst_rank`` (1 = best) over
        the weight set.
    best_weights, worst_weights : DataFrame, shape (systems, tasks)
        Shares (summing to 1) under which each system reaches its best and
        its worst rank.
    centre : Series, indexed by task
        Equal weights when the set holds them, else its most interior point.
    weights : str
        ``"simplex"``, ``"box"`` or ``"polytope"``.
    normalise : str
        Per-task normalisation applied before weighting.
    """

    table: pd.DataFrame
    best_weights: pd.DataFrame
    worst_weights: pd.DataFrame
    centre: pd.Series
    weights: str
    normalise: str

    @property
    def title(self) -> str:
        return f"Rank ranges of {len(self.table)} systems over the {self.weights} of task weights"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def plot(self, *, ax=None, intervals=None, top: int | None = None):
        """Each system's range of ranks as a bar, its rank under ``centre`` as a dot; returns the Axes.

        ``intervals``: a :class:`RankIntervals` (e.g. from bootstrapping the
        tasks) drawn beside each bar for comparison. ``top``: the first
        ``top`` systems only.
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        t = self.table if top is None else self.table.iloc[:top]
        y = np.arange(len(t))
        shift = 0.17 if intervals is not None else 0.0
        ax.hlines(y - shift, t["best_rank"] - 0.3, t["worst_rank"] + 0.3, color="C0", lw=4, alpha=0.6,
                  label=f"any weighting ({self.weights})")
        ax.plot(t["rank"], y - shift, "o", color="C0", ms=3, label="equal weights" if self.weights == "simplex"
                else "centre weights")
        if intervals is not None:
            b = intervals.table.loc[t.index]
            ax.hlines(y + shift, b["rank_low"] - 0.3, b["rank_high"] + 0.3, color="C1", lw=4, alpha=0.6,
                      label=f"bootstrap over tasks ({intervals.ci:.0%})")
        ax.set_yticks(y, [str(s) for s in t.index])
        ax.set_ylim(len(t) - 0.5, -0.5)
        ax.set_xlim(0.3, len(self.table) + 0.7)
        ax.set(xlabel="rank (1 = best)")
        return ax


def rank_range(scores, *, weights="simplex", normalise: str = "raw", tolerance: float = 1e-9,
               progress=None) -> RankRange:
    """Best and worst rank of every system under any task-weight vector in ``weights``.

    Parameters
    ----------
    scores : DataFrame, shape (systems, tasks)
        Higher is better; no missing cells (a weighted mean needs every task).
    weights : "simplex", (low, high) or scipy.optimize.LinearConstraint
        The weight shares ``w`` (``w >= 0``, ``sum(w) = 1``) allowed:
        ``"simplex"``, all of them; ``(low, high)``, per-task bounds on each
        share (scalars, arrays in column order or Series indexed by task),
        e.g. ``(0.5 / T, 2 / T)`` for "no task counts less than half or more
        than twice its equal share"; a ``LinearConstraint(A, lb, ub)`` on the
        shares, e.g. "reasoning tasks together at least 40%". The set must
        have an interior.
    normalise : {'raw', 'zscore', 'minmax', 'rank'}
        Per-task normalisation before weighting, as in :func:`aggregate`.
    tolerance : float
        Weighted-score differences up to ``tolerance`` times the largest
        absolute (normalised) score are ties.
    progress : bool or None
        Show a progress bar (None: only for long runs).
    """
    scores = check_scores(scores)
    if scores.isna().any().any():
        raise AnalysisInputError.about(
            "scores", "a complete table (a weighted mean needs every task)",
            f"{int(scores.isna().sum().sum())} missing cells", "Drop the incomplete systems or tasks first.")
    if scores.shape[1] < 2:
        raise AnalysisInputError.about("scores", "at least 2 tasks to weight", f"{scores.shape[1]} task",
                                       "Pass a table with several tasks.")
    check_choice(normalise, "normalise", NORMALISATIONS)
    tol = check_number(tolerance, "tolerance", minimum=0, strict=True)
    values = _normalise(scores.to_numpy(dtype=float), normalise)
    if not np.isfinite(values).all():
        raise AnalysisInputError.about("scores", f"tasks that vary across systems for normalise={normalise!r}",
                                       "a constant task", "Drop constant tasks or pass normalise='raw'.")
    scale = np.abs(values).max()
    values = values / (scale if scale > 0 else 1.0)
    region = _WeightSet.parse(weights, scores.columns)

    def extreme(task: tuple[int, bool]) -> np.ndarray:
        i, best = task
        diff = np.delete(values, i, axis=0) - values[i]  # (n - 1, tasks): the others minus system i
        low, high = region.bounds(diff)
        return (_fewest_ahead if best else _most_ahead)(diff, low, high, tol, region)

    # each end of each system is one task on the threads; large batches keep both threads busy between the
    # progress bar's updates (a batch waits for its slowest program)
    tasks = [(i, best) for i in range(len(values)) for best in (True, False)]
    batches = [tasks[start:start + 100] for start in range(0, len(tasks), 100)]
    with c_stdout_hidden():  # HiGHS prints MIP diagnostics with C's printf
        solved = [w for batch in map_batches(lambda b: thread_map(extreme, b), batches, len(batches),
                                             progress=progress, desc="rank ranges") for w in batch]
    best_w, worst_w = np.array(solved[0::2]), np.array(solved[1::2])
    best, worst = (1 + np.sum(ws @ values.T > np.sum(ws * values, axis=1)[:, None] + tol, axis=1)  # (systems,)
                   for ws in (best_w, worst_w))
    centre_rank = _ranks_at(values, region.centre, tol)
    table = pd.DataFrame({"rank": centre_rank, "best_rank": best, "worst_rank": worst},
                         index=scores.index.rename("system"))
    order = np.lexsort((worst, best, centre_rank))
    return RankRange(
        table.iloc[order], pd.DataFrame(best_w, index=table.index, columns=scores.columns).iloc[order],
        pd.DataFrame(worst_w, index=table.index, columns=scores.columns).iloc[order],
        pd.Series(region.centre, index=scores.columns, name="weight"), region.kind, normalise)


def _ranks_at(values: np.ndarray, w: np.ndarray, tol: float) -> np.ndarray:
    """1 + the number of systems whose weighted score is more than ``tol`` higher, per system."""
    s = values @ w
    return 1 + np.sum(s[None, :] > s[:, None] + tol, axis=1)


@dataclasses.dataclass(frozen=True)
class _WeightSet:
    """Shares ``w`` with ``low <= w <= high``, ``sum(w) = 1`` and, optionally, ``lb <= A @ w <= ub``."""

    kind: str
    low: np.ndarray
    high: np.ndarray
    constraint: LinearConstraint | None
    centre: np.ndarray

    @classmethod
    def parse(cls, weights, tasks: pd.Index) -> _WeightSet:
        k = len(tasks)
        constraint = None
        if isinstance(weights, str) and weights == "simplex":
            kind, low, high = "simplex", np.zeros(k), np.ones(k)
        elif isinstance(weights, LinearConstraint):
            kind, low, high = "polytope", np.zeros(k), np.ones(k)
            a = np.atleast_2d(np.asarray(weights.A, dtype=float))
            if a.shape[1] != k:
                raise AnalysisInputError.about("weights", f"a LinearConstraint with {k} columns, one per task",
                                               f"A of shape {a.shape}", "Give A one column per task.")
            lb, ub = (np.broadcast_to(np.asarray(b, dtype=float), len(a)) for b in (weights.lb, weights.ub))
            if np.isnan(a).any() or not np.isfinite(a).all() or np.isnan(lb).any() or np.isnan(ub).any():
                raise AnalysisInputError.about("weights", "finite constraint coefficients", "NaN or inf in A or bounds",
                                               "Use -inf/inf only as a missing bound.")
            constraint = LinearConstraint(a, lb, ub)
        elif isinstance(weights, tuple | list) and len(weights) == 2:
            kind = "box"
            low, high = (_per_task(b, tasks, name) for b, name in zip(weights, ("low", "high")))
            if (low < 0).any() or (high > 1).any() or (low > high).any():
                raise AnalysisInputError.about("weights", "share bounds 0 <= low <= high <= 1",
                                               f"low {low.round(4).tolist()}, high {high.round(4).tolist()}",
                                               "Pass shares, e.g. (0.5 / n_tasks, 2 / n_tasks).")
        else:
            raise AnalysisInputError.about("weights", "'simplex', a (low, high) pair of share bounds or a "
                                           "scipy.optimize.LinearConstraint", repr(weights)[:80],
                                           "Pass one of these.")
        interior = _interior_point(low, high, constraint)  # also refuses an empty or flat set
        equal = np.full(k, 1 / k)
        a_equal = None if constraint is None else constraint.A @ equal
        inside = (low <= equal).all() and (equal <= high).all() and (
            a_equal is None or ((constraint.lb <= a_equal) & (a_equal <= constraint.ub)).all())
        return cls(kind, low, high, constraint, equal if inside else interior)

    def bounds(self, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Minimum and maximum of ``c @ w`` per row of ``c`` over the box of shares (ignoring ``constraint``)."""
        return _box_min(c, self.low, self.high), -_box_min(-c, self.low, self.high)

    def inequalities(self) -> tuple[np.ndarray, np.ndarray]:
        """``(A, b)`` with ``A @ w <= b`` for the finite sides of ``constraint`` (none for a simplex or box)."""
        if self.constraint is None:
            return np.zeros((0, len(self.low))), np.zeros(0)
        a, lb, ub = self.constraint.A, self.constraint.lb, self.constraint.ub
        return (np.vstack([-a[np.isfinite(lb)], a[np.isfinite(ub)]]),
                np.concatenate([-lb[np.isfinite(lb)], ub[np.isfinite(ub)]]))


def _per_task(bound, tasks: pd.Index, name: str) -> np.ndarray:
    if isinstance(bound, pd.Series):
        missing = tasks.difference(bound.index)
        if len(missing):
            raise AnalysisInputError.about("weights", f"a {name} bound for every task", f"none for {list(missing)[:5]}",
                                           "Index the Series by the score columns.")
        bound = bound.loc[tasks].to_numpy()
    values = np.broadcast_to(np.asarray(bound, dtype=float), len(tasks)) if np.ndim(bound) == 0 \
        else np.asarray(bound, dtype=float)
    if values.shape != (len(tasks),) or not np.isfinite(values).all():
        raise AnalysisInputError.about("weights", f"a finite {name} share per task ({len(tasks)})",
                                       f"{name} = {bound!r}"[:80], "Pass a scalar or one number per task.")
    return values


def _box_min(c: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Per row of ``c``, the minimum of ``c @ w`` over ``low <= w <= high``, ``sum(w) = 1`` (greedy filling)."""
    order = np.argsort(c, axis=1)
    room = (high - low)[order]
    filled_before = np.cumsum(room, axis=1) - room
    amount = np.clip(1 - low.sum() - filled_before, 0, room)
    return c @ low + np.sum(amount * np.take_along_axis(c, order, axis=1), axis=1)


def _interior_point(low, high, constraint) -> np.ndarray:
    """The point of the weight set farthest inside all its inequalities; refuses an empty or flat set."""
    k = len(low)
    a_rows, b_rows = [np.hstack([-np.eye(k), np.ones((k, 1))]), np.hstack([np.eye(k), np.ones((k, 1))])], [-low, high]
    if constraint is not None:
        a, lb, ub = constraint.A, constraint.lb, constraint.ub
        finite_lb, finite_ub = np.isfinite(lb), np.isfinite(ub)
        a_rows += [np.hstack([-a[finite_lb], np.ones((finite_lb.sum(), 1))]),
                   np.hstack([a[finite_ub], np.ones((finite_ub.sum(), 1))])]
        b_rows += [-lb[finite_lb], ub[finite_ub]]
    result = linprog(np.r_[np.zeros(k), -1.0], A_ub=np.vstack(a_rows), b_ub=np.concatenate(b_rows),
                     A_eq=np.r_[np.ones(k), 0.0][None, :], b_eq=[1.0], bounds=[(None, None)] * k + [(None, 1.0)],
                     method="highs")
    if result.status != 0 or -result.fun <= 1e-9:
        empty = result.status != 0 or -result.fun < -1e-9
        found = "no weights at all" if empty else "a set without interior (flat or a single point)"
        raise AnalysisInputError.about(
            "weights", "a set of shares with an interior (every bound strictly satisfiable, shares summing to 1)",
            found, "Loosen the bounds; fix a share exactly by dropping its task instead.")
    return np.clip(result.x[:k], low, high)


def _max_margin(rows: np.ndarray, rhs: np.ndarray, region: _WeightSet) -> tuple[np.ndarray, float] | None:
    """Weights in the set maximising ``t`` (at most 1) with ``rows @ w + t <= rhs``; ``(w, t)`` or ``None``."""
    k = len(region.low)
    a_set, b_set = region.inequalities()
    a_ub = np.vstack([np.hstack([rows, np.ones((len(rows), 1))]), np.hstack([a_set, np.zeros((len(a_set), 1))])])
    result = linprog(np.r_[np.zeros(k), -1.0], A_ub=a_ub, b_ub=np.concatenate([rhs, b_set]),
                     A_eq=np.r_[np.ones(k), 0.0][None, :], b_eq=[1.0],
                     bounds=list(zip(region.low, region.high)) + [(None, 1.0)], method="highs")
    return (result.x[:k], -result.fun) if result.status == 0 else None


def _fewest_ahead(diff, low, high, tol, region) -> np.ndarray:
    """Weights with the fewest rows of ``diff`` (others minus the system) above ``tol``.

    ``low``, ``high``: each row's range of ``diff @ w`` over the box of shares.
    """
    free = (low <= tol) & (high > tol)  # the rest are ahead always (low > tol) or never (high <= tol)
    d = diff[free]
    pairs = _exclusive_pairs(d, 2 * tol)  # never both behind: z_j + z_k >= 1
    if not len(pairs):  # else no weighting puts everyone behind
        everyone_behind = _max_margin(d, np.full(len(d), tol), region)
        if everyone_behind is not None and everyone_behind[1] >= 0:
            return everyone_behind[0]
    # d_j @ w - (high_j - tol) z_j <= tol: z_j = 0 keeps j behind or tied, z_j = 1 lets it ahead
    w, z = _solve_milp(d, -np.diag(high[free] - tol), -np.inf, tol, region, minimise=True,
                       exclusive=[pairs, _exclusive_triples(d, 2 * tol, pairs)])
    behind = z < 0.5
    polished = _max_margin(d[behind], np.full(behind.sum(), tol), region)
    return polished[0] if polished is not None and polished[1] >= 0 else w


def _most_ahead(diff, low, high, tol, region) -> np.ndarray:
    """Weights with the most rows of ``diff`` above ``tol`` (a row counts once it can reach ``2 tol``)."""
    free = (low < 2 * tol) & (high >= 2 * tol)
    d = diff[free]
    pairs = _exclusive_pairs(-d, -tol)  # never both ahead: y_j + y_k <= 1
    if not len(pairs):  # else no weighting puts everyone ahead
        everyone_ahead = _max_margin(-d, np.full(len(d), -tol), region)
        if everyone_ahead is not None and everyone_ahead[1] >= tol:
            return everyone_ahead[0]
    # d_j @ w - (2 tol - low_j) y_j >= low_j: y_j = 1 puts j ahead by 2 tol, y_j = 0 always holds
    w, y = _solve_milp(d, -np.diag(2 * tol - low[free]), low[free], np.inf, region, minimise=False,
                       exclusive=[pairs, _exclusive_triples(-d, -tol, pairs)])
    ahead = y > 0.5
    polished = _max_margin(-d[ahead], np.full(ahead.sum(), -tol), region)
    return polished[0] if polished is not None and polished[1] >= tol else w


def _mix_reaches(p: np.ndarray, q: np.ndarray, margin: float) -> np.ndarray:
    """Whether some mix ``l p + (1 - l) q``, ``l`` in [0, 1], is at least ``margin`` on every task.

    ``p``, ``q``: arrays (..., tasks), broadcast together; returns a boolean array (...).
    """
    slope = p - q  # the mix is q + l * slope
    with np.errstate(divide="ignore", invalid="ignore"):
        at = (margin - q) / slope  # where each task's mix reaches the margin
    low = np.where(slope > 0, at, 0.0).max(axis=-1, initial=0.0)
    high = np.where(slope < 0, at, 1.0).min(axis=-1, initial=1.0)
    flat_ok = np.where(slope == 0, q >= margin, True).all(axis=-1)
    return flat_ok & (low <= high)


def _exclusive_pairs(rows: np.ndarray, margin: float) -> np.ndarray:
    """Pairs ``(j, k)``, ``j < k``, shape (pairs, 2), with ``max(rows_j @ w, rows_k @ w) >= margin`` for every
    ``w`` in the simplex: some mix ``l rows_j + (1 - l) rows_k`` is at least ``margin`` on every task."""
    found = [np.zeros((0, 2), dtype=np.int64)]
    for start in range(0, len(rows), 64):  # 64 rows against all at a time: (64, m, tasks) temporaries
        reaches = _mix_reaches(rows[start:start + 64, None, :], rows[None, :, :], margin)
        found.append(np.argwhere(np.triu(reaches, 1 + start)) + [start, 0])
    return np.concatenate(found)


_PAIR_SIDE_MIXES = np.arange(1, 8) / 8  # l of the mix l rows_a + (1 - l) rows_b tried for a triple


def _exclusive_triples(rows: np.ndarray, margin: float, pairs: np.ndarray) -> np.ndarray:
    """Triples ``(a, b, c)``, ``a < b < c``, shape (triples, 3), none of whose pairs is in ``pairs``, with
    ``max(rows_a @ w, rows_b @ w, rows_c @ w) >= margin`` for every ``w`` in the simplex.

    A triple qualifies when some mix of its rows is at least ``margin`` on every task. The mix is searched with
    the share of ``a`` against ``b`` on a grid (``_PAIR_SIDE_MIXES``) and the share of ``c`` exactly, so every
    triple returned is certified; a triple whose mixes all lie between the grid lines may be missed (a weaker
    cut set, never a wrong one).
    """
    m = len(rows)
    paired = np.zeros((m, m), dtype=bool)
    paired[pairs[:, 0], pairs[:, 1]] = paired[pairs[:, 1], pairs[:, 0]] = True
    above = pack_rows(rows >= margin)  # a mix reaches the margin on a task only if one of its rows does
    every_task = pack_rows(np.ones((1, rows.shape[1]), dtype=bool))
    a_all, b_all = np.nonzero(np.triu(~paired, 1))
    found = [np.zeros((0, 3), dtype=np.int64)]
    block = max(1, 2**16 // max(m, 1))  # pairs at a time: (block, m, words) temporaries, at most 2^16 candidates
    for start in range(0, len(a_all), block):
        a, b = a_all[start:start + block], b_all[start:start + block]
        covered = ((above[a] | above[b])[:, None, :] | above[None, :, :]) == every_task
        candidate = covered.all(axis=2) & (np.arange(m) > b[:, None]) & ~paired[a] & ~paired[b]
        pair, c = np.nonzero(candidate)
        triples = np.c_[a[pair], b[pair], c]
        first, second, third = rows[triples[:, 0]], rows[triples[:, 1]], rows[c]
        certified = np.zeros(len(c), dtype=bool)
        for share in _PAIR_SIDE_MIXES:
            certified |= _mix_reaches(share * first + (1 - share) * second, third, margin)
        found.append(triples[certified])
    return np.concatenate(found)


def _solve_milp(d, big_m, lower, upper, region, *, minimise: bool, exclusive: list[np.ndarray]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Weights and binaries minimising (or maximising) the number of binaries set, subject to
    ``lower <= d @ w + big_m @ b <= upper``, the weight set, and for each set of ``exclusive`` (arrays of
    shape (sets, size)) at least one binary set (minimising) or at least one unset (maximising)."""
    k, m = d.shape[1], len(d)
    a_set, b_set = region.inequalities()
    constraints = [LinearConstraint(np.hstack([d, big_m]), lower, upper),
                   LinearConstraint(np.r_[np.ones(k), np.zeros(m)][None, :], 1, 1)]
    for sets in exclusive:
        if len(sets):
            rows = np.zeros((len(sets), k + m))
            rows[np.arange(len(sets))[:, None], k + sets] = 1
            size = sets.shape[1]
            constraints.append(LinearConstraint(rows, 1 if minimise else -np.inf, np.inf if minimise else size - 1))
    if len(a_set):
        constraints.append(LinearConstraint(np.hstack([a_set, np.zeros((len(a_set), m))]), -np.inf, b_set))
    result = milp(np.r_[np.zeros(k), np.ones(m) if minimise else -np.ones(m)], constraints=constraints,
                  integrality=np.r_[np.zeros(k), np.ones(m)],
                  bounds=Bounds(np.r_[region.low, np.zeros(m)], np.r_[region.high, np.ones(m)]),
                  options={"presolve": False})  # HiGHS presolve costs more than it saves on these small dense programs
    if result.status != 0:
        raise FitError(f"HiGHS could not solve a rank-range program: {result.message}")
    return result.x[:k], result.x[k:]
