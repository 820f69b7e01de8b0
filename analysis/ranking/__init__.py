"""Ranking: pairwise-comparison models (Bradley-Terry, Elo)."""

from .bradley_terry import BradleyTerryResult, bradley_terry, elo_ratings, win_matrix

__all__ = ["BradleyTerryResult", "bradley_terry", "elo_ratings", "win_matrix"]
