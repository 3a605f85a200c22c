"""Root pytest configuration: the environment nbval's kernels inherit.

Notebooks are executed (by `make execute`, nbval and the grader) with a fixed
hash seed and one BLAS/OpenMP thread, so stored outputs do not depend on the
machine's core count or on Python's hash randomisation.
"""

import os

for _name, _value in {"PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1",
                      "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}.items():
    os.environ.setdefault(_name, _value)
