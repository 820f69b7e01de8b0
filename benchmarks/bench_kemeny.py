"""Exact Kemeny consensus of 10 candidates against pref-voting's ``kemeny_young`` on the same 25 rankings.

pref-voting runs in its own environment (see ``prefvoting_kemeny.py``) and
times its call itself. It returns the winners (candidates first in some optimal
ranking); the compared output is 0 when our optimal ranking's first candidate
is among them, 1 when not.
"""

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.ranking import kemeny

from run import Case, Timed

SIDE_PYTHON = Path(__file__).resolve().parents[1] / ".venv-prefvoting" / "bin" / "python"

n_candidates = 10
rng = np.random.default_rng(0)
reference = rng.permutation(n_candidates)
# noisy copies of one order, best first
rankings = [list(reference[np.argsort(np.arange(n_candidates) + rng.normal(0, 3, n_candidates))])
            for _ in range(25)]
positions = np.column_stack([np.argsort(r) for r in rankings])  # candidate x voter
scores = pd.DataFrame(n_candidates - positions, index=range(n_candidates))


def ours():
    return kemeny(scores).systems[0]


def prefvoting():
    result = subprocess.run([str(SIDE_PYTHON), str(Path(__file__).with_name("prefvoting_kemeny.py"))],
                            input=json.dumps([[int(c) for c in r] for r in rankings]), capture_output=True,
                            text=True, check=True)
    out = json.loads(result.stdout)
    return Timed(out["winners"], out["seconds"])


def agreement(ours_winner, their_winners):
    return float(ours_winner not in their_winners)


CASES = [Case("Exact Kemeny, 10 candidates, 25 rankings (winner in their set)", ours, prefvoting,
              "pref_voting.kemeny_young", repeat=1, compare=agreement)]
