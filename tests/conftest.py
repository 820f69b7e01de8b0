import os

import matplotlib
import pytest

from analysis.datasets import shared_data_dir

matplotlib.use("Agg")


@pytest.fixture
def shared_data():
    """The shared reference-data folder; CI has it, a user's clone may not."""
    root = shared_data_dir()
    if root is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide shared/data beside the repository")
        pytest.skip("shared/data is not on this machine")
    return root
