"""NumPy reads what arr writes.

Runs the built arr binary (ARR_BIN, else target/release/arr) on a script
that saves arrays of every dtype and several shapes into a temp folder as
.npy, .npz, .csv and .txt, then checks with NumPy that dtypes, shapes and
values match. Prints one line per failure and a final `N passed, M failed`;
exits non-zero when anything failed.

    cargo build --release && python tests/numpy_reads_arr.py
"""

import io
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
I64_MAX = np.iinfo(np.int64).max

# (name, arr expression, what NumPy should read back)
CASES = [
    ("f64_1d", "[1.5, -2.25, 0.1, 1e-300, 1e300]",
     np.array([1.5, -2.25, 0.1, 1e-300, 1e300])),
    ("f64_2d", "[[1.5, -2.0, inf], [-inf, nan, 0.0]]",
     np.array([[1.5, -2.0, np.inf], [-np.inf, np.nan, 0.0]])),
    ("f64_3d", "[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.5]]]",
     np.array([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.5]]])),
    ("f64_0d", "2.5", np.array(2.5)),
    ("f64_empty", "zeros(0, 3)", np.zeros((0, 3))),
    ("f32_1d", "array([0.1, 2.5, -3.0, 3e38], dtype=float32)",
     np.array([0.1, 2.5, -3.0, 3e38], dtype=np.float32)),
    ("f32_2d", "array([[0.1, 0.2], [0.3, nan]], dtype=float32)",
     np.array([[0.1, 0.2], [0.3, np.nan]], dtype=np.float32)),
    ("f32_0d", "array(1.25, dtype=float32)", np.array(1.25, dtype=np.float32)),
    ("i64_1d", "[1, -2, 3, 9223372036854775807, -9223372036854775807]",
     np.array([1, -2, 3, I64_MAX, -I64_MAX], dtype=np.int64)),
    ("i64_2d", "[[1, 2, 3], [4, 5, 6]]", np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int64)),
    ("i64_3d", "[[[1, 2]], [[3, 4]], [[5, 6]]]",
     np.array([[[1, 2]], [[3, 4]], [[5, 6]]], dtype=np.int64)),
    ("i64_0d", "7", np.array(7, dtype=np.int64)),
    ("i64_empty", "zeros(0, dtype=int64)", np.zeros(0, dtype=np.int64)),
    ("bool_1d", "[true, false, true]", np.array([True, False, True])),
    ("bool_2d", "[[true, false], [false, false]]", np.array([[True, False], [False, False]])),
    ("bool_0d", "true", np.array(True)),
]


def arr_bin():
    b = os.environ.get("ARR_BIN") or os.path.join(ROOT, "target", "release", "arr")
    if not os.path.exists(b):
        print(f"FAIL arr binary not found at {b}: build it (cargo build --release) or set ARR_BIN")
        print("0 passed, 1 failed")
        sys.exit(1)
    return b


def script():
    """The arr script; paths are relative, so they start at its folder."""
    lines = []
    for name, expr, _ in CASES:
        lines.append(f'save("{name}.npy", {expr})')
    named = ", ".join(f"{name}={expr}" for name, expr, _ in CASES)
    lines.append(f'save("named.npz", {named})')
    lines.append(f'save("positional.npz", {CASES[0][1]}, {CASES[9][1]}, {CASES[13][1]})')
    for name, expr, want in CASES:
        if want.ndim in (1, 2) and want.size > 0:
            lines.append(f'save("{name}.csv", {expr})')
            lines.append(f'savetxt("{name}.txt", {expr}, header="arr wrote this\\nsecond line")')
            if want.dtype != np.float32 and want.dtype.kind != "f":
                lines.append(f'savetxt("{name}_int.csv", {expr}, delimiter=",", fmt="%d")')
    # Round trip: arr reads back what it wrote and saves it again.
    lines.append('d = load("named.npz")')
    lines.append('save("again.npz", d)')
    lines.append('save("again_f32.npy", load("f32_2d.npy"))')
    return "\n".join(lines) + "\n"


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}: {detail}")

    def same(self, what, got, want):
        if got.dtype != want.dtype:
            return self.check(what, False, f"dtype {got.dtype}, want {want.dtype}")
        if got.shape != want.shape:
            return self.check(what, False, f"shape {got.shape}, want {want.shape}")
        eq_nan = want.dtype.kind == "f"
        self.check(what, np.array_equal(got, want, equal_nan=eq_nan), f"{got!r} != {want!r}")


def main():
    binary = arr_bin()
    c = Checker()
    with tempfile.TemporaryDirectory(prefix="arr-numpy-") as d:
        src = os.path.join(d, "write.arr")
        with open(src, "w") as f:
            f.write(script())
        r = subprocess.run([binary, src], capture_output=True, text=True, timeout=120)
        c.check("arr ran the script", r.returncode == 0, r.stdout + r.stderr)
        if r.returncode != 0:
            print(f"{c.passed} passed, {c.failed} failed")
            return 1

        def p(name):
            return os.path.join(d, name)

        for name, _, want in CASES:
            got = np.load(p(f"{name}.npy"), allow_pickle=False)
            c.same(f"{name}.npy", got, want)
            # Byte for byte what np.save writes for the same array.
            buf = io.BytesIO()
            np.save(buf, want)
            with open(p(f"{name}.npy"), "rb") as f:
                c.check(f"{name}.npy bytes", f.read() == buf.getvalue(), "differs from np.save")
            # The header lets NumPy memory-map the file.
            if want.size:
                m = np.load(p(f"{name}.npy"), mmap_mode="r")
                c.same(f"{name}.npy mmap", np.asarray(m), want)
                del m

        with np.load(p("named.npz"), allow_pickle=False) as z:
            c.check("named.npz keys", list(z.keys()) == [n for n, _, _ in CASES], str(list(z.keys())))
            for name, _, want in CASES:
                c.same(f"named.npz[{name}]", z[name], want)
        with np.load(p("positional.npz"), allow_pickle=False) as z:
            c.check("positional.npz keys", list(z.keys()) == ["arr_0", "arr_1", "arr_2"], str(list(z.keys())))
            for i, k in enumerate([0, 9, 13]):
                c.same(f"positional.npz[arr_{i}]", z[f"arr_{i}"], CASES[k][2])
        with np.load(p("again.npz"), allow_pickle=False) as z:
            c.check("again.npz keys", list(z.keys()) == [n for n, _, _ in CASES], str(list(z.keys())))
            for name, _, want in CASES:
                c.same(f"again.npz[{name}]", z[name], want)
        c.same("again_f32.npy", np.load(p("again_f32.npy")), CASES[6][2])

        for name, _, want in CASES:
            if not (want.ndim in (1, 2) and want.size > 0):
                continue
            as_f64 = want.astype(np.float64)
            c.same(f"{name}.csv", np.loadtxt(p(f"{name}.csv"), delimiter=","), as_f64)
            c.same(f"{name}.txt", np.loadtxt(p(f"{name}.txt")), as_f64)
            with open(p(f"{name}.txt")) as f:
                head = f.read().split("\n")[:2]
            c.check(f"{name}.txt header", head == ["# arr wrote this", "# second line"], str(head))
            # The text itself matches np.savetxt's default "%.18e".
            buf = io.StringIO()
            np.savetxt(buf, want, header="arr wrote this\nsecond line")
            with open(p(f"{name}.txt")) as f:
                c.check(f"{name}.txt text", f.read() == buf.getvalue(), "differs from np.savetxt")
            if want.dtype.kind != "f":
                got = np.loadtxt(p(f"{name}_int.csv"), delimiter=",", dtype=np.int64)
                c.same(f"{name}_int.csv", got, want.astype(np.int64))

    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
