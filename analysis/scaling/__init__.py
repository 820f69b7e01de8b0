"""Scaling laws: functional forms, robust fits with bootstrap, compute-optimal allocation."""

from .allocation import compute_optimal
from .fit import LOSSES, ScalingLawFit, fit_scaling_law
from .laws import LAWS, ScalingLaw, chinchilla, get_law, power_law, saturating_power_law

__all__ = [
    "LAWS",
    "LOSSES",
    "ScalingLaw",
    "ScalingLawFit",
    "chinchilla",
    "compute_optimal",
    "fit_scaling_law",
    "get_law",
    "power_law",
    "saturating_power_law",
]
