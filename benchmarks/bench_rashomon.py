"""Rashomon sets of sparse trees against TreeFARMS, and FIS clouds against generalized-rashomon-set.

TreeFARMS' fit finds the optimum and builds an indexable set; ours either lists
every tree (``enumerate=True``: a table of shared subtrees, sorted best first)
or only counts them by objective (``enumerate=False``). The compared output is
the number of trees. At depth budget 5 and lambda 0.005 TreeFARMS' optimiser
misses the optimum (see ``SparseTreeRashomonSet.from_treefarms``), so its set is
larger there.
"""

import functools
import itertools
import json
import math
import subprocess
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
from treefarms import TREEFARMS

from analysis.datasets import shared_data_dir
from analysis.rashomon import SparseTreeRashomonSet

from run import Case, Timed, quiet_stdout

root = shared_data_dir()
compas = pd.read_csv(root / "rashomon" / "compas_binned.csv") if root else None


def treefarms_fit(config, X, y):
    """TREEFARMS fitted with its C++ core's printing (every tree it finds) sent to /dev/null."""
    with quiet_stdout():
        return TREEFARMS(dict(config, verbose=False)).fit(X, y)


def treefarms_count(config):
    return treefarms_fit(config, compas.iloc[:, :-1], compas.iloc[:, -1]).get_tree_count()


def ours_count(config, enumerate):
    rset = SparseTreeRashomonSet.from_treefarms(config, enumerate=enumerate)
    return rset.fit(compas.iloc[:, :-1], compas.iloc[:, -1]).n_trees_


SETTINGS = [(4, 0.01, 0.1), (5, 0.01, 0.05), (5, 0.005, 0.1), (6, 0.01, 0.1), (6, 0.005, 0.05)]
CASES = [] if compas is None else [
    Case(f"COMPAS trees, depth budget {d}, lambda {lam}, epsilon {eps}, {'list' if listed else 'count'}",
         lambda c=config, e=listed: ours_count(c, e), lambda c=config: treefarms_count(c), "treefarms.TREEFARMS",
         repeat=2, warmup=1)
    for d, lam, eps in SETTINGS
    for config in [{"depth_budget": d, "regularization": lam, "rashomon_bound_multiplier": eps}]
    for listed in (True, False)
]


# End to end on the largest COMPAS set (depth budget 5, lambda 0.005, epsilon 0.1; 17.6M trees, TreeFARMS' set
# 19.6M as its optimiser misses the optimum): list the trees, then their ambiguity, discrepancy and number of
# prediction patterns on the training rows. TreeFARMS gives one tree at a time; its loop is timed over the first
# 2,000 trees and extrapolated to its whole set (hours), reported as the anchor's time. The compared output is
# the number of trees (TreeFARMS' minus ours).
LARGEST = {"depth_budget": 5, "regularization": 0.005, "rashomon_bound_multiplier": 0.1}
LOOPED = 2_000


def ours_summary():
    rset = SparseTreeRashomonSet.from_treefarms(LARGEST).fit(compas.iloc[:, :-1], compas.iloc[:, -1])
    rset.summary()
    return rset.n_trees_


def treefarms_summary_loop():
    start = time.perf_counter()
    X, y = compas.iloc[:, :-1], compas.iloc[:, -1]
    model = treefarms_fit(LARGEST, X, y)
    fitted = time.perf_counter() - start
    rows = X.drop_duplicates()
    reference, differ_anywhere, largest_share, patterns = None, np.zeros(len(rows), bool), 0.0, set()
    start = time.perf_counter()
    for i in range(LOOPED):
        predictions = np.asarray(model[i].predict(rows))
        reference = predictions if reference is None else reference
        differ = predictions != reference
        differ_anywhere |= differ
        largest_share = max(largest_share, differ.mean())
        patterns.add(predictions.tobytes())
    per_tree = (time.perf_counter() - start) / LOOPED
    return Timed(model.get_tree_count(), fitted + per_tree * model.get_tree_count())


if compas is not None:
    CASES.append(Case("COMPAS trees, depth budget 5, lambda 0.005, epsilon 0.1: list, then ambiguity, discrepancy "
                      f"and patterns (anchor extrapolated from {LOOPED:,} trees; trees, TreeFARMS minus ours)",
                      ours_summary, treefarms_summary_loop, "treefarms.TREEFARMS and a Python loop", repeat=1,
                      compare=lambda ours, anchor: anchor - ours))


# Feature interaction clouds of the FIS paper's COMPAS logistic model (Li et al. 2024), against
# generalized-rashomon-set's whole pipeline (reference, mask search, attributions, interactions) on the
# same model (scikit-learn's LogisticRegression, C=1), data, loss (log-loss) and epsilon (5%). Ours:
# the exact set, 2,000 hit-and-run members, exact all-pairs FIS of every member and the 15 halos.
# Compared output: the reference model's FIS (theirs: 30 random permutations; ours: exact, same
# convention of independent permutations with self-pairs).
from generalized_rashomon_set import RashomonExplainer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from analysis.rashomon import LogisticRashomonSet, interaction_cloud  # noqa: E402

vic = pd.read_csv(root / "rashomon" / "compas_vic_binary.csv") if root else None
FIS_COLUMNS = ["Age=18-20", "Race=African-American", "Prior-Crimes=0", "Gender=Male", "Juvenile-Crimes=0",
               "Current-Charge-Degree=Misdemeanor"]


def ours_fis():
    X, y = vic[FIS_COLUMNS].to_numpy(float), vic["Recidivate-Within-Two-Years"].to_numpy()
    rset = LogisticRashomonSet(0.05, l2_penalty=1 / len(y)).fit(X, y)
    members = np.vstack([rset._w, rset.sample(2000, rng=0)])
    interaction_cloud(rset, members, X, y)
    for i, j in itertools.combinations(range(len(FIS_COLUMNS)), 2):
        interaction_cloud(rset, np.stack(rset.mask_boundary(i, j, 90).weights), X, y, subsets=[(i, j)])
    reference = interaction_cloud(rset, rset._w, X, y, switch="independent", include_self=True)
    return reference.fis.iloc[0].to_numpy()


def grs_fis():
    X, y = vic[FIS_COLUMNS], vic["Recidivate-Within-Two-Years"].to_numpy()
    model = LogisticRegression(tol=1e-10).fit(X, y)
    explainer = RashomonExplainer(model, X, y, loss="log_loss", epsilon_rate=0.05, n_jobs=1, random_state=0)
    return explainer.fit().reference_.fis


if vic is not None:
    CASES.append(Case("COMPAS logistic FIS clouds, 6 features, epsilon 5%", ours_fis, grs_fis,
                      "generalized_rashomon_set.RashomonExplainer", repeat=1))


# Growth on wide data: breast cancer at median splits (the setting of PRAXIS' comparisons), lambda 0.01,
# epsilon 0.05; counting. Features: the first k of the 30 at depth budget 4; depth: all 30 features.
from sklearn.datasets import load_breast_cancer  # noqa: E402

from run import Growth  # noqa: E402

_cancer = load_breast_cancer()
cancer_X = pd.DataFrame((_cancer.data > np.median(_cancer.data, axis=0)).astype(int),
                        columns=[f"f{j}" for j in range(30)])
cancer_y = pd.Series(_cancer.target, name="y")


def _cancer_config(depth):
    return {"depth_budget": depth, "regularization": 0.01, "rashomon_bound_multiplier": 0.05}


def ours_cancer(features, depth):
    rset = SparseTreeRashomonSet.from_treefarms(_cancer_config(depth), enumerate=False)
    return rset.fit(cancer_X.iloc[:, :features], cancer_y).n_trees_


def treefarms_cancer(features, depth):
    return treefarms_fit(_cancer_config(depth), cancer_X.iloc[:, :features], cancer_y).get_tree_count()


# The wide-data setting of the speed target, against TreeFARMS once (it takes over a minute here).
CASES.append(Case("breast cancer trees, 30 median-split features, depth budget 5, lambda 0.01, epsilon 0.05, count",
                  lambda: ours_cancer(30, 5), lambda: treefarms_cancer(30, 5), "treefarms.TREEFARMS", repeat=1))


# Against PRAXIS and ArborEnum (the TreeFARMS group's enumerators), each in its own environment, with their
# conventions matched: a depth budget counts splits (the root at depth 0), leaves of either label, trivial
# extensions kept, the objective errors + round(lambda n) x leaves in integers, and the bound the optimum x
# (1 + multiplier) rounded half up. The counts are then equal.
SIDE_PYTHON = Path(__file__).resolve().parents[1] / ".venv-praxis" / "bin" / "python"
PRAXIS_SETTINGS = [(3, 0.01, 0.05), (4, 0.01, 0.05), (5, 0.01, 0.05), (4, 0.02, 0.1), (3, 0.005, 0.3)]


@functools.cache
def praxis_results():
    request = {"X": cancer_X.to_numpy().tolist(), "y": cancer_y.tolist(), "settings": PRAXIS_SETTINGS}
    result = subprocess.run([str(SIDE_PYTHON), str(Path(__file__).with_name("praxis_trees.py"))],
                            input=json.dumps(request), capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def ours_praxis_conventions(setting):
    depth, lam, mult = PRAXIS_SETTINGS[setting]
    n, optimum = len(cancer_y), praxis_results()[setting]["PRAXIS"]["optimum"]  # the bound rounds from it
    bound = math.floor(Fraction(optimum) * (1 + Fraction(mult)) + Fraction(1, 2))
    rset = SparseTreeRashomonSet(depth, Fraction(round(lam * n), n), Fraction(bound, optimum) - 1, leaf_labels="any",
                                 trivial_extensions=True, enumerate=False)
    return rset.fit(cancer_X, cancer_y).n_trees_


def side_tool(setting, name):
    out = praxis_results()[setting][name]
    return Timed(out["count"], out["seconds"])


if SIDE_PYTHON.exists():
    CASES += [Case(f"breast cancer trees, {d} splits, lambda {lam}, multiplier {mult} (PRAXIS' conventions), count",
                   lambda k=k: ours_praxis_conventions(k), lambda k=k, name=name: side_tool(k, name), name, repeat=3)
              for k, (d, lam, mult) in enumerate(PRAXIS_SETTINGS) for name in ("PRAXIS", "ArborEnum")]


GROWTH = [
    Growth("sparse trees on breast cancer, depth budget 4, time against features", [3, 6, 10, 20, 30],
           lambda k: ours_cancer(k, 4), lambda k: treefarms_cancer(k, 4), "treefarms", size_name="features"),
    Growth("sparse trees on breast cancer, 30 features, time against depth budget", [2, 3, 4, 5],
           lambda d: ours_cancer(30, d), size_name="depth budget", order="exponential"),
]
