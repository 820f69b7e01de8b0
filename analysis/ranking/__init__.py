"""Ranking: aggregation of score matrices, pairwise-comparison models (Bradley-Terry, Elo), rank correlations."""

from .aggregate import KemenyResult, aggregate, kemeny, pairwise_preferences
from .benchmark import classifier_benchmark, default_classifiers
from .bradley_terry import BradleyTerryResult, battles_from_scores, bradley_terry, elo_ratings, win_matrix
from .correlations import kendall_tau, kendall_w, rank_biased_overlap, spearman_rho, top_k_overlap
from .critical_difference import CriticalDifference, friedman_nemenyi
from .uncertainty import RankIntervals, SubsamplingStability, bootstrap_ranks, task_subsampling

__all__ = [
    "BradleyTerryResult",
    "CriticalDifference",
    "KemenyResult",
    "RankIntervals",
    "SubsamplingStability",
    "aggregate",
    "battles_from_scores",
    "bootstrap_ranks",
    "bradley_terry",
    "classifier_benchmark",
    "default_classifiers",
    "elo_ratings",
    "friedman_nemenyi",
    "kemeny",
    "kendall_tau",
    "kendall_w",
    "pairwise_preferences",
    "rank_biased_overlap",
    "spearman_rho",
    "task_subsampling",
    "top_k_overlap",
    "win_matrix",
]
