"""Ranking: aggregation of score matrices, pairwise and listwise comparison models (Bradley-Terry, Plackett-Luce,
Elo), rank correlations, rank uncertainty and stability."""

from .aggregate import KemenyRanking, aggregate, kemeny, pairwise_preferences
from .arena import ArenaRanking, arena_ranking, wildbench_rewards
from .benchmark import classifier_benchmark, classifier_item_scores, default_classifiers, out_of_fold_probabilities
from .bradley_terry import (
    BradleyTerryRanking,
    battles_from_scores,
    bradley_terry,
    elo_ratings,
    elo_scale,
    index_battles,
    sample_battles,
    win_matrix,
    win_table,
)
from .committees import Committee, select_committee, simulate_biased_rankings
from .correlations import (
    agreement_matrix,
    correlation_ci,
    kendall_tau,
    kendall_w,
    rank_biased_overlap,
    spearman_rho,
    top_k_kendall,
    top_k_overlap,
)
from .critical_difference import CriticalDifference, friedman_nemenyi, wilcoxon_holm
from .intransitive import (
    GeneralPreference,
    Intransitivity,
    PreferenceComparison,
    compare_preference_models,
    general_preference,
    intransitivity,
)
from .items import item_bootstrap_ranks, task_table
from .length_bias import length_controlled_win_rate, length_margin_win_rate
from .plackett_luce import PlackettLuceRanking, orderings_from_scores, plackett_luce, plackett_luce_samples
from .rank_range import RankRange, rank_range
from .result import Ranking
from .sensitivity import Sensitivity, cardinal_sensitivity, diversity, ordinal_sensitivity
from .stability import (
    StabilityCurve,
    checkpoint_consistency,
    leaderboard_change,
    missing_data_stability,
    model_consistency,
    system_subsampling,
)
from .ties import StyleControlRanking, TieModelRanking, bradley_terry_covariates, bradley_terry_ties
from .two_level import two_level_aggregate
from .uncertainty import RankIntervals, bootstrap_ranks, normal_rank_intervals, task_subsampling
from .weighted_kendall import weighted_tau

__all__ = [
    "ArenaRanking",
    "BradleyTerryRanking",
    "Committee",
    "CriticalDifference",
    "GeneralPreference",
    "Intransitivity",
    "KemenyRanking",
    "PlackettLuceRanking",
    "PreferenceComparison",
    "RankIntervals",
    "RankRange",
    "Ranking",
    "Sensitivity",
    "StabilityCurve",
    "StyleControlRanking",
    "TieModelRanking",
    "aggregate",
    "agreement_matrix",
    "arena_ranking",
    "battles_from_scores",
    "bootstrap_ranks",
    "bradley_terry",
    "bradley_terry_covariates",
    "bradley_terry_ties",
    "cardinal_sensitivity",
    "checkpoint_consistency",
    "classifier_benchmark",
    "compare_preference_models",
    "classifier_item_scores",
    "correlation_ci",
    "default_classifiers",
    "diversity",
    "elo_ratings",
    "elo_scale",
    "index_battles",
    "intransitivity",
    "item_bootstrap_ranks",
    "friedman_nemenyi",
    "general_preference",
    "kemeny",
    "kendall_tau",
    "kendall_w",
    "leaderboard_change",
    "length_controlled_win_rate",
    "length_margin_win_rate",
    "missing_data_stability",
    "model_consistency",
    "normal_rank_intervals",
    "ordinal_sensitivity",
    "rank_range",
    "orderings_from_scores",
    "out_of_fold_probabilities",
    "pairwise_preferences",
    "plackett_luce",
    "plackett_luce_samples",
    "rank_biased_overlap",
    "sample_battles",
    "select_committee",
    "simulate_biased_rankings",
    "spearman_rho",
    "system_subsampling",
    "task_subsampling",
    "task_table",
    "top_k_kendall",
    "top_k_overlap",
    "two_level_aggregate",
    "weighted_tau",
    "wilcoxon_holm",
    "wildbench_rewards",
    "win_matrix",
    "win_table",
]
