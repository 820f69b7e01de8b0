"""Rashomon sets: the models within epsilon of the best, and what they disagree on."""

from .empirical import EmpiricalRashomonSet
from .epsilon import convert_epsilon, rashomon_threshold
from .importance import ImportanceDistribution, rashomon_importance_distribution
from .interactions import Halo, InteractionCloud, interaction_cloud, interaction_halo
from .linear import LinearRashomonSet
from .logistic import LogisticRashomonSet
from .multiplicity import ambiguity, disagreement, discrepancy, rashomon_capacity
from .preprocessing import binarize
from .ranges import RashomonRanges
from .ratio import RashomonRatio
from .reliance import model_class_reliance, model_reliance
from .scoring import ScoringSystemRashomonSet
from .trees import SparseTreeRashomonSet, TreeSetSummary

__all__ = [
    "RashomonRanges",
    "EmpiricalRashomonSet",
    "ImportanceDistribution",
    "Halo",
    "InteractionCloud",
    "LinearRashomonSet",
    "LogisticRashomonSet",
    "RashomonRatio",
    "ScoringSystemRashomonSet",
    "SparseTreeRashomonSet",
    "TreeSetSummary",
    "binarize",
    "convert_epsilon",
    "ambiguity",
    "disagreement",
    "interaction_cloud",
    "interaction_halo",
    "discrepancy",
    "model_class_reliance",
    "model_reliance",
    "rashomon_capacity",
    "rashomon_importance_distribution",
    "rashomon_threshold",
]
