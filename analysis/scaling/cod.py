"""Clustering-On-Difficulty (COD) prediction of downstream scores.

After Xu et al. (2025), "Unveiling Downstream Performance Scaling of LLMs: A
Clustering-Based Perspective":

1. describe every evaluation item by its pass rates across small models (one
   column per model, ordered by compute) and cluster the items: k-means, or
   MeanShift with the paper's filters (items beyond a radius of their cluster's
   centre and clusters below a minimum size are outliers);
2. keep the clusters whose mean pass rate both rises with compute by at least
   ``min_gain`` (emergent) and is fitted well by a saturating law in compute
   (scalable, ``R^2 >= min_r2``);
3. extrapolate every kept cluster to the target compute with its law,
   ``p(C) = g + (1 - g) sigmoid(slope (log(C / C_ref) - midpoint))`` (``g``: the
   chance of a guess; an S-curve in log compute),
   and average them weighted by size: the score on the predictable subset;
4. map the subset score to the full set with the linear relation between the
   two observed across the small models.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special

from .._results import Result
from .._samples import complete_items, in_memory
from .._validation import (
    check_choice,
    check_consistent_length,
    check_integer,
    check_positive,
    check_probabilities,
    check_rng,
)
from ..errors import AnalysisInputError

__all__ = ["CODResult", "cluster_on_difficulty", "pass_rate_table"]


def _cluster_law(log_c: np.ndarray, slope: float, midpoint: float, guess: float) -> np.ndarray:
    return guess + (1 - guess) * special.expit(slope * (log_c - midpoint))


def _fit_cluster(log_c: np.ndarray, score: np.ndarray, guess: float) -> tuple[float, float, float]:
    """``slope``, ``midpoint`` and ``R^2`` of the cluster law fitted by least squares."""
    best = None
    span = log_c[-1] - log_c[0]
    for m0 in log_c[0] + span * np.array([-0.5, 0.0, 0.5, 1.0, 1.5, 2.5]):
        for k0 in (0.2, 1.0, 3.0):
            res = optimize.least_squares(lambda p: _cluster_law(log_c, *p, guess) - score, [k0, m0],
                                         bounds=([0.0, -np.inf], [np.inf, np.inf]))
            if best is None or res.cost < best.cost:
                best = res
    total = np.sum((score - score.mean()) ** 2)
    r2 = 1 - 2 * best.cost / total if total > 0 else 0.0
    return float(best.x[0]), float(best.x[1]), float(r2)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class CODResult(Result):
    """Clusters of items, which are predictable, their laws and the subset-to-full mapping.

    Attributes
    ----------
    clusters : DataFrame
        One row per cluster: ``size``, ``gain`` (rise of the mean pass rate from
        the smallest to the largest model), ``slope``, ``midpoint``, ``r2``, ``kept``.
    labels : array of int, shape (n_items,)
        Cluster of each item; -1 for outliers (MeanShift), never predictable.
    mapping : tuple of float
        Slope and intercept of full-set score against subset score.
    compute_ref : float
        The compute that scales ``C`` in the cluster laws (the smallest model's).
    guess : float
    """

    clusters: pd.DataFrame
    labels: np.ndarray
    mapping: tuple[float, float]
    compute_ref: float
    guess: float

    @property
    def title(self) -> str:
        kept = self.clusters["kept"]
        return f"Clustering-On-Difficulty: {kept.sum()} of {len(kept)} clusters predictable"

    @property
    def subset_share(self) -> float:
        """Share of items in the predictable clusters."""
        return float(self.clusters.loc[self.clusters["kept"], "size"].sum() / len(self.labels))

    def to_frame(self) -> pd.DataFrame:
        return self.clusters

    @property
    def notes(self) -> tuple[str, ...]:
        slope, intercept = self.mapping
        return (f"predictable subset: {self.subset_share:.0%} of items; "
                f"full score = {slope:.3f} x subset score + {intercept:.3f}",)

    def predict(self, compute) -> pd.DataFrame:
        """Predicted subset and full-set scores at ``compute`` (FLOP)."""
        compute = np.atleast_1d(check_positive(compute, "compute", ndim=(0, 1)))
        kept = self.clusters[self.clusters["kept"]]
        log_c = np.log(compute / self.compute_ref)
        per_cluster = np.array([_cluster_law(log_c, r.slope, r.midpoint, self.guess) for r in kept.itertuples()])
        subset = kept["size"].to_numpy() @ per_cluster / kept["size"].sum()
        slope, intercept = self.mapping
        return pd.DataFrame({"compute": compute, "subset_score": subset, "full_score": slope * subset + intercept})


def _meanshift_labels(items: np.ndarray, radius, min_size: int, seed: int) -> np.ndarray:
    """MeanShift clusters of the rows of ``items``; far items and small clusters become -1."""
    from sklearn.cluster import MeanShift, estimate_bandwidth

    if radius is None:
        radius = estimate_bandwidth(items, quantile=0.2, random_state=seed)
    radius = float(check_positive(radius, "radius"))
    model = MeanShift(bandwidth=radius, cluster_all=False).fit(items)
    labels = model.labels_.copy()
    inside = labels >= 0
    far = np.linalg.norm(items[inside] - model.cluster_centers_[labels[inside]], axis=1) > radius
    labels[np.flatnonzero(inside)[far]] = -1
    sizes = np.bincount(labels[labels >= 0], minlength=len(model.cluster_centers_))
    labels[(labels >= 0) & (sizes[np.maximum(labels, 0)] < min_size)] = -1
    return labels


def pass_rate_table(table: pd.DataFrame, *, model: str = "model", item=("task", "item"),
                    score: str = "correct") -> pd.DataFrame:
    """Each model's score on each item, ``(models, items)``, from a tidy sample-level table (for
    :func:`cluster_on_difficulty`); every model must be scored on every item, once.

    ``table`` may be a Dask DataFrame: the result holds one cell per row, so
    only the columns it reads are computed, then checked as in memory.
    """
    keys = [item] if isinstance(item, str) else list(item)
    rows = complete_items(in_memory(table, [model, *keys, score]), model, keys, score)
    return rows.pivot_table(index=model, columns=keys, values=score, sort=True)


def cluster_on_difficulty(
    pass_rates, compute, *, clustering: str = "kmeans", n_clusters: int = 8, radius: float | None = None,
    min_cluster_size: int = 10, guess: float = 0.0, min_gain: float = 0.05, min_r2: float = 0.9, rng=None,
) -> CODResult:
    """Cluster items by difficulty across small models and fit the predictable clusters.

    Parameters
    ----------
    pass_rates : array or DataFrame, shape (n_models, n_items)
        Pass rate (or 0/1 correctness) of each small model on each item
        (:func:`pass_rate_table` makes it from a tidy sample-level table).
    compute : array, shape (n_models,), or Series indexed by model
        Training compute of each model (FLOP); a Series is aligned to a
        DataFrame's models by name.
    clustering : {'kmeans', 'meanshift'}
        k-means with ``n_clusters`` clusters, or MeanShift (Xu et al.'s choice)
        with a flat kernel of width ``radius`` (Euclidean distance between
        pass-rate vectors; None estimates it from the data); there items farther
        than ``radius`` from their cluster's centre and clusters of fewer than
        ``min_cluster_size`` items are outliers (label -1).
    n_clusters : int
        Number of k-means clusters.
    radius : float, optional
    min_cluster_size : int
    guess : float
        Pass rate of a random guess (1 / number of choices for multiple choice).
    min_gain, min_r2 : float
        Filters for emergent and scalable clusters.
    rng : None, int or Generator
        Seeds k-means and MeanShift's estimate of ``radius``.
    """
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    if isinstance(pass_rates, pd.DataFrame) and isinstance(compute, pd.Series):  # aligned by model name
        missing = pass_rates.index.difference(compute.index)
        if len(missing):
            raise AnalysisInputError.about("compute", "a value for every model of pass_rates",
                                           f"none for {list(missing)[:3]}", "Index compute by model name.")
        compute = compute.loc[pass_rates.index]
    rates = check_probabilities(pass_rates, "pass_rates", ndim=2)
    compute = check_positive(compute, "compute", ndim=1)
    check_consistent_length(pass_rates=rates, compute=compute)
    check_choice(clustering, "clustering", ("kmeans", "meanshift"))
    n_clusters = check_integer(n_clusters, "n_clusters", minimum=1)
    min_cluster_size = check_integer(min_cluster_size, "min_cluster_size", minimum=1)
    if rates.shape[1] < n_clusters or len(compute) < 3:
        raise AnalysisInputError.about(
            "pass_rates", f"at least 3 models and {n_clusters} items", f"shape {rates.shape}",
            "Add models or items, or ask for fewer clusters.",
        )
    order = np.argsort(compute)
    rates, compute = rates[order], compute[order]
    seed = int(check_rng(rng).integers(2**31 - 1))
    if clustering == "kmeans":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # fewer distinct items than clusters
            labels = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit_predict(rates.T)
    else:
        labels = _meanshift_labels(rates.T, radius, min_cluster_size, seed)
    log_c = np.log(compute / compute[0])
    rows = []
    for k in np.unique(labels[labels >= 0]):  # k-means may find fewer distinct clusters than asked for
        score = rates[:, labels == k].mean(axis=1)
        slope, midpoint, r2 = _fit_cluster(log_c, score, guess)
        gain = score[-1] - score[0]
        rows.append({"cluster": k, "size": int((labels == k).sum()), "gain": gain, "slope": slope,
                     "midpoint": midpoint, "r2": r2,
                     "kept": bool(gain >= min_gain and r2 >= min_r2)})
    clusters = pd.DataFrame(rows).set_index("cluster")
    if not clusters["kept"].any():
        raise AnalysisInputError.about(
            "pass_rates", "at least one cluster that rises with compute and fits the law", "none",
            "Lower min_gain or min_r2, or add larger models.",
        )
    subset_items = np.isin(labels, clusters.index[clusters["kept"]])
    slope, intercept = np.polyfit(rates[:, subset_items].mean(axis=1), rates.mean(axis=1), 1)
    return CODResult(clusters, labels, (float(slope), float(intercept)), float(compute[0]), guess)
