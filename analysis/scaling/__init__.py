"""Scaling laws: functional forms, robust fits with bootstrap, IsoFLOP analysis, compute-optimal
allocation and backtests."""

from .allocation import compute_optimal
from .backtest import BacktestResult, backtest
from .fit import LOSSES, ScalingLawFit, fit_scaling_law
from .isoflop import IsoFLOPResult, isoflop_fit
from .laws import LAWS, ScalingLaw, chinchilla, get_law, power_law, saturating_power_law

__all__ = [
    "BacktestResult",
    "IsoFLOPResult",
    "LAWS",
    "LOSSES",
    "ScalingLaw",
    "ScalingLawFit",
    "backtest",
    "chinchilla",
    "compute_optimal",
    "fit_scaling_law",
    "get_law",
    "isoflop_fit",
    "power_law",
    "saturating_power_law",
]
