"""Fitting scaling laws: robust objectives in log space, many starts at once, bootstrap.

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

Every start of the grid is optimised in one batched BFGS run with analytic
gradients; the best is polished with scipy's BFGS. Bootstrap replicates are
fitted the same way, batched and warm-started from the full-data optimum. Nearly
non-smooth objectives are annealed: each fit first runs on smoother versions,
each starting from the previous solution (``huber_mle`` with ``delta`` 1000, 100
and 10 times larger; the absolute and asymmetric losses with ``|r|`` replaced by
a Huber function of width 1e-2 ... 1e-6). Without this, BFGS stops early on
their kinks, and bootstrap replicates stay near the warm start, understating
the spread.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special

from .._resample import bootstrap_counts, map_batches
from .._results import ConfidenceInterval, Result
from .._validation import check_choice, check_columns, check_integer, check_level, check_positive, check_rng
from ..errors import AnalysisInputError, ConvergenceWarning, FitError, LeastAbsoluteDeviationWarning
from ._optimize import minimize_batched
from .laws import CustomLaw, ScalingLaw, get_law

__all__ = ["LOSSES", "ScalingLawFit", "fit_scaling_law", "grid_search"]

LOSSES = ("huber", "squared", "absolute", "asymmetric", "huber_mle")
_BEST_RTOL = 1e-6  # a start "reached the best objective" within this relative distance
_BOOT_CHUNK = 500  # bootstrap replicates optimised per batch
_LAD_SHARE = 0.75  # above this share of residuals beyond delta, a Huber fit is close to LAD
_ROWS_PER_PASS = 64  # parameter rows evaluated per pass with gradients: keeps the arrays in cache
_VALUES_PER_PASS = 2**16  # rows x runs evaluated per pass without gradients
_VALUES_PER_BLOCK = 2**17  # grid points x runs per block of a product grid


def _huber(r: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray]:
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta)), np.clip(r, -delta, delta)


def _rho_psi(r: np.ndarray, loss: str, delta: float, quantile: float, smoothing: float = 0.0):
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


class _Objective:
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
                    rho, _ = _rho_psi(r / np.exp(log_sigma), self.loss, self.delta, self.quantile)
                    rho = rho + log_sigma + self.log_z
                else:
                    rho, _ = _rho_psi(r, self.loss, self.delta, self.quantile, self.smoothing)
                out[i : i + len(chunk)] = np.sum(w * rho, axis=1)
        return np.where(np.isfinite(out), out, np.inf)

    def _evaluate(self, theta: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = np.ones((1, len(self.log_y))) if self.weights is None else self.weights[rows]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            pred, vjp = self.law.log_predict_vjp(theta, self.log_x)
            r = pred - self.log_y
            if self.loss != "huber_mle":
                rho, psi = _rho_psi(r, self.loss, self.delta, self.quantile, self.smoothing)
                return np.sum(w * rho, axis=1), vjp(w * psi)
            # sigma is profiled out; at its optimum the sigma-derivative vanishes (envelope theorem)
            log_sigma = _profile_log_scale(r, w, self.delta)
            sigma = np.exp(log_sigma)
            rho, psi = _rho_psi(r / sigma, self.loss, self.delta, self.quantile)
            f = np.sum(w * (rho + log_sigma + self.log_z), axis=1)
            return f, vjp(w * psi / sigma)

    def replace(self, **changes) -> _Objective:
        """A copy with some of ``weights``, ``delta`` or ``smoothing`` changed."""
        fields = {"weights": self.weights, "delta": self.delta, "smoothing": self.smoothing, **changes}
        return _Objective(self.law, self.log_x, self.log_y, self.loss, quantile=self.quantile, **fields)

    def annealing_path(self) -> list[_Objective]:
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


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ScalingLawFit(Result):
    """A fitted scaling law with its fit diagnostics and bootstrap.

    Attributes
    ----------
    law : ScalingLaw or CustomLaw
    params : dict of str to float
        The named parameters (``A``, ``B``, ``E``, ``alpha``, ``beta`` for Chinchilla).
    scale : float or None
        The residual scale ``sigma`` of ``loss="huber_mle"``.
    inputs : dict of str to str
        Column of the data used for each input of the law.
    loss, delta, quantile
        The objective.
    objective : float
        Its value at the optimum.
    n_runs, n_starts, n_at_best : int
        Runs fitted, starts tried, and starts that reached the best objective
        (within a relative 1e-6).
    converged : bool
        Whether the optimiser met its tolerances at the reported optimum.
    observed : array, shape (n_runs,)
        Loss per run.
    observed_inputs : dict of str to array, shape (n_runs,)
        The law's inputs per run, keyed by the law's input names.
    residuals : array, shape (n_runs,)
        ``log L_hat - log L`` per run.
    boot_params : DataFrame or None
        One row per bootstrap replicate, one column per parameter.
    boot_converged : array of bool or None
    ci : float
        Level of the bootstrap intervals.
    """

    law: ScalingLaw | CustomLaw
    params: dict
    scale: float | None
    inputs: dict
    loss: str
    delta: float
    quantile: float | None
    objective: float
    n_runs: int
    n_starts: int
    n_at_best: int
    converged: bool
    observed: np.ndarray
    observed_inputs: dict
    residuals: np.ndarray
    boot_params: pd.DataFrame | None
    boot_converged: np.ndarray | None
    ci: float

    @property
    def title(self) -> str:
        return f"Scaling-law fit: {self.law.formula}"

    @property
    def share_beyond_delta(self) -> float:
        """Share of runs whose residual exceeds ``delta`` (Huber's linear part)."""
        scale = self.scale if self.loss == "huber_mle" else 1.0
        return float(np.mean(np.abs(self.residuals) / scale > self.delta))

    @property
    def standard_errors(self) -> dict[str, float]:
        """Bootstrap standard errors of the parameters (empty without a bootstrap)."""
        if self.boot_params is None:
            return {}
        return self.boot_params.std(ddof=1).to_dict()

    @property
    def intervals(self) -> dict[str, ConfidenceInterval]:
        """Bootstrap percentile intervals of the parameters (empty without a bootstrap)."""
        if self.boot_params is None:
            return {}
        a = (1 - self.ci) / 2
        q = self.boot_params.quantile([a, 1 - a])
        return {name: ConfidenceInterval(q[name].iloc[0], q[name].iloc[1], self.ci) for name in q.columns}

    def derived(self, quantities: dict) -> pd.DataFrame:
        """Functions of the parameters with bootstrap standard errors and percentile intervals.

        ``quantities``: name -> ``f(p)``, where ``p`` maps parameter names to
        floats (the estimate) or to arrays with one value per replicate (the
        bootstrap, so ``f`` must work elementwise, as ``p["beta"] / (p["alpha"]
        + p["beta"])`` does). Returns one row per quantity: ``estimate``, ``se``,
        ``low``, ``high`` (NaN without a bootstrap) and ``n_finite``, the
        replicates giving a finite value.
        """
        rows = {}
        for name, func in quantities.items():
            row = {"estimate": float(func(self.params)), "se": np.nan, "low": np.nan, "high": np.nan, "n_finite": 0}
            if self.boot_params is not None:
                replicates = np.broadcast_to(np.asarray(func({k: v.to_numpy() for k, v in self.boot_params.items()}),
                                                        dtype=float), (len(self.boot_params),))
                finite = replicates[np.isfinite(replicates)]
                a = (1 - self.ci) / 2
                row |= {"se": float(np.std(finite, ddof=1)) if len(finite) > 1 else np.nan,
                        "low": float(np.quantile(finite, a)) if len(finite) else np.nan,
                        "high": float(np.quantile(finite, 1 - a)) if len(finite) else np.nan,
                        "n_finite": len(finite)}
            rows[name] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    @property
    def notes(self) -> tuple[str, ...]:
        notes = [f"objective: {self.loss}" + (f" (delta = {self.delta:g})" if "huber" in self.loss else "")
                 + (f" (quantile = {self.quantile:g})" if self.loss == "asymmetric" else "")
                 + f" on log-loss residuals, value {self.objective:.6g} over {self.n_runs} runs",
                 f"{self.n_at_best} of {self.n_starts} starts reached the best objective"]
        if "huber" in self.loss and self.share_beyond_delta > _LAD_SHARE:
            notes.append(f"{self.share_beyond_delta:.0%} of residuals exceed delta: the fit is close to "
                         "least absolute deviation")
        if not self.converged:
            notes.append("the optimiser did NOT converge at the reported optimum")
        if self.boot_converged is not None:
            notes.append(f"bootstrap: {len(self.boot_converged)} replicates, "
                         f"{int((~self.boot_converged).sum())} did not converge")
        return tuple(notes)

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: estimate, and bootstrap standard error and interval if present."""
        frame = pd.DataFrame({"parameter": list(self.params), "estimate": list(self.params.values())})
        if self.boot_params is not None:
            ses, cis = self.standard_errors, self.intervals
            frame["standard_error"] = [ses[p] for p in self.params]
            frame["low"] = [cis[p].low for p in self.params]
            frame["high"] = [cis[p].high for p in self.params]
            frame["ci"] = self.ci
        return frame

    def predict(self, data: pd.DataFrame | None = None, **inputs) -> np.ndarray:
        """Predicted loss at the rows of ``data`` (same columns as the fit) or at keyword inputs."""
        if data is not None:
            check_columns(data, self.inputs.values())
            inputs = {name: data[col].to_numpy() for name, col in self.inputs.items()}
        missing = [name for name in self.law.inputs if name not in inputs]
        if missing:
            raise AnalysisInputError.about(
                "inputs", f"values for {list(self.law.inputs)}", f"none for {missing}",
                "Pass a DataFrame with the fit's columns or keyword arrays, e.g. predict(N=..., D=...).",
            )
        values = {name: check_positive(np.atleast_1d(inputs[name]), name) for name in self.law.inputs}
        return self.law(self.params, **values)

    def predict_interval(self, data: pd.DataFrame | None = None, *, kind: str = "confidence", rng=None, **inputs):
        """Bootstrap interval of the predicted loss at new inputs, at the fit's level ``ci``.

        ``kind="confidence"`` bounds the law itself (the spread of the bootstrap
        fits); ``kind="prediction"`` bounds the loss of one new run: each
        bootstrap fit's prediction is shifted by a residual drawn from the fit's
        residuals (in log space), so it also carries the run-to-run scatter.

        Returns a DataFrame with columns ``estimate``, ``low``, ``high``.
        """
        check_choice(kind, "kind", ("confidence", "prediction"))
        if self.boot_params is None:
            raise AnalysisInputError.about(
                "fit", "a fit with a bootstrap", "n_boot=0", "Refit with fit_scaling_law(..., n_boot=1000)."
            )
        estimate = self.predict(data, **inputs)
        if data is not None:
            inputs = {name: data[col].to_numpy() for name, col in self.inputs.items()}
        log_x = np.column_stack([np.log(np.atleast_1d(inputs[name]).astype(float)) for name in self.law.inputs])
        theta = np.column_stack([self.law.theta(row) for row in self.boot_params.to_dict("records")]).T
        log_pred = self.law.log_predict(theta, log_x)  # (n_boot, m)
        if kind == "prediction":
            draws = check_rng(rng).integers(0, len(self.residuals), log_pred.shape)
            log_pred = log_pred - self.residuals[draws]
        low, high = np.quantile(np.exp(log_pred), [(1 - self.ci) / 2, (1 + self.ci) / 2], axis=0)
        return pd.DataFrame({"estimate": estimate, "low": low, "high": high})

    @property
    def fitted(self) -> np.ndarray:
        """Predicted loss per run."""
        return self.observed * np.exp(self.residuals)

    def plot(self, *, ax=None):
        """Observed against predicted loss per run, with the identity line; returns the Axes."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        ax.scatter(self.fitted, self.observed, s=6, label="runs")
        lims = [min(self.fitted.min(), self.observed.min()), max(self.fitted.max(), self.observed.max())]
        ax.plot(lims, lims, color="0.4", lw=0.8, ls="--", label="observed = predicted")
        ax.set(xlabel="predicted loss (nats/token)", ylabel="observed loss (nats/token)")
        return ax

    def plot_curve(self, *, ax=None, grid=None, show_runs: bool = True, color=None, label=None, **line_kw):
        """The law of one input over ``grid`` (default: the runs' range), over the runs; returns the Axes.

        ``line_kw`` goes to ``Axes.plot`` (``ls``, ``lw``); ``label`` names the runs, or the
        line when ``show_runs=False``.
        """
        import matplotlib.pyplot as plt

        if len(self.law.inputs) != 1:
            raise AnalysisInputError.about("fit", "a law of one input", f"inputs {list(self.law.inputs)}",
                                           "Use plot_profiles for laws of N and D.")
        ax = ax if ax is not None else plt.gca()
        (name,) = self.law.inputs
        x = self.observed_inputs[name]
        grid = np.geomspace(x.min(), x.max(), 100) if grid is None else np.asarray(grid, dtype=float)
        if show_runs:
            color = ax.scatter(x, self.observed, s=8, color=color, label=label).get_facecolor()[0]
            label = None
        ax.plot(grid, self.predict(**{name: grid}), color=color, label=label, **{"lw": 1} | line_kw)
        ax.set(xscale="log", yscale="log", xlabel=self.inputs[name])
        return ax

    def plot_profiles(self, budgets, *, ax=None, tolerance_dex: float = 0.05, flops_per_token_param: float = 6.0):
        """IsoFLOP profiles: the runs at each compute budget and the fitted loss along it; returns the Axes.

        For laws of ``N`` and ``D``. A run belongs to a budget when its compute
        ``flops_per_token_param * N * D`` lies within ``tolerance_dex`` (decades)
        of it. One viridis colour per budget, explained by a colour bar.
        """
        import matplotlib.pyplot as plt
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import ListedColormap, LogNorm

        if set(self.law.inputs) != {"N", "D"}:
            raise AnalysisInputError.about("fit", "a law of N and D", f"inputs {list(self.law.inputs)}",
                                           "Use plot_curve for laws of one input.")
        budgets = np.sort(check_positive(np.atleast_1d(np.asarray(budgets, dtype=float)), "budgets", ndim=1))
        ax = ax if ax is not None else plt.gca()
        N, D = self.observed_inputs["N"], self.observed_inputs["D"]
        log_c = np.log10(flops_per_token_param * N * D)
        norm = LogNorm(budgets[0], budgets[-1]) if len(budgets) > 1 else LogNorm(budgets[0] / 10, budgets[0])
        cmap = ListedColormap(plt.cm.viridis(np.linspace(0, 0.9, 256)))  # without viridis' faint yellow end
        for c in budgets:
            on = np.abs(log_c - np.log10(c)) <= tolerance_dex
            if not on.any():
                raise AnalysisInputError.about("budgets", "compute budgets of the fitted runs", f"{c:.3g}",
                                               f"No run lies within {tolerance_dex} decades of it.")
            n = np.geomspace(N[on].min() / 1.5, N[on].max() * 1.5, 100)
            ax.scatter(N[on], self.observed[on], s=6, color=cmap(norm(c)))
            ax.plot(n, self.predict(N=n, D=c / (flops_per_token_param * n)), color=cmap(norm(c)), lw=1)
        ax.set(xscale="log", xlabel="parameters $N$", ylabel="final loss (nats/token)")
        ax.figure.colorbar(ScalarMappable(norm, cmap), ax=ax, label="IsoFLOP budget (FLOP)", pad=0.02)
        return ax


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
    n_boot: int = 0,
    ci: float = 0.95,
    rng=None,
    progress: bool | None = None,
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
    n_boot : int
        Bootstrap replicates over runs (0: none).
    ci : float
        Level of the bootstrap percentile intervals.
    rng : None, int or Generator
    progress : bool or None
        Progress bar for the bootstrap.
    """
    law = get_law(law)
    loss = check_choice(loss, "loss", LOSSES)
    if not delta > 0:
        raise AnalysisInputError.about("delta", "a positive Huber threshold", repr(delta), "Pass e.g. delta=1e-3.")
    if loss == "asymmetric" and not 0 < quantile < 1:
        raise AnalysisInputError.about("quantile", "a share in (0, 1)", repr(quantile), "Pass e.g. quantile=0.1.")
    n_boot = check_integer(n_boot, "n_boot", minimum=0)
    ci = check_level(ci, "ci")
    inputs, log_x, log_y = _prepare(data, law, x, y)
    n_params = len(law.theta_names) + (loss == "huber_mle")  # sigma is a parameter of the likelihood
    if len(log_y) <= n_params:
        raise AnalysisInputError.about(
            "data", f"more runs than the {n_params} parameters of the fit", f"{len(log_y)} runs",
            "Add runs or fit a law with fewer parameters.",
        )
    starts = _as_starts(law, starts)
    if starts.shape[1] != len(law.theta_names):
        raise AnalysisInputError.about(
            "starts", f"{len(law.theta_names)} columns ({', '.join(law.theta_names)})", f"shape {starts.shape}",
            "Pass starting points in the law's theta space.",
        )
    objective = _Objective(law, log_x, log_y, loss, delta, quantile)
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
        boot_params, boot_converged = _bootstrap(objective, best_theta, len(log_y), n_boot, check_rng(rng), progress)
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
    if "huber" in loss and fit.share_beyond_delta > _LAD_SHARE:
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


def grid_search(
    data: pd.DataFrame, law, grid: dict, *, x=None, y: str = "loss", loss: str = "huber", delta: float = 1e-3,
    quantile: float = 0.1,
) -> pd.DataFrame:
    """The objective of ``fit_scaling_law`` at every combination of parameter values in ``grid``.

    Evaluated in vectorised batches; for a :class:`CustomLaw` by broadcasting
    over the product grid, so each part of the law is computed once per
    combination of the parameters it uses. Returns one row per grid point (the
    parameters and ``objective``; inf outside the law's bounds), sorted from
    the best; pass the best rows as ``starts`` to :func:`fit_scaling_law` to
    refine them.
    """
    law = get_law(law)
    loss = check_choice(loss, "loss", LOSSES)
    _, log_x, log_y = _prepare(data, law, x, y)
    with np.errstate(invalid="ignore", divide="ignore"):  # points outside the bounds: NaN here, inf below
        theta = _as_starts(law, grid)
    if isinstance(law, CustomLaw) and loss != "huber_mle":
        values = np.where(np.isfinite(theta).all(axis=1), _product_grid_values(law, grid, log_x, log_y, loss, delta,
                                                                                quantile), np.inf)
        mesh = np.meshgrid(*[np.atleast_1d(grid[name]).astype(float) for name in law.param_names], indexing="ij")
        table = pd.DataFrame({name: m.ravel() for name, m in zip(law.param_names, mesh)})
    else:
        values = _Objective(law, log_x, log_y, loss, delta, quantile).values(theta)
        table = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in law.natural(theta).items()})
    table["objective"] = values
    return table.sort_values("objective", kind="stable", ignore_index=True)


def _product_grid_values(law: CustomLaw, grid: dict, log_x, log_y, loss: str, delta: float, quantile: float):
    """Objective at every point of a product grid, flattened in ``meshgrid(indexing="ij")`` order.

    Each parameter gets an axis of its own (the runs the last), so numpy
    broadcasting evaluates every sub-expression of the law once per
    combination of the parameters it uses (``x^-c0`` once per ``c0``). Blocks
    of the leading axes keep the full-size arrays in cache.
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
    for index in itertools.product(*[range(k) for k in sizes[:split]]):
        # a looped parameter at its value index[j]; its leading axes drop out and broadcast back
        params = {name: axes[name][(*([0] * j), index[j])] if j < split else axes[name]
                  for j, name in enumerate(law.param_names)}
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            r = np.log(law.func(**inputs, **params))
            r -= log_y
            if loss == "squared":  # one pass, no temporary
                block = 0.5 * np.einsum("...i,...i->...", r, r)
            else:
                block = _rho_psi(r, loss, delta, quantile)[0].sum(axis=-1)
        out[index] = np.broadcast_to(block, (*[1] * split, *sizes[split:])).reshape(sizes[split:])
    return np.where(np.isfinite(out), out, np.inf).ravel()


def _minimize_annealed(objective: _Objective, starts: np.ndarray):
    """Batched BFGS along the objective's annealing path, then on the objective itself."""
    for smoother in objective.annealing_path():
        starts = minimize_batched(smoother, starts).x
    return minimize_batched(objective, starts)


def _polish(objective: _Objective, batch) -> tuple[np.ndarray, float, bool]:
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


def _bootstrap(objective: _Objective, theta: np.ndarray, n: int, n_boot: int, rng, progress):
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

    results = map_batches(fit_chunk, chunks, len(chunks), progress=progress, desc="bootstrap fits")
    return pd.concat([r[0] for r in results], ignore_index=True), np.concatenate([r[1] for r in results])
