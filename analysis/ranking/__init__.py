"""Ranking: pairwise-comparison models (Bradley-Terry, Elo) and rank correlations."""

from .bradley_terry import BradleyTerryResult, bradley_terry, elo_ratings, win_matrix
from .correlations import kendall_tau, rank_biased_overlap, spearman_rho, top_k_overlap

__all__ = [
    "BradleyTerryResult",
    "bradley_terry",
    "elo_ratings",
    "kendall_tau",
    "rank_biased_overlap",
    "spearman_rho",
    "top_k_overlap",
    "win_matrix",
]
