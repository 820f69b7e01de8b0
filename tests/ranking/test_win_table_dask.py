"""Win counts and Bradley-Terry scores from a battles table: a Dask LocalCluster gives the in-memory numbers."""

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.ranking import bradley_terry, index_battles, win_matrix, win_table

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def battles():
    rng = np.random.default_rng(2)
    strength = dict(zip(["gpt", "llama", "mistral", "qwen", "phi"], [1.0, 0.4, 0.3, 0.6, -0.5], strict=True))
    names = list(strength)
    a, b = rng.integers(0, 5, 4000), rng.integers(0, 5, 4000)
    keep = a != b
    a, b = a[keep], b[keep]
    gap = np.array([strength[names[i]] - strength[names[j]] for i, j in zip(a, b, strict=True)])
    u = rng.uniform(size=len(a))
    tie = u < 0.1
    first = u < 0.1 + 0.9 / (1 + np.exp(-gap))
    return pd.DataFrame({"winner": np.where(first, np.array(names)[a], np.array(names)[b]),
                         "loser": np.where(first, np.array(names)[b], np.array(names)[a]), "tie": tie})


def test_win_table_on_a_cluster_equals_the_in_memory_counts(battles):
    in_memory = win_table(battles)
    expected = win_matrix(**{k: v for k, v in index_battles(battles).items() if k != "systems"})
    np.testing.assert_array_equal(in_memory.to_numpy(), expected)
    assert list(in_memory.index) == sorted(set(battles["winner"]) | set(battles["loser"]))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        for npartitions in (1, 3, 7):
            counted = win_table(dd.from_pandas(battles, npartitions=npartitions))
            pd.testing.assert_frame_equal(counted, in_memory)
    scores = bradley_terry(in_memory.to_numpy(), systems=list(in_memory.index)).scores
    assert scores.idxmax() == "gpt" and scores.idxmin() == "phi"
    assert in_memory.to_numpy().sum() == len(battles)  # every battle counted once, ties as two halves


def test_battles_without_names_or_with_bad_ties_are_refused(battles):
    with pytest.raises(AnalysisInputError, match="winner"):
        win_table(battles.assign(winner=battles["winner"].where(battles.index != 5)))
    with pytest.raises(AnalysisInputError, match="ties"):
        win_table(battles.assign(tie="no"))
    with pytest.raises(AnalysisInputError, match="no column"):
        win_table(dd.from_pandas(battles.drop(columns="tie"), npartitions=2))
