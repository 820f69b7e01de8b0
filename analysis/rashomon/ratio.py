"""The Rashomon ratio: the share of a hypothesis space the Rashomon set takes up (Semenova, Rudin & Parr 2022)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from .._results import Result
from .._validation import check_array, check_integer, check_rng
from ..errors import AnalysisInputError

__all__ = ["RashomonRatio", "check_box", "monte_carlo_ratio"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class RashomonRatio(Result):
    """Share of a hypothesis space's volume (or count) taken by the Rashomon set.

    Attributes
    ----------
    ratio, standard_error : float
        The ratio, and its Monte Carlo standard error (0 when exact).
    exact : bool
    hypothesis_space : str
        What was counted.
    method : str
        How the ratio was obtained.
    """

    ratio: float
    standard_error: float
    exact: bool
    hypothesis_space: str
    method: str

    @property
    def notes(self) -> tuple[str, ...]:
        return (f"{self.method}; hypothesis space: {self.hypothesis_space}",)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"quantity": ["ratio", "standard_error"], "value": [self.ratio, self.standard_error]})


def check_box(low, high, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``low`` and ``high`` broadcast to ``(d,)``, finite, with ``high > low`` everywhere."""
    low, high = check_array(low, "low", ndim=(0, 1)), check_array(high, "high", ndim=(0, 1))
    for name, bound in (("low", low), ("high", high)):
        if bound.ndim == 1 and len(bound) != d:
            raise AnalysisInputError.about(name, f"one bound, or {d} (one per weight)", f"{len(bound)}",
                                           "Pass a bound per coefficient (and the intercept).")
    low, high = np.broadcast_to(low, (d,)), np.broadcast_to(high, (d,))
    if not (high > low).all():
        raise AnalysisInputError.about("high", "above low in every coordinate", f"{int((high <= low).sum())} not",
                                       "Fix the box.")
    return low, high


def monte_carlo_ratio(inside: Callable[[np.ndarray], np.ndarray], low: np.ndarray, high: np.ndarray,
                      n_samples: int, rng, *, what: str = "weights") -> RashomonRatio:
    """The share of ``n_samples`` uniform draws from the box ``[low, high]`` for which ``inside`` holds."""
    draws = check_rng(rng).uniform(low, high, size=(check_integer(n_samples, "n_samples"), len(low)))
    share = float(np.mean(inside(draws)))
    space = f"box of {what}, volume {float(np.prod(high - low)):.4g} in {len(low)} dimensions"
    return RashomonRatio(share, float(np.sqrt(share * (1 - share) / len(draws))), False, space,
                         f"Monte Carlo share of {len(draws)} uniform draws")
