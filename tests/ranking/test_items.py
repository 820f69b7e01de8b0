"""Leaderboards from sample-level results: the task table and rank intervals over resampled items."""

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis._resample import bootstrap_indices
from analysis.ranking import bootstrap_ranks, item_bootstrap_ranks, task_table


@pytest.fixture(scope="module")
def samples():
    rng = np.random.default_rng(0)
    skill = {"strong": 0.8, "middle": 0.62, "close": 0.6, "weak": 0.3}
    rows = [{"model": m, "task": t, "item": i, "correct": int(rng.uniform() < p - 0.1 * (t == "hard"))}
            for t, n in (("easy", 60), ("hard", 40)) for i in range(n) for m, p in skill.items()]
    return pd.DataFrame(rows).sample(frac=1, random_state=1)  # rows in any order


def test_task_table_is_the_mean_per_model_and_task(samples):
    table = task_table(samples)
    expected = samples.groupby(["model", "task"])["correct"].mean().unstack()
    np.testing.assert_allclose(table.loc[expected.index, expected.columns], expected)
    assert table.shape == (4, 2) and table.index.name == "system"


def test_item_intervals_equal_an_independent_stratified_bootstrap(samples):
    result = item_bootstrap_ranks(samples, n_boot=300, rng=5)
    cube = samples.pivot_table(index=["task", "item"], columns="model", values="correct", sort=True)
    strata = cube.index.get_level_values("task")
    idx = bootstrap_indices(len(cube), n_boot=300, rng=5, strata=pd.factorize(strata, sort=True)[0])
    means = np.stack([
        np.mean([cube.to_numpy()[row[strata[row] == t]].mean(axis=0) for t in ("easy", "hard")], axis=0)
        for row in idx])  # (n_boot, models): the mean over tasks of each task's resampled accuracy
    low, high = np.quantile(means, [0.025, 0.975], axis=0)
    t = result.table.loc[cube.columns]
    np.testing.assert_allclose(t["low"], low)
    np.testing.assert_allclose(t["high"], high)
    assert result.systems[0] == "strong" and result.table.loc["strong", "rank_high"] == 1
    assert result.table.loc["weak", "rank_low"] == 4
    assert result.table.loc["middle", "rank_low"] == 2 and result.table.loc["close", "rank_high"] == 3
    assert result.unit == "items within tasks"


def test_items_show_noise_that_two_tasks_cannot(samples):
    items = item_bootstrap_ranks(samples, "borda", n_boot=200, rng=1)
    tasks = bootstrap_ranks(task_table(samples), "borda", n_boot=200, rng=1)
    assert items.table.loc["close", "rank_low"] < items.table.loc["close", "rank_high"]  # 0.62 vs 0.6 on 100 items
    assert set(items.table.index) == set(tasks.table.index)


def test_incomplete_or_duplicated_items_are_refused(samples):
    with pytest.raises(AnalysisInputError, match="every model scored on every item"):
        item_bootstrap_ranks(samples.iloc[1:], n_boot=10)
    with pytest.raises(AnalysisInputError, match="duplicated"):
        task_table(pd.concat([samples, samples.head(1)]))
    with pytest.raises(AnalysisInputError, match="numbers"):
        task_table(samples.assign(correct=samples["correct"].astype(str)))
    with pytest.raises(AnalysisInputError, match="n_boot"):
        item_bootstrap_ranks(samples, n_boot=1)


def test_task_table_of_a_dask_table_equals_the_in_memory_one(samples):
    dd = pytest.importorskip("dask.dataframe")
    for npartitions in (1, 4):
        on_dask = task_table(dd.from_pandas(samples, npartitions=npartitions))
        pd.testing.assert_frame_equal(on_dask, task_table(samples), rtol=1e-12, check_index_type=False,
                                      check_column_type=False)
    with pytest.raises(AnalysisInputError, match="every model scored on every item"):
        task_table(dd.from_pandas(samples.iloc[1:], npartitions=3))
    with pytest.raises(AnalysisInputError, match="duplicated"):
        task_table(dd.from_pandas(pd.concat([samples, samples.head(1)]), npartitions=3))
    with pytest.raises(AnalysisInputError, match="missing"):
        task_table(dd.from_pandas(samples.assign(correct=samples["correct"].where(samples.index != 3)),
                                  npartitions=3))


def test_cluster_bootstrap_draws_whole_clusters_within_tasks():
    rng = np.random.default_rng(7)
    value = {m: rng.uniform(size=20) < p for m, p in (("a", 0.7), ("b", 0.5), ("c", 0.3))}  # one answer per cluster
    samples = pd.DataFrame([{"model": m, "task": "t", "item": 10 * c + j, "passage": c, "correct": int(value[m][c])}
                            for m in value for c in range(20) for j in range(10)])  # 10 identical items per passage
    clustered = item_bootstrap_ranks(samples, cluster="passage", n_boot=400, rng=3)
    draws = np.random.default_rng(3).integers(0, 20, (400, 20))  # the same draws of passages, computed directly
    for m in value:
        low, high = np.quantile(value[m][draws].mean(axis=1), [0.025, 0.975])
        assert clustered.table.loc[m, ["low", "high"]].tolist() == pytest.approx([low, high])
    naive = item_bootstrap_ranks(samples, n_boot=400, rng=3)
    width = (clustered.table["high"] - clustered.table["low"]) / (naive.table["high"] - naive.table["low"])
    assert width.min() > 2  # about sqrt(10): the 200 items hold 20 independent answers
    with pytest.raises(AnalysisInputError, match="one cluster per item"):
        item_bootstrap_ranks(samples.assign(passage=np.arange(len(samples))), cluster="passage", n_boot=10)
    with pytest.raises(AnalysisInputError, match="no column"):
        item_bootstrap_ranks(samples, cluster="paragraph", n_boot=10)
