"""Functional forms of scaling laws, evaluated in log space.

A law maps inputs (model size ``N``, tokens ``D``, compute ``C``, ...) to a
predicted loss. For fitting, each law has an unconstrained parameter vector
``theta`` in which it is smooth; :meth:`ScalingLaw.natural` converts ``theta``
to the named parameters users report (``A``, ``alpha``, ...).

Sums of power laws use the parameterisation of Hoffmann et al. (2022, eq. 10,
appendix D.2): with ``a = log A``, ``b = log B`` and ``e = log E``,

    log L(N, D) = logsumexp(a - alpha log N, b - beta log D, e),

which keeps every coefficient positive and evaluates stably for any size.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
from collections.abc import Callable

import numpy as np

from .._validation import check_choice, check_integer, check_positive
from ..errors import AnalysisInputError

__all__ = [
    "LAWS",
    "CustomLaw",
    "ScalingLaw",
    "broken_power_law",
    "chinchilla",
    "get_law",
    "power_law",
    "saturating_power_law",
]


@dataclasses.dataclass(frozen=True)
class ScalingLaw:
    """A sum of power laws with an optional irreducible term.

    ``L(x) = E + sum_j C_j x_j^(-k_j)`` where term ``j`` uses input ``j``.

    Attributes
    ----------
    name : str
    inputs : tuple of str
        One input name per power-law term (``("N", "D")`` for Chinchilla).
    coefficients, exponents : tuple of str
        Names of the coefficient and exponent of each term.
    constant : str or None
        Name of the irreducible loss, or None for a pure power law.
    formula : str
        The law in readable form.
    """

    name: str
    inputs: tuple[str, ...]
    coefficients: tuple[str, ...]
    exponents: tuple[str, ...]
    constant: str | None
    formula: str

    @property
    def n_terms(self) -> int:
        return len(self.inputs)

    @property
    def theta_names(self) -> tuple[str, ...]:
        """Names of the optimisation parameters: log-coefficients, log-constant, exponents."""
        logs = tuple(f"log {c}" for c in self.coefficients)
        const = (f"log {self.constant}",) if self.constant else ()
        return logs + const + self.exponents

    @property
    def param_names(self) -> tuple[str, ...]:
        """Names of the reported parameters, in the order of ``theta``."""
        const = (self.constant,) if self.constant else ()
        return self.coefficients + const + self.exponents

    def log_predict(self, theta: np.ndarray, log_x: np.ndarray) -> np.ndarray:
        """Predicted log-loss ``(k, n)`` for parameter rows ``theta`` ``(k, p)`` at ``log_x`` ``(n, m)``."""
        return self.log_predict_vjp(theta, log_x)[0]

    def log_predict_vjp(self, theta: np.ndarray, log_x: np.ndarray):
        """Predicted log-loss ``(k, n)`` and its vector-Jacobian product.

        The second value is a function taking ``u`` ``(k, n)`` and returning
        ``sum_n u[:, n] * d pred[:, n] / d theta``, shape ``(k, p)``.
        """
        out, shares = self._log_sum(np.atleast_2d(theta), lambda j: log_x[:, j])

        def vjp(u: np.ndarray) -> np.ndarray:
            scaled = [u * share for share in shares]
            grads = [sc.sum(axis=1) for sc in scaled]
            grads += [-(scaled[j] @ log_x[:, j]) for j in range(self.n_terms)]
            return np.column_stack(grads)

        return out, vjp

    def log_predict_rows(self, theta: np.ndarray, log_x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predicted log-loss ``(k,)`` of parameter row ``k`` at input row ``k`` of ``log_x`` ``(k, m)``, and
        its gradient in ``theta``, ``(k, p)``."""
        out, shares = self._log_sum(np.atleast_2d(theta), lambda j: log_x[:, j : j + 1])
        shares = [share[:, 0] for share in shares]
        grads = shares + [-shares[j] * log_x[:, j] for j in range(self.n_terms)]
        return out[:, 0], np.column_stack(grads)

    def _log_sum(self, theta: np.ndarray, log_input) -> tuple[np.ndarray, list[np.ndarray]]:
        """The log of the sum of the law's terms, and each term's share of the sum; ``log_input(j)`` is the
        log of input ``j``, broadcast against ``(k, 1)``."""
        t = self.n_terms
        expo = theta[:, theta.shape[1] - t :]
        logs = [theta[:, j : j + 1] - expo[:, j : j + 1] * log_input(j) for j in range(t)]
        if self.constant:
            logs.append(np.broadcast_to(theta[:, t : t + 1], logs[0].shape))
        top = logs[0]
        for term in logs[1:]:
            top = np.maximum(top, term)
        # floor at exp(-700): subnormal numbers are slow and their share is negligible
        weights = [np.exp(np.maximum(term - top, -700.0)) for term in logs]
        total = sum(weights)
        return top + np.log(total), [w / total for w in weights]

    def natural(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Named parameters (coefficients and constant exponentiated) from ``theta`` ``(..., p)``."""
        theta = np.asarray(theta, dtype=float)
        n_logs = self.n_terms + bool(self.constant)
        values = np.concatenate([np.exp(theta[..., :n_logs]), theta[..., n_logs:]], axis=-1)
        return {name: values[..., i] for i, name in enumerate(self.param_names)}

    def theta(self, params: dict[str, float]) -> np.ndarray:
        """``theta`` from named parameters (the inverse of :meth:`natural`)."""
        n_logs = self.n_terms + bool(self.constant)
        values = [params[name] for name in self.param_names]
        return np.array([np.log(v) for v in values[:n_logs]] + values[n_logs:], dtype=float)

    def start_grid(self) -> np.ndarray:
        """The grid of starting points of Hoffmann et al. (2022), appendix D.2.

        Exponents in {0, 0.5, ..., 2}, log-constant in {-1, -0.5, ..., 1},
        log-coefficients in {0, 5, ..., 25}: 4500 starts for Chinchilla.
        """
        log_coef = np.arange(0.0, 30.0, 5.0)
        log_const = np.arange(-1.0, 1.5, 0.5)
        expo = np.arange(0.0, 2.5, 0.5)
        axes = [log_coef] * self.n_terms + ([log_const] if self.constant else []) + [expo] * self.n_terms
        return np.array(list(itertools.product(*axes)), dtype=float)

    def __call__(self, params: dict[str, float], **inputs) -> np.ndarray:
        """The predicted loss at the given inputs, e.g. ``law(params, N=1e9, D=2e10)``."""
        return np.exp(self.log_predict(self.theta(params)[None], log_inputs(self.inputs, inputs))[0])


def log_inputs(names: tuple[str, ...], inputs: dict) -> np.ndarray:
    """The logs of a law's inputs as columns, ``(m, len(names))``: positive numbers or 1-d arrays of one length
    (scalars broadcast)."""
    missing = [name for name in names if name not in inputs]
    if missing:
        raise AnalysisInputError.about("inputs", f"values for {list(names)}", f"none for {missing}",
                                       f"Pass e.g. {', '.join(f'{n}=...' for n in names)}.")
    values = [np.atleast_1d(check_positive(inputs[name], name, ndim=(0, 1))) for name in names]
    length = max(len(v) for v in values)
    if length == 0 or any(len(v) not in (1, length) for v in values):
        raise AnalysisInputError.about("inputs", "values of one length (or single values)",
                                       f"lengths {[len(v) for v in values]}", "Pass one value of each input per point.")
    return np.log(np.column_stack([np.broadcast_to(v, length) for v in values]))


chinchilla = ScalingLaw(
    name="chinchilla",
    inputs=("N", "D"),
    coefficients=("A", "B"),
    exponents=("alpha", "beta"),
    constant="E",
    formula="L(N, D) = E + A / N^alpha + B / D^beta",
)

saturating_power_law = ScalingLaw(
    name="saturating_power_law",
    inputs=("x",),
    coefficients=("A",),
    exponents=("alpha",),
    constant="E",
    formula="L(x) = E + A x^-alpha",
)

power_law = ScalingLaw(
    name="power_law",
    inputs=("x",),
    coefficients=("A",),
    exponents=("alpha",),
    constant=None,
    formula="L(x) = A x^-alpha",
)

LAWS = {law.name: law for law in (chinchilla, saturating_power_law, power_law)}


class CustomLaw:
    """A user-supplied law fitted by the same machinery as the built-in ones.

    Parameters
    ----------
    func : callable
        ``func(x1, ..., p1, ...)`` returning the predicted loss (positive). It
        is called with every input as an array of shape ``(1, n)`` and every
        parameter as an array of shape ``(k, 1)``, and must broadcast to ``(k, n)``.
    inputs : tuple of str
        Names of the inputs, in the order of the data columns ``x``.
    bounds : dict of str to (low, high)
        Every other argument of ``func`` with its bounds (``-np.inf``/``np.inf``
        for none). Parameters are optimised in an unconstrained space: a logistic
        map between two finite bounds, an exponential above a lower bound.
    formula : str, optional
    name : str, optional

    Gradients are central finite differences in the unconstrained space.
    """

    def __init__(self, func: Callable, inputs, bounds: dict, *, formula: str | None = None, name: str | None = None):
        self.func, self.inputs = func, tuple(inputs)
        self.bounds = {k: (float(lo), float(hi)) for k, (lo, hi) in bounds.items()}
        self.name = name or getattr(func, "__name__", "custom")
        self.formula = formula or f"{self.name}({', '.join(self.inputs)})"
        arguments = list(inspect.signature(func).parameters)
        if sorted(arguments) != sorted((*self.inputs, *self.bounds)):
            raise AnalysisInputError.about(
                "bounds", f"bounds for exactly the parameters of {self.name}: "
                f"{[a for a in arguments if a not in self.inputs]}", f"bounds for {list(self.bounds)}",
                "Give one (low, high) pair per parameter, and list the inputs in `inputs`.",
            )
        bad = [k for k, (lo, hi) in self.bounds.items() if not lo < hi]
        if bad:
            raise AnalysisInputError.about("bounds", "low < high for every parameter", f"not for {bad}", "Fix them.")

    @property
    def theta_names(self) -> tuple[str, ...]:
        return tuple(self.bounds)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(self.bounds)

    def natural(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        theta = np.asarray(theta, dtype=float)
        out = {}
        for i, (name, (lo, hi)) in enumerate(self.bounds.items()):
            u = theta[..., i]
            if np.isfinite(lo) and np.isfinite(hi):
                out[name] = lo + (hi - lo) / (1 + np.exp(-u))
            elif np.isfinite(lo):
                out[name] = lo + np.exp(u)
            elif np.isfinite(hi):
                out[name] = hi - np.exp(u)
            else:
                out[name] = u
        return out

    def theta(self, params: dict) -> np.ndarray:
        values = []
        for name, (lo, hi) in self.bounds.items():
            v = np.asarray(params[name], dtype=float)
            if np.isfinite(lo) and np.isfinite(hi):
                values.append(np.log((v - lo) / (hi - v)))
            elif np.isfinite(lo):
                values.append(np.log(v - lo))
            elif np.isfinite(hi):
                values.append(np.log(hi - v))
            else:
                values.append(v)
        return np.array(values, dtype=float)

    def start_grid(self) -> np.ndarray:
        """Three starts per parameter (at 20%, 50% and 80% of a bounded range), all combinations."""
        return np.array(list(itertools.product(*[[-1.4, 0.0, 1.4]] * len(self.bounds))), dtype=float)

    def log_predict(self, theta: np.ndarray, log_x: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        params = {k: v[:, None] for k, v in self.natural(theta).items()}
        inputs = {name: np.exp(log_x[:, j])[None, :] for j, name in enumerate(self.inputs)}
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return np.log(np.broadcast_to(self.func(**inputs, **params), (len(theta), len(log_x))))

    def log_predict_vjp(self, theta: np.ndarray, log_x: np.ndarray):
        theta = np.atleast_2d(theta)
        out = self.log_predict(theta, log_x)
        steps = 1e-6 * np.maximum(1.0, np.abs(theta))

        def vjp(u: np.ndarray) -> np.ndarray:
            grads = []
            for j in range(theta.shape[1]):
                shift = np.zeros_like(theta)
                shift[:, j] = steps[:, j]
                diff = self.log_predict(theta + shift, log_x) - self.log_predict(theta - shift, log_x)
                grads.append(np.sum(u * diff, axis=1) / (2 * steps[:, j]))
            return np.column_stack(grads)

        return out, vjp

    def __call__(self, params: dict, **inputs) -> np.ndarray:
        """The predicted value at the given inputs, e.g. ``law(params, x=[1e3, 1e4])``."""
        return np.exp(self.log_predict(self.theta(params)[None], log_inputs(self.inputs, inputs))[0])


def broken_power_law(n_breaks: int = 1) -> CustomLaw:
    """The broken neural scaling law of Caballero et al. (2023), eq. 1, with ``n_breaks`` breaks.

    ``y = a + b x^(-c0) prod_i (1 + (x / d_i)^(1 / f_i))^(-c_i f_i)``: each break
    at ``d_i`` changes the slope by ``c_i`` with sharpness ``f_i``.
    """
    n_breaks = check_integer(n_breaks, "n_breaks")
    names = ["a", "b", "c0"] + [f"{p}{i}" for i in range(1, n_breaks + 1) for p in ("c", "d", "f")]

    def law(x, **p):
        y = p["b"] * x ** -p["c0"]
        for i in range(1, n_breaks + 1):
            c, d, f = p[f"c{i}"], p[f"d{i}"], p[f"f{i}"]
            y = y * (1 + (x / d) ** (1 / f)) ** (-c * f)
        return p["a"] + y

    law.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in ["x", *names]]
    )
    inf = np.inf
    bounds = {"a": (0.0, inf), "b": (0.0, inf), "c0": (-2.0, 2.0)}
    for i in range(1, n_breaks + 1):
        bounds |= {f"c{i}": (-2.0, 2.0), f"d{i}": (0.0, inf), f"f{i}": (0.0, inf)}
    return CustomLaw(law, ("x",), bounds, name=f"broken_power_law_{n_breaks}",
                     formula="y = a + b x^-c0 prod_i (1 + (x / d_i)^(1 / f_i))^(-c_i f_i)")


def get_law(law: str | ScalingLaw | CustomLaw) -> ScalingLaw | CustomLaw:
    """A law by name, or the law itself."""
    if isinstance(law, ScalingLaw | CustomLaw):
        return law
    return LAWS[check_choice(law, "law", tuple(LAWS))]
