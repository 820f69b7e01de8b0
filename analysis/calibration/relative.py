"""Relative confidence from pairwise preferences ('Language Models Prefer What They Know').

Instead of asking a model how confident it is in one answer, ask which of two
questions it is more confident to answer correctly. The preferences between
many pairs become one score per question by a pairwise-comparison model
(Bradley-Terry, or Elo averaged over shuffles, shared with
:mod:`analysis.ranking`); a monotone map fitted on held-out correctness turns
the scores into probabilities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from .._validation import check_array, check_choice, check_integer, check_rng
from ..errors import AnalysisInputError
from ..ranking import bradley_terry, elo_ratings, win_matrix

__all__ = ["relative_confidence", "simulate_confidence_preferences"]


def relative_confidence(
    first, second, prefers_first, n_questions: int, *, method: str = "bradley_terry", prior: float = 1.0,
    n_shuffles: int = 100, rng=None,
) -> np.ndarray:
    """One confidence score per question from pairwise preferences.

    Parameters
    ----------
    first, second : arrays of int, shape (n_pairs,)
        The two questions of each comparison.
    prefers_first : array of bool, shape (n_pairs,)
        Whether the model was more confident about ``first``.
    method : {'bradley_terry', 'elo'}
        Bradley-Terry scores with ``prior`` virtual ties per pair (a question
        preferred in every one of its comparisons would otherwise get an
        infinite score), or Elo ratings averaged over ``n_shuffles`` orders.

    Returns
    -------
    array, shape (n_questions,)
        Higher means more confident; only the order and spacing matter.
    """
    check_choice(method, "method", ("bradley_terry", "elo"))
    n_questions = check_integer(n_questions, "n_questions", minimum=2)
    first, second = np.asarray(first), np.asarray(second)
    prefers = check_array(prefers_first, "prefers_first", ndim=1).astype(bool)
    if len(prefers) != len(first):
        raise AnalysisInputError.about("prefers_first", f"{len(first)} entries", f"{len(prefers)}",
                                       "One preference per pair.")
    winner, loser = np.where(prefers, first, second), np.where(prefers, second, first)
    if method == "elo":
        ranking = elo_ratings(winner, loser, n_questions, n_shuffles=n_shuffles, rng=rng)
    else:
        ranking = bradley_terry(win_matrix(winner, loser, n_questions), prior=prior)
    return ranking.scores.sort_index().to_numpy()


def simulate_confidence_preferences(
    n_questions: int = 400, n_pairs: int = 4000, *, sharpness: float = 2.0, overconfidence: float = 1.5,
    verbal_noise: float = 0.6, rng=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Questions, answers, verbalised confidences and pairwise preferences of a simulated model.

    The generating process:

    - question ``q`` is answered correctly with probability ``pi_q ~ Beta(2, 1.2)``;
      ``correct_q ~ Bernoulli(pi_q)``;
    - the verbalised (absolute) confidence is
      ``sigmoid(overconfidence * logit(pi_q) + N(0, verbal_noise))`` rounded to the
      grid 0.5, 0.6, ..., 1.0 and floored at 0.5: coarse and over-confident;
    - in each of ``n_pairs`` random pairs the model prefers ``q1`` with
      probability ``sigmoid(sharpness * (logit(pi_q1) - logit(pi_q2)))``.

    Returns
    -------
    questions : DataFrame
        ``pi``, ``correct``, ``verbal_confidence`` per question.
    pairs : DataFrame
        ``first``, ``second``, ``prefers_first`` per comparison.
    """
    n_questions = check_integer(n_questions, "n_questions", minimum=2)
    n_pairs = check_integer(n_pairs, "n_pairs")
    rng = check_rng(rng)
    pi = rng.beta(2.0, 1.2, n_questions)
    correct = (rng.uniform(size=n_questions) < pi).astype(int)
    logit = special.logit(np.clip(pi, 1e-6, 1 - 1e-6))
    verbal = special.expit(overconfidence * logit + rng.normal(0, verbal_noise, n_questions))
    verbal = np.clip(np.round(verbal * 10) / 10, 0.5, 1.0)
    first = rng.integers(0, n_questions, n_pairs)
    second = (first + rng.integers(1, n_questions, n_pairs)) % n_questions  # never the same question
    prefers = rng.uniform(size=n_pairs) < special.expit(sharpness * (logit[first] - logit[second]))
    questions = pd.DataFrame({"pi": pi, "correct": correct, "verbal_confidence": verbal})
    pairs = pd.DataFrame({"first": first, "second": second, "prefers_first": prefers})
    return questions, pairs
