"""Smooth ECE (Blasiok & Nakkiran 2023, 'Smooth ECE: Principled Reliability Diagrams via Kernel Smoothing').

The residuals ``score - outcome`` are smoothed with a Gaussian kernel of width
``sigma`` reflected at 0 and 1; smECE_sigma is the mean absolute smoothed
residual under the smoothed density of scores. Without a ``sigma``, the width is
the fixed point ``smECE_sigma = sigma``.

The discretisation and the search follow the authors' reference package
(relplot 1.0) exactly, so the numbers agree with its ``smECE`` to rounding: the
scores are spread linearly onto a grid of ``max(2000, round(20 / sigma)) // 2 + 1``
points, convolved with the reflected kernel, interpolated onto
``max(round(10 / sigma), 200)`` evaluation points (density floor 1e-4), and the
fixed point is found by 10 halvings of [0, 1], returning the upper end.
The grid spreading is done once per grid size and reused across the search.
"""

from __future__ import annotations

import numpy as np

from .._chunks import chunked_sum
from .._validation import check_choice
from ..errors import AnalysisInputError
from ._inputs import score_outcome_pairs

__all__ = ["smooth_ece", "smooth_ece_sigma"]

_DENSITY_FLOOR = 1e-4
_HALVINGS = 10


def spread_positions(scores: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Left grid point of each score on ``size`` points over [0, 1], and the share that goes right of it."""
    position = scores * (size - 1)
    left = np.clip(position.astype(np.int64), 0, size - 2)
    return left, position - left


class _Smoother:
    """Kernel smoothing of residuals on a grid, for one set of scores."""

    def __init__(self, scores: np.ndarray, outcomes: np.ndarray):
        self.scores, self.residuals = scores, scores - outcomes
        self._grids: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @classmethod
    def from_grids(cls, grids: dict) -> _Smoother:
        """A smoother from spreads summed elsewhere (e.g. over a table's partitions), one per grid size.

        It must hold every size its bandwidths need: :func:`search_grid_sizes` for the fixed point.
        """
        smoother = cls(np.empty(0), np.empty(0))
        smoother._grids = dict(grids)
        return smoother

    @staticmethod
    def grid_size(sigma: float) -> int:
        """Points of the grid the scores are spread onto at bandwidth ``sigma``."""
        return max(2000, round(20 / sigma)) // 2 + 1

    def _spread(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Residuals and unit masses spread linearly onto ``size`` grid points (cached per size)."""
        if size not in self._grids:
            def spread(a: int, b: int) -> np.ndarray:
                left, frac = spread_positions(self.scores[a:b], size)
                r = self.residuals[a:b]
                grids = np.zeros((2, size + 1))  # residual and mass, one slot of slack for the right neighbours
                grids[0, :size] += np.bincount(left, weights=r - frac * r, minlength=size)
                grids[0, 1:] += np.bincount(left, weights=frac * r, minlength=size)
                grids[1, :size] += np.bincount(left, weights=1 - frac, minlength=size)
                grids[1, 1:] += np.bincount(left, weights=frac, minlength=size)
                return grids

            residual, mass = chunked_sum(spread, len(self.scores))[:, :size]
            self._grids[size] = (residual, mass)
        return self._grids[size]

    def curve(self, sigma: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Evaluation points, smoothed mean residual (score - outcome) and smoothed density of scores."""
        size = self.grid_size(sigma)
        t = np.linspace(0, 1, size)
        kernel = np.exp(-(t - 0.5) * (t - 0.5) / (2 * sigma**2)) / (np.sqrt(2 * np.pi) * sigma)
        points = np.linspace(0, 1, max(round(10 / sigma), 200))
        residual, mass = (_interpolate(points, _reflect_convolve(v, kernel)) for v in self._spread(size))
        density = mass + _DENSITY_FLOOR
        return points, residual / density, density

    def value(self, sigma: float) -> float:
        """smECE at bandwidth ``sigma``."""
        _, residual, density = self.curve(sigma)
        return float(np.sum(np.abs(residual) * density) / np.sum(density))

    def fixed_point(self, eps: float) -> float:
        """The bandwidth where smECE_sigma = sigma, by halving [0, 1]."""

        def below(sigma):
            return sigma < eps or sigma < self.value(sigma)

        if below(1.0):
            return 1.0
        high, low = 1.0, 0.0
        for _ in range(_HALVINGS):
            mid = (high + low) / 2
            if below(mid):
                low = mid
            else:
                high = mid
        return high


def search_grid_sizes(eps: float = 1e-3) -> list[int]:
    """Every grid size the fixed-point search of :meth:`_Smoother.fixed_point` can visit.

    The search halves [0, 1] ``_HALVINGS`` times, so it only evaluates bandwidths
    ``k / 2^_HALVINGS`` of at least ``eps``.
    """
    steps = 2**_HALVINGS
    return sorted({_Smoother.grid_size(k / steps) for k in range(1, steps + 1) if k / steps >= eps})


def _reflect_convolve(values: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Convolution of grid values mirrored at both ends with a centred kernel, on the grid."""
    size = len(values)
    mirrored = np.concatenate([values[::-1][:-1], values, values[::-1][1:]])
    return np.convolve(mirrored, kernel, "valid")[size // 2 : size // 2 + size]


def _interpolate(points: np.ndarray, grid_values: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation of values at ``i / (m - 1)`` onto ``points`` in [0, 1]."""
    m = len(grid_values)
    step = 1 / (m - 1)
    left = np.clip((points * (m - 1)).astype(np.int64), 0, m - 2)
    frac = (points - left * step) / step
    return grid_values[left] * (1 - frac) + grid_values[left + 1] * frac


def _smoothers(y_true, y_prob, mode):
    return [_Smoother(s, o) for s, o in score_outcome_pairs(y_true, y_prob, mode)]


MIN_SIGMA = 1e-4  # below it the smoothing grid would outgrow memory


def check_sigma(sigma) -> float:
    """Check a kernel width on the [0, 1] score scale: a number in [MIN_SIGMA, 1]."""
    if not isinstance(sigma, int | float | np.number) or isinstance(sigma, bool) or not MIN_SIGMA <= sigma <= 1:
        raise AnalysisInputError.about("sigma", f"a kernel width in [{MIN_SIGMA:g}, 1] on the score scale",
                                       repr(sigma), "Pass e.g. 0.05, or leave sigma out for the fixed point.")
    return float(sigma)


def smooth_ece(y_true, y_prob, *, sigma: float | None = None, mode: str = "top-label", eps: float = 1e-3) -> float:
    """Smooth ECE at bandwidth ``sigma``, or at its fixed point ``smECE_sigma = sigma`` (default).

    Parameters
    ----------
    y_true, y_prob
        Labels and probabilities, as for :func:`~analysis.calibration.ece`.
    sigma : float, optional
        Kernel width on the [0, 1] score scale, at least 1e-4 (the smoothing
        grid has about ``10 / sigma`` points) and at most 1.
    mode : {'top-label', 'positive', 'classwise', 'marginal'}
        Classwise averages over classes.
    eps : float
        Smallest bandwidth the search considers.
    """
    check_choice(mode, "mode", ("top-label", "positive", "classwise", "marginal"))
    if sigma is not None:
        sigma = check_sigma(sigma)
    values = [sm.value(sigma if sigma is not None else sm.fixed_point(eps)) for sm in _smoothers(y_true, y_prob, mode)]
    return float(np.mean(values))


def smooth_ece_sigma(y_true, y_prob, *, mode: str = "top-label", eps: float = 1e-3) -> float | list[float]:
    """The fixed-point bandwidth smooth ECE uses (one per class for ``mode="classwise"``)."""
    sigmas = [sm.fixed_point(eps) for sm in _smoothers(y_true, y_prob, mode)]
    return sigmas if mode == "classwise" else sigmas[0]
