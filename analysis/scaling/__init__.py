"""Scaling laws: functional forms, robust fits with bootstrap, IsoFLOP analysis, compute-optimal
allocation, backtests and downstream prediction."""

from .allocation import compute_optimal, optimal_tokens_per_param
from .backtest import BacktestResult, IntervalBacktest, backtest, extrapolation_check, interval_backtest
from .cod import CODResult, cluster_on_difficulty, pass_rate_table
from .downstream import (
    AccuracyCurve,
    ChainPredictability,
    TwoStepFit,
    chain_by_model,
    chain_predictability,
    choice_chain,
    fit_accuracy_curve,
    fit_two_step,
    simulate_multiple_choice,
)
from .fit import fit_scaling_law, grid_search
from .fit_result import ScalingLawFit
from .isoflop import IsoFLOPResult, isoflop_budgets, isoflop_fit
from .kaplan import KAPLAN_2020, KaplanLaw, critical_batch_size_law, kaplan_joint, kaplan_steps, steps_tradeoff
from .laws import LAWS, CustomLaw, ScalingLaw, broken_power_law, chinchilla, get_law, power_law, saturating_power_law
from .learning_curves import learning_curves
from .near_optimal import NearOptimalSet, matching_epsilon, near_optimal_set
from .objectives import LOSSES
from .plots import plot_allocation, plot_near_optimal, plot_runs

__all__ = [
    "AccuracyCurve",
    "CODResult",
    "ChainPredictability",
    "TwoStepFit",
    "chain_by_model",
    "chain_predictability",
    "choice_chain",
    "fit_accuracy_curve",
    "fit_two_step",
    "BacktestResult",
    "CustomLaw",
    "IntervalBacktest",
    "IsoFLOPResult",
    "KAPLAN_2020",
    "KaplanLaw",
    "LAWS",
    "LOSSES",
    "NearOptimalSet",
    "ScalingLaw",
    "ScalingLawFit",
    "backtest",
    "extrapolation_check",
    "interval_backtest",
    "broken_power_law",
    "chinchilla",
    "cluster_on_difficulty",
    "compute_optimal",
    "critical_batch_size_law",
    "fit_scaling_law",
    "get_law",
    "grid_search",
    "isoflop_budgets",
    "isoflop_fit",
    "kaplan_joint",
    "kaplan_steps",
    "learning_curves",
    "pass_rate_table",
    "matching_epsilon",
    "near_optimal_set",
    "optimal_tokens_per_param",
    "plot_allocation",
    "plot_near_optimal",
    "plot_runs",
    "power_law",
    "saturating_power_law",
    "simulate_multiple_choice",
    "steps_tradeoff",
]
