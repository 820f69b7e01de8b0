"""Robust objectives for scaling-law fits, on residuals in log space.

The residual of run ``i`` is ``r_i = log L_hat(x_i) - log L_i``. Objectives
(``loss=``), summed over runs:

- ``"huber"``: Huber's loss with threshold ``delta`` (Hoffmann et al. 2022 use
  ``delta = 1e-3``): ``r^2 / 2`` for ``|r| <= delta``, else ``delta (|r| - delta / 2)``;
- ``"squared"``: ``r^2 / 2`` (least squares on log-loss);
- ``"absolute"``: ``|r|`` (least absolute deviation);
- ``"asymmetric"``: the pinball loss of ``-r`` at ``quantile`` q: the fitted
  curve lies above a share q of the runs, so a small q traces the lower
  envelope of under-tuned runs;
- ``"huber_mle"``: the maximum-likelihood fit of Besiroglu et al. (2024):
  residuals follow the density ``exp(-huber_delta(r / sigma)) / (sigma Z(delta))``
  with ``Z(delta) = sqrt(2 pi) (1 - 2 Phi(-delta)) + 2 exp(-delta^2 / 2) / delta``
  and a free scale ``sigma``; the objective is the negative log-likelihood.

Each objective is evaluated, with its gradient, for many parameter rows at once.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["LOSSES", "Objective", "huber_normaliser", "rho_psi"]

LOSSES = ("huber", "squared", "absolute", "asymmetric", "huber_mle")
_ROWS_PER_PASS = 64  # parameter rows evaluated per pass with gradients: keeps the arrays in cache
_VALUES_PER_PASS = 2**16  # rows x runs evaluated per pass without gradients


def _huber(r: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray]:
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta)), np.clip(r, -delta, delta)


def rho_psi(r: np.ndarray, loss: str, delta: float, quantile: float, smoothing: float = 0.0):
    """Per-run objective and its derivative with respect to the prediction.

    ``smoothing`` > 0 replaces ``|r|`` in the absolute and asymmetric losses by
    ``huber_smoothing(r) / smoothing``, which is smooth and tends to ``|r|``.
    """
    if loss in ("huber", "huber_mle"):
        return _huber(r, delta)
    if loss == "squared":
        return 0.5 * r**2, r
    if smoothing > 0:
        rho, psi = _huber(r, smoothing)
        rho, psi = rho / smoothing, psi / smoothing
    else:
        rho, psi = np.abs(r), np.sign(r)
    if loss == "absolute":
        return rho, psi
    weight = np.where(r > 0, 1 - quantile, quantile)  # r > 0: the observed loss lies below the curve
    return weight * rho, weight * psi


def huber_normaliser(delta: float) -> float:
    """``Z(delta)``: the integral of ``exp(-huber_delta(z))`` over the real line."""
    return np.sqrt(2 * np.pi) * (1 - 2 * special.ndtr(-delta)) + 2 * np.exp(-0.5 * delta**2) / delta


class Objective:
    """Objective and gradient of a law on data, batched over parameter rows and run weights."""

    def __init__(self, law, log_x, log_y, loss: str, delta: float, quantile: float, weights=None, smoothing=0.0):
        self.law, self.log_x, self.log_y = law, log_x, log_y
        self.loss, self.delta, self.quantile, self.smoothing = loss, delta, quantile, smoothing
        self.weights = weights  # (k, n) run counts per problem, or None for all ones
        self.log_z = np.log(huber_normaliser(delta)) if loss == "huber_mle" else 0.0

    def __call__(self, theta: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Objectives ``(m,)`` and gradients ``(m, p)`` of problems ``rows`` at ``theta`` ``(m, p)``."""
        if len(theta) <= _ROWS_PER_PASS:
            return self._evaluate(theta, rows)
        parts = [
            self._evaluate(theta[i : i + _ROWS_PER_PASS], rows[i : i + _ROWS_PER_PASS])
            for i in range(0, len(theta), _ROWS_PER_PASS)
        ]
        return np.concatenate([f for f, _ in parts]), np.concatenate([g for _, g in parts])

    def values(self, theta: np.ndarray) -> np.ndarray:
        """Objective values ``(m,)`` at parameter rows ``theta`` ``(m, p)``, without gradients."""
        out = np.empty(len(theta))
        step = max(_ROWS_PER_PASS, _VALUES_PER_PASS // len(self.log_y))
        for i in range(0, len(theta), step):
            chunk = theta[i : i + step]
            w = np.ones((1, len(self.log_y))) if self.weights is None else self.weights[i : i + step]
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                r = self.law.log_predict(chunk, self.log_x) - self.log_y
                if self.loss == "huber_mle":
                    log_sigma = _profile_log_scale(r, w, self.delta)
                    rho, _ = rho_psi(r / np.exp(log_sigma), self.loss, self.delta, self.quantile)
                    rho = rho + log_sigma + self.log_z
                else:
                    rho, _ = rho_psi(r, self.loss, self.delta, self.quantile, self.smoothing)
                out[i : i + len(chunk)] = np.sum(w * rho, axis=1)
        return np.where(np.isfinite(out), out, np.inf)

    def _evaluate(self, theta: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = np.ones((1, len(self.log_y))) if self.weights is None else self.weights[rows]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            pred, vjp = self.law.log_predict_vjp(theta, self.log_x)
            r = pred - self.log_y
            if self.loss != "huber_mle":
                rho, psi = rho_psi(r, self.loss, self.delta, self.quantile, self.smoothing)
                return np.sum(w * rho, axis=1), vjp(w * psi)
            # sigma is profiled out; at its optimum the sigma-derivative vanishes (envelope theorem)
            log_sigma = _profile_log_scale(r, w, self.delta)
            sigma = np.exp(log_sigma)
            rho, psi = rho_psi(r / sigma, self.loss, self.delta, self.quantile)
            f = np.sum(w * (rho + log_sigma + self.log_z), axis=1)
            return f, vjp(w * psi / sigma)

    def replace(self, **changes) -> Objective:
        """A copy with some of ``weights``, ``delta`` or ``smoothing`` changed."""
        fields = {"weights": self.weights, "delta": self.delta, "smoothing": self.smoothing, **changes}
        return Objective(self.law, self.log_x, self.log_y, self.loss, quantile=self.quantile, **fields)

    def annealing_path(self) -> list[Objective]:
        """Smoother versions of a nearly non-smooth objective, to fit one after another first."""
        if self.loss == "huber_mle":
            return [self.replace(delta=self.delta * 10.0**k) for k in (3, 2, 1)]
        if self.loss in ("absolute", "asymmetric"):
            return [self.replace(smoothing=10.0**-k) for k in (2, 3, 4, 5, 6)]
        return []

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        """``log L_hat - log L`` per run at one parameter vector."""
        return self.law.log_predict(theta[None], self.log_x)[0] - self.log_y

    def scales(self, theta: np.ndarray) -> np.ndarray:
        """The profiled residual scale ``sigma`` of each problem at parameter rows ``theta`` ``(k, p)``."""
        w = np.ones((1, len(self.log_y))) if self.weights is None else self.weights
        r = self.law.log_predict(theta, self.log_x) - self.log_y
        return np.exp(_profile_log_scale(r, w, self.delta))[:, 0]


def _profile_log_scale(r: np.ndarray, w: np.ndarray, delta: float, iterations: int = 50) -> np.ndarray:
    """``log sigma`` maximising the Huber likelihood of residuals ``r`` ``(k, n)`` with weights ``w``.

    Solves ``sum w psi(r / sigma) r / sigma = sum w`` by Newton's method in
    ``log sigma``, starting from the solution when every residual lies in
    Huber's linear part, ``sigma = delta * mean |r|``.
    """
    total = w.sum(axis=1, keepdims=True)
    s = np.log(np.maximum(delta * np.sum(w * np.abs(r), axis=1, keepdims=True) / total, 1e-300))
    for _ in range(iterations):
        z = np.abs(r) * np.exp(-s)
        inner = z <= delta
        h = np.sum(w * np.where(inner, z**2, delta * z), axis=1, keepdims=True) - total
        slope = -np.sum(w * np.where(inner, 2 * z**2, delta * z), axis=1, keepdims=True)
        step = np.where(slope < 0, h / slope, 0.0)
        s -= step
        if np.all(np.abs(step) < 1e-13):
            break
    return s
