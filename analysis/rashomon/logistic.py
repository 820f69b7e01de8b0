"""The Rashomon set of L2-regularised logistic regression: a convex set.

With ``L(w) = mean log-loss + l2_penalty / 2 |coef|^2`` (the intercept is not
penalised; ``l2_penalty = 1 / (C n)`` in scikit-learn's ``LogisticRegression(C)``),
the set ``{w : L(w) <= threshold}`` is convex, so the range of any linear
function of the coefficients (one coefficient, or a prediction's log-odds) is
attained on its boundary. We find it exactly: the maximiser of ``c . w`` over
the set lies on the path ``w(t) = argmin L(w) - t c . w``, and Newton's method
on ``t`` finds the point where ``L(w(t))`` meets the threshold.

Without a penalty, two things can make the set unbounded. Directions that
change no prediction (linearly dependent columns) leave the loss flat: ranges
along them are infinite, and reported so. On (weakly) separable classes the
loss has no minimiser at all, which a linear program detects before fitting.

Uniform samples come exactly from rejection in the box of coefficient
ranges, or, in higher dimensions, from hit-and-run (Smith 1984): a Markov
chain whose stationary law is uniform on the set, so its samples are
approximately uniform after ``burn_in`` steps and correlated within a chain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special

from .._validation import check_array, check_choice, check_consistent_length, check_integer, check_number, check_rng
from ..errors import AnalysisInputError, FitError
from ._base import RashomonSet
from .epsilon import check_epsilon, rashomon_threshold
from .ranges import RashomonRanges
from .ratio import RashomonRatio, check_box, monte_carlo_ratio

__all__ = ["LogisticRashomonSet"]


class LogisticRashomonSet(RashomonSet):
    """Every (L2-regularised) logistic regression within epsilon of the best.

    Parameters
    ----------
    epsilon, epsilon_type : float, {'relative', 'absolute'}
        Tolerance on the objective ``L``.
    l2_penalty : float
        ``l2_penalty / 2 |coef|^2`` is added to the mean log-loss (the intercept
        is not penalised).
    fit_intercept : bool

    Attributes (after ``fit``)
    --------------------------
    coef_ : array, shape (d,)
    intercept_ : float
    weights_ : array, shape (d + fit_intercept,)
        The optimum as one weight vector: coefficients, then the intercept.
    optimum_, threshold_ : float
    bounded_ : bool
    """

    def __init__(self, epsilon: float = 0.05, *, epsilon_type: str = "relative", l2_penalty: float = 0.0,
                 fit_intercept: bool = True):
        self.epsilon = epsilon
        self.epsilon_type = epsilon_type
        self.l2_penalty = l2_penalty
        self.fit_intercept = fit_intercept

    # --- the objective --------------------------------------------------------------

    def _design(self, X) -> np.ndarray:
        return np.column_stack([X, np.ones(len(X))]) if self.fit_intercept else X

    def _penalty_mask(self) -> np.ndarray:
        mask = np.ones(self._A.shape[1])
        if self.fit_intercept:
            mask[-1] = 0.0
        return mask

    def objective(self, weights) -> np.ndarray:
        """``L`` of weight rows ``[coef, intercept]``, shape (m,) for (m, d + 1) weights."""
        W = np.atleast_2d(check_array(weights, "weights", ndim=(1, 2)))
        if W.shape[1] != self._A.shape[1]:
            raise AnalysisInputError.about("weights", f"{self._A.shape[1]} weights per row (coefficients"
                                           + (", then the intercept)" if self.fit_intercept else ")"),
                                           f"{W.shape[1]}", "Pass rows as sample() returns them.")
        Z = self._A @ W.T
        loss = self._weight @ (np.logaddexp(0, Z) - self._y[:, None] * Z)
        return loss + self.l2_penalty / 2 * np.sum(W**2 * self._penalty_mask(), axis=1)

    def _grad_hess(self, w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        z = self._A @ w
        p = special.expit(z)
        value = self._weight @ (np.logaddexp(0, z) - self._y * z) + self.l2_penalty / 2 * np.sum(w**2 * self._mask)
        grad = self._A.T @ (self._weight * (p - self._y)) + self.l2_penalty * self._mask * w
        hess = (self._A * (self._weight * p * (1 - p))[:, None]).T @ self._A + np.diag(self.l2_penalty * self._mask)
        return value, grad, hess

    def _minimise(self, w: np.ndarray, tilt: np.ndarray, max_iter: int = 100) -> np.ndarray | None:
        """argmin ``L(w) - tilt . w`` by damped Newton from ``w``; None if it has no minimiser."""
        previous = np.inf
        for _ in range(max_iter):
            value, grad, hess = self._grad_hess(w)
            g = grad - tilt
            step = np.linalg.lstsq(hess, g, rcond=None)[0]  # minimum norm: stays off flat directions
            decrement = g @ step
            if decrement < 1e-28 or (decrement < 1e-16 and decrement >= previous):  # at the minimiser, or at round-off
                return w
            previous = decrement
            if decrement < 1e-10:  # quadratic convergence: the full step, which objective values too close to
                w = w - step       # compare in floating point could not confirm
                continue
            f0, s = value - tilt @ w, 1.0
            while s > 1e-12:
                trial = w - s * step
                f1 = self.objective(trial)[0] - tilt @ trial
                if f1 <= f0 - 1e-4 * s * (g @ step):
                    break
                s /= 2
            w = trial
            if np.abs(w).max() > 1e8:
                return None
        return w

    # --- fitting ----------------------------------------------------------------------

    def fit(self, X, y) -> LogisticRashomonSet:
        """Fit the optimum and find in which directions the set is unbounded."""
        check_epsilon(self.epsilon, self.epsilon_type)
        X = check_array(X, "X", ndim=2)
        y = check_array(y, "y", ndim=1)
        check_consistent_length(X=X, y=y)
        if not np.isin(y, (0, 1)).all() or len(np.unique(y)) < 2:
            raise AnalysisInputError.about("y", "labels 0 and 1, both present", f"values {np.unique(y)[:5]}",
                                           "Encode the two classes as 0 and 1.")
        check_number(self.l2_penalty, "l2_penalty", minimum=0, fix="Pass e.g. l2_penalty=0.01.")
        # the objective only sees distinct (row, label) pairs and how often each occurs
        rows, counts = np.unique(np.column_stack([self._design(X), y]), axis=0, return_counts=True)
        self._A, self._y, self._weight = rows[:, :-1], rows[:, -1], counts / len(y)
        self._mask = self._penalty_mask()
        if self.l2_penalty == 0 and self._separable():
            raise AnalysisInputError.about(
                "X, y", "overlapping classes for an unpenalised fit", "(weakly) separable classes: the log-loss "
                "has no minimiser", "Pass l2_penalty > 0.")
        if self.l2_penalty == 0:  # directions that leave every prediction unchanged: L is flat along them
            _, sv, vt = np.linalg.svd(self._A, full_matrices=True)
            rank = int(np.sum(sv > sv.max() * max(self._A.shape) * np.finfo(float).eps))
            self._flat = vt[rank:].T
        else:
            self._flat = np.zeros((self._A.shape[1], 0))
        w = self._minimise(np.zeros(self._A.shape[1]), np.zeros(self._A.shape[1]))
        if w is None:
            raise FitError("Newton's method did not converge on the logistic objective")
        self._w = self.weights_ = w
        self.coef_ = w[:-1] if self.fit_intercept else w
        self.intercept_ = float(w[-1]) if self.fit_intercept else 0.0
        self.optimum_ = float(self.objective(w)[0])
        self.threshold_ = float(rashomon_threshold(self.optimum_, self.epsilon, self.epsilon_type))
        self.bounded_ = self._flat.shape[1] == 0
        self._hess = self._grad_hess(w)[2]
        return self

    def _separable(self) -> bool:
        """Whether some direction pushes no row to the wrong side and some to the right one (an LP)."""
        signed = self._A * (2 * self._y - 1)[:, None]
        res = optimize.linprog(-signed.sum(axis=0), A_ub=-signed, b_ub=np.zeros(len(signed)),
                               bounds=[(-1, 1)] * signed.shape[1], method="highs")
        return res.status == 0 and -res.fun > 1e-9

    @property
    def convention(self) -> str:
        """The set's definition in words."""
        bound = (f"optimum x (1 + {self.epsilon:g})" if self.epsilon_type == "relative"
                 else f"optimum + {self.epsilon:g}")
        penalty = f" + {self.l2_penalty:g}/2 |coef|^2" if self.l2_penalty else ""
        return f"logistic regressions with mean log-loss{penalty} <= {bound} = {self.threshold_:.6g}"

    # --- extremes -----------------------------------------------------------------------

    def _extreme(self, c: np.ndarray) -> np.ndarray | None:
        """The weights maximising ``c . w`` over the set (on its boundary); None if unbounded along ``c``."""
        if np.abs(self._flat.T @ c).max(initial=0.0) > 1e-9 * np.abs(c).max():
            return None
        slack = self.threshold_ - self.optimum_
        if slack <= 0 or not np.any(c):
            return self._w.copy()
        curvature = c @ np.linalg.lstsq(self._hess, c, rcond=None)[0]
        t = np.sqrt(2 * slack / curvature)  # exact for a quadratic objective
        w, low, high = self._w.copy(), 0.0, np.inf
        for _ in range(100):
            trial = self._minimise(w, t * c)
            if trial is None:  # t too large: no minimiser
                high = t
                t = (low + t) / 2
                continue
            value, _, hess = self._grad_hess(trial)
            gap = value - self.threshold_
            if abs(gap) <= 1e-11 * max(1.0, abs(self.threshold_)):
                return trial
            if gap < 0:
                low, w = t, trial
            else:
                high = t
            t_next = t - gap / (t * (c @ np.linalg.lstsq(hess, c, rcond=None)[0]))
            t = t_next if low < t_next < high else (low + high) / 2 if np.isfinite(high) else 2 * t
        raise FitError("the boundary search along a direction did not converge")

    def _range(self, c: np.ndarray) -> tuple[float, float]:
        """Lowest and highest ``c . w`` over the set (infinite where it is unbounded)."""
        top, bottom = self._extreme(c), self._extreme(-c)
        return (-np.inf if bottom is None else float(c @ bottom), np.inf if top is None else float(c @ top))

    def coefficient_ranges(self, feature_names=None) -> RashomonRanges:
        """Lowest and highest value of every coefficient (and the intercept) over the set.

        Coefficients are named by ``feature_names``, else ``x0``, ``x1``, ...
        """
        d = self._A.shape[1]
        rows = [(self._w[j], *self._range(np.eye(d)[j])) for j in range(d)]
        names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(d - self.fit_intercept)]
        if self.fit_intercept:
            names.append("intercept")
        table = pd.DataFrame(rows, index=names, columns=["optimum", "low", "high"]).rename_axis("coefficient")
        return RashomonRanges(table, "coefficient", self.convention, "logistic regression")

    def logit_range(self, X) -> pd.DataFrame:
        """Lowest and highest log-odds over the set at each row of ``X``: ``optimum``, ``low``, ``high``."""
        A = self._design(check_array(X, "X", ndim=2))
        rows = [(a @ self._w, *self._range(a)) for a in A]
        return pd.DataFrame(rows, columns=["optimum", "low", "high"])

    # --- sampling --------------------------------------------------------------------------

    def _chord(self, W: np.ndarray, U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per chain, the step sizes ``s`` where ``L(w + s u)`` meets the threshold, below and above 0.

        ``g(s) = L(w + s u) - threshold`` is convex with ``g(0) <= 0``; Newton's
        method from a point beyond the root approaches it monotonically.
        """
        Z, V = self._A @ W.T, self._A @ U.T  # (n, chains)
        Wp, Up = W * self._mask, U * self._mask

        def g_and_slope(s):
            z = Z + s * V
            loss = self._weight @ (np.logaddexp(0, z) - self._y[:, None] * z)
            penalty = self.l2_penalty / 2 * np.sum((Wp + s[:, None] * Up) * (W + s[:, None] * U), axis=1)
            slope = self._weight @ ((special.expit(z) - self._y[:, None]) * V)
            slope += self.l2_penalty * np.sum((Wp + s[:, None] * Up) * U, axis=1)
            return loss + penalty - self.threshold_, slope

        p0 = special.expit(Z)
        curvature = self._weight @ (p0 * (1 - p0) * V**2) + self.l2_penalty * np.sum(Up * U, axis=1)
        start = np.sqrt(2 * np.maximum(-g_and_slope(np.zeros(len(W)))[0], 1e-300) / curvature)
        ends = []
        for sign in (1.0, -1.0):
            s = sign * start  # the root if L were quadratic
            while np.any(short := g_and_slope(s)[0] < 0):
                s = np.where(short, 2 * s, s)
                if np.abs(s).max() > 1e12:
                    raise FitError("the set looks unbounded along a sampled direction")
            for _ in range(50):
                g, slope = g_and_slope(s)
                step = g / slope
                s = s - step
                if g.max() <= 1e-13 * max(1.0, abs(self.threshold_)) or np.all(np.abs(step) <= 1e-14 * np.abs(s)):
                    break
            ends.append(s)
        return ends[1], ends[0]

    def sample(self, n_samples: int, *, rng=None, method: str = "hit_and_run", burn_in: int = 200, thin: int = 5,
               n_chains: int = 32, max_draws: int = 10_000_000) -> np.ndarray:
        """Weights ``[coef, intercept]`` drawn uniformly from the set, shape ``(n_samples, d + 1)``.

        ``method="rejection"`` is exactly uniform: uniform draws from the box of
        exact coefficient ranges, kept when inside the set (practical while the
        set fills a fair share of its box; it gives up after ``max_draws``).
        ``"hit_and_run"`` (Smith 1984) is approximately uniform in any
        dimension: ``n_chains`` chains start at the optimum, run ``burn_in``
        steps, then keep every ``thin``-th state; directions are Gaussian in the
        metric of the Hessian at the optimum, which speeds mixing on elongated sets.
        """
        n_samples = check_integer(n_samples, "n_samples")
        burn_in = check_integer(burn_in, "burn_in", minimum=0)
        thin, n_chains = check_integer(thin, "thin"), check_integer(n_chains, "n_chains")
        check_choice(method, "method", ("hit_and_run", "rejection"))
        rng = check_rng(rng)
        if not self.bounded_:
            raise AnalysisInputError.about(
                "the Rashomon set", "a bounded set to sample uniformly", "an unbounded set (collinear columns)",
                "Add a penalty (l2_penalty > 0) or drop linearly dependent columns.")
        if method == "rejection":
            return self._sample_rejection(n_samples, rng, max_draws)
        chol = np.linalg.cholesky(np.linalg.inv(self._hess))
        W = np.repeat(self._w[None, :], n_chains, axis=0)
        out = []
        steps = burn_in + thin * -(-n_samples // n_chains)
        for step in range(steps):
            U = rng.normal(size=W.shape) @ chol.T
            low, high = self._chord(W, U)
            W = W + rng.uniform(low, high)[:, None] * U
            if step >= burn_in and (step - burn_in) % thin == thin - 1:
                out.append(W.copy())
        return np.concatenate(out)[:n_samples]

    def _sample_rejection(self, n_samples: int, rng, max_draws: int) -> np.ndarray:
        box = self.coefficient_ranges().to_frame()[["low", "high"]].to_numpy()
        kept, drawn = [], 0
        while sum(len(k) for k in kept) < n_samples:
            if drawn >= max_draws:
                raise AnalysisInputError.about(
                    "method", "a set that fills enough of its box for rejection sampling",
                    f"{sum(len(k) for k in kept)} of {drawn} box draws inside",
                    "Use method='hit_and_run'.")
            draws = rng.uniform(box[:, 0], box[:, 1], size=(min(100_000, max_draws - drawn), len(box)))
            drawn += len(draws)
            kept.append(draws[self.objective(draws) <= self.threshold_])
        return np.concatenate(kept)[:n_samples]

    def rashomon_ratio(self, low, high, *, n_samples: int = 100_000, rng=None) -> RashomonRatio:
        """Share of the box ``[low, high]`` of weights (coefficients, then the intercept) inside the set.

        A Monte Carlo estimate from ``n_samples`` uniform draws, with its standard error.
        """
        low, high = check_box(low, high, len(self._w))
        return monte_carlo_ratio(lambda w: self.objective(w) <= self.threshold_, low, high, n_samples, rng)

    def mask_boundary(self, i: int, j: int, n_angles: int = 180) -> pd.DataFrame:
        """The halo of features ``i`` and ``j``: masks ``(m_i, m_j)`` scaling their coefficients
        on the set's boundary, one per direction from ``(1, 1)``, others fixed at the optimum.

        Returns ``angle``, ``m_i``, ``m_j`` and the boundary ``weights`` (an object column of arrays).
        """
        n_angles = check_integer(n_angles, "n_angles", minimum=3)
        for name, value in (("i", i), ("j", j)):
            if check_integer(value, name, minimum=0) >= len(self.coef_):
                raise AnalysisInputError.about(name, f"a feature index below {len(self.coef_)}", str(value),
                                               "Pass the column positions of two features of X.")
        angles = np.linspace(0, 2 * np.pi, n_angles, endpoint=False)
        U = np.zeros((n_angles, len(self._w)))
        U[:, i] = np.cos(angles) * self._w[i]
        U[:, j] = np.sin(angles) * self._w[j]
        W = np.repeat(self._w[None, :], n_angles, axis=0)
        _, high = self._chord(W, U)
        boundary = W + high[:, None] * U
        return pd.DataFrame({"angle": angles, "m_i": 1 + high * np.cos(angles), "m_j": 1 + high * np.sin(angles),
                             "weights": list(boundary)})
