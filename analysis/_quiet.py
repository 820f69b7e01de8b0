"""Silence output that compiled code writes past ``sys.stdout``."""

import contextlib
import ctypes
import os
import sys


@contextlib.contextmanager
def c_stdout_hidden():
    """Send file descriptor 1 to the null device meanwhile: C and C++ cores (HiGHS' MIP diagnostics, TreeFARMS'
    and PRAXIS' progress) print with ``printf`` past ``sys.stdout``, and a notebook would show it."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
    try:
        yield
    finally:
        ctypes.CDLL(None).fflush(None)  # C's buffered output goes to the null device, not to the restored stdout
        os.dup2(saved, 1)
        os.close(saved)
