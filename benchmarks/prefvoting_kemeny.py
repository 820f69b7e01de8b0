"""Time pref-voting's ``kemeny_young`` on rankings read from stdin (JSON); print seconds and winners (JSON).

Runs in its own environment (``.venv-prefvoting``, made by ``make benchmarks``):
pref-voting pins numba < 0.63, which needs numpy < 2.4.
"""

import json
import sys
import time

from pref_voting.other_methods import kemeny_young
from pref_voting.profiles import Profile

rankings = json.load(sys.stdin)
kemeny_young(Profile([[0, 1, 2], [2, 1, 0]]))  # first call pays imports and compilation
profile = Profile(rankings)
start = time.perf_counter()
winners = kemeny_young(profile)
print(json.dumps({"seconds": time.perf_counter() - start, "winners": [int(w) for w in winners]}))
