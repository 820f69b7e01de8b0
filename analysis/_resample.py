"""The bootstrap engine shared by every theme.

Resamples are drawn in the main process from one seeded Generator, in the same
order whatever the batch size or the executor, so a seed fixes the numbers.
Plain resamples are drawn exactly as :func:`scipy.stats.bootstrap` draws them
(``rng.integers(0, n, (n_boot, n))``), so both give the same replicates for the
same Generator state.

Two forms of a statistic are supported, chosen explicitly with ``weighted``:

- indexed (``weighted=False``): ``statistic(*arrays)`` receives every array
  resampled along a new leading batch axis, shape ``(batch, n, ...)``, and returns
  ``(batch,)`` or ``(batch, m)``;
- weighted (``weighted=True``): ``statistic(*arrays, weights=w)`` receives the
  original arrays and ``w`` of shape ``(batch, n)``, the number of times each row
  was drawn. Means, counts and binned statistics are matrix products in this
  form, and the cluster bootstrap needs it (its resamples vary in length).

Work is split into batches that an executor maps over: in process by default,
or through joblib (``n_jobs``), whose dask backend runs the same code on a
cluster.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ._results import ConfidenceInterval, Result
from ._validation import check_array, check_choice, check_integer, check_level, check_rng
from .errors import AnalysisInputError

__all__ = [
    "BootstrapResult",
    "bca_interval",
    "bootstrap",
    "bootstrap_counts",
    "bootstrap_indices",
    "percentile_interval",
]

_BATCH_ELEMENTS = 2**22  # rows x resamples drawn at once; about 32 MB of int64 indices
_PROGRESS_DECIDE_S = 0.5  # time to measure before projecting how long a run takes
_PROGRESS_AFTER_S = 2.5  # show a progress bar when the rest is projected to take longer


def _group_codes(groups, n: int, name: str) -> tuple[np.ndarray, int]:
    """Integer codes 0..g-1 for a length-n array of group labels."""
    groups = np.asarray(groups)
    if groups.shape != (n,):
        raise AnalysisInputError.about(
            name, f"one label per row, shape ({n},)", f"shape {groups.shape}", "Pass one group label per row."
        )
    if pd.isna(groups).any():
        raise AnalysisInputError.about(
            name, "a label for every row", "missing labels", "Give every row a group label (e.g. its own id)."
        )
    _, codes = np.unique(groups, return_inverse=True)
    return codes.ravel(), int(codes.max()) + 1


def bootstrap_indices(n: int, *, n_boot: int, rng=None, strata=None) -> np.ndarray:
    """Row indices of ``n_boot`` bootstrap resamples, shape ``(n_boot, n)``.

    Without ``strata``, rows are drawn uniformly with replacement (the same draw
    as ``scipy.stats.bootstrap``). With ``strata`` (one label per row), each
    stratum is resampled within itself and keeps its size and its columns.
    """
    return _indices(check_integer(n, "n"), check_integer(n_boot, "n_boot", minimum=2), check_rng(rng), strata)


def _indices(n: int, n_boot: int, rng: np.random.Generator, strata) -> np.ndarray:
    if strata is None:
        return rng.integers(0, n, (n_boot, n))
    codes, n_strata = _group_codes(strata, n, "strata")
    out = np.empty((n_boot, n), dtype=np.int64)
    for s in range(n_strata):
        members = np.flatnonzero(codes == s)
        out[:, members] = members[rng.integers(0, len(members), (n_boot, len(members)))]
    return out


def _counts_from_indices(idx: np.ndarray, n: int) -> np.ndarray:
    """How often each of ``n`` rows appears in each row of ``idx``: ``(b, n)`` counts."""
    b = idx.shape[0]
    flat = (idx + n * np.arange(b)[:, None]).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n)


def bootstrap_counts(n: int, *, n_boot: int, rng=None, strata=None, clusters=None) -> np.ndarray:
    """How often each row is drawn in each resample, shape ``(n_boot, n)``.

    Plain and stratified counts equal the counts of :func:`bootstrap_indices`
    for the same ``rng``. With ``clusters`` (one label per row), whole clusters
    are drawn with replacement and every row carries its cluster's count.
    """
    return _counts(check_integer(n, "n"), check_integer(n_boot, "n_boot", minimum=2), check_rng(rng), strata, clusters)


def _counts(n: int, n_boot: int, rng: np.random.Generator, strata, clusters) -> np.ndarray:
    if clusters is None:
        return _counts_from_indices(_indices(n, n_boot, rng, strata), n)
    if strata is not None:
        raise AnalysisInputError.about(
            "strata and clusters", "at most one of them", "both", "Resample either strata or clusters."
        )
    codes, g = _group_codes(clusters, n, "clusters")
    cluster_counts = _counts_from_indices(rng.integers(0, g, (n_boot, g)), g)
    return cluster_counts[:, codes]


def _check_replicates(values, name: str) -> np.ndarray:
    """Replicates of a statistic, one row each, at least two rows; finite, or NaN in every row of a quantity that
    no resample defines (e.g. a bin no row falls in)."""
    reps = check_array(values, name, finite=False)
    if reps.ndim == 0 or len(reps) < 2:
        raise AnalysisInputError.about(name, "at least 2 rows, one per replicate", f"shape {reps.shape}",
                                       "Pass the statistic of every resample, one row each.")
    undefined = np.isnan(reps).all(axis=0)
    if not np.isfinite(reps[:, ~undefined]).all():
        check_array(np.where(undefined, 0.0, reps), name)  # raises, naming the NaN or inf entries
    return reps


def percentile_interval(replicates, *, ci: float = 0.95) -> ConfidenceInterval:
    """Percentile interval of bootstrap replicates ``(n_boot, ...)`` (linear interpolation)."""
    ci = check_level(ci)
    reps = _check_replicates(replicates, "replicates")
    tail = (1 - ci) / 2
    low, high = np.quantile(reps, [tail, 1 - tail], axis=0)
    return ConfidenceInterval(low[()], high[()], ci, "percentile")


def column_intervals(replicates: pd.DataFrame, *, ci: float = 0.95) -> dict[str, ConfidenceInterval]:
    """Percentile interval of each column of a table of replicates (one row per resample), by column name."""
    interval = percentile_interval(replicates.to_numpy(), ci=ci)
    return {name: ConfidenceInterval(interval.low[k], interval.high[k], interval.ci)
            for k, name in enumerate(replicates.columns)}


def bca_interval(replicates, estimate, jackknife, *, ci: float = 0.95) -> ConfidenceInterval:
    """Bias-corrected and accelerated interval (Efron & Tibshirani 1993, eq. 14.9-14.15).

    Parameters
    ----------
    replicates : array, shape (n_boot, ...)
        Bootstrap replicates of the statistic.
    estimate : float or array, shape (...)
        The statistic on the original data.
    jackknife : array, shape (n_jack, ...)
        The statistic with each row (or cluster) left out in turn.
    ci : float
        Confidence level, a fraction.
    """
    ci = check_level(ci)
    reps = _check_replicates(replicates, "replicates")
    theta = check_array(estimate, "estimate")
    jack = _check_replicates(jackknife, "jackknife")
    if reps.shape[1:] != theta.shape or jack.shape[1:] != theta.shape:
        raise AnalysisInputError.about("jackknife", f"rows shaped like estimate, {theta.shape}",
                                       f"replicates {reps.shape}, jackknife {jack.shape}",
                                       "Pass one row per replicate or left-out row, each shaped like the estimate.")
    share_below = ((reps < theta).sum(axis=0) + (reps <= theta).sum(axis=0)) / (2 * len(reps))
    z0 = ndtri(share_below)
    d = jack.mean(axis=0) - jack
    spread = (d**2).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):  # no jackknife spread: no acceleration
        accel = np.where(spread > 0, (d**3).sum(axis=0) / (6 * spread**1.5), 0.0)
    tail = (1 - ci) / 2
    bounds = []
    for z in (ndtri(tail), ndtri(1 - tail)):
        adjusted = ndtr(z0 + (z0 + z) / (1 - accel * (z0 + z)))
        bounds.append(_quantile_per_component(reps, adjusted))
    return ConfidenceInterval(bounds[0][()], bounds[1][()], ci, "BCa")


def _quantile_per_component(reps: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantile ``q[j]`` of column ``j`` of ``reps`` (NaN where ``q`` is NaN)."""
    flat_reps = reps.reshape(len(reps), -1)
    flat_q = np.broadcast_to(q, reps.shape[1:]).ravel()
    out = np.array([np.nan if np.isnan(p) else np.quantile(col, p) for col, p in zip(flat_reps.T, flat_q)])
    return out.reshape(reps.shape[1:])


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class BootstrapResult(Result):
    """Bootstrap estimate, standard error and interval of a statistic.

    Attributes
    ----------
    estimate : float or array, shape (m,)
        The statistic on the original data.
    standard_error : float or array
        Standard deviation of the replicates (ddof=1).
    interval : ConfidenceInterval
    replicates : array, shape (n_boot,) or (n_boot, m)
    scheme : str
        What was resampled: 'rows', 'strata' or 'clusters'.
    """

    estimate: float | np.ndarray
    standard_error: float | np.ndarray
    interval: ConfidenceInterval
    replicates: np.ndarray
    scheme: str

    @property
    def n_boot(self) -> int:
        """Number of resamples."""
        return len(self.replicates)

    @property
    def title(self) -> str:
        return f"Bootstrap ({self.n_boot} resamples of {self.scheme}, {self.interval.method} interval)"

    def to_frame(self) -> pd.DataFrame:
        """One row per component: estimate, standard error, low, high, level."""
        return pd.DataFrame(
            {
                "estimate": np.atleast_1d(self.estimate),
                "standard_error": np.atleast_1d(self.standard_error),
                "low": np.atleast_1d(self.interval.low),
                "high": np.atleast_1d(self.interval.high),
                "ci": self.interval.ci,
            }
        )

    def plot(self, *, ax=None, show_replicates: bool = True, color=None, label=None):
        """Histogram of the replicates (seaborn) and the interval's bounds as vertical lines; returns the Axes.

        For a scalar statistic. ``show_replicates=False`` draws only the bounds,
        e.g. to add a second interval of the same replicates. ``label`` names the
        bounds (default: the interval's method).
        """
        import matplotlib.pyplot as plt
        import seaborn as sns

        if np.ndim(self.estimate) != 0:
            raise AnalysisInputError.about("result", "the bootstrap of a scalar statistic",
                                           f"{np.size(self.estimate)} components", "Plot one component at a time.")
        ax = ax if ax is not None else plt.gca()
        if show_replicates:
            sns.histplot(self.replicates, bins=40, color="0.75", ax=ax)
            ax.set(ylabel="resamples")
        color = color if color is not None else "0.2"
        for bound in (self.interval.low, self.interval.high):
            ax.axvline(bound, color=color, lw=1)
        ax.plot([], [], color=color, label=label if label is not None else self.interval.method)
        return ax


def map_batches(func: Callable, batches: Iterable, n_batches: int, *, n_jobs=None, progress=None, desc="bootstrap"):
    """Apply ``func`` to every batch and return the list of results, in order.

    The one executor seam of the package: in process when ``n_jobs`` is None or
    1, else ``joblib.Parallel(n_jobs)`` (use ``joblib.parallel_config`` to pick
    a backend such as dask). ``progress``: True, False, or None to show a tqdm
    bar only when, after half a second, the rest is projected to take more
    than a few seconds.
    """
    if n_jobs not in (None, 1):
        import joblib

        return joblib.Parallel(n_jobs=n_jobs)(joblib.delayed(func)(b) for b in batches)
    results, bar = [], None
    start = time.perf_counter()
    iterator: Iterator = iter(batches)
    for i, batch in enumerate(iterator):
        results.append(func(batch))
        if bar is None and progress is not False and i + 1 < n_batches:
            elapsed = time.perf_counter() - start
            remaining = elapsed * (n_batches - i - 1) / (i + 1)
            if progress or (elapsed > _PROGRESS_DECIDE_S and remaining > _PROGRESS_AFTER_S):
                from tqdm.auto import tqdm

                bar = tqdm(total=n_batches, initial=i + 1, desc=desc)
        elif bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
    return results


def _as_2d_replicates(values, batch: int) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim == 0 or values.shape[0] != batch:
        raise AnalysisInputError.about(
            "statistic", f"an array with a leading axis of length {batch} (one value per resample)",
            f"shape {values.shape}",
            "Reduce over axis 1 (the sample axis), e.g. `lambda x: x.mean(axis=1)`, "
            "or `lambda x, weights: weights @ x / weights.sum(axis=1)` with weighted=True.",
        )
    return values


def bootstrap(
    statistic: Callable,
    *data,
    n_boot: int = 2000,
    ci: float = 0.95,
    method: str = "percentile",
    weighted: bool = False,
    strata=None,
    clusters=None,
    rng=None,
    batch_size: int | None = None,
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> BootstrapResult:
    """Bootstrap a statistic of one or more paired arrays, vectorised over resamples.

    Parameters
    ----------
    statistic : callable
        Indexed form ``statistic(*arrays)`` on arrays of shape ``(batch, n, ...)``,
        or weighted form ``statistic(*arrays, weights)`` with ``weights`` of shape
        ``(batch, n)`` (see the module docstring). Returns ``(batch,)`` or ``(batch, m)``.
    *data : array-like, each with n rows
        Resampled together, row by row (a paired bootstrap when several are given).
    n_boot : int
        Number of resamples.
    ci : float
        Confidence level of the interval, a fraction (0.95, not 95).
    method : {'percentile', 'bca'}
        Interval method. BCa needs n (or n-cluster) extra evaluations for the jackknife.
    weighted : bool
        Which form ``statistic`` takes. Required for ``clusters``.
    strata, clusters : array-like of n labels, optional
        Resample within strata, or resample whole clusters.
    rng : None, int or numpy.random.Generator
    batch_size : int, optional
        Resamples per batch; does not change the numbers, only memory and progress.
    n_jobs : int, optional
        Evaluate batches in parallel through joblib.
    progress : bool or None
        Progress bar: None shows one when the run is projected to take over 3 s.
    """
    if not data:
        raise AnalysisInputError.about("data", "at least one array", "none", "Pass the data after the statistic.")
    arrays = [np.asarray(a) for a in data]
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise AnalysisInputError.about(
            "data", "arrays with the same number of rows (they are resampled together)",
            f"lengths {[len(a) for a in arrays]}", "Pass paired arrays, one row per sample.",
        )
    if n < 2:
        raise AnalysisInputError.about("data", "at least 2 rows", f"{n}", "A bootstrap needs more than one sample.")
    n_boot = check_integer(n_boot, "n_boot", minimum=2)
    ci = check_level(ci, "ci")
    method = check_choice(method.lower(), "method", ("percentile", "bca"))
    rng = check_rng(rng)
    if clusters is not None and not weighted:
        raise AnalysisInputError.about(
            "weighted", "True with clusters (cluster resamples vary in length)", "False",
            "Write the statistic in weighted form, statistic(*arrays, weights), and pass weighted=True.",
        )
    scheme = "clusters" if clusters is not None else "strata" if strata is not None else "rows"
    batch_size = batch_size or max(1, min(n_boot, _BATCH_ELEMENTS // n))
    sizes = [min(batch_size, n_boot - k) for k in range(0, n_boot, batch_size)]

    def evaluate(batch):
        if weighted:
            return _as_2d_replicates(statistic(*arrays, weights=batch), len(batch))
        return _as_2d_replicates(statistic(*(a[batch] for a in arrays)), len(batch))

    def draws():
        for size in sizes:
            if weighted:
                yield _counts(n, size, rng, strata, clusters).astype(float)
            else:
                yield _indices(n, size, rng, strata)

    estimate = evaluate(np.ones((1, n)) if weighted else np.arange(n)[None])[0]
    if not np.isfinite(estimate).all():
        missing = sum(int((~np.isfinite(a)).sum()) for a in arrays if a.dtype.kind in "fc")
        raise AnalysisInputError.about(
            "statistic", "a finite value on the data", f"{estimate} (the data hold {missing} NaN or infinite values)",
            "Drop or impute those values, or use a statistic that skips them (e.g. np.nanmean).",
        )
    replicates = np.concatenate(map_batches(evaluate, draws(), len(sizes), n_jobs=n_jobs, progress=progress))
    if method == "percentile":
        interval = percentile_interval(replicates, ci=ci)
    else:
        jackknife = np.concatenate([evaluate(b) for b in _jackknife_batches(n, batch_size, weighted, clusters)])
        interval = bca_interval(replicates, estimate, jackknife, ci=ci)
    return BootstrapResult(
        estimate=estimate[()],
        standard_error=replicates.std(axis=0, ddof=1)[()],
        interval=interval,
        replicates=replicates,
        scheme=scheme,
    )


def _jackknife_batches(n: int, batch_size: int, weighted: bool, clusters) -> Iterator[np.ndarray]:
    """Leave-one-out resamples: indices ``(b, n - 1)`` or weights ``(b, n)``.

    With clusters, one whole cluster is left out at a time.
    """
    if clusters is not None:
        codes, g = _group_codes(clusters, n, "clusters")
        for start in range(0, g, batch_size):
            left_out = np.arange(start, min(start + batch_size, g))
            yield (codes[None, :] != left_out[:, None]).astype(float)
        return
    for start in range(0, n, batch_size):
        rows = np.arange(start, min(start + batch_size, n))
        keep = np.arange(n)[None, :] != rows[:, None]
        if weighted:
            yield keep.astype(float)
        else:
            yield np.broadcast_to(np.arange(n), keep.shape)[keep].reshape(len(rows), n - 1)
