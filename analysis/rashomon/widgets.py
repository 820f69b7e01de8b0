"""ipywidgets front-end for a tree Rashomon set: a slider over epsilon."""

from __future__ import annotations

import ipywidgets as widgets

from .._validation import check_number
from ..errors import AnalysisInputError
from .trees import SparseTreeRashomonSet

__all__ = ["TreeSetExplorer", "describe_tree_set"]


def describe_tree_set(rset: SparseTreeRashomonSet, epsilon: float) -> str:
    """One line: trees, prediction patterns, ambiguity and discrepancy within ``epsilon`` of a fitted set."""
    s = _check_set(rset).summary(epsilon)
    return (f"epsilon {epsilon:.3f} (objective <= {s.threshold:.4f}): {s.n_trees:,} trees, "
            f"{s.n_patterns:,} prediction patterns, ambiguity {s.ambiguity:.1%}, discrepancy {s.discrepancy:.1%}")


def _check_set(rset) -> SparseTreeRashomonSet:
    if not isinstance(rset, SparseTreeRashomonSet):
        raise AnalysisInputError.about("rset", "a fitted SparseTreeRashomonSet", type(rset).__name__,
                                       "Pass SparseTreeRashomonSet(...).fit(X, y).")
    return rset


class TreeSetExplorer(widgets.VBox):
    """A slider over epsilon, from 0 to the fitted set's, showing :func:`describe_tree_set`.

    The set is enumerated once at its largest epsilon; smaller sets are its
    best-first prefixes, so moving the slider does not refit.

    Attributes
    ----------
    epsilon : ipywidgets.FloatSlider
    readout : ipywidgets.Label
    """

    def __init__(self, rset: SparseTreeRashomonSet, *, epsilon: float | None = None):
        self.rset = _check_set(rset)
        top = float(rset.epsilon)
        if epsilon is not None and not 0 <= check_number(epsilon, "epsilon", minimum=0) <= top:
            raise AnalysisInputError.about("epsilon", f"a value in [0, {top:g}], the set's epsilon", str(epsilon),
                                           "Fit the set with a larger epsilon to explore beyond it.")
        self.epsilon = widgets.FloatSlider(value=top if epsilon is None else epsilon, min=0.0, max=top,
                                           step=top / 50, description="epsilon", readout_format=".3f",
                                           continuous_update=False)
        self.readout = widgets.Label(value=describe_tree_set(rset, self.epsilon.value))
        self.epsilon.observe(self._update, names="value")
        super().__init__([self.epsilon, self.readout])

    def _update(self, change) -> None:
        self.readout.value = describe_tree_set(self.rset, change["new"])
