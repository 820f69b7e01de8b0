"""Errors and warnings raised by :mod:`analysis`.

Every message names the argument, what was expected, what was found and what
to do about it, so that a user can fix the call without reading the source.
"""

from __future__ import annotations

__all__ = [
    "AnalysisInputError", "ConvergenceWarning", "FigureStyleWarning", "FitError", "LeastAbsoluteDeviationWarning",
]


class AnalysisInputError(ValueError):
    """Bad input to a public function: wrong shape, type, range or missing column.

    Build messages with :meth:`about` so they all read the same way.
    """

    @classmethod
    def about(cls, name: str, expected: str, found: str, fix: str) -> AnalysisInputError:
        """An error for argument ``name``: expected ..., found ...; what to do."""
        return cls(f"`{name}`: expected {expected}, found {found}. {fix}")


class FitError(RuntimeError):
    """A fit that could not produce an estimate at all (not merely a poor one)."""


class ConvergenceWarning(UserWarning):
    """A fit returned an estimate, but its optimiser did not report convergence."""


class FigureStyleWarning(UserWarning):
    """A saved figure breaks a rule of the paper style, such as text too small to read in print."""


class LeastAbsoluteDeviationWarning(UserWarning):
    """A Huber fit whose residuals mostly exceed delta: in effect a least-absolute-deviation fit."""
