"""Rashomon sets: the models within epsilon of the best, and what they disagree on."""

from .linear import LinearRashomonSet, RashomonRatio
from .multiplicity import ambiguity, disagreement, discrepancy
from .reliance import model_class_reliance, model_reliance

__all__ = [
    "LinearRashomonSet",
    "RashomonRatio",
    "ambiguity",
    "disagreement",
    "discrepancy",
    "model_class_reliance",
    "model_reliance",
]
