"""Compute-optimal allocation from a fitted Chinchilla law.

Minimising ``L(N, D) = E + A / N^alpha + B / D^beta`` subject to ``C = 6 N D``
gives (Hoffmann et al. 2022, eq. 4 and appendix D.2)

    N_opt(C) = G (C / 6)^a,   D_opt(C) = G^-1 (C / 6)^b,
    G = (alpha A / (beta B))^(1 / (alpha + beta)),  a = beta / (alpha + beta),  b = alpha / (alpha + beta).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._resample import percentile_interval
from .._validation import check_number, check_positive
from ..errors import AnalysisInputError
from .fit_result import ScalingLawFit
from .laws import chinchilla

__all__ = ["compute_optimal", "optimal_tokens_per_param"]


def _optimum(A, B, alpha, beta, C):
    """``N_opt``, ``D_opt`` for parameter arrays ``(k, 1)`` and budgets ``C`` ``(m,)``."""
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    a, b = beta / (alpha + beta), alpha / (alpha + beta)
    return G * (C / 6) ** a, (C / 6) ** b / G


def optimal_tokens_per_param(params, C: float, *, flops_per_token_param: float = 6.0):
    """Compute-optimal tokens per parameter ``D_opt / N_opt`` at budget ``C`` (FLOP) of Chinchilla parameters.

    ``params`` maps ``A``, ``B``, ``alpha``, ``beta`` to numbers or to arrays
    (a bootstrap's draws, a near-optimal set's members: a DataFrame works), and
    the result has their shape; as a derived quantity,
    ``lambda p: optimal_tokens_per_param(p, 5.76e23)``.
    """
    missing = [k for k in ("A", "B", "alpha", "beta") if k not in params]
    if missing:
        raise AnalysisInputError.about("params", "the Chinchilla parameters A, B, alpha and beta",
                                       f"none for {missing}", "Pass a fit's params or rows of parameters.")
    C = check_number(C, "C", minimum=0, strict=True)
    scale = 6.0 / check_number(flops_per_token_param, "flops_per_token_param", minimum=0, strict=True)
    n_opt, d_opt = _optimum(params["A"], params["B"], params["alpha"], params["beta"], C * scale)
    return d_opt / n_opt


def compute_optimal(fit: ScalingLawFit | dict, C, *, flops_per_token_param: float = 6.0) -> pd.DataFrame:
    """Compute-optimal model size and tokens for budgets ``C`` (FLOP), with bootstrap bands.

    Parameters
    ----------
    fit : ScalingLawFit or dict
        A fit of the ``chinchilla`` law, or its parameters ``A``, ``B``, ``E``,
        ``alpha``, ``beta`` (e.g. a published fit). For a fit with a bootstrap,
        the table adds percentile bands at the fit's level (``*_low``,
        ``*_high``): confidence bands of the optimum, not prediction intervals of a run.
    C : float or array
        Training compute budgets in FLOP.
    flops_per_token_param : float
        FLOP per parameter per token (6 for a dense transformer's forward and backward).

    Returns
    -------
    DataFrame with columns ``C``, ``N_opt``, ``D_opt``, ``tokens_per_param``,
    ``loss_opt`` (the law at the optimum), and the band columns.
    """
    if isinstance(fit, dict):
        missing = [k for k in chinchilla.param_names if k not in fit]
        if missing:
            raise AnalysisInputError.about(
                "fit", f"parameters {list(chinchilla.param_names)}", f"none for {missing}", "Pass all five."
            )
        p, boot, level = {k: float(fit[k]) for k in chinchilla.param_names}, None, None
    elif fit.law.name == "chinchilla":
        p, boot, level = fit.params, fit.boot_params, fit.ci
    else:
        raise AnalysisInputError.about(
            "fit", "a fit of the 'chinchilla' law L(N, D)", f"a fit of '{fit.law.name}'",
            "Fit fit_scaling_law(data, law='chinchilla') first.",
        )
    C = check_positive(np.atleast_1d(C), "C", ndim=1)
    for name in ("A", "B", "alpha", "beta"):
        if not (np.isfinite(p[name]) and p[name] > 0):
            raise AnalysisInputError.about(name, "a positive number, as in a fitted Chinchilla law", repr(p[name]),
                                           "Check the fit's parameters: the optimum needs A, B, alpha, beta > 0.")
    if not (isinstance(flops_per_token_param, int | float) and flops_per_token_param > 0):
        raise AnalysisInputError.about("flops_per_token_param", "a positive number of FLOP per parameter and token",
                                       repr(flops_per_token_param), "Pass 6 for a dense transformer.")
    scale = 6.0 / flops_per_token_param
    n_opt, d_opt = _optimum(p["A"], p["B"], p["alpha"], p["beta"], C * scale)
    frame = pd.DataFrame({
        "C": C, "N_opt": n_opt, "D_opt": d_opt, "tokens_per_param": d_opt / n_opt,
        "loss_opt": chinchilla(p, N=n_opt, D=d_opt),
    })
    if boot is not None:
        bp = {k: boot[k].to_numpy()[:, None] for k in chinchilla.param_names}
        bn, bd = _optimum(bp["A"], bp["B"], bp["alpha"], bp["beta"], C * scale)
        bl = bp["E"] + bp["A"] / bn ** bp["alpha"] + bp["B"] / bd ** bp["beta"]
        for name, reps in (("N_opt", bn), ("D_opt", bd), ("tokens_per_param", bd / bn), ("loss_opt", bl)):
            interval = percentile_interval(reps, ci=level)
            frame[f"{name}_low"], frame[f"{name}_high"] = interval.low, interval.high
    return frame
