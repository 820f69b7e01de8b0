"""One vocabulary across the public API, read off every public callable's signature."""

import dataclasses
import importlib
import inspect

import pytest

from analysis._results import ConfidenceInterval, Result

MODULES = [
    "analysis", "analysis.calibration", "analysis.ranking", "analysis.rashomon", "analysis.scaling", "analysis.style",
    "analysis.datasets", "analysis.io", "analysis.widgets", "analysis.notebooks", "analysis.calibration.widgets",
    "analysis.ranking.widgets", "analysis.rashomon.widgets", "analysis.scaling.widgets",
]
# a confidence level is `ci`; randomness comes from `rng`
FORBIDDEN = {"level", "band", "seed", "random_state", "confidence"}
KEYWORD_ONLY = {"rng", "ax", "ci", "n_boot"}


def public_callables():
    """``(qualified name, callable)`` for every function, class constructor and public method in ``__all__``."""
    seen = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            members = [(f"{module_name}.{name}", obj)]
            if inspect.isclass(obj):
                # results are frozen dataclasses the package builds; their fields are not call sites
                built = (dataclasses.is_dataclass(obj) and issubclass(obj, Result)) or obj is ConfidenceInterval
                members = [] if built else [(f"{module_name}.{name}", obj)]
                members += [(f"{module_name}.{name}.{attr}", member) for attr, member in vars(obj).items()
                            if not attr.startswith("_") and inspect.isfunction(member)]
            for qualified, member in members:
                if callable(member) and id(member) not in seen:
                    seen.add(id(member))
                    yield qualified, member


CALLABLES = list(public_callables())


def test_the_walk_reaches_the_whole_api():
    names = {q for q, _ in CALLABLES}
    assert len(names) > 150
    assert {"analysis.bootstrap", "analysis.calibration.reliability_diagram", "analysis.ranking.RankIntervals.plot",
            "analysis.rashomon.LinearRashomonSet.sample", "analysis.scaling.fit_scaling_law"} <= names


@pytest.mark.parametrize(("qualified", "member"), CALLABLES, ids=[q for q, _ in CALLABLES])
def test_one_vocabulary(qualified, member):
    try:
        parameters = inspect.signature(member).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature
        return
    # a column-name parameter (a string default, e.g. by_model's confidence="confidence") names data, not a level
    forbidden = [p.name for p in parameters if p.name in FORBIDDEN and not isinstance(p.default, str)]
    assert not forbidden, f"{qualified}: rename {forbidden} (a confidence level is `ci`, randomness is `rng`)"
    positional = [p.name for p in parameters if p.name in KEYWORD_ONLY and p.kind != p.KEYWORD_ONLY]
    assert not positional, f"{qualified}: make {positional} keyword-only (after `*`)"
