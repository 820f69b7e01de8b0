"""Rashomon sets: the models within epsilon of the best, and what they disagree on."""

from .epsilon import convert_epsilon, rashomon_threshold
from .linear import LinearRashomonSet, RashomonRatio
from .multiplicity import ambiguity, disagreement, discrepancy
from .reliance import model_class_reliance, model_reliance
from .trees import SparseTreeRashomonSet, TreeSetSummary, binarize

__all__ = [
    "LinearRashomonSet",
    "RashomonRatio",
    "SparseTreeRashomonSet",
    "TreeSetSummary",
    "binarize",
    "convert_epsilon",
    "ambiguity",
    "disagreement",
    "discrepancy",
    "model_class_reliance",
    "model_reliance",
    "rashomon_threshold",
]
