"""The result of a scaling-law fit: parameters, diagnostics, bootstrap, predictions and plots."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._resample import column_intervals, percentile_interval
from .._results import ConfidenceInterval, Result
from .._validation import check_choice, check_columns, check_number, check_positive, check_rng
from ..errors import AnalysisInputError
from .laws import CustomLaw, ScalingLaw, log_inputs

__all__ = ["ScalingLawFit"]

LAD_SHARE = 0.75  # above this share of residuals beyond delta, a Huber fit is close to LAD


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
        return column_intervals(self.boot_params, ci=self.ci)

    def derived(self, quantities: dict) -> pd.DataFrame:
        """Functions of the parameters with bootstrap standard errors and percentile intervals.

        ``quantities``: name -> ``f(p)``, where ``p`` maps parameter names to
        floats (the estimate) or to arrays with one value per replicate (the
        bootstrap, so ``f`` must work elementwise, as ``p["beta"] / (p["alpha"]
        + p["beta"])`` does). Returns one row per quantity: ``estimate``, ``se``,
        ``low``, ``high`` (NaN without a bootstrap) and ``n_finite``, the
        replicates giving a finite value.
        """
        if not isinstance(quantities, dict) or not quantities or not all(map(callable, quantities.values())):
            raise AnalysisInputError.about("quantities", "a dict of name -> function of the parameters",
                                           repr(quantities)[:80],
                                           'Pass e.g. {"a": lambda p: p["beta"] / (p["alpha"] + p["beta"])}.')
        rows = {}
        for name, func in quantities.items():
            row = {"estimate": float(func(self.params)), "se": np.nan, "low": np.nan, "high": np.nan, "n_finite": 0}
            if self.boot_params is not None:
                replicates = np.broadcast_to(np.asarray(func({k: v.to_numpy() for k, v in self.boot_params.items()}),
                                                        dtype=float), (len(self.boot_params),))
                finite = replicates[np.isfinite(replicates)]
                interval = percentile_interval(finite, ci=self.ci) if len(finite) else None
                row |= {"se": float(np.std(finite, ddof=1)) if len(finite) > 1 else np.nan,
                        "low": float(interval.low) if interval else np.nan,
                        "high": float(interval.high) if interval else np.nan,
                        "n_finite": len(finite)}
            rows[name] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    @property
    def notes(self) -> tuple[str, ...]:
        notes = [f"objective: {self.loss}" + (f" (delta = {self.delta:g})" if "huber" in self.loss else "")
                 + (f" (quantile = {self.quantile:g})" if self.loss == "asymmetric" else "")
                 + f" on log-loss residuals, value {self.objective:.6g} over {self.n_runs} runs",
                 f"{self.n_at_best} of {self.n_starts} starts reached the best objective"]
        if "huber" in self.loss and self.share_beyond_delta > LAD_SHARE:
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
        log_x = self._log_inputs(data, inputs)
        return np.exp(self.law.log_predict(self.law.theta(self.params)[None], log_x)[0])

    def _log_inputs(self, data: pd.DataFrame | None, inputs: dict) -> np.ndarray:
        """The logs of the law's inputs, ``(m, n_inputs)``, from ``data``'s columns or from keyword values."""
        if data is not None:
            check_columns(data, self.inputs.values())
            inputs = {name: data[col].to_numpy() for name, col in self.inputs.items()}
        return log_inputs(self.law.inputs, inputs)

    def bootstrap_draws(self, data: pd.DataFrame | None = None, *, kind: str = "confidence", rng=None,
                        **inputs) -> np.ndarray:
        """The bootstrap fits' predicted losses at new inputs, shape (n_boot, m).

        ``kind="confidence"``: each bootstrap fit's prediction (the spread of
        the law); ``kind="prediction"``: each shifted by a residual drawn from
        the fit's residuals (in log space), so it also carries the run-to-run
        scatter of one new run.
        """
        check_choice(kind, "kind", ("confidence", "prediction"))
        rng = check_rng(rng)
        if self.boot_params is None:
            raise AnalysisInputError.about(
                "fit", "a fit with a bootstrap", "n_boot=0", "Refit with fit_scaling_law(..., n_boot=1000)."
            )
        log_x = self._log_inputs(data, inputs)
        theta = self.law.theta({k: self.boot_params[k].to_numpy() for k in self.law.param_names}).T
        log_pred = self.law.log_predict(theta, log_x)
        if kind == "prediction":
            log_pred = log_pred - self.residuals[rng.integers(0, len(self.residuals), log_pred.shape)]
        return np.exp(log_pred)

    def predict_interval(self, data: pd.DataFrame | None = None, *, kind: str = "confidence", rng=None, **inputs):
        """Bootstrap interval of the predicted loss at new inputs, at the fit's level ``ci``: percentiles of
        :meth:`bootstrap_draws` of that ``kind``.

        Returns a DataFrame with columns ``estimate``, ``low``, ``high``.
        """
        draws = self.bootstrap_draws(data, kind=kind, rng=rng, **inputs)
        interval = percentile_interval(draws, ci=self.ci)
        return pd.DataFrame({"estimate": self.predict(data, **inputs), "low": interval.low, "high": interval.high})

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
        budgets = np.sort(np.atleast_1d(check_positive(budgets, "budgets", ndim=(0, 1))))
        tolerance_dex = check_number(tolerance_dex, "tolerance_dex", minimum=0, strict=True)
        flops_per_token_param = check_number(flops_per_token_param, "flops_per_token_param", minimum=0, strict=True)
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
