"""Fitting scaling laws: a robust objective in log space, many starts at once, and a bootstrap.

Every start of the grid is optimised in one batched BFGS run with analytic
gradients; the best is polished with scipy's BFGS. Bootstrap replicates are
fitted the same way, batched and warm-started from the full-data optimum. Nearly
non-smooth objectives are annealed: each fit first runs on smoother versions,
each starting from the previous solution (``huber_mle`` with ``delta`` 1000, 100
and 10 times larger; the absolute and asymmetric losses with ``|r|`` replaced by
a Huber function of width 1e-2 ... 1e-6). Without this, BFGS stops early on
their kinks, and bootstrap replicates stay near the warm start, understating
the spread. The objectives are in :mod:`analysis.scaling.objectives`, the
result in :mod:`analysis.scaling.fit_result`.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from scipy import optimize

from .._chunks import thread_map
from .._resample import bootstrap_counts, map_batches
from .._validation import (
    check_choice,
    check_columns,
    check_integer,
    check_level,
    check_number,
    check_positive,
    check_rng,
)
from ..errors import AnalysisInputError, ConvergenceWarning, FitError, LeastAbsoluteDeviationWarning
from ._optimize import minimize_batched
from .fit_result import LAD_SHARE, ScalingLawFit
from .laws import CustomLaw, ScalingLaw, get_law
from .objectives import LOSSES, Objective, rho_psi
from .projection import solve_coefficients

__all__ = ["fit_scaling_law", "grid_search"]

_BEST_RTOL = 1e-6  # a start "reached the best objective" within this relative distance
_BOOT_CHUNK = 500  # bootstrap replicates optimised per batch
_VALUES_PER_BLOCK = 2**17  # grid points x runs per block of a product grid


def _prepare(data, law: ScalingLaw | CustomLaw, x, y: str):
    if x is None:
        x = law.inputs
    x = (x,) if isinstance(x, str) else tuple(x)
    if len(x) != len(law.inputs):
        raise AnalysisInputError.about(
            "x", f"{len(law.inputs)} column name(s) for the inputs {list(law.inputs)} of '{law.name}'", f"{list(x)}",
            "Name one column per input, e.g. x=('N', 'D').",
        )
    check_columns(data, (*x, y))
    log_x = np.column_stack([np.log(check_positive(data[c], c, ndim=1)) for c in x])
    log_y = np.log(check_positive(data[y], y, ndim=1))
    return dict(zip(law.inputs, x)), log_x, log_y


def fit_scaling_law(
    data: pd.DataFrame,
    law: str | ScalingLaw | CustomLaw = "chinchilla",
    *,
    x=None,
    y: str = "loss",
    loss: str = "huber",
    delta: float = 1e-3,
    quantile: float = 0.1,
    starts: np.ndarray | None = None,
    method: str = "joint",
    n_boot: int = 0,
    ci: float = 0.95,
    rng=None,
    progress: bool | None = None,
    n_jobs: int | None = None,
) -> ScalingLawFit:
    """Fit a scaling law to training runs by a robust objective on log-loss.

    Parameters
    ----------
    data : DataFrame
        One row per training run.
    law : str, ScalingLaw or CustomLaw
        ``"chinchilla"`` (inputs N, D), ``"saturating_power_law"`` or ``"power_law"``
        (input x), or a user-supplied :class:`~analysis.scaling.CustomLaw`.
    x : str or tuple of str, optional
        Columns holding the law's inputs, in order (default: the law's input names).
    y : str
        Column holding the final loss (positive).
    loss : {'huber', 'squared', 'absolute', 'asymmetric', 'huber_mle'}
        The objective; see the module docstring.
    delta : float
        Huber threshold, in log-loss units (or in units of ``sigma`` for ``huber_mle``).
    quantile : float
        For ``loss="asymmetric"``: the share of runs whose loss lies below the fitted curve.
    starts : array of shape (k, p), DataFrame or dict, optional
        Starting points: in the law's ``theta`` space; as a DataFrame of named
        parameters, one start per row (e.g. the best rows of :func:`grid_search`);
        or as a dict of values per parameter, all combinations tried. Default:
        the law's grid (Hoffmann's 4500 starts for Chinchilla).
    method : {'joint', 'projection'}
        ``"joint"`` optimises every parameter from every start.
        ``"projection"`` (a :class:`ScalingLaw` only) keeps the starts' distinct
        exponents, solves the coefficients for each
        (:func:`~analysis.scaling.projection.solve_coefficients`), and
        optimises jointly from there: 25 starts instead of Hoffmann's 4500.
    n_boot : int
        Bootstrap replicates over runs (0: none).
    ci : float
        Level of the bootstrap percentile intervals.
    rng : None, int or Generator
    progress : bool or None
        Progress bar for the bootstrap.
    n_jobs : None or int
        Parallel jobs for the bootstrap fits (joblib; inside ``joblib.parallel_config(backend="dask")``
        they run on a ``dask.distributed`` cluster). The numbers do not depend on it.
    """
    law = get_law(law)
    loss, delta, quantile = _objective_options(loss, delta, quantile)
    n_boot = check_integer(n_boot, "n_boot", minimum=0)
    if n_boot == 1:
        raise AnalysisInputError.about("n_boot", "0 (no bootstrap) or at least 2 resamples", "1", "Pass e.g. 1000.")
    ci = check_level(ci, "ci")
    rng = check_rng(rng)
    inputs, log_x, log_y = _prepare(data, law, x, y)
    n_params = len(law.theta_names) + (loss == "huber_mle")  # sigma is a parameter of the likelihood
    if len(log_y) <= n_params:
        raise AnalysisInputError.about(
            "data", f"more runs than the {n_params} parameters of the fit", f"{len(log_y)} runs",
            "Add runs or fit a law with fewer parameters.",
        )
    check_choice(method, "method", ("joint", "projection"))
    if method == "projection" and not isinstance(law, ScalingLaw):
        raise AnalysisInputError.about("method", "'joint' for a CustomLaw", repr(method),
                                       "Variable projection needs a law linear in its coefficients (a ScalingLaw).")
    starts = _as_starts(law, starts)
    if starts.shape[1] != len(law.theta_names):
        raise AnalysisInputError.about(
            "starts", f"{len(law.theta_names)} columns ({', '.join(law.theta_names)})", f"shape {starts.shape}",
            "Pass starting points in the law's theta space.",
        )
    objective = Objective(law, log_x, log_y, loss, delta, quantile)
    if method == "projection":
        starts = solve_coefficients(objective, np.unique(starts[:, -law.n_terms:], axis=0))
    batch = _minimize_annealed(objective, starts)
    best_theta, best_f, converged = _polish(objective, batch)
    n_at_best = int(np.sum(batch.fun <= best_f + _BEST_RTOL * abs(best_f)))
    if not converged:
        warnings.warn(
            f"the {law.name} fit did not converge; check the data or pass other starts", ConvergenceWarning,
            stacklevel=2,
        )
    boot_params = boot_converged = None
    if n_boot:
        boot_params, boot_converged = _bootstrap(objective, best_theta, len(log_y), n_boot, rng, progress,
                                                     n_jobs)
        if not boot_converged.all():
            warnings.warn(
                f"{int((~boot_converged).sum())} of {n_boot} bootstrap fits did not converge; they are kept, "
                "and counted in the fit's notes", ConvergenceWarning, stacklevel=2,
            )
    fit = ScalingLawFit(
        law=law,
        params={name: float(v) for name, v in law.natural(best_theta).items()},
        scale=float(objective.scales(best_theta[None])[0]) if loss == "huber_mle" else None,
        inputs=inputs,
        loss=loss,
        delta=delta,
        quantile=quantile if loss == "asymmetric" else None,
        objective=float(best_f),
        n_runs=len(log_y),
        n_starts=len(starts),
        n_at_best=n_at_best,
        converged=converged,
        observed=np.exp(log_y),
        observed_inputs={name: np.exp(log_x[:, k]) for k, name in enumerate(law.inputs)},
        residuals=objective.residuals(best_theta),
        boot_params=boot_params,
        boot_converged=boot_converged,
        ci=ci,
    )
    if "huber" in loss and fit.share_beyond_delta > LAD_SHARE:
        warnings.warn(
            f"{fit.share_beyond_delta:.0%} of residuals exceed delta = {delta:g}: the Huber fit is close to "
            "least absolute deviation; pass a larger delta for a robust least-squares fit",
            LeastAbsoluteDeviationWarning,
            stacklevel=2,
        )
    return fit


def _as_starts(law, starts) -> np.ndarray:
    """Starting points in ``theta`` space from None (the law's grid), a DataFrame of named starts
    (one per row), a dict of value lists (all combinations), or a ``theta`` array."""
    if starts is None:
        return law.start_grid()
    if isinstance(starts, pd.DataFrame):
        check_columns(starts, law.param_names, name="starts")
        return np.atleast_2d(law.theta({name: starts[name].to_numpy(float) for name in law.param_names}).T)
    if isinstance(starts, dict):
        missing = [name for name in law.param_names if name not in starts]
        if missing:
            raise AnalysisInputError.about(
                "starts", f"a list of starting values for every parameter {list(law.param_names)}",
                f"none for {missing}", "Give each parameter a list of values; all combinations are tried.",
            )
        mesh = np.meshgrid(*[np.atleast_1d(starts[name]).astype(float) for name in law.param_names], indexing="ij")
        return law.theta({name: m.ravel() for name, m in zip(law.param_names, mesh)}).T
    return np.atleast_2d(np.asarray(starts, dtype=float))


def _objective_options(loss: str, delta: float, quantile: float) -> tuple[str, float, float]:
    """The objective's name, Huber threshold and asymmetric quantile, checked."""
    loss = check_choice(loss, "loss", LOSSES)
    delta = check_number(delta, "delta", minimum=0, strict=True, fix="Pass a Huber threshold, e.g. delta=1e-3.")
    quantile = check_number(quantile, "quantile", minimum=0, strict=True, fix="Pass a share, e.g. quantile=0.1.")
    if quantile >= 1:
        raise AnalysisInputError.about("quantile", "a share in (0, 1)", repr(quantile), "Pass e.g. quantile=0.1.")
    return loss, delta, quantile


def grid_search(
    data: pd.DataFrame, law, grid: dict, *, x=None, y: str = "loss", loss: str = "huber", delta: float = 1e-3,
    quantile: float = 0.1,
) -> pd.DataFrame:
    """The objective of ``fit_scaling_law`` at every combination of parameter values in ``grid``.

    Evaluated in vectorised batches; for a :class:`CustomLaw` by broadcasting
    over the product grid, so each part of the law is computed once per
    combination of the parameters it uses. Returns one row per grid point (the
    parameters and ``objective``; inf outside the law's bounds), sorted from
    the best (equal objectives in no set order); pass the best rows as
    ``starts`` to :func:`fit_scaling_law` to refine them.
    """
    law = get_law(law)
    loss, delta, quantile = _objective_options(loss, delta, quantile)
    _, log_x, log_y = _prepare(data, law, x, y)
    if isinstance(law, CustomLaw) and loss != "huber_mle":
        values = _product_grid_values(law, grid, log_x, log_y, loss, delta, quantile)
        order = np.argsort(values)
        axes = [np.atleast_1d(np.asarray(grid[name], dtype=float)) for name in law.param_names]
        columns = np.empty((len(axes) + 1, order.size)).T  # one block, filled column by column
        for k, (a, i) in enumerate(zip(axes, np.unravel_index(order, [len(a) for a in axes]))):
            np.take(a, i, out=columns[:, k], mode="clip")  # "clip" writes straight to out (indices are valid)
        np.take(values, order, out=columns[:, -1], mode="clip")
        return pd.DataFrame(columns, columns=[*law.param_names, "objective"], copy=False)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):  # points outside the bounds: NaN here, inf below
            theta = _as_starts(law, grid)
        values = Objective(law, log_x, log_y, loss, delta, quantile).values(theta)
        order = np.argsort(values)
        table = pd.DataFrame({k: np.asarray(v, dtype=float)[order] for k, v in law.natural(theta).items()})
    table["objective"] = values[order]
    return table


def _product_grid_values(law: CustomLaw, grid: dict, log_x, log_y, loss: str, delta: float, quantile: float):
    """Objective at every point of a product grid (inf outside the law's bounds), flattened in
    ``meshgrid(indexing="ij")`` order.

    Each parameter gets an axis of its own (the runs the last), so numpy
    broadcasting evaluates every sub-expression of the law once per
    combination of the parameters it uses (``x^-c0`` once per ``c0``). Blocks
    of the leading axes keep the full-size arrays in cache and run on threads.
    """
    values = [np.atleast_1d(np.asarray(grid[name], dtype=float)) for name in law.param_names]
    p, sizes = len(values), [len(v) for v in values]
    axes = {name: v.reshape([-1 if k == j else 1 for k in range(p)] + [1])
            for j, (name, v) in enumerate(zip(law.param_names, values))}
    inputs = {name: np.exp(log_x[:, j]).reshape([1] * p + [-1]) for j, name in enumerate(law.inputs)}
    split = 0  # parameters before `split` are looped over
    while split < p and int(np.prod(sizes[split:])) * len(log_y) > _VALUES_PER_BLOCK:
        split += 1
    out = np.empty(sizes)

    def evaluate(index: tuple[int, ...]) -> None:
        # a looped parameter at its value index[j]; its leading axes drop out and broadcast back
        params = {name: axes[name][(*([0] * j), index[j])] if j < split else axes[name]
                  for j, name in enumerate(law.param_names)}
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            r = np.log(law.func(**inputs, **params))
            r -= log_y
            if loss == "squared":  # one pass, no temporary
                block = 0.5 * np.einsum("...i,...i->...", r, r)
            else:
                block = rho_psi(r, loss, delta, quantile)[0].sum(axis=-1)
        out[index] = np.broadcast_to(block, (*[1] * split, *sizes[split:])).reshape(sizes[split:])

    thread_map(evaluate, itertools.product(*[range(k) for k in sizes[:split]]))
    inside = np.ones(sizes, dtype=bool)  # strictly within every bound, as a finite theta needs
    for (lo, hi), v, name in zip(law.bounds.values(), values, law.param_names):
        inside &= ((v > lo) & (v < hi) & np.isfinite(v)).reshape(axes[name].shape[:-1])
    return np.where(inside & np.isfinite(out), out, np.inf).ravel()


def _minimize_annealed(objective: Objective, starts: np.ndarray):
    """Batched BFGS along the objective's annealing path, then on the objective itself."""
    for smoother in objective.annealing_path():
        starts = minimize_batched(smoother, starts).x
    return minimize_batched(objective, starts)


def _polish(objective: Objective, batch) -> tuple[np.ndarray, float, bool]:
    """Refine the best start with scipy's BFGS; return theta, objective, converged."""
    finite = np.isfinite(batch.fun)
    if not finite.any():
        raise FitError("no start gave a finite objective; check that the data are losses of the law's form")
    i = int(np.argmin(np.where(finite, batch.fun, np.inf)))

    def fun(t):
        f, g = objective(t[None], np.zeros(1, dtype=int))
        return f[0], g[0]

    res = optimize.minimize(fun, batch.x[i], jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 10_000})
    if res.fun <= batch.fun[i]:
        return res.x, float(res.fun), bool(res.success or batch.converged[i])
    return batch.x[i], float(batch.fun[i]), bool(batch.converged[i])


def _bootstrap(objective: Objective, theta: np.ndarray, n: int, n_boot: int, rng, progress, n_jobs):
    """Refit on ``n_boot`` resamples of runs, batched and warm-started at ``theta``.

    Returns a DataFrame of named parameters per replicate (and ``sigma`` for
    ``huber_mle``) and the convergence flags.
    """
    counts = bootstrap_counts(n, n_boot=n_boot, rng=rng).astype(float)
    chunks = [counts[i : i + _BOOT_CHUNK] for i in range(0, n_boot, _BOOT_CHUNK)]

    def fit_chunk(weights):
        chunk_objective = objective.replace(weights=weights)
        res = _minimize_annealed(chunk_objective, np.repeat(theta[None], len(weights), axis=0))
        params = pd.DataFrame(objective.law.natural(res.x))
        if objective.loss == "huber_mle":
            params["sigma"] = chunk_objective.scales(res.x)
        return params, res.converged

    results = map_batches(fit_chunk, chunks, len(chunks), n_jobs=n_jobs, progress=progress, desc="bootstrap fits")
    return pd.concat([r[0] for r in results], ignore_index=True), np.concatenate([r[1] for r in results])
