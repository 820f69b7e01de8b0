"""Kaplan-style laws of loss, training steps and batch size.

Kaplan et al. (2020), "Scaling Laws for Neural Language Models", section 5:

    L(N, S_min) = (N_c / N)^alpha_N + (S_c / S_min)^alpha_S        (eq. 5.6)
    S_min = S / (1 + B_crit(L) / B),  E_min = E / (1 + B / B_crit(L))   (eq. 5.4)
    B_crit(L) = B* / L^(1 / alpha_B)                                   (eq. 5.3)

Su et al. (2024), "Unraveling the Mystery of Scaling Laws: Part I", fit these
on small models and predict, for a larger model, the lowest reachable loss, the
steps and tokens needed to reach a loss, the critical batch size at a loss, and
the whole loss curve for a given batch size. :class:`KaplanLaw` computes all of
them; the fitted forms are :data:`kaplan_steps` (``L(N, S_min)``) and
:func:`critical_batch_size_law`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validation import check_consistent_length, check_integer, check_number, check_positive
from ..errors import AnalysisInputError
from .laws import CustomLaw, ScalingLaw, power_law

__all__ = ["KAPLAN_2020", "KaplanLaw", "critical_batch_size_law", "kaplan_joint", "kaplan_steps", "steps_tradeoff"]

#: ``L(N, S_min) = A N^-alpha_N + B S_min^-alpha_S`` as a sum of power laws
#: (``A = N_c^alpha_N``, ``B = S_c^alpha_S``), for :func:`~analysis.scaling.fit_scaling_law`.
kaplan_steps = ScalingLaw(
    name="kaplan_steps",
    inputs=("N", "S_min"),
    coefficients=("A", "B"),
    exponents=("alpha_N", "alpha_S"),
    constant=None,
    formula="L(N, S_min) = (N_c / N)^alpha_N + (S_c / S_min)^alpha_S",
)



def _kaplan_joint(N, D, N_c, D_c, alpha_N, alpha_D):
    return ((N_c / N) ** (alpha_N / alpha_D) + D_c / D) ** alpha_D


#: Kaplan et al. (2020), eq. 1.5: ``L(N, D) = [(N_c / N)^(alpha_N / alpha_D) + D_c / D]^alpha_D``.
kaplan_joint = CustomLaw(
    _kaplan_joint, ("N", "D"),
    {"N_c": (1e6, 1e20), "D_c": (1e6, 1e20), "alpha_N": (0.001, 2.0), "alpha_D": (0.001, 2.0)},
    name="kaplan_joint", formula="L(N, D) = [(N_c / N)^(alpha_N / alpha_D) + D_c / D]^alpha_D",
)


@dataclasses.dataclass(frozen=True)
class KaplanLaw:
    """Loss, steps and batch size of Kaplan et al. (2020), section 5.

    Units: ``N`` non-embedding parameters, ``S`` optimiser steps, ``B`` and
    ``B_star`` tokens per batch, losses in nats per token.
    """

    N_c: float
    alpha_N: float
    S_c: float
    alpha_S: float
    B_star: float
    alpha_B: float

    @classmethod
    def from_fits(cls, steps_fit, batch_fit) -> KaplanLaw:
        """From a fit of :data:`kaplan_steps` and a power-law fit of ``B_crit`` against loss."""
        p, q = steps_fit.params, batch_fit.params
        return cls(
            N_c=p["A"] ** (1 / p["alpha_N"]), alpha_N=p["alpha_N"], S_c=p["B"] ** (1 / p["alpha_S"]),
            alpha_S=p["alpha_S"], B_star=q["A"], alpha_B=1 / q["alpha"],
        )

    def loss(self, N, S_min):
        """``L(N, S_min)``, eq. 5.6."""
        return self.min_loss(N) + (self.S_c / check_positive(S_min, "S_min", ndim=(0, 1))) ** self.alpha_S

    def min_loss(self, N):
        """The lowest loss a model of size ``N`` reaches (``S_min`` to infinity)."""
        return (self.N_c / check_positive(N, "N", ndim=(0, 1))) ** self.alpha_N

    def critical_batch_size(self, L):
        """``B_crit(L) = B* / L^(1 / alpha_B)``, tokens, eq. 5.3."""
        return self.B_star / check_positive(L, "L", ndim=(0, 1)) ** (1 / self.alpha_B)

    def min_steps(self, L, N):
        """Fewest steps (at very large batches) for a model of size ``N`` to reach loss ``L``.

        Infinite where ``L`` is at or below the model's lowest reachable loss.
        """
        gap = check_positive(L, "L", ndim=(0, 1)) - self.min_loss(N)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(gap > 0, self.S_c * gap ** (-1 / self.alpha_S), np.inf)

    def min_tokens(self, L, N):
        """Fewest training tokens (at very small batches) to reach ``L``: ``E_min = B_crit(L) S_min(L)``."""
        return self.critical_batch_size(L) * self.min_steps(L, N)

    def steps(self, L, N, B):
        """Steps to reach ``L`` at batch size ``B``: ``S = S_min (1 + B_crit(L) / B)``."""
        return self.min_steps(L, N) * (1 + self.critical_batch_size(L) / check_positive(B, "B", ndim=(0, 1)))

    def tokens(self, L, N, B):
        """Tokens to reach ``L`` at batch size ``B``: ``E = B S``."""
        return check_positive(B, "B", ndim=(0, 1)) * self.steps(L, N, B)

    def trajectory(self, N: float, B: float, S, *, iterations: int = 100):
        """The loss after ``S`` steps at batch size ``B`` (array over ``S``).

        Solves ``L = L(N, S / (1 + B_crit(L) / B))`` for ``L`` by bisection; the
        right side falls as ``L`` grows, so the root is unique.
        """
        S = np.atleast_1d(check_positive(S, "S", ndim=(0, 1)))
        N, B = (check_number(v, name, minimum=0, strict=True) for v, name in ((N, "N"), (B, "B")))
        iterations = check_integer(iterations, "iterations")
        lo = np.full(S.shape, float(self.min_loss(N)))
        hi = lo + (self.S_c * (1 + self.critical_batch_size(lo) / B) / S) ** self.alpha_S
        for _ in range(iterations):
            mid = 0.5 * (lo + hi)
            rhs = self.loss(N, S / (1 + self.critical_batch_size(mid) / B))
            above = rhs > mid
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        return 0.5 * (lo + hi)

    def plot_trajectory(self, N: float, B: float, S, *, ax=None, **line_kw):
        """The loss against steps ``S`` at batch size ``B`` (a log step axis); returns the Axes.

        ``line_kw`` goes to ``Axes.plot`` (``color``, ``ls``, ``label``).
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        ax.plot(S, self.trajectory(N, B, S), **line_kw)
        ax.set(xscale="log", xlabel="optimisation steps $S$", ylabel="loss (nats/token)")
        return ax

    def plot_tradeoff(self, L: float, N: float, B=None, *, ax=None, **line_kw):
        """Steps against tokens to reach loss ``L`` over batch sizes ``B``, a dot at ``B_crit``; returns the Axes.

        ``B`` defaults to ``2^12`` to ``2^26`` tokens. ``line_kw`` goes to ``Axes.plot``.
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        B = np.geomspace(2**12, 2**26, 100) if B is None else check_positive(np.atleast_1d(B), "B")
        (line,) = ax.plot(self.steps(L, N, B), self.tokens(L, N, B), **line_kw)
        knee = self.critical_batch_size(L)
        ax.scatter(self.steps(L, N, knee), self.tokens(L, N, knee), color=line.get_color(), s=12, zorder=3)
        ax.set(xscale="log", yscale="log", xlabel="optimisation steps $S$", ylabel="training tokens $E$")
        return ax


def steps_tradeoff(B, S) -> tuple[float, float]:
    """``S_min`` and ``B_crit`` from the steps ``S`` a model needs to reach one loss at batch sizes ``B``.

    Kaplan et al. (2020), eq. 5.4 gives ``S = S_min + S_min B_crit / B``: a line
    in ``1 / B`` whose intercept is ``S_min`` and whose slope is ``S_min B_crit``;
    it is fitted by least squares (McCandlish et al. 2018 fit the same relation).
    """
    B = check_positive(B, "B", ndim=1)
    S = check_positive(S, "S", ndim=1)
    check_consistent_length(B=B, S=S)
    if len(np.unique(B)) < 2:
        raise AnalysisInputError.about("B", "at least two distinct batch sizes", f"{np.unique(B)}", "Add runs.")
    slope, intercept = np.polyfit(1 / B, S, 1)
    if intercept <= 0 or slope <= 0:
        raise AnalysisInputError.about(
            "S", "steps that fall with batch size towards a positive minimum", f"intercept {intercept:.3g}, "
            f"slope {slope:.3g}", "Check that all runs reach the same loss and that B spans the critical batch size.",
        )
    return float(intercept), float(slope / intercept)


#: Kaplan et al. (2020), Table 2 (language modelling on WebText2, nats per token).
KAPLAN_2020 = KaplanLaw(N_c=8.8e13, alpha_N=0.076, S_c=2.1e3, alpha_S=0.76, B_star=2.1e8, alpha_B=0.21)

#: ``B_crit(L) = B* L^(-1 / alpha_B)`` is a pure power law in the loss: fit it with
#: ``fit_scaling_law(data, power_law, x="loss", y="B_crit")``.
critical_batch_size_law = power_law
