#!/usr/bin/env python3
"""Writes the small .npy fixtures used by NpyTest next to this script.

Run from anywhere:  python3 make_fixtures.py
Every file is deterministic and smaller than 4 KB. NpyTest recomputes the
expected values in Java, so keep the two in step when changing anything here.
"""
import os

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def main():
    # (3, 5): i * 0.25 - 1 (starts negative), last element replaced by 1e-300.
    a = np.arange(15, dtype=np.float64).reshape(3, 5) * 0.25 - 1.0
    a[2, 4] = 1e-300
    np.save(path("f8_2d.npy"), a)

    # (2, 3, 4): arange * 0.5.
    np.save(path("f8_3d.npy"), np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 0.5)

    # (2, 2) big-endian float64.
    np.save(path("f8_be.npy"), np.array([[1.5, -2.0], [0.1, 1e300]], dtype=">f8"))

    # (2, 3) float64 in format version 2.0 (4-byte header length).
    with open(path("f8_v2.npy"), "wb") as f:
        npformat.write_array(f, np.arange(6, dtype=np.float64).reshape(2, 3) - 2.5, version=(2, 0))

    # Wrong dtypes: float32 and int64.
    np.save(path("f4.npy"), np.arange(6, dtype=np.float32).reshape(2, 3))
    np.save(path("i8.npy"), np.arange(6, dtype=np.int64))

    # Column-major (3, 4) float64: the header says fortran_order True.
    np.save(path("fortran.npy"), np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4)))

    # 0-d float64: shape ().
    np.save(path("scalar.npy"), np.array(2.5, dtype=np.float64))

    for name in sorted(os.listdir(HERE)):
        if name.endswith(".npy"):
            size = os.path.getsize(path(name))
            assert size < 4096, name
            print(f"{name:12s} {size:5d} bytes")


if __name__ == "__main__":
    main()
