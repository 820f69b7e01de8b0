"""Variable projection for laws that are linear in their coefficients.

For fixed exponents, ``L(x) = E + sum_j C_j x_j^(-k_j)`` is linear in the
coefficients ``C_j`` and the constant ``E`` (Golub & Pereyra 1973). Every start
of a fit that shares its exponents with another then leads to the same
coefficients, so a search over starts is a search over exponents only: the
4500 starts of Hoffmann et al. (2022) hold 25 distinct exponent pairs.

For each exponent row, the coefficients start from the least-squares solution
of the relative residuals ``(L_hat - L) / L`` (a linear problem, ~ the log
residuals when they are small), clipped to positive values, and are refined by
damped Gauss-Newton steps on the fit's own objective, reweighted as in IRLS
(weights ``psi(r) / r``), with a backtracking line search.
"""

from __future__ import annotations

import numpy as np

from .laws import ScalingLaw
from .objectives import Objective, rho_psi

__all__ = ["solve_coefficients"]

_SMALLEST_COEFFICIENT = 1e-8  # the clip of negative least-squares solutions, in loss units
_RESIDUAL_FLOOR = 1e-8  # the IRLS weight psi(r) / r takes |r| as at least this


def solve_coefficients(objective: Objective, exponents: np.ndarray, *, iterations: int = 50) -> np.ndarray:
    """Full parameter rows ``theta`` ``(k, p)``: the given exponents ``(k, t)`` with their best coefficients.

    ``objective`` is that of a :class:`~analysis.scaling.ScalingLaw` fit; the
    coefficients (log-coefficients and log-constant in ``theta``) minimise it
    for each exponent row, to the line search's tolerance.
    """
    law: ScalingLaw = objective.law
    log_x, log_y = objective.log_x, objective.log_y
    exponents = np.atleast_2d(np.asarray(exponents, dtype=float))
    k, t = exponents.shape
    columns = [np.exp(-exponents[:, j : j + 1] * log_x[:, j]) for j in range(t)]  # x_j^(-k_j), (k, n) each
    if law.constant:
        columns.append(np.ones((k, len(log_y))))
    design = np.stack(columns, axis=2) / np.exp(log_y)[None, :, None]  # relative residuals: rows over L
    gram = np.einsum("kni,knj->kij", design, design)
    ridge = 1e-12 * np.trace(gram, axis1=1, axis2=2)[:, None, None] * np.eye(design.shape[2])
    coef = np.linalg.solve(gram + ridge, design.sum(axis=1)[..., None])[..., 0]
    q = coef.shape[1]
    theta = np.concatenate([np.log(np.maximum(coef, _SMALLEST_COEFFICIENT)), exponents], axis=1)
    f = objective.values(theta)
    active = np.isfinite(f)
    for _ in range(iterations):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        step = _gauss_newton_step(objective, theta[rows], q)
        for _halving in range(30):
            trial = theta[rows].copy()
            trial[:, :q] -= step
            f_trial = objective.values(trial)
            better = f_trial <= f[rows]
            if better.all():
                break
            step[~better] /= 2
        theta[rows[better]], previous = trial[better], f[rows].copy()
        f[rows[better]] = f_trial[better]
        done = ~better | (np.abs(step).max(axis=1) < 1e-12) | (previous - f[rows] <= 1e-15 * np.abs(f[rows]))
        active[rows[done]] = False
    return theta


def _gauss_newton_step(objective: Objective, theta: np.ndarray, q: int) -> np.ndarray:
    """The reweighted Gauss-Newton step ``(k, q)`` in the log-coefficients of rows ``theta``."""
    law, log_x, log_y = objective.law, objective.log_x, objective.log_y
    t = law.n_terms
    expo = theta[:, q:]
    logs = [theta[:, j : j + 1] - expo[:, j : j + 1] * log_x[:, j] for j in range(t)]
    if law.constant:
        logs.append(np.broadcast_to(theta[:, t : t + 1], logs[0].shape))
    pred = law.log_predict(theta, log_x)
    jac = np.exp(np.stack(logs, axis=2) - pred[:, :, None])  # d pred / d log-coefficient: each term's share
    r = pred - log_y
    loss = objective.loss if objective.loss != "huber_mle" else "squared"  # sigma is profiled in the joint fit
    safe = np.where(r < 0, np.minimum(r, -_RESIDUAL_FLOOR), np.maximum(r, _RESIDUAL_FLOOR))
    weight = rho_psi(safe, loss, objective.delta, objective.quantile)[1] / safe
    hessian = np.einsum("kni,kn,knj->kij", jac, weight, jac)
    hessian += (1e-10 * np.trace(hessian, axis1=1, axis2=2) + 1e-300)[:, None, None] * np.eye(q)  # a zero exponent
    return np.linalg.solve(hessian, np.einsum("kni,kn->ki", jac, weight * r)[..., None])[..., 0]
