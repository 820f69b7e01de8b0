"""The Rashomon set of sparse decision trees on 0/1 features, enumerated exactly.

A tree splits on 0/1 features, at most ``max_depth`` times along any path, and
each leaf predicts a label. Its objective is the misclassification rate plus
``regularization`` per leaf; the set holds every tree whose objective is at
most ``optimum (1 + epsilon)`` (``epsilon_type="relative"``) or
``optimum + epsilon`` (``"absolute"``), compared in exact arithmetic.

Conventions (TreeFARMS' by default, Xin et al. 2022; its trees equal ours one
for one on the same data and settings):

- depth: ``max_depth`` counts splits (a stump has ``max_depth=1``). TreeFARMS'
  ``depth_budget`` counts the root as depth 1: ``depth_budget = max_depth + 1``.
- leaves predict the majority label, 1 on a tie (``leaf_labels="majority"``);
  ``"any"`` also admits the minority label, as tools that count every labelling do.
- a split whose two children are leaves with the same label predicts exactly
  what one leaf does; these trivial extensions are left out unless
  ``trivial_extensions=True``.
- a split must send rows to both sides.
- the penalty is ``regularization`` exactly (some tools round ``regularization x n``
  to an integer number of errors; to match them pass that rounded value over ``n``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from .._bits import as_words
from .._resample import map_batches
from .._results import Result
from .._validation import check_array, check_choice, check_consistent_length, check_integer, check_number
from ..errors import AnalysisInputError
from . import _tree_search as search
from ._base import RashomonSet
from ._inputs import check_binary
from .epsilon import EPSILON_TYPES, as_fraction, rashomon_threshold
from .ratio import RashomonRatio
from .tree_export import TreeExport
from .tree_importance import TreeImportance

__all__ = ["SparseTreeRashomonSet", "TreeSetSummary"]


_TREES_PER_BLOCK = 1 << 16  # whole trees predicted at once when streaming over a set
_CELLS_PER_BLOCK = 1 << 24  # tree x row cells a streamed step unpacks at once


def _prediction_blocks(trees: search.Trees, rows: np.ndarray, n: int | None = None,
                       block: int = _TREES_PER_BLOCK) -> Iterator[np.ndarray]:
    """Predictions of the best ``n`` listed trees (all by default) on 0/1 rows (m, p), best first, in blocks of
    ``block`` trees as packed bits (block, ceil(m / 8)): memory for one block and for the shared subtrees, whatever
    the set's size."""
    bits = np.packbits(rows.T, axis=1)  # (p, m/8)
    below = np.flatnonzero(trees.level > 0)  # subtrees: predicted once, shared by the trees
    slot = np.zeros(len(trees.key), dtype=np.int64)  # a subtree's row in `shared`
    slot[below] = np.arange(len(below))
    shared = np.empty((len(below), bits.shape[1]), dtype=np.uint8)

    def predict(entries: np.ndarray) -> np.ndarray:
        feature = trees.feature[entries]
        split = feature >= 0
        pred = np.where(trees.label[entries] == 1, 0xFF, 0x00).astype(np.uint8)[:, None].repeat(bits.shape[1], 1)
        f, parents = bits[feature[split]], entries[split]
        pred[split] = (f & shared[slot[trees.right[parents]]]) | (~f & shared[slot[trees.left[parents]]])
        return pred

    for k in np.unique(trees.level[below])[::-1]:  # children sit one level deeper
        level = below[trees.level[below] == k]
        shared[slot[level]] = predict(level)
    roots = trees.roots[:n]
    padding = np.uint8((0xFF << (-len(rows) % 8)) & 0xFF)  # the last byte's bits that hold rows
    for start in range(0, len(roots), block):
        predicted = predict(roots[start:start + block])
        predicted[:, -1] &= padding  # bits past the last row are zero, so equal predictions pack equally
        yield predicted


def _predict_packed(trees: search.Trees, rows: np.ndarray) -> np.ndarray:
    """Predictions of every listed tree on 0/1 rows (m, p): packed bits, shape (n_trees, ceil(m / 8))."""
    blocks = list(_prediction_blocks(trees, rows))
    return np.concatenate(blocks) if blocks else np.zeros((0, -(-len(rows) // 8)), np.uint8)


def _n_distinct_rows(packed: np.ndarray) -> int:
    return len(np.unique(np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()))


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class TreeSetSummary(Result):
    """Size and predictive multiplicity of a tree Rashomon set (on the training data).

    Attributes
    ----------
    n_trees, n_patterns : int
        Trees in the set, and distinct vectors of training predictions among them.
    optimum, threshold : float
        Best objective and the set's bound on it.
    ambiguity, discrepancy : float
        Marx, Calmon & Ustun (2020), against the optimal tree.
    convention : str
    """

    n_trees: int
    n_patterns: int
    optimum: float
    threshold: float
    ambiguity: float
    discrepancy: float
    convention: str

    @property
    def title(self) -> str:
        return "Rashomon set of sparse decision trees"

    @property
    def notes(self) -> tuple[str, ...]:
        return (self.convention,)

    def to_frame(self) -> pd.DataFrame:
        names = ["n_trees", "n_patterns", "optimum", "threshold", "ambiguity", "discrepancy"]
        return pd.DataFrame({"quantity": names, "value": [getattr(self, n) for n in names]})


class SparseTreeRashomonSet(TreeExport, TreeImportance, RashomonSet):
    """Every sparse decision tree within epsilon of the best, on 0/1 features.

    Parameters
    ----------
    max_depth : int
        Splits along any path (TreeFARMS' ``depth_budget`` minus 1).
    regularization : float
        Penalty per leaf, in units of the misclassification rate; taken as the
        exact decimal written (0.01 is 1/100).
    epsilon, epsilon_type : float, {'relative', 'absolute'}
        The set's tolerance on the regularised objective.
    leaf_labels : {'majority', 'any'}
    trivial_extensions : bool
    reference_objective : float, optional
        Take the bound from this objective (a reference model's) instead of the optimum.
    enumerate : bool
        False only counts the trees (by objective), which stays fast for sets
        far too large to list; ``predict`` and the measures need the list.
    max_trees : int
        Refuse to list more trees than this (count them with ``enumerate=False``).

    Attributes (after ``fit``)
    --------------------------
    n_trees_ : int
    optimum_, threshold_ : float
        Best objective, and the largest objective in the set.
    objective_counts_ : Series
        Trees per objective value (also when only counted).
    objectives_, losses_, n_leaves_ : arrays, shape (n_trees,)
        Per tree, best first (only when enumerated).
    feature_names_ : list of str
    """

    def __init__(self, max_depth: int = 3, regularization: float = 0.01, epsilon: float = 0.05, *,
                 epsilon_type: str = "relative", leaf_labels: str = "majority", trivial_extensions: bool = False,
                 reference_objective: float | None = None,
                 enumerate: bool = True, max_trees: int = 20_000_000):
        self.max_depth = max_depth
        self.regularization = regularization
        self.epsilon = epsilon
        self.epsilon_type = epsilon_type
        self.leaf_labels = leaf_labels
        self.trivial_extensions = trivial_extensions
        self.reference_objective = reference_objective
        self.enumerate = enumerate
        self.max_trees = max_trees

    @classmethod
    def from_treefarms(cls, config: dict, **kwargs) -> SparseTreeRashomonSet:
        """The set TreeFARMS 0.2.4 computes for its ``config`` dict (``depth_budget``,
        ``regularization``, ``rashomon_bound_multiplier``).

        The sets are the same whenever TreeFARMS' optimiser finds the optimum
        and no tree lies exactly on the bound (TreeFARMS compares in float32).
        On COMPAS at depth budget 5 and lambda 0.005 its optimiser reports
        0.356403 (the best tree of 3 splits) although a tree of 4 splits scores
        0.355969 (TreeFARMS lists that tree itself), so its bound is looser:
        63,000 trees at epsilon 0.05 where the true optimum admits 54,425.
        ``reference_objective=0.356403...`` reproduces its count.
        """
        depth_budget = config.get("depth_budget", 0)
        if not isinstance(depth_budget, int) or depth_budget < 1:
            raise AnalysisInputError.about("depth_budget", "an integer >= 1", repr(depth_budget),
                                           "Set a finite depth budget (1 = a single leaf).")
        return cls(depth_budget - 1, config["regularization"], config["rashomon_bound_multiplier"],
                   epsilon_type="relative", **kwargs)

    # --- fitting -----------------------------------------------------------------

    def _problem(self, X, y) -> search.Problem:
        check_integer(self.max_depth, "max_depth", minimum=0)
        check_choice(self.epsilon_type, "epsilon_type", EPSILON_TYPES)
        check_choice(self.leaf_labels, "leaf_labels", ("majority", "any"))
        lam = as_fraction(self.regularization, "regularization")
        eps = as_fraction(self.epsilon, "epsilon")
        if lam < 0 or eps < 0:
            raise AnalysisInputError.about("regularization and epsilon", "numbers >= 0",
                                           f"{self.regularization}, {self.epsilon}",
                                           "Pass e.g. regularization=0.01, epsilon=0.05.")
        X, self.feature_names_ = check_binary(X)
        y = check_array(y, "y", ndim=1)
        check_consistent_length(X=X, y=y)
        if not np.isin(y, (0, 1)).all():
            raise AnalysisInputError.about("y", "labels 0 and 1", f"values {np.unique(y)[:5]}",
                                           "Encode the two classes as 0 and 1.")
        if len(np.unique(y)) < 2:
            raise AnalysisInputError.about("y", "both labels present", f"only label {int(y[0])}",
                                           "A set of classifiers needs both classes in the data.")
        self._lam, self._eps = lam, eps
        return search.Problem.from_data(X, y.astype(np.int64), lam, self.leaf_labels, self.trivial_extensions)

    def _key_to_objective(self, key) -> float:
        return float(key) / (self._problem_.error_weight * self._n)

    def _baseline_key(self, optimum_key: int):
        """The objective key the bound is taken from (exact)."""
        scale = self._problem_.error_weight * self._n
        if self.reference_objective is not None:
            return as_fraction(self.reference_objective, "reference_objective") * scale
        return optimum_key

    def _threshold_key(self, epsilon, baseline=None) -> int:
        """The largest key in the set at ``epsilon`` (exact; keys are integers, so the floor of the bound)."""
        scale = self._problem_.error_weight * self._n
        eps = epsilon * scale if self.epsilon_type == "absolute" else epsilon
        return math.floor(rashomon_threshold(self._baseline if baseline is None else baseline, eps,
                                             self.epsilon_type))

    def _set_threshold(self, optimum_key: int) -> int:
        """The set's threshold key once the optimum is known (refused below the optimum)."""
        self._baseline = self._baseline_key(optimum_key)
        threshold_key = self._threshold_key(self._eps)
        if threshold_key < optimum_key:
            scale = self._problem_.error_weight * self._n
            raise AnalysisInputError.about("reference_objective", "a bound at or above the optimum",
                                           f"{threshold_key / scale:.6g} < {optimum_key / scale:.6g}",
                                           "The set is empty: raise epsilon or the reference objective.")
        return threshold_key

    def fit(self, X, y) -> SparseTreeRashomonSet:
        """Find the optimum and count (and, unless ``enumerate=False``, list) the set's trees."""
        problem = self._problem(X, y)
        self._problem_, self._n = problem, len(y)
        # One lattice holds the optimum and the set: it is grown within the bound a greedy tree's key (at or above
        # the optimum) gives, and the optimum found on it sets the exact threshold.
        upper = search.greedy_key(problem, self.max_depth)
        root_budget = max(upper, self._threshold_key(self._eps, self._baseline_key(upper)))
        levels, best, budgets = search.lattice(problem, self.max_depth, root_budget, self._set_threshold)
        optimum_key, threshold_key = int(best[0][0]), int(budgets[0][0])
        self.optimum_ = self._key_to_objective(optimum_key)
        self.threshold_ = self._key_to_objective(threshold_key)
        histograms = search.count(problem, levels, best, budgets)
        keys, counts = histograms[0].of(0)
        self._keys, self._key_counts = keys, counts
        self.objective_counts_ = pd.Series(counts, index=[self._key_to_objective(k) for k in keys], name="trees")
        self._train_predictions = None
        self._pattern_cache = {}
        self.n_trees_ = int(counts.sum())
        self._trees = None
        if self.enumerate:
            if self.n_trees_ > self.max_trees:
                raise AnalysisInputError.about(
                    "max_trees", f"at least the set's {self.n_trees_} trees to list them", str(self.max_trees),
                    "Raise max_trees, lower epsilon, or count only with enumerate=False.")
            self._trees = search.enumerate_trees(problem, levels, best, budgets, histograms)
        return self

    @property
    def objectives_(self) -> np.ndarray:
        """Objective of every tree, best first, shape (n_trees,)."""
        trees = self._require_list()
        return trees.key[trees.roots] / (self._problem_.error_weight * self._n)

    @property
    def n_leaves_(self) -> np.ndarray:
        """Leaves of every tree, shape (n_trees,)."""
        trees = self._require_list()
        return trees.leaves[trees.roots].astype(np.int64)

    @property
    def losses_(self) -> np.ndarray:
        """Misclassification rate of every tree on the training data, shape (n_trees,)."""
        trees, problem = self._require_list(), self._problem_
        errors = (trees.key[trees.roots] - self.n_leaves_ * problem.penalty) // problem.error_weight
        return errors / self._n

    @property
    def convention(self) -> str:
        """The set's definition in words, printed with every result."""
        return self._convention(self.epsilon)

    def _convention(self, epsilon) -> str:
        baseline = "optimum" if self.reference_objective is None else f"reference {self.reference_objective:.6g}"
        bound = f"{baseline} x (1 + {epsilon:g})" if self.epsilon_type == "relative" else f"{baseline} + {epsilon:g}"
        threshold = self._key_to_objective(self._threshold_key(as_fraction(epsilon, "epsilon")))
        labels = "majority-label leaves (1 on ties)" if self.leaf_labels == "majority" else "leaves of either label"
        trivial = "with" if self.trivial_extensions else "without"
        return (f"trees of at most {self.max_depth} splits per path (TreeFARMS depth_budget {self.max_depth + 1}), "
                f"{labels}, {trivial} trivial extensions; objective = misclassification rate + "
                f"{self.regularization:g} x leaves <= {bound} = {threshold:.6g}")

    def _require_list(self):
        if self._trees is None:
            raise AnalysisInputError.about("enumerate", "True to list trees", "False",
                                           "Refit with enumerate=True (the set is counted, not listed).")
        return self._trees

    # --- predictions --------------------------------------------------------------

    def _predict_rows(self, rows: np.ndarray) -> np.ndarray:
        """Predictions of every tree on 0/1 rows (m, p): packed bits, shape (n_trees, ceil(m / 8))."""
        return _predict_packed(self._require_list(), rows)

    def predict(self, X) -> np.ndarray:
        """Every tree's labels on ``X``, shape ``(n_trees, n_rows)``, best tree first."""
        X, _ = check_binary(X)
        if X.shape[1] != len(self.feature_names_):
            raise AnalysisInputError.about("X", f"{len(self.feature_names_)} features", f"{X.shape[1]}",
                                           "Pass the same columns as in fit.")
        rows, inverse = np.unique(X, axis=0, return_inverse=True)
        packed = self._predict_rows(rows)
        return np.unpackbits(packed, axis=1, count=len(rows))[:, inverse.ravel()]

    def disagreement(self, X) -> np.ndarray:
        """Per row of ``X``, the share of trees whose label differs from the best tree's, shape (n_rows,).

        Computed once per distinct row, streaming over the trees in blocks, so
        it stays cheap for millions of trees.
        """
        X, _ = check_binary(X)
        rows, inverse = np.unique(X, axis=0, return_inverse=True)
        differ = np.zeros(len(rows))
        reference = None

        def add(block):
            nonlocal reference
            reference = block[0].copy() if reference is None else reference
            differ[:] += np.unpackbits(block ^ reference, axis=1, count=len(rows)).sum(axis=0)

        self._stream(rows, self.n_trees_, add, "disagreement")
        return (differ / self.n_trees_)[inverse.ravel()]

    def _stream(self, rows: np.ndarray, n: int, func, desc: str, cells: int = 8) -> None:
        """``func(block)`` on the packed predictions of the best ``n`` trees on ``rows``, block by block, with a
        progress bar when the pass is long; ``cells`` per tree that ``func`` unpacks bound the block's size."""
        size = max(1, min(_TREES_PER_BLOCK, _CELLS_PER_BLOCK // cells))
        map_batches(func, _prediction_blocks(self._require_list(), rows, n, size), -(-n // size), desc=desc)

    def _training_patterns(self, n: int) -> dict:
        """One streamed pass over the best ``n`` trees' training predictions: their ambiguity and discrepancy, and
        their prediction patterns (first tree and trees of each; grouped by hash, then checked in a second pass and
        hashed again with another seed if two patterns share a hash, so memory holds one block, one hash per tree
        and one row per pattern). Cached per ``n``."""
        cache = self._pattern_cache
        if n in cache:
            return cache[n]
        problem = self._problem_
        rows, weights = problem.rows, problem.counts.sum(axis=1) / self._n
        state = {"start": 0, "reference": None, "any": None, "discrepancy": 0.0}
        hashes = np.empty(n, dtype=np.uint64)

        def measure(block):
            if state["reference"] is None:
                state["reference"] = block[0].copy()
                state["any"] = np.zeros_like(block[0])
            differ = block ^ state["reference"]
            state["any"] |= np.bitwise_or.reduce(differ, axis=0)
            shares = np.unpackbits(differ, axis=1, count=len(rows)) @ weights
            state["discrepancy"] = max(state["discrepancy"], float(shares.max()))
            hashes[state["start"]:state["start"] + len(block)] = search.row_hashes(as_words(block))
            state["start"] += len(block)

        self._stream(rows, n, measure, "prediction patterns")
        seed = 0
        while True:  # group by hash; a hash shared by two patterns: hash again with another seed
            group, _ = pd.factorize(hashes)
            first = np.full(group.max(initial=-1) + 1, n, dtype=np.int64)
            np.minimum.at(first, group, np.arange(n))
            if self._groups_exact(rows, n, group, first):
                break
            seed += 1
            hashes = self._hashes(rows, n, seed)
        cache[n] = {"first": first, "trees": np.bincount(group, minlength=len(first)),
                    "ambiguity": float(np.unpackbits(state["any"], count=len(rows)) @ weights) if n else 0.0,
                    "discrepancy": state["discrepancy"]}
        return cache[n]

    def _hashes(self, rows: np.ndarray, n: int, seed: int) -> np.ndarray:
        """A hash of each of the best ``n`` trees' packed predictions on ``rows``, shape (n,), streamed."""
        hashes, start = np.empty(n, dtype=np.uint64), [0]

        def add(block):
            hashes[start[0]:start[0] + len(block)] = search.row_hashes(as_words(block), seed)
            start[0] += len(block)

        self._stream(rows, n, add, "prediction patterns (hashed again)")
        return hashes

    def _groups_exact(self, rows: np.ndarray, n: int, group: np.ndarray, first: np.ndarray) -> bool:
        """Whether every one of the best ``n`` trees predicts on ``rows`` exactly as the first tree of its group."""
        patterns = np.empty((len(first), -(-len(rows) // 8)), dtype=np.uint8)
        state = {"start": 0, "exact": True}

        def check(block):
            at = np.arange(state["start"], state["start"] + len(block))
            own = first[group[at]] == at
            patterns[group[at[own]]] = block[own]
            state["exact"] &= bool((block == patterns[group[at]]).all())
            state["start"] += len(block)

        self._stream(rows, n, check, "prediction patterns (check)")
        return state["exact"]

    def _training_predictions(self) -> tuple[np.ndarray, np.ndarray]:
        """Predictions on the unique training rows (n_trees, u) and each row's count (u,); computed once."""
        problem = self._problem_
        if self._train_predictions is None:
            packed = self._predict_rows(problem.rows)
            self._train_predictions = np.unpackbits(packed, axis=1, count=len(problem.rows))
        return self._train_predictions, problem.counts.sum(axis=1)

    # --- measures -----------------------------------------------------------------

    def _n_within(self, epsilon) -> int:
        """Trees within ``epsilon`` (at most the fitted one): a prefix of the best-first list."""
        if epsilon is None:
            return self.n_trees_
        eps = as_fraction(epsilon, "epsilon")
        if not 0 <= eps <= self._eps:
            raise AnalysisInputError.about("epsilon", f"a value in [0, {self.epsilon}] (the fitted epsilon)",
                                           repr(epsilon), "Refit with a larger epsilon to look further.")
        return int(self._key_counts[self._keys <= self._threshold_key(eps)].sum())

    def rashomon_curve(self, epsilons) -> pd.DataFrame:
        """Trees in the set at each epsilon up to the fitted one: ``epsilon``, ``threshold``, ``n_trees``."""
        values = np.atleast_1d(np.asarray(epsilons, dtype=object))
        if values.ndim != 1 or len(values) == 0:
            raise AnalysisInputError.about("epsilons", "a list of tolerances", f"shape {values.shape}",
                                           "Pass e.g. [0.01, 0.02, 0.05].")
        for eps in values:
            check_number(eps, "epsilons", minimum=0, fix="Pass tolerances such as [0.01, 0.05].")
        rows = []
        for eps in values.tolist():
            n = self._n_within(eps)
            rows.append((eps, self._key_to_objective(self._threshold_key(as_fraction(eps, "epsilon"))), n))
        return pd.DataFrame(rows, columns=["epsilon", "threshold", "n_trees"])

    def prediction_patterns(self, epsilon=None) -> pd.DataFrame:
        """Distinct training-prediction vectors, with how many trees give each and their best objective.

        ``epsilon`` (at most the fitted one) restricts to the smaller set.
        """
        patterns = self._training_patterns(self._n_within(epsilon))
        first = patterns["first"]  # trees are listed best first, so a pattern's first tree is its best
        table = pd.DataFrame({"first_tree": first, "trees": patterns["trees"],
                              "best_objective": self.objectives_[first]})
        return table.sort_values(["best_objective", "first_tree"], ignore_index=True)

    def summary(self, epsilon=None) -> TreeSetSummary:
        """Size, number of prediction patterns, ambiguity and discrepancy on the training data.

        ``epsilon`` (at most the fitted one) describes the smaller set inside this one.
        """
        n = self._n_within(epsilon)
        epsilon = self.epsilon if epsilon is None else epsilon
        patterns = self._training_patterns(n)
        threshold = self._key_to_objective(self._threshold_key(as_fraction(epsilon, "epsilon")))
        return TreeSetSummary(n, len(patterns["first"]), self.optimum_, threshold, patterns["ambiguity"],
                              patterns["discrepancy"], self._convention(epsilon))

    def _whole_class(self):
        """The search over every tree of the class (no bound): levels, optima, budgets, histograms."""
        problem = self._problem_
        everything, best, budgets = search.lattice(problem, self.max_depth, search.NO_BOUND,
                                                   lambda _: search.NO_BOUND)
        return everything, best, budgets, search.count(problem, everything, best, budgets, dtype=np.float64)

    def _space(self, size: float) -> str:
        return (f"{size:.6g} trees of at most {self.max_depth} splits per path on {len(self.feature_names_)} "
                "binary features (splits that send rows both ways), same label and extension conventions")

    def rashomon_ratio(self) -> RashomonRatio:
        """Trees in the set over all trees of the same class (same depth, labels and conventions) on this data."""
        total = float(self._whole_class()[3][0].of(0)[1].sum())
        method = "exact count" if total < 2**53 else "exact set count over a hypothesis count rounded to 16 digits"
        return RashomonRatio(self.n_trees_ / total, 0.0, True, self._space(total), method)

    def pattern_rashomon_ratio(self) -> RashomonRatio:
        """Distinct training-prediction patterns in the set over those of the whole class
        ('On the Existence of Simpler Machine Learning Models', Semenova, Rudin & Parr 2022).

        Lists every tree of the class, so only for classes of at most ``max_trees`` trees.
        """
        levels, best, budgets, histograms = self._whole_class()
        total = float(histograms[0].of(0)[1].sum())
        if total > self.max_trees:
            raise AnalysisInputError.about(
                "max_trees", f"at least the class's {total:.3g} trees to list their patterns", str(self.max_trees),
                "Lower max_depth, or raise max_trees if memory allows.")
        exact = search.count(self._problem_, levels, best, budgets)
        every = search.enumerate_trees(self._problem_, levels, best, budgets, exact)
        space = _n_distinct_rows(_predict_packed(every, self._problem_.rows))
        ours = len(self.prediction_patterns())
        return RashomonRatio(ours / space, 0.0, True, f"{space} distinct patterns of {self._space(total)}",
                             f"exact: {ours} patterns in the set")
