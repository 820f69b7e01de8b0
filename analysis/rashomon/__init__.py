"""Rashomon sets: the models within epsilon of the best, and what they disagree on."""

from .empirical import EmpiricalRashomonSet
from .epsilon import convert_epsilon, rashomon_threshold
from .importance import ImportanceDistribution, rashomon_importance_distribution
from .interactions import InteractionCloud, interaction_cloud, plot_halo, plot_importance_cloud, plot_swarm
from .linear import LinearRashomonSet, RashomonRatio
from .logistic import LogisticRashomonSet
from .multiplicity import ambiguity, disagreement, discrepancy, rashomon_capacity
from .reliance import model_class_reliance, model_reliance
from .scoring import ScoringSystemRashomonSet
from .trees import SparseTreeRashomonSet, TreeSetSummary, binarize

__all__ = [
    "EmpiricalRashomonSet",
    "ImportanceDistribution",
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
    "discrepancy",
    "model_class_reliance",
    "model_reliance",
    "plot_halo",
    "plot_importance_cloud",
    "plot_swarm",
    "rashomon_capacity",
    "rashomon_importance_distribution",
    "rashomon_threshold",
]
