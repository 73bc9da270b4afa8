"""Regenerate the NumPy-written fixtures that tests/data_files.rs loads.

Run from anywhere: python tests/data/make_fixtures.py
The values are small and fixed; tests/data_files.rs repeats them.
"""

import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def main():
    np.save(path("f8.npy"), np.array([1.5, -2.25, 0.0, 1e300, np.inf, np.nan]))
    np.save(path("f4.npy"), np.array([[1.5, -2.0], [0.1, 3.0e38]], dtype=np.float32))
    np.save(path("f2.npy"), np.array([1.0, -0.5, 65504.0], dtype=np.float16))
    np.save(path("i8.npy"), np.array([np.iinfo(np.int64).min, -1, 0, 1, np.iinfo(np.int64).max]))
    np.save(path("i4.npy"), np.arange(-3, 3, dtype=np.int32).reshape(2, 3))
    np.save(path("i2.npy"), np.array([-32768, 32767], dtype=np.int16))
    np.save(path("i1.npy"), np.array([-128, 127], dtype=np.int8))
    np.save(path("u1.npy"), np.array([0, 1, 255], dtype=np.uint8))
    np.save(path("u2.npy"), np.array([0, 65535], dtype=np.uint16))
    np.save(path("u4.npy"), np.array([0, 4294967295], dtype=np.uint32))
    np.save(path("u8.npy"), np.array([0, 2**63 - 1], dtype=np.uint64))
    np.save(path("b1.npy"), np.array([[True, False, True], [False, False, True]]))
    # Fortran order: the file holds the data column by column.
    np.save(path("fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)))
    np.save(path("fortran3d.npy"), np.asfortranarray(np.arange(24, dtype=np.int64).reshape(2, 3, 4)))
    # Big-endian.
    np.save(path("big_endian.npy"), np.array([1.5, -2.0, 1e-10], dtype=">f8"))
    np.save(path("big_endian_i4.npy"), np.array([1, -2, 70000], dtype=">i4"))
    np.save(path("scalar.npy"), np.array(3.25))
    np.save(path("empty.npy"), np.zeros((0, 3)))
    np.save(path("complex.npy"), np.array([1 + 2j]))
    np.savez(path("savez.npz"), np.array([1, 2, 3]), w=np.eye(2), flag=np.array(True))
    np.savez_compressed(
        path("savez_compressed.npz"),
        x=np.linspace(0, 1, 5),
        y=np.arange(4, dtype=np.int32).reshape(2, 2),
    )
    with open(path("header.csv"), "w") as f:
        f.write("a,b,c\n1,2,3\n4.5,-5,6e2\n")
    with open(path("table.txt"), "w") as f:
        f.write("# x  y\n1.0  2.0\n\n3.0\t4.0   # trailing comment\n5 6\n")
    # A file as np.savetxt writes it (default fmt, header).
    np.savetxt(path("savetxt.txt"), np.array([[1.5, 2.0], [-3.0, 1e-5]]), header="x y")


if __name__ == "__main__":
    main()
