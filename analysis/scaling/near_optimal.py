"""The Rashomon set of a scaling-law fit: every parameter vector almost as good as the best.

For a fit with objective ``F`` and optimum ``F*``, the near-optimal set is

    S(epsilon) = {theta : F(theta) <= F* + epsilon |F*|}

(``(1 + epsilon) F*`` for the usual positive objectives), in the law's own
parameters: log-coefficients and exponents for a :class:`ScalingLaw`, the
bounded transforms of a :class:`CustomLaw`. Working in log-coefficients keeps
the constraint smooth enough for SLSQP; in raw coefficients it diverges.

The range of a quantity ``q`` over ``S`` is searched in two steps. First the
Lagrangian ``F(theta) / |F*| - lambda asinh(+-q(theta) / |q*|)`` is minimised
for a ladder of multipliers ``lambda``, the ladders of every quantity (or every
point of a band) in one batch (batched BFGS; the asinh keeps a
quantity that grows exponentially, such as a coefficient or an allocation,
from running away at the first multiplier that moves it); along the ladder the
minimisers move out from the optimum, and the last one inside ``S`` lies on its
boundary, refined by bisection in ``lambda``. SLSQP then starts from that
boundary point, with the constraint already active (from the optimum itself,
where the constraint is slack and its gradient vanishes, SLSQP's subproblems
are unbounded). Members drawn from ``S`` compete too. The set is not convex, so
the ranges are inner approximations: every reported end is a member (its
objective is checked; an SLSQP end just outside is pulled back towards the
optimum), but a wider member elsewhere cannot be excluded. Members are drawn
by hit-and-run with slice sampling's stepping out and shrinkage along each
direction (Neal 2003), which samples the uniform distribution on a set that
need not be convex.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize

from .._results import Result
from .._validation import check_array, check_columns, check_integer, check_number, check_positive, check_rng
from ..errors import AnalysisInputError
from ._optimize import minimize_batched
from .fit_result import ScalingLawFit
from .objectives import Objective

__all__ = ["NearOptimalSet", "matching_epsilon", "near_optimal_set"]

_ENDS = (("low", -1), ("high", 1))
_ROW = np.zeros(1, dtype=int)
_BOX = 10.0  # half-width of SLSQP's box around the optimum, in the law's parameters
_LADDER = (1e-6, 1e3)  # Lagrange multipliers tried first, in units of |F*| / |q(optimum)|
_LADDER_STEPS = 16
_LADDER_ROUNDS = 3  # refinements of the multiplier at the boundary
_PULL_BACK_STEPS = 60  # bisection steps towards the optimum for an SLSQP end just outside the set
_STEP_OUT = 30  # most unit steps out of a hit-and-run bracket
_BURN_IN = 50  # hit-and-run moves before the first member is kept
_THIN = 10  # moves between kept members


def near_optimal_set(
    fit: ScalingLawFit, epsilon: float = 0.01, quantities: dict[str, Callable] | None = None, *,
    n_members: int = 200, rng=None,
) -> NearOptimalSet:
    """Every parameter vector within ``epsilon`` of a fit's optimum, with the ranges of its quantities.

    Parameters
    ----------
    fit : ScalingLawFit
        The fit whose law, data and objective define the set.
    epsilon : float
        Relative slack: members have objective at most ``F* + epsilon |F*|``.
    quantities : dict of str to callable, optional
        Derived quantities, each a map from the named parameters (a dict of
        arrays of shape ``(m,)``) to values of shape ``(m,)``; e.g.
        ``{"a": lambda p: p["beta"] / (p["alpha"] + p["beta"])}``. Every
        parameter is a quantity too.
    n_members : int
        Members drawn from the set (hit-and-run). They and the ends found for
        every quantity compete for the ends of every range; a better one
        starts another SLSQP run.
    rng : None, int or Generator
        For the members drawn.
    """
    if not isinstance(fit, ScalingLawFit):
        raise AnalysisInputError.about("fit", "a ScalingLawFit", type(fit).__name__, "Pass fit_scaling_law(...).")
    epsilon = check_number(epsilon, "epsilon", minimum=0, fix="Pass a relative slack such as epsilon=0.01.")
    n_members = check_integer(n_members, "n_members", minimum=0)
    rng = check_rng(rng)
    quantities = dict(quantities or {})
    clash = sorted(set(quantities) & set(fit.law.param_names))
    if clash or not all(callable(q) for q in quantities.values()):
        raise AnalysisInputError.about(
            "quantities", "callables under names other than the parameters'",
            f"names {clash}" if clash else "a value that is not callable",
            "Every parameter is already a quantity; name derived ones e.g. 'a' or 'tokens_per_param'.",
        )
    objective = Objective(fit.law, np.log(np.column_stack([fit.observed_inputs[k] for k in fit.law.inputs])),
                          np.log(fit.observed), fit.loss, fit.delta, fit.quantile or 0.1)
    optimum = fit.law.theta(fit.params)
    space = _Space(objective, optimum, fit.objective + epsilon * abs(fit.objective), abs(fit.objective))
    named = {name: _parameter(fit.law, name) for name in fit.law.param_names} | {
        name: _derived(fit.law, func) for name, func in quantities.items()}
    for name, q in named.items():
        if not np.isfinite(q(optimum[None])[0]):
            raise AnalysisInputError.about("quantities", "a finite value at the fit's optimum",
                                           f"{q(optimum[None])[0]} for {name!r}", "Check the quantity's formula.")
    ends = {}
    funcs = list(named.values())

    def q_batch(theta, problems):  # quantity problems[k] at row k
        out = np.empty(len(theta))
        for b in np.unique(problems):
            out[problems == b] = funcs[b](theta[problems == b])
        return out

    for end, sign in _ENDS:  # one batch of ladders per end, then SLSQP from each
        starts = space.ladders(q_batch, len(funcs), sign)
        ends |= {(name, end): space.polish(q, sign, start) for (name, q), start in zip(named.items(), starts)}
    ends = {(name, end): ends[(name, end)] for name in named for end, _ in _ENDS}
    shape = _shape(np.vstack(list(ends.values())) - optimum)  # the ends span the set: they shape the moves
    members = space.sample(n_members, shape, rng) if n_members else np.empty((0, optimum.size))
    pool = np.vstack([members, *ends.values()])  # every member found competes for every end
    rows = []
    for name, q in named.items():
        for end, sign in _ENDS:
            best = pool[np.argmax(_score(q, sign, pool))]
            if _score(q, sign, best[None])[0] > _score(q, sign, ends[(name, end)][None])[0]:
                ends[(name, end)] = space.polish(q, sign, best)
        low, high, at = q(np.vstack([ends[(name, "low")], ends[(name, "high")], optimum]))
        rows.append({"quantity": name, "low": low, "high": high, "at_optimum": at})
    index = pd.MultiIndex.from_tuples(list(ends), names=["quantity", "end"])
    return NearOptimalSet(fit=fit, epsilon=epsilon, bound=space.bound,
                          ranges=pd.DataFrame(rows).set_index("quantity"),
                          extremes=pd.DataFrame(fit.law.natural(np.vstack(list(ends.values()))), index=index),
                          quantities=quantities, _space=space, _shape=shape)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class NearOptimalSet(Result):
    """The near-optimal set of a scaling-law fit.

    Attributes
    ----------
    fit : ScalingLawFit
    epsilon, bound : float
        The relative slack and the objective bound ``F* + epsilon |F*|``.
    ranges : DataFrame
        Indexed by quantity (the parameters, then the derived ones); columns
        ``low``, ``high`` (the range over the set) and ``at_optimum``.
    extremes : DataFrame
        Indexed by (quantity, ``"low"`` | ``"high"``); one column per
        parameter: the member attaining that end.
    quantities : dict
        The derived quantities, by name.
    """

    fit: ScalingLawFit
    epsilon: float
    bound: float
    ranges: pd.DataFrame
    extremes: pd.DataFrame
    quantities: dict
    _space: _Space
    _shape: np.ndarray

    @property
    def title(self) -> str:
        return f"Near-optimal set of the {self.fit.law.name} fit, epsilon = {self.epsilon:g}"

    @property
    def notes(self) -> tuple[str, ...]:
        return (f"Members have objective at most {self.bound:.6g} (the optimum's {self.fit.objective:.6g} plus "
                f"{self.epsilon:g} of its size). Ranges are inner approximations (a Lagrangian search, then SLSQP): "
                "every end is a checked member, but the set is not convex.",)

    def to_frame(self) -> pd.DataFrame:
        return self.ranges.reset_index()

    def objective(self, params: pd.DataFrame) -> np.ndarray:
        """The fit's objective at parameter rows (one column per parameter), shape (m,)."""
        check_columns(params, self.fit.law.param_names, name="params")
        theta = self.fit.law.theta({k: check_array(params[k], "params", ndim=1)
                                    for k in self.fit.law.param_names}).T
        return self._space.objective.values(np.atleast_2d(theta))

    def sample(self, n: int, *, rng=None) -> pd.DataFrame:
        """``n`` members drawn uniformly from the set (in the law's parameters), one row each."""
        n = check_integer(n, "n", minimum=1)
        theta = self._space.sample(n, self._shape, check_rng(rng))
        return pd.DataFrame(self.fit.law.natural(theta))

    def predict_band(self, **inputs) -> pd.DataFrame:
        """The lowest and highest prediction over the set at each point of ``inputs`` (arrays of one length).

        Returns a DataFrame with the inputs, ``loss`` (the fit's prediction),
        ``low`` and ``high``: each end searched as the ranges' are, and never
        inside the predictions of the ranges' extremes.
        """
        law = self.fit.law
        missing = [k for k in law.inputs if k not in inputs]
        if missing:
            raise AnalysisInputError.about("inputs", f"values for {list(law.inputs)}", f"none for {missing}",
                                           f"Pass e.g. predict_band({', '.join(f'{k}=...' for k in law.inputs)}).")
        columns = {k: check_positive(np.atleast_1d(inputs[k]), k, ndim=1) for k in law.inputs}
        if len({len(v) for v in columns.values()}) > 1:
            raise AnalysisInputError.about("inputs", "arrays of one length", "different lengths",
                                           "Pass one value of each input per point.")
        log_x = np.log(np.column_stack([columns[k] for k in law.inputs]))
        pool = np.vstack([self._space.optimum, law.theta({k: self.extremes[k].to_numpy()
                                                          for k in law.param_names}).T])
        starts = {sign: self._space.ladders(lambda t, pr: law.log_predict_rows(t, log_x[pr])[0], len(log_x), sign,
                                            lambda t, pr: law.log_predict_rows(t, log_x[pr])[1]) for sign in (-1, 1)}
        low, high = [], []
        for b, point in enumerate(log_x):
            q = lambda theta, point=point: law.log_predict(theta, point[None])[:, 0]
            ends = [self._space.polish(q, sign, starts[sign][b]) for sign in (-1, 1)]
            values = q(np.vstack([pool, *ends]))
            low.append(values.min())
            high.append(values.max())
        return pd.DataFrame({**columns, "loss": np.exp(law.log_predict(self._space.optimum[None], log_x)[0]),
                             "low": np.exp(low), "high": np.exp(high)})


def matching_epsilon(sets, intervals: pd.DataFrame) -> pd.Series:
    """For each quantity of ``intervals``, the epsilon at which the near-optimal set's range is as wide.

    ``sets`` are :class:`NearOptimalSet` results of one fit at several
    epsilons; ``intervals`` has rows indexed by quantity with ``low`` and
    ``high`` (e.g. the bootstrap's). The width of each quantity's range grows
    with epsilon; the matching epsilon is interpolated linearly in log epsilon
    between the sets. NaN where the interval is narrower than the smallest
    set's range or wider than the largest's (outside the epsilons studied).
    """
    sets = sorted(sets, key=lambda s: s.epsilon)
    if len(sets) < 2 or not all(isinstance(s, NearOptimalSet) for s in sets):
        raise AnalysisInputError.about("sets", "two or more NearOptimalSet results at different epsilons",
                                       f"{len(sets)} of types {sorted({type(s).__name__ for s in sets})}",
                                       "Pass [near_optimal_set(fit, eps, ...) for eps in epsilons].")
    if sets[0].epsilon <= 0:
        raise AnalysisInputError.about("sets", "positive epsilons (the interpolation is in log epsilon)",
                                       f"epsilon {sets[0].epsilon:g}", "Leave out the set at epsilon 0.")
    check_columns(intervals, ["low", "high"], name="intervals")
    log_eps = np.log([s.epsilon for s in sets])
    out = {}
    for name, row in intervals.iterrows():
        if name not in sets[0].ranges.index:
            raise AnalysisInputError.about("intervals", "quantities the sets range over",
                                           f"{name!r}", f"Use some of {list(sets[0].ranges.index)}.")
        widths = np.array([s.ranges.loc[name, "high"] - s.ranges.loc[name, "low"] for s in sets])
        target = float(row["high"] - row["low"])
        inside = widths[0] <= target <= widths[-1]
        out[name] = float(np.exp(np.interp(target, np.maximum.accumulate(widths), log_eps))) if inside else np.nan
    return pd.Series(out, name="epsilon").rename_axis("quantity")


def _parameter(law, name: str) -> Callable[[np.ndarray], np.ndarray]:
    return lambda theta: law.natural(theta)[name]


def _derived(law, func: Callable) -> Callable[[np.ndarray], np.ndarray]:
    """``func`` of the named parameters, as a map from rows ``theta`` ``(m, p)`` to values ``(m,)``."""
    def value(theta):
        with np.errstate(all="ignore"):  # far from the optimum a quantity may overflow: such points never win
            out = np.asarray(func(law.natural(theta)), dtype=float)
        if out.shape != (len(theta),):
            raise AnalysisInputError.about("quantities", f"{len(theta)} values for {len(theta)} parameter rows",
                                           f"an output of shape {out.shape}",
                                           "Write the quantity with numpy operations on the parameter arrays.")
        return out
    return value


@dataclasses.dataclass(frozen=True)
class _Space:
    """The sublevel set ``{theta : F(theta) <= bound}`` around the optimum; ``size`` is ``|F*|``."""

    objective: Objective
    optimum: np.ndarray
    bound: float
    size: float

    def inside(self, theta: np.ndarray) -> np.ndarray:
        return self.objective.values(np.atleast_2d(theta)) <= self.bound

    def pull_back(self, theta: np.ndarray) -> np.ndarray:
        """``theta`` if a member, else the last member on the segment from the optimum (by bisection)."""
        if self.inside(theta)[0]:
            return theta
        lo, hi = 0.0, 1.0
        for _ in range(_PULL_BACK_STEPS):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if self.inside(self.optimum + mid * (theta - self.optimum))[0] else (lo, mid)
        return self.optimum + lo * (theta - self.optimum)

    def polish(self, q: Callable, sign: int, x0: np.ndarray) -> np.ndarray:
        """SLSQP from the member ``x0`` towards larger ``sign * q``; the better of ``x0`` and its result."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = optimize.minimize(
                lambda t: -sign * q(t[None])[0], x0, method="SLSQP",
                bounds=[(c - _BOX, c + _BOX) for c in self.optimum],
                constraints=[{"type": "ineq", "fun": lambda t: self.bound - self.objective.values(t[None])[0],
                              "jac": lambda t: -self.objective(t[None], _ROW)[1][0]}],
                options={"maxiter": 500, "ftol": 1e-14},
            )
        candidates = np.vstack([x0, self.pull_back(res.x)]) if np.all(np.isfinite(res.x)) else x0[None]
        return candidates[np.argmax(_score(q, sign, candidates))]

    def ladders(self, q: Callable, n_problems: int, sign: int, q_grad: Callable | None = None) -> np.ndarray:
        """For each of ``n_problems`` quantities, the member of largest ``sign * q`` among the minimisers of
        the Lagrangian over a ladder of multipliers, the step across the boundary bisected (in log multiplier)
        ``_LADDER_ROUNDS`` times; shape (n_problems, p). All problems run in one batch.

        ``q(theta, problems)``: the quantity of problem ``problems[k]`` at row ``theta[k]``, shape (m,);
        ``q_grad`` likewise its gradient, shape (m, p) (default: central differences).
        """
        problems = np.arange(n_problems)
        at = np.abs(q(np.repeat(self.optimum[None], n_problems, axis=0), problems))
        at = np.where(at > 0, at, 1.0)
        gain = lambda theta, pr: np.arcsinh(sign * q(theta, pr) / at[pr])  # grows with sign * q, at most like log

        def gain_grad(theta, pr):
            if q_grad is None:
                return _gradient(lambda t: gain(t, pr), theta)
            return (sign / at[pr] / np.sqrt(1 + (q(theta, pr) / at[pr]) ** 2))[:, None] * q_grad(theta, pr)

        def minimisers(lambdas):  # lambdas (n_problems, steps)
            owner = np.repeat(problems, lambdas.shape[1])
            flat = lambdas.ravel()

            def fun_grad(theta, rows):
                f, g = self.objective(theta, np.zeros(len(theta), dtype=int))
                pr = owner[rows]
                return (f / self.size - flat[rows] * gain(theta, pr),
                        g / self.size - flat[rows][:, None] * gain_grad(theta, pr))
            with np.errstate(all="ignore"):
                x = minimize_batched(fun_grad, np.repeat(self.optimum[None], len(flat), axis=0), max_iter=200).x
            return x.reshape(n_problems, lambdas.shape[1], -1)

        lambdas = np.tile(np.geomspace(*_LADDER, _LADDER_STEPS), (n_problems, 1))
        best = np.repeat(self.optimum[None], n_problems, axis=0)
        best_score = _score(lambda t: q(t, problems), sign, best)
        best_lambda = np.zeros(n_problems)
        for _ in range(_LADDER_ROUNDS + 1):
            theta = minimisers(lambdas)
            for b in problems:
                inside = self.inside(theta[b])
                if inside.any():
                    scores = _score(lambda t, b=b: q(t, np.full(len(t), b)), sign, theta[b][inside])
                    k = np.argmax(scores)
                    if scores[k] > best_score[b]:
                        best[b], best_score[b], best_lambda[b] = theta[b][inside][k], scores[k], lambdas[b][inside][k]
            refined = []
            for b in problems:
                above = lambdas[b][lambdas[b] > best_lambda[b]]
                top = above.min() if above.size else lambdas[b].max() * 10
                lo = np.log(best_lambda[b]) if best_lambda[b] > 0 else np.log(_LADDER[0]) - 3
                refined.append(np.exp(np.linspace(lo, np.log(top), _LADDER_STEPS + 2)[1:-1]))
            lambdas = np.array(refined)
        return best

    def sample(self, n: int, shape: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``n`` members by hit-and-run from the optimum, shape (n, p): after ``_BURN_IN`` moves, every
        ``_THIN``-th. Directions are ``shape @ z`` for standard normal ``z``."""
        theta = self.optimum.copy()
        for _ in range(_BURN_IN):
            theta = self._step(theta, shape, rng)
        out = []
        for _ in range(n):
            for _ in range(_THIN):
                theta = self._step(theta, shape, rng)
            out.append(theta)
        return np.array(out)

    def _step(self, theta: np.ndarray, shape: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One hit-and-run move: a random direction, then slice sampling's stepping out and shrinkage on it."""
        z = rng.normal(size=theta.size)
        direction = shape @ (z / np.linalg.norm(z))  # about the set's extent along it
        lo = -rng.uniform()  # a bracket of width 1 around the current point, then out in steps of 1
        hi = lo + 1.0
        left = int(rng.integers(_STEP_OUT))  # Neal's (2003) split of the step limit keeps the move reversible
        right = _STEP_OUT - 1 - left
        while left > 0 and self.inside(theta + lo * direction)[0]:
            lo, left = lo - 1.0, left - 1
        while right > 0 and self.inside(theta + hi * direction)[0]:
            hi, right = hi + 1.0, right - 1
        while True:  # shrink towards the current point until a draw lands inside (t = 0 always does)
            t = rng.uniform(lo, hi)
            if self.inside(theta + t * direction)[0]:
                return theta + t * direction
            if t < 0:
                lo = t
            else:
                hi = t


def _gradient(q: Callable, theta: np.ndarray) -> np.ndarray:
    """Central differences of ``q`` at rows ``theta`` ``(m, p)``, shape (m, p)."""
    step = 1e-6 * np.maximum(1.0, np.abs(theta))
    grads = []
    for j in range(theta.shape[1]):
        shift = np.zeros_like(theta)
        shift[:, j] = step[:, j]
        grads.append((q(theta + shift) - q(theta - shift)) / (2 * step[:, j]))
    return np.column_stack(grads)


def _score(q: Callable, sign: int, theta: np.ndarray) -> np.ndarray:
    """``sign * q`` at rows ``theta``, with -inf where ``q`` is not finite."""
    value = sign * q(theta)
    return np.where(np.isfinite(value), value, -np.inf)


def _shape(spread: np.ndarray) -> np.ndarray:
    """A square root ``L`` (p, p) of the second moments of the rows ``spread`` (ends minus the optimum),
    with a floor of 1e-3 of the largest variance on the diagonal, so that every direction is reachable."""
    moments = spread.T @ spread / max(len(spread), 1)
    moments += np.eye(len(moments)) * max(1e-3 * np.max(np.diag(moments)), 1e-12)
    return np.linalg.cholesky(moments)
