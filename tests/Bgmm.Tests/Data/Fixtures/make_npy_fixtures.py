"""Writes the .npy fixtures of NpyReaderFixtureTests with NumPy, an implementation independent of Bgmm.Data.

Run from this folder with a Python that has NumPy (Debian: apt-get install python3-numpy):
    /usr/bin/python3 make_npy_fixtures.py
The tests recompute every value from the formulas below, so only the files are kept.
"""
import numpy as np

ROWS, COLS = 7, 3


def table():
    """v[i, j] = (i + 1) / (j + 3) - i * j / 4, in float64 (NpyReaderFixtureTests.Value)."""
    i = np.arange(ROWS, dtype=np.float64)[:, None]
    j = np.arange(COLS, dtype=np.float64)[None, :]
    return (i + 1) / (j + 3) - i * j / 4


v = table()
np.save("c_f8.npy", v)                                   # C order, '<f8', version 1.0
np.save("fortran_f4.npy", np.asfortranarray(v.astype(np.float32)))
np.save("big_endian_f8.npy", v.astype(">f8"))
np.save("fortran_big_endian_i2.npy", np.asfortranarray((v * 1000).astype(">i2")))
with open("version2_f8.npy", "wb") as f:
    np.lib.format.write_array(f, v, version=(2, 0))
with open("version3_f8.npy", "wb") as f:
    np.lib.format.write_array(f, v, version=(3, 0))
np.save("one_dimensional_f8.npy", v[:, 1].copy())         # shape (7,)
np.save("float16.npy", v.astype(np.float16))
np.save("uint8.npy", (np.arange(ROWS * COLS) * 12).astype(np.uint8).reshape(ROWS, COLS))
np.save("int64_extremes.npy", np.array([[-2**63, 2**63 - 1], [2**53 + 1, -(2**53) - 3], [12345678901234567, 0]], dtype=np.int64))
np.save("uint64_extremes.npy", np.array([2**64 - 1, 2**63 + 1025, 2**53 + 1], dtype=np.uint64))
w = v.copy()
w[4, 1] = np.nan
np.save("nan_at_4_1.npy", w)
np.save("bool.npy", np.ones((3, 2), dtype=bool))
np.save("complex.npy", np.ones((3, 2), dtype=np.complex128))
np.save("three_dimensional.npy", np.zeros((2, 2, 2)))
np.save("structured.npy", np.zeros(3, dtype=[("x", "<f8"), ("y", "<f8")]))
