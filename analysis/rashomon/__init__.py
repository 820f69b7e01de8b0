"""Rashomon sets: the models within epsilon of the best, and what they disagree on."""

from .linear import LinearRashomonSet, RashomonRatio
from .multiplicity import ambiguity, disagreement, discrepancy

__all__ = ["LinearRashomonSet", "RashomonRatio", "ambiguity", "disagreement", "discrepancy"]
