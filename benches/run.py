#!/usr/bin/env python3
"""Run arr and NumPy on the same work, in one run, and print a table of
median times and ratios (arr time / NumPy time: below 1 means arr is faster).

usage: python3 benches/run.py [--arr target/release/arr] [--only NAME] [--runs N]
                              [--before OLD_ARR]

With --runs N (default 1) every pair is run N times, arr and NumPy
alternating; the table gives the median over the runs and, for the ratio,
its range over the runs (each run's ratio), so noise is visible.

With --before OLD_ARR (an arr binary built from an earlier commit), every
run also runs OLD_ARR on the same work, interleaved, and a second table
compares the two builds of arr: the median after/before ratio, its range
over the runs, and "slower" only when every run of the new build was slower
(a ratio range entirely above 1), otherwise "within noise" or "faster".

Each benchmark is a pair benches/NAME.arr + benches/NAME.py; both print
lines `ROW <label> <median milliseconds>`, timed inside the process (start-up
excluded). Needs numpy in the Python that runs this script.
"""
import argparse, glob, os, platform, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def rows(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE)
    if p.returncode != 0:
        sys.stderr.write(f"{' '.join(cmd)} failed:\n{p.stdout}{p.stderr}\n")
        return {}
    out = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "ROW":
            out[" ".join(parts[1:-1])] = float(parts[-1])
    return out


def fmt(ms):
    """A time in a readable unit."""
    if ms < 0.001:
        return f"{ms * 1e6:.0f} ns"
    if ms < 1:
        return f"{ms * 1e3:.2f} µs"
    return f"{ms:.2f} ms"


def startup(arr, n=21):
    """Median wall time of `arr -e 1` and of `python -c "import numpy"`."""
    def med(cmd):
        ts = []
        for _ in range(n):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True)
            ts.append(time.perf_counter() - t)
        return statistics.median(ts) * 1000
    return med([sys.executable, "-c", "import numpy"]), med([arr, "-e", "1"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arr", default=os.path.join(HERE, "..", "target", "release", "arr"))
    ap.add_argument("--only", default="")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--before", default="")
    a = ap.parse_args()
    before = os.path.abspath(a.before) if a.before else None
    old = {}
    arr = os.path.abspath(a.arr)
    runs = max(1, a.runs)
    import numpy
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, {platform.platform()}; numpy {numpy.__version__}, python {platform.python_version()}; {runs} run(s)")
    spread = " | ratio range" if runs > 1 else ""
    print(f"| benchmark | NumPy | arr | arr/NumPy{spread} |")
    print(f"|---|---:|---:|---:{'|---:' if runs > 1 else ''}|")

    def line(label, ns, vs):
        n = statistics.median(ns)
        if not vs:
            print(f"| {label} | {fmt(n)} | failed | n/a{' | ' if runs > 1 else ''} |", flush=True)
            return
        v = statistics.median(vs)
        ratio = f"{v / n:.2f}" if n > 0 else "n/a"
        rr = [x / y for x, y in zip(vs, ns) if y > 0]
        extra = f" | {min(rr):.2f}–{max(rr):.2f}" if runs > 1 and rr else ""
        print(f"| {label} | {fmt(n)} | {fmt(v)} | {ratio}{extra} |", flush=True)

    new_times = {}
    for f in sorted(glob.glob(os.path.join(HERE, "*.arr"))):
        name = os.path.splitext(os.path.basename(f))[0]
        if a.only and a.only not in name:
            continue
        py = os.path.join(HERE, name + ".py")
        if not os.path.exists(py):
            continue
        ra, rn = {}, {}
        for _ in range(runs):
            if before:
                for k, v in rows([before, f]).items():
                    old.setdefault(k, []).append(v)
            for k, v in rows([arr, f]).items():
                ra.setdefault(k, []).append(v)
            for k, v in rows([sys.executable, py]).items():
                rn.setdefault(k, []).append(v)
        for label in rn:
            line(label, rn[label], ra.get(label, []))
            if before:
                new_times.setdefault(label, ra.get(label, []))
    if not a.only or "startup" in a.only:
        ns, vs = [], []
        for _ in range(runs):
            n, v = startup(arr)
            ns.append(n)
            vs.append(v)
        line('start-up: arr -e 1 vs python -c "import numpy"', ns, vs)
    if before:
        print()
        print(f"before: {before}")
        print(f"| benchmark | before | after | after/before | range over runs | verdict |")
        print("|---|---:|---:|---:|---:|---|")
        for label, vs in new_times.items():
            os_ = old.get(label, [])
            if not vs or not os_:
                print(f"| {label} | {'failed' if not os_ else fmt(statistics.median(os_))} | {'failed' if not vs else fmt(statistics.median(vs))} | n/a | | |")
                continue
            rr = [x / y for x, y in zip(vs, os_) if y > 0]
            med = statistics.median(vs) / statistics.median(os_)
            verdict = "slower" if min(rr) > 1 else ("faster" if max(rr) < 1 else "within noise")
            print(f"| {label} | {fmt(statistics.median(os_))} | {fmt(statistics.median(vs))} | {med:.2f} | {min(rr):.2f}–{max(rr):.2f} | {verdict} |", flush=True)


if __name__ == "__main__":
    main()
