"""The trees of a :class:`~analysis.rashomon.SparseTreeRashomonSet` as a table, as nested dicts and as JSON."""

from __future__ import annotations

import json

import pandas as pd

from .._validation import check_integer
from ..errors import AnalysisInputError

__all__ = ["TreeExport"]


class TreeExport:
    """Export methods of a fitted tree set (mixed into :class:`SparseTreeRashomonSet`)."""

    def _rule(self, entry: int, cache: dict) -> str:
        if entry not in cache:
            t = self._trees
            if t.feature[entry] < 0:
                cache[entry] = str(int(t.label[entry]))
            else:
                cache[entry] = (f"({self.feature_names_[t.feature[entry]]} ? {self._rule(t.right[entry], cache)}"
                                f" : {self._rule(t.left[entry], cache)})")
        return cache[entry]

    def to_frame(self) -> pd.DataFrame:
        """One row per tree, best first: objective, loss, leaves and the tree as ``(feature ? if 1 : if 0)``."""
        trees = self._require_list()
        cache: dict = {}
        return pd.DataFrame({"objective": self.objectives_, "loss": self.losses_, "leaves": self.n_leaves_,
                             "tree": [self._rule(int(r), cache) for r in trees.roots]})

    def tree(self, i: int) -> dict:
        """Tree ``i`` (0 = best) as nested dicts: ``{"feature", "name", "true", "false"}`` or ``{"prediction"}``."""
        trees = self._require_list()
        if not 0 <= check_integer(i, "i", minimum=0) < len(trees.roots):
            raise AnalysisInputError.about("i", f"an index in [0, {len(trees.roots)})", str(i), "Pick a listed tree.")

        def node(entry):
            if trees.feature[entry] < 0:
                return {"prediction": int(trees.label[entry])}
            j = int(trees.feature[entry])
            return {"feature": j, "name": self.feature_names_[j], "true": node(trees.right[entry]),
                    "false": node(trees.left[entry])}

        return node(int(trees.roots[i]))

    def to_json(self, limit: int | None = None) -> str:
        """The convention, the bound and the trees (the best ``limit`` ones) as JSON."""
        n = self.n_trees_ if limit is None else min(limit, self.n_trees_)
        return json.dumps({"convention": self.convention, "optimum": self.optimum_, "threshold": self.threshold_,
                           "n_trees": self.n_trees_,
                           "trees": [dict(objective=float(self.objectives_[i]), **self.tree(i)) for i in range(n)]})
