"""Rashomon sets: the models within epsilon of the best, and what they disagree on."""

from .linear import LinearRashomonSet
from .multiplicity import ambiguity, disagreement, discrepancy

__all__ = ["LinearRashomonSet", "ambiguity", "disagreement", "discrepancy"]
