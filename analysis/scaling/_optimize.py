"""BFGS on many problems at once.

:func:`minimize_batched` runs BFGS with a backtracking (Armijo) line search on
``k`` independent smooth problems of the same dimension, all in numpy arrays:
one call of the objective evaluates every start (or every bootstrap replicate)
at once. Problems that have converged drop out of the batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

__all__ = ["BatchedMinimum", "minimize_batched"]


@dataclasses.dataclass(frozen=True)
class BatchedMinimum:
    """Solutions of a batch of problems.

    Attributes
    ----------
    x : array, shape (k, p)
    fun : array, shape (k,)
    converged : array of bool, shape (k,)
        Whether the problem met the tolerances before ``max_iter``.
    n_iter : array of int, shape (k,)
    """

    x: np.ndarray
    fun: np.ndarray
    converged: np.ndarray
    n_iter: np.ndarray


def minimize_batched(
    fun_grad: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    x0: np.ndarray,
    *,
    max_iter: int = 1000,
    ftol: float = 1e-11,
    gtol: float = 1e-12,
    max_halvings: int = 40,
) -> BatchedMinimum:
    """Minimise ``k`` problems from starts ``x0`` of shape ``(k, p)``.

    ``fun_grad(x, rows)`` returns the objectives ``(m,)`` and gradients ``(m, p)``
    of problems ``rows`` (indices into the batch) at points ``x`` of shape ``(m, p)``.

    A problem has converged when its largest absolute gradient entry is below
    ``gtol``, or when a step lowers its objective by less than ``ftol * |f|``
    twice in a row. When no step along the quasi-Newton direction lowers the
    objective, the curvature model is reset and steepest descent is tried.
    """
    x = np.array(x0, dtype=float)
    k, p = x.shape
    rows = np.arange(k)
    f, g = fun_grad(x, rows)
    f = np.where(np.isfinite(f), f, np.inf)
    h = np.broadcast_to(np.eye(p), (k, p, p)).copy()
    converged = np.zeros(k, dtype=bool)
    n_iter = np.zeros(k, dtype=int)
    stalls = np.zeros(k, dtype=int)
    fresh = np.ones(k, dtype=bool)  # the inverse-Hessian model is still the identity
    active = np.flatnonzero(np.isfinite(f))
    for _ in range(max_iter):
        if active.size == 0:
            break
        xa, fa, ga, ha = x[active], f[active], g[active], h[active]
        d = -np.einsum("kij,kj->ki", ha, ga)
        slope = np.einsum("ki,ki->k", d, ga)
        uphill = ~(slope < 0)
        if uphill.any():  # reset to steepest descent where the curvature model failed
            ha[uphill] = np.eye(p)
            fresh[active[uphill]] = True
            d[uphill] = -ga[uphill]
            slope[uphill] = -np.einsum("ki,ki->k", ga[uphill], ga[uphill])
        step = np.ones(len(active))
        f_new = np.full(len(active), np.inf)
        g_new = np.zeros_like(ga)
        pending = np.arange(len(active))
        for _ in range(max_halvings):
            trial = xa[pending] + step[pending, None] * d[pending]
            ft, gt = fun_grad(trial, active[pending])
            ok = np.isfinite(ft) & (ft <= fa[pending] + 1e-4 * step[pending] * slope[pending])
            f_new[pending[ok]], g_new[pending[ok]] = ft[ok], gt[ok]
            pending = pending[~ok]
            if pending.size == 0:
                break
            step[pending] *= 0.5
        moved = np.isfinite(f_new)
        s = step[:, None] * d
        y = g_new - ga
        sy = np.einsum("ki,ki->k", s, y)
        update = moved & (sy > 1e-300) & np.isfinite(sy)
        if update.any():
            hu, su, yu, rho = ha[update], s[update], y[update], 1.0 / sy[update]
            first = fresh[active[update]]  # scale the identity before the first update (Nocedal & Wright 6.20)
            if first.any():
                hu[first] *= (sy[update][first] / np.einsum("ki,ki->k", yu[first], yu[first]))[:, None, None]
            hy = np.einsum("kij,kj->ki", hu, yu)
            yhy = np.einsum("ki,ki->k", yu, hy)
            hu = (
                hu
                - rho[:, None, None] * (hy[:, :, None] * su[:, None, :] + su[:, :, None] * hy[:, None, :])
                + (rho**2 * yhy + rho)[:, None, None] * su[:, :, None] * su[:, None, :]
            )
            broken = ~np.isfinite(hu).all(axis=(1, 2))  # overflow in the update: start the model afresh
            hu[broken] = np.eye(p)
            ha[update] = hu
            fresh[active[update]] = broken
        failed = ~moved & ~fresh[active]  # the curvature model failed: retry from steepest descent
        ha[failed] = np.eye(p)
        fresh[active[failed]] = True
        gain = np.where(moved, fa - f_new, 0.0)
        small = (gain <= ftol * np.maximum(np.abs(fa), 1e-300)) & ~failed
        idx = active[moved]
        x[idx] = xa[moved] + s[moved]
        f[idx], g[idx] = f_new[moved], g_new[moved]
        h[active] = ha
        n_iter[active] += 1
        stalls[active] = np.where(small, stalls[active] + 1, 0)
        done = (np.abs(g[active]).max(axis=1) < gtol) | (stalls[active] >= 2)
        converged[active[done]] = True
        active = active[~done]
    return BatchedMinimum(x=x, fun=f, converged=converged, n_iter=n_iter)
