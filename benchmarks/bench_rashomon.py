"""Rashomon sets of sparse trees against TreeFARMS on the COMPAS file of its paper.

TreeFARMS' fit finds the optimum and builds an indexable set; ours either lists
every tree (``enumerate=True``: a table of shared subtrees, sorted best first)
or only counts them by objective (``enumerate=False``). The compared output is
the number of trees. At depth budget 5 and lambda 0.005 TreeFARMS' optimiser
misses the optimum (see ``SparseTreeRashomonSet.from_treefarms``), so its set is
larger there.
"""

import os
import sys

import pandas as pd
from treefarms import TREEFARMS

from analysis.datasets import shared_data_dir
from analysis.rashomon import SparseTreeRashomonSet

from run import Case

root = shared_data_dir()
compas = pd.read_csv(root / "rashomon" / "compas_binned.csv") if root else None


def treefarms_count(config):
    X, y = compas.iloc[:, :-1], compas.iloc[:, -1]
    sys.stdout.flush()
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # its C++ core prints every tree it finds
    try:
        return TREEFARMS(dict(config, verbose=False)).fit(X, y).get_tree_count()
    finally:
        os.dup2(saved, 1)
        os.close(null)
        os.close(saved)


def ours_count(config, enumerate):
    rset = SparseTreeRashomonSet.from_treefarms(config, enumerate=enumerate)
    return rset.fit(compas.iloc[:, :-1], compas.iloc[:, -1]).n_trees_


SETTINGS = [(4, 0.01, 0.1), (5, 0.01, 0.05), (5, 0.005, 0.1), (6, 0.01, 0.1), (6, 0.005, 0.05)]
CASES = [] if compas is None else [
    Case(f"COMPAS trees, depth budget {d}, lambda {lam}, epsilon {eps}, {'list' if listed else 'count'}",
         lambda c=config, e=listed: ours_count(c, e), lambda c=config: treefarms_count(c), "treefarms.TREEFARMS",
         repeat=1)
    for d, lam, eps in SETTINGS
    for config in [{"depth_budget": d, "regularization": lam, "rashomon_bound_multiplier": eps}]
    for listed in (True, False)
]
