"""The epsilon of a Rashomon set, and conversion between its conventions.

A Rashomon set holds the models whose objective is at most a threshold. Papers
state the threshold in two ways, relative to a baseline objective ``L0`` (the
optimum, or a reference model's objective):

- ``"relative"``: ``L <= L0 (1 + epsilon)`` (TreeFARMS' ``rashomon_bound_multiplier``);
- ``"absolute"``: ``L <= L0 + epsilon``.

The objective may be the loss alone or the regularised objective (loss plus
penalty); every set states which in its ``convention``. The two do not convert
into each other by a single number (the penalty differs between members): a
set on the loss alone is the set with the penalty set to 0.
"""

from __future__ import annotations

from fractions import Fraction

from .._validation import check_choice, check_number
from ..errors import AnalysisInputError

__all__ = ["convert_epsilon", "rashomon_threshold"]

EPSILON_TYPES = ("relative", "absolute")


def check_epsilon(epsilon, epsilon_type: str) -> None:
    """Check an epsilon and its convention."""
    check_choice(epsilon_type, "epsilon_type", EPSILON_TYPES)
    check_number(epsilon, "epsilon", minimum=0, fix="Pass the tolerance, e.g. epsilon=0.05.")


def rashomon_threshold(baseline, epsilon, epsilon_type: str = "relative"):
    """The largest objective in the set: ``baseline (1 + epsilon)`` or ``baseline + epsilon``.

    Exact for :class:`fractions.Fraction` inputs.
    """
    check_epsilon(epsilon, epsilon_type)
    check_number(baseline, "baseline", minimum=0, fix="Pass the optimal objective (a loss, >= 0).")
    return baseline * (1 + epsilon) if epsilon_type == "relative" else baseline + epsilon


def convert_epsilon(epsilon, baseline, *, from_type: str, to_type: str):
    """The epsilon of ``to_type`` giving the same threshold over the same ``baseline`` objective.

    For example a relative 0.05 over an optimum of 0.3 is an absolute 0.015.
    """
    check_epsilon(epsilon, from_type)
    check_choice(to_type, "to_type", EPSILON_TYPES)
    if from_type == to_type:
        return epsilon
    if to_type == "relative" and not baseline > 0:
        raise AnalysisInputError.about("baseline", "a positive objective for a relative epsilon", repr(baseline),
                                       "Use an absolute epsilon when the optimum is 0.")
    threshold = rashomon_threshold(baseline, epsilon, from_type)
    return threshold / baseline - 1 if to_type == "relative" else threshold - baseline


def as_fraction(value, name: str) -> Fraction:
    """``value`` as the exact decimal it was written as (``0.1`` is 1/10, not the nearest double)."""
    try:
        return Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    except (TypeError, ValueError):
        raise AnalysisInputError.about(name, "a number", repr(value), "Pass a float, an int or a Fraction.") from None
