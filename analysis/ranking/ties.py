"""Bradley-Terry with ties as their own outcome, and with battle covariates (style control).

Tie models (``pi = exp(score)``):

- Davidson (1970): ``P(i > j) = pi_i / D``, ``P(tie) = nu sqrt(pi_i pi_j) / D``,
  ``D = pi_i + pi_j + nu sqrt(pi_i pi_j)``;
- Rao & Kupper (1967): ``P(i > j) = pi_i / (pi_i + theta pi_j)``, ties take the
  rest, ``theta > 1``.

Both are fitted by maximum likelihood (BFGS on the scores and the log of the
tie parameter, with analytic gradients).

Style control (as in LMSYS Chatbot Arena): ``P(a beats b) = sigmoid(s_a - s_b
+ beta . z)`` with ``z`` per-battle covariates (e.g. the normalised difference
in answer length), fitted by Newton's method as a logistic regression. The
scores then rank the systems with the covariates' effect held out.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special

from .._validation import check_array, check_choice, check_consistent_length, check_integer
from ..errors import AnalysisInputError, ConvergenceWarning
from ._inputs import check_ford, system_positions
from .result import Ranking, ranking_table

__all__ = ["StyleControlRanking", "TieModelRanking", "bradley_terry_covariates", "bradley_terry_ties"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class TieModelRanking(Ranking):
    """Scores (centred) and tie parameter of a Davidson or Rao-Kupper fit.

    Attributes
    ----------
    table, method
        As in :class:`Ranking`; ``score`` is the log-strength.
    tie_parameter : float
        Davidson's ``nu`` or Rao-Kupper's ``theta``.
    model : str
    log_likelihood : float
    converged : bool
    """

    tie_parameter: float
    model: str
    log_likelihood: float
    converged: bool

    @property
    def title(self) -> str:
        name = "nu" if self.model == "davidson" else "theta"
        return f"{super().title} ({name} = {self.tie_parameter:.4g})"

    def probabilities(self, a, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``P(a beats b)``, ``P(tie)``, ``P(b beats a)`` under the fit, for systems (or arrays of them)."""
        s = self.table["score"]
        pi, pj = (np.exp(s.to_numpy()[system_positions(x, s.index, name)]) for x, name in ((a, "a"), (b, "b")))
        if self.model == "davidson":
            tie = self.tie_parameter * np.sqrt(pi * pj)
            d = pi + pj + tie
            return pi / d, tie / d, pj / d
        theta = self.tie_parameter
        win, loss = pi / (pi + theta * pj), pj / (pj + theta * pi)
        return win, 1 - win - loss, loss


def _davidson(params, wins, ties, games):
    s, phi = params[:-1], params[-1]
    pi = np.exp(s - s.max())
    root = np.sqrt(pi[:, None] * pi[None, :])
    d = pi[:, None] + pi[None, :] + np.exp(phi) * root
    a, c = pi[:, None] / d, np.exp(phi) * root / d
    upper = np.triu(np.ones_like(d, bool), 1)
    ll = (s @ wins.sum(axis=1) + np.sum(ties[upper] * (phi + (s[:, None] + s[None, :])[upper] / 2))
          - np.sum(games[upper] * (np.log(d[upper]) + s.max())))
    grad_s = wins.sum(axis=1) + ties.sum(axis=1) / 2 - np.sum(games * (a + c / 2), axis=1)
    grad_phi = ties[upper].sum() - np.sum(games[upper] * c[upper])
    return -ll, -np.append(grad_s, grad_phi)


def _rao_kupper(params, wins, ties, games):
    s, phi = params[:-1], params[-1]
    theta = 1 + np.exp(phi)
    pi = np.exp(s - s.max())
    e = pi[:, None] + theta * pi[None, :]  # E_ij = pi_i + theta pi_j
    u, v = pi[:, None] / e, theta * pi[None, :] / e
    m = wins + ties
    np.fill_diagonal(m, 0)
    upper = np.triu(np.ones_like(e, bool), 1)
    ll = (s @ wins.sum(axis=1) + np.sum(ties[upper] * (np.log(theta**2 - 1) + (s[:, None] + s[None, :])[upper]))
          - np.sum(m * (np.log(e) + s.max())))
    grad_s = wins.sum(axis=1) + ties.sum(axis=1) - np.sum(m * u, axis=1) - np.sum(m * v, axis=0)
    grad_theta = ties[upper].sum() * 2 * theta / (theta**2 - 1) - np.sum(m * v) / theta
    return -ll, -np.append(grad_s, grad_theta * (theta - 1))


def bradley_terry_ties(wins, ties, *, systems=None, model: str = "davidson", tol: float = 1e-10) -> TieModelRanking:
    """Maximum-likelihood scores with ties modelled (``model``: ``"davidson"`` or ``"rao_kupper"``).

    Parameters
    ----------
    wins : array, shape (k, k)
        ``wins[i, j]``: decisive wins of ``i`` over ``j``.
    ties : array, shape (k, k)
        Symmetric: ``ties[i, j] = ties[j, i]`` = ties between ``i`` and ``j``.
    systems : sequence of k names, optional
    """
    check_choice(model, "model", ("davidson", "rao_kupper"))
    w, t = check_array(wins, "wins", ndim=2), check_array(ties, "ties", ndim=2)
    k = len(w)
    if w.shape != (k, k) or t.shape != (k, k) or (w < 0).any() or (t < 0).any():
        raise AnalysisInputError.about("wins and ties", "two square matrices of non-negative counts",
                                       f"shapes {w.shape}, {t.shape}", "Count decisive wins and ties per pair.")
    if not np.allclose(t, t.T):
        raise AnalysisInputError.about("ties", "a symmetric matrix (a tie counts for both items)", "asymmetric",
                                       "Pass ties + ties.T if each tie was counted once.")
    if t.sum() == 0:
        raise AnalysisInputError.about("ties", "some ties to estimate the tie parameter from", "none",
                                       "Use bradley_terry for data without ties.")
    # a tie is evidence both ways: the scores exist when wins and ties connect every item both ways
    check_ford(w + t, name="wins and ties", fix="Their scores would be infinite or arbitrary: collect "
                "comparisons that connect the groups, or drop the unbeaten and winless items.")
    games = w + w.T + t
    objective = _davidson if model == "davidson" else _rao_kupper
    start = np.zeros(k + 1)
    res = optimize.minimize(objective, start, args=(w, t, games), jac=True, method="BFGS",
                            options={"gtol": tol * max(1.0, games.sum()), "maxiter": 10_000})
    # BFGS may stop on "precision loss" at the optimum itself: judge by the gradient
    converged = bool(res.success or np.abs(res.jac).max() < 1e-7 * max(1.0, games.sum()))
    if not converged:
        warnings.warn(f"the {model} fit did not converge: {res.message}", ConvergenceWarning, stacklevel=2)
    s = res.x[:-1] - res.x[:-1].mean()
    tie_parameter = float(np.exp(res.x[-1]) if model == "davidson" else 1 + np.exp(res.x[-1]))
    label = "Bradley-Terry with ties (" + ("Davidson" if model == "davidson" else "Rao-Kupper") + ")"
    return TieModelRanking(ranking_table(s, systems), label, tie_parameter, model, float(-res.fun), converged)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class StyleControlRanking(Ranking):
    """Scores with covariate effects held out, and the covariates' coefficients.

    Attributes
    ----------
    table, method
        As in :class:`Ranking`; ``score`` is the log-strength with the covariates held out.
    coef : Series
        One coefficient per covariate (log-odds per unit of the covariate difference).
    coef_se : Series
        Their standard errors, from the observed information at the estimate.
    log_likelihood : float
    """

    coef: pd.Series
    coef_se: pd.Series
    log_likelihood: float


def bradley_terry_covariates(first, second, outcome, n_items: int, covariates, *, systems=None,
                             covariate_names=None, max_iter: int = 100, tol: float = 1e-10) -> StyleControlRanking:
    """Bradley-Terry with per-battle covariates: ``P(first wins) = sigmoid(s_first - s_second + beta . z)``.

    ``outcome`` is 1 when ``first`` won, 0 when ``second`` did, 0.5 for a tie;
    ``covariates`` (n_battles, n_covariates) are differences first minus second
    (e.g. in normalised answer length), named by ``covariate_names``;
    ``systems`` names the items 0..n_items-1.
    """
    n_items = check_integer(n_items, "n_items", minimum=2)
    a, b = np.asarray(first), np.asarray(second)
    y = check_array(outcome, "outcome", ndim=1)
    z = check_array(covariates, "covariates", ndim=(1, 2))
    z = z[:, None] if z.ndim == 1 else z
    check_consistent_length(first=a, second=b, outcome=y, covariates=z)
    if (a == b).any():
        raise AnalysisInputError.about("first and second", "two different systems per battle",
                                       f"{int((a == b).sum())} self-battles", "Drop them.")
    if not ((y >= 0) & (y <= 1)).all():
        raise AnalysisInputError.about("outcome", "1 (first won), 0 (second won) or 0.5 (tie)", "other values",
                                       "Code outcomes from the first system's side.")
    n = len(y)
    rows = np.arange(n)
    design = np.zeros((n, n_items + z.shape[1]))
    design[rows, a] += 1
    design[rows, b] -= 1
    design[:, n_items:] = z
    theta = np.zeros(design.shape[1])
    centre = np.zeros(design.shape[1])
    centre[:n_items] = 1.0 / np.sqrt(n_items)  # the scores' free shift, fixed by a rank-one term
    for _ in range(max_iter):
        p = special.expit(design @ theta)
        grad = design.T @ (y - p)
        hess = (design * (p * (1 - p))[:, None]).T @ design + np.outer(centre, centre)
        step = np.linalg.solve(hess, grad)
        theta += step
        theta[:n_items] -= theta[:n_items].mean()
        if np.abs(step).max() < tol:
            break
    else:
        warnings.warn("style control did not converge", ConvergenceWarning, stacklevel=2)
    logits = design @ theta
    ll = float(np.sum(y * logits - np.logaddexp(0, logits)))
    names = covariate_names if covariate_names is not None else [f"z{c}" for c in range(z.shape[1])]
    # the covariates' block of the inverse information does not depend on how the scores' shift is fixed;
    # here by leaving out the first item's column
    p = special.expit(logits)
    reduced = design[:, 1:]
    covariance = np.linalg.inv((reduced * (p * (1 - p))[:, None]).T @ reduced)
    se = np.sqrt(np.diag(covariance)[n_items - 1:])
    return StyleControlRanking(ranking_table(theta[:n_items], systems), "Bradley-Terry with style control",
                               pd.Series(theta[n_items:], index=names, name="coef"),
                               pd.Series(se, index=names, name="coef_se"), ll)
