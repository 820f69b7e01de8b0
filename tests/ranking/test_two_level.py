import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.ranking import aggregate, kemeny, two_level_aggregate


@pytest.fixture(scope="module")
def instances():
    rng = np.random.default_rng(0)
    rows = []
    for task, scale in (("qa", 1.0), ("translation", 0.1), ("math", 10.0)):
        for instance in range(15):
            for system, skill in zip("abcd", (0.3, 0.2, 0.1, 0.0)):
                rows.append({"system": system, "task": task, "instance": instance,
                             "score": scale * (skill + rng.normal(0, 0.3))})
    return pd.DataFrame(rows)


def test_borda_levels_by_hand(instances):
    result = two_level_aggregate(instances, method="borda").table
    tasks = {task: aggregate(part.pivot(index="system", columns="instance", values="score"), "borda").scores
             for task, part in instances.groupby("task")}
    final = aggregate(pd.DataFrame(tasks), "borda").scores
    np.testing.assert_allclose(result["score"], final.loc[result.index])
    np.testing.assert_allclose(result["qa"], tasks["qa"].loc[result.index])
    assert result.index[0] == "a" and list(result["rank"]) == sorted(result["rank"])


def test_kemeny_levels(instances):
    result = two_level_aggregate(instances, method="kemeny").table
    task_orders = {task: kemeny(part.pivot(index="system", columns="instance", values="score")).systems
                   for task, part in instances.groupby("task")}
    first_level = pd.DataFrame({t: pd.Series(np.arange(4, 0, -1.0), index=o) for t, o in task_orders.items()})
    assert list(result.index) == kemeny(first_level).systems


def test_bad_input(instances):
    with pytest.raises(AnalysisInputError, match="one score per"):
        two_level_aggregate(pd.concat([instances, instances.iloc[:1]]))
    with pytest.raises(AnalysisInputError, match="instance"):
        two_level_aggregate(instances.drop(columns="instance"))
