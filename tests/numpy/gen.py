#!/usr/bin/env python3
"""Turn paired arr/NumPy cases (tests/numpy/*.txt, the format of
shared/tools/numpy_diff.py) into tests/lang/np_*.arr scripts whose
assertions hold NumPy's results: dtype, shape and values (and, for a tuple
result, its length). A case with an `err: KIND` line is one NumPy raises on:
its last `np:` line must raise, and its last `arr:` line must fail with
arr's error kind KIND; such cases go to tests/lang/np_*.errors, which
tests/lang.rs runs case by case. See tests/numpy/README.md.

    python tests/numpy/gen.py              # (re)write tests/lang/np_*.arr
    python tests/numpy/gen.py --check      # compare them with what this NumPy computes
    python tests/numpy/gen.py --check --no-avx512   # ... and fail unless NumPy and
                                           # OpenBLAS run without their AVX-512 kernels
    python tests/numpy/gen.py --self-test  # show that --check catches real changes

The generated scripts are committed, so `cargo test` needs no Python.
Running this file needs NumPy; run it with NumPy's AVX-512 kernels off
(NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"
OPENBLAS_CORETYPE=Haswell) to reproduce the committed files byte for byte.

`--check` (run by .ci/run) does not compare text: NumPy's AVX-512 and AVX2
kernels, and OpenBLAS's per-CPU kernels, differ in the last digits. It reads
the committed scripts back into cases and compares each check with what
NumPy computes now: the same cases in the same order, the same arr code, the
same dtype and shape, integer and bool values exactly, and float values
within the tolerance the generated assertion itself uses
(|now - committed| <= tol + tol * |committed|, nan equal to nan); for an
`err:` case, the same arr code and kind, and NumPy still raising the
exception class the file names. Anything else fails with the case named.
"""
import glob, math, os, re, shutil, sys, tempfile, warnings
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "lang")
DTYPES = ("bool", "int64", "float32", "float64")


def parse(path):
    cases, cur = [], None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("## "):
            cur = {"name": line[3:].strip(), "arr": [], "np": [], "tol": 1e-12, "err": None}
            cases.append(cur)
        elif cur is None or not line.strip() or line.startswith("#"):
            continue
        elif line.startswith("arr:"):
            cur["arr"].append(line[4:].strip())
        elif line.startswith("np:"):
            cur["np"].append(line[3:].strip())
        elif line.startswith("tol:"):
            cur["tol"] = float(line[4:])
        elif line.startswith("err:"):
            kind = line[4:].strip()
            if not re.fullmatch(r"[A-Z]\w*", kind):
                raise SystemExit(f"{path}: case {cur['name']}: `err:` needs an arr error kind such as Index, got {kind!r}")
            cur["err"] = kind
        else:
            raise SystemExit(f"{path}: case {cur['name']}: a line gen.py does not read: {line!r}")
    for c in cases:
        if not c["arr"] or not c["np"]:
            raise SystemExit(f"{path}: case {c['name']} needs `arr:` and `np:` lines")
    names = [c["name"] for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SystemExit(f"{path}: case names used twice: {dup}")
    return cases


def value_cases(cases):
    return [c for c in cases if c["err"] is None]


def error_cases(cases):
    return [c for c in cases if c["err"] is not None]


# ---- NumPy's results as structured checks ---------------------------------


_computed = {}


def checks_of(c):
    """What NumPy computes for case `c`: a list of checks, each a dict with
    expr, label, dtype, shape, values (nested lists of Python numbers) and
    tol (None for exact comparison); a tuple result starts with a check of
    its length. Computed once per process (--self-test checks many times)."""
    key = ("checks", c["name"], tuple(c["np"]), c["tol"])
    if key not in _computed:
        _computed[key] = compute_checks(c)
    return _computed[key]


def compute_checks(c):
    env = {"np": np}
    with np.errstate(all="ignore"), warnings.catch_warnings():  # cases divide by zero on purpose
        warnings.simplefilter("ignore", RuntimeWarning)  # mean of an empty slice, ddof >= n
        exec("\n".join(c["np"]), env)
    want = env["out"]
    n = c["name"]
    if isinstance(want, tuple):
        return [length_check(n, len(want))] + [check(f"out[{k}]", np.asarray(w), n + f"[{k}]", c["tol"]) for k, w in enumerate(want)]
    return [check("out", np.asarray(want), n, c["tol"])]


def length_check(name, n):
    return {"expr": "out", "label": name, "length": n}


def raised_of(c):
    """The exception class NumPy raises on the last `np:` line of an `err:`
    case (the lines before it must run); None if it does not raise."""
    key = ("raised", c["name"], tuple(c["np"]))
    if key not in _computed:
        _computed[key] = compute_raised(c)
    return _computed[key]


def compute_raised(c):
    env = {"np": np}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            exec("\n".join(c["np"][:-1]), env)
        except Exception as ex:
            raise SystemExit(f"case {c['name']}: NumPy fails before the last np: line ({type(ex).__name__}: {ex})")
        try:
            exec(c["np"][-1], env)
        except Exception as ex:
            return type(ex).__name__
    return None


def check(expr, w, label, tol):
    dt = str(w.dtype)
    if dt not in DTYPES:
        raise SystemExit(f"{label}: NumPy returned dtype {dt}, which arr's generated checks do not support")
    t = None
    if w.dtype.kind == "f":
        t = max(tol, 1e-6) if w.dtype == np.float32 else tol
    return {"expr": expr, "label": label, "dtype": dt, "shape": tuple(w.shape), "values": w.tolist(), "tol": t}


# ---- rendering to arr -----------------------------------------------------


def lit(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    f = float(x)
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return repr(f)


def arr_lit(v):
    if isinstance(v, list):
        return "[" + ", ".join(arr_lit(x) for x in v) + "]"
    return lit(v)


def shape_lit(s):
    if len(s) == 1:
        return f"({s[0]},)"
    return "(" + ", ".join(str(d) for d in s) + ")"


def render_check(k):
    e, n = k["expr"], k["label"]
    if "length" in k:
        return [f'assert(len({e}) == {k["length"]}, "{n}: length")']
    out = [f'assert(dtype({e}) == {k["dtype"]}, "{n}: dtype")', f'assert(shape({e}) == {shape_lit(k["shape"])}, "{n}: shape")']
    if 0 in k["shape"]:
        return out
    if k["tol"] is not None:
        t = k["tol"]
        out.append(f'assert(all(isclose({e}, {arr_lit(k["values"])}, rtol={t!r}, atol={t!r}, equal_nan=true)), "{n}: values")')
    else:
        out.append(f'assert(all({e} == {arr_lit(k["values"])}), "{n}: values")')
    return out


def render_case(name, arr_lines, checks):
    lines = [f"# {name}"] + list(arr_lines)
    for k in checks:
        lines += render_check(k)
    return "\n".join(lines) + "\n"


def header(base):
    return f"# GENERATED by tests/numpy/gen.py from tests/numpy/{base}.txt: expected values are NumPy {np.__version__}'s.\n"


def errors_header(base):
    return (f"# GENERATED by tests/numpy/gen.py from the `err:` cases of tests/numpy/{base}.txt (NumPy {np.__version__}).\n"
            "# tests/lang.rs runs each case alone: every line but the last must run, the last must fail with\n"
            "# the arr error kind named; NumPy raises the exception named on the same code.\n")


def render_error_case(name, arr_lines, kind, raised):
    return "\n".join([f"# {name}", f"# error: {kind} (NumPy: {raised})"] + list(arr_lines)) + "\n"


def no_raise(c):
    return f"case {c['name']}: has `err: {c['err']}` but NumPy does not raise on its last np: line"


def case_files():
    return [(os.path.splitext(os.path.basename(p))[0], p) for p in sorted(glob.glob(os.path.join(HERE, "*.txt")))]


def generate(out_dir):
    for base, path in case_files():
        cases = parse(path)
        body = [header(base)]
        for c in value_cases(cases):
            body.append(render_case(c["name"], c["arr"], checks_of(c)))
        with open(os.path.join(out_dir, f"np_{base}.arr"), "w") as f:
            f.write("\n".join(body))
        errs = [errors_header(base)]
        for c in error_cases(cases):
            raised = raised_of(c)
            if raised is None:
                raise SystemExit(no_raise(c))
            errs.append(render_error_case(c["name"], c["arr"], c["err"], raised))
        err_path = os.path.join(out_dir, f"np_{base}.errors")
        if len(errs) > 1:
            with open(err_path, "w") as f:
                f.write("\n".join(errs))
        elif os.path.exists(err_path):
            os.remove(err_path)
        print(f"np_{base}.arr: {len(body) - 1} cases" + (f"; np_{base}.errors: {len(errs) - 1} cases" if len(errs) > 1 else ""))


# ---- reading a generated script back --------------------------------------

DTYPE_RE = re.compile(r'^assert\(dtype\((?P<e>.+)\) == (?P<d>\w+), "(?P<n>.*): dtype"\)$')
SHAPE_RE = re.compile(r'^assert\(shape\((?P<e>.+)\) == \((?P<s>[\d, ]*)\), "(?P<n>.*): shape"\)$')
CLOSE_RE = re.compile(
    r'^assert\(all\(isclose\((?P<e>out(?:\[\d+\])?), (?P<v>.+), rtol=(?P<r>[^,]+), atol=(?P<a>[^,]+), equal_nan=true\)\), "(?P<n>.*): values"\)$'
)
EXACT_RE = re.compile(r'^assert\(all\((?P<e>out(?:\[\d+\])?) == (?P<v>.+)\), "(?P<n>.*): values"\)$')
LENGTH_RE = re.compile(r'^assert\(len\((?P<e>out)\) == (?P<k>\d+), "(?P<n>.*): length"\)$')
ERROR_RE = re.compile(r"^# error: (?P<k>\w+) \(NumPy: (?P<x>\w+)\)$")
LIT_NAMES = {"nan": math.nan, "inf": math.inf, "true": True, "false": False, "__builtins__": {}}


class Bad(Exception):
    pass


def read_literal(text, where):
    if not re.fullmatch(r"[\[\]\d\s,.eE+\-naiftrulsf]*", text):
        raise Bad(f"{where}: unreadable value literal")
    try:
        return eval(text, dict(LIT_NAMES))
    except Exception as ex:  # a hand-edited or truncated literal
        raise Bad(f"{where}: unreadable value literal ({ex})")


def read_script(path):
    """The committed script as [(name, arr_lines, checks)], in file order."""
    cases, cur = [], None
    for no, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        where = f"{os.path.basename(path)}:{no}"
        if not line.strip() or line.startswith("# GENERATED"):
            continue
        if line.startswith("# "):
            cur = (line[2:], [], [])
            cases.append(cur)
            continue
        if cur is None:
            raise Bad(f"{where}: a line before the first case")
        m = LENGTH_RE.match(line)
        if m:
            if cur[2]:
                raise Bad(f"{where}: a length check after other checks")
            cur[2].append({"expr": m["e"], "label": m["n"], "length": int(m["k"])})
            continue
        m = DTYPE_RE.match(line)
        if m:
            cur[2].append({"expr": m["e"], "label": m["n"], "dtype": m["d"], "shape": None, "values": None, "tol": None})
            continue
        m = SHAPE_RE.match(line)
        if m:
            k = last_check(cur, m["e"], where)
            k["shape"] = tuple(int(d) for d in m["s"].replace(" ", "").split(",") if d)
            continue
        m = CLOSE_RE.match(line)
        if m:
            k = last_check(cur, m["e"], where)
            if float(m["r"]) != float(m["a"]):
                raise Bad(f"{where}: rtol and atol differ")
            k["tol"] = float(m["r"])
            k["values"] = read_literal(m["v"], where)
            continue
        m = EXACT_RE.match(line)
        if m:
            k = last_check(cur, m["e"], where)
            k["values"] = read_literal(m["v"], where)
            continue
        if line.startswith("assert("):
            raise Bad(f"{where}: an assertion gen.py does not write")
        if cur[2]:
            raise Bad(f"{where}: code after the checks of case {cur[0]}")
        cur[1].append(line)
    return cases


def last_check(cur, expr, where):
    if not cur[2] or cur[2][-1]["expr"] != expr or "length" in cur[2][-1]:
        raise Bad(f"{where}: a check of {expr} without its dtype line")
    return cur[2][-1]


def read_errors(path):
    """The committed error cases as [(name, arr_lines, kind, numpy_exception)]:
    a header paragraph, then one paragraph per case."""
    file = os.path.basename(path)
    paras, cur = [], None
    for no, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if not line.strip():
            cur = None
            continue
        if cur is None:
            cur = []
            paras.append(cur)
        cur.append((no, line))
    if not paras or not paras[0][0][1].startswith("# GENERATED"):
        raise Bad(f"{file}:1: the GENERATED header is missing")
    cases = []
    for para in paras[1:]:
        (no, first), rest = para[0], para[1:]
        if not first.startswith("# "):
            raise Bad(f"{file}:{no}: a case must start with `# NAME`")
        m = ERROR_RE.match(rest[0][1]) if rest else None
        if not m:
            raise Bad(f"{file}:{no}: case {first[2:]} lacks its `# error: KIND (NumPy: EXCEPTION)` line")
        code = [l for _, l in rest[1:]]
        bad = [n for n, l in rest[1:] if l.startswith("#")]
        if bad:
            raise Bad(f"{file}:{bad[0]}: a comment inside case {first[2:]}")
        if not code:
            raise Bad(f"{file}:{no}: case {first[2:]} has no code")
        cases.append((first[2:], code, m["k"], m["x"]))
    return cases


# ---- comparison ------------------------------------------------------------


def flat(v):
    if isinstance(v, list):
        for x in v:
            yield from flat(x)
    else:
        yield v


def same_value(now, held, tol):
    if tol is None:
        return type(now) is type(held) and now == held
    now, held = float(now), float(held)
    if math.isnan(now) or math.isnan(held):
        return math.isnan(now) and math.isnan(held)
    if math.isinf(now) or math.isinf(held):
        return now == held
    return abs(now - held) <= tol + tol * abs(held)


def compare_check(name, now, held):
    label = now["label"]
    if ("length" in now) != ("length" in held):
        return f"{label}: the script {'lacks' if 'length' in now else 'has'} a length check of a tuple result"
    if "length" in now:
        if now["length"] != held["length"] or now["label"] != held["label"]:
            return f"{label}: length is {held['length']!r} in the script, NumPy now gives {now['length']!r}"
        return None
    for key in ("expr", "label", "dtype", "shape"):
        if now[key] != held[key]:
            return f"{label}: {key} is {held[key]!r} in the script, NumPy now gives {now[key]!r}"
    if 0 in now["shape"]:
        return None  # an empty result: no values, so no tolerance, in the script
    if now["tol"] != held["tol"]:
        return f"{label}: tolerance is {held['tol']!r} in the script, the case asks for {now['tol']!r}"
    if held["values"] is None:
        return f"{label}: the script has no values check"
    a, b = list(flat(now["values"])), list(flat(held["values"]))
    if len(a) != len(b):
        return f"{label}: {len(b)} values in the script, NumPy now gives {len(a)}"
    for i, (x, y) in enumerate(zip(a, b)):
        if not same_value(x, y, now["tol"]):
            tol = "exactly" if now["tol"] is None else f"within {now['tol']!r}"
            return f"{label}: element {i} is {y!r} in the script, NumPy now gives {x!r} (must agree {tol})"
    return None


def compare_names(problems, file, base, held_names, now_names):
    for n in now_names:
        if n not in held_names:
            problems.append(f"{file}: case {n} is in {base}.txt but not in the script")
    for n in held_names:
        if n not in now_names:
            problems.append(f"{file}: case {n} is in the script but not in {base}.txt")
    if set(held_names) == set(now_names) and held_names != now_names:
        problems.append(f"{file}: cases are in another order than in {base}.txt")


def check_errors(problems, script_dir, base, cases):
    """Compare np_{base}.errors with the `err:` cases of {base}.txt and what NumPy raises now."""
    file = f"np_{base}.errors"
    path = os.path.join(script_dir, file)
    if not cases:
        if os.path.exists(path):
            problems.append(f"{file}: {base}.txt has no `err:` cases (run tests/numpy/gen.py)")
        return
    if not os.path.exists(path):
        problems.append(f"{file}: missing (run tests/numpy/gen.py)")
        return
    try:
        held = read_errors(path)
    except Bad as ex:
        problems.append(str(ex))
        return
    compare_names(problems, file, base, [h[0] for h in held], [c["name"] for c in cases])
    by_name = {h[0]: h for h in held}
    for c in cases:
        h = by_name.get(c["name"])
        if h is None:
            continue
        if h[1] != c["arr"]:
            problems.append(f"{file}: case {c['name']}: arr code differs from {base}.txt")
        elif h[2] != c["err"]:
            problems.append(f"{file}: case {c['name']}: error kind is {h[2]} in the script, {base}.txt asks for {c['err']}")
        else:
            raised = raised_of(c)
            if raised is None:
                problems.append(f"{file}: {no_raise(c)}")
            elif raised != h[3]:
                problems.append(f"{file}: case {c['name']}: NumPy raises {h[3]} in the script, NumPy now raises {raised}")


def check_dir(script_dir):
    """Problems found comparing the scripts in `script_dir` with NumPy now."""
    problems = []
    for base, path in case_files():
        all_cases = parse(path)
        check_errors(problems, script_dir, base, error_cases(all_cases))
        script = os.path.join(script_dir, f"np_{base}.arr")
        if not os.path.exists(script):
            problems.append(f"np_{base}.arr: missing (run tests/numpy/gen.py)")
            continue
        try:
            held = read_script(script)
        except Bad as ex:
            problems.append(str(ex))
            continue
        cases = value_cases(all_cases)
        compare_names(problems, f"np_{base}.arr", base, [h[0] for h in held], [c["name"] for c in cases])
        by_name = {h[0]: h for h in held}
        for c in cases:
            h = by_name.get(c["name"])
            if h is None:
                continue
            if h[1] != c["arr"]:
                problems.append(f"np_{base}.arr: case {c['name']}: arr code differs from {base}.txt")
                continue
            now = checks_of(c)
            if len(now) != len(h[2]):
                problems.append(f"np_{base}.arr: case {c['name']}: {len(h[2])} checked outputs in the script, NumPy now gives {len(now)}")
                continue
            for k_now, k_held in zip(now, h[2]):
                p = compare_check(c["name"], k_now, k_held)
                if p:
                    problems.append(f"np_{base}.arr: case {c['name']}: {p}")
    for script in sorted(glob.glob(os.path.join(script_dir, "np_*.arr")) + glob.glob(os.path.join(script_dir, "np_*.errors"))):
        base = os.path.splitext(os.path.basename(script))[0][3:]
        if not os.path.exists(os.path.join(HERE, base + ".txt")):
            problems.append(f"{os.path.basename(script)}: no tests/numpy/{base}.txt generates it")
    return problems


AVX512_BLAS = ("skylakex", "cooperlake", "sapphirerapids")


def cpu_paths():
    """The SIMD targets NumPy dispatches to in this process, and the
    OpenBLAS kernel families (threadpoolctl; None if it is not installed)."""
    from numpy._core._multiarray_umath import __cpu_features__ as feat, __cpu_dispatch__ as disp

    used = [d for d in disp if feat.get(d)]
    try:
        import threadpoolctl
    except ImportError:
        return used, None
    return used, [f"{i['internal_api']} {i.get('architecture')}" for i in threadpoolctl.threadpool_info()]


def run_check(script_dir, no_avx512):
    used, blas = cpu_paths()
    print(f"NumPy {np.__version__}, dispatch targets in use: {used or 'baseline only'}; BLAS: {blas or 'unknown'}")
    if no_avx512:
        # The second CI pass must really run NumPy's and OpenBLAS's non-AVX-512 kernels.
        wrong = [d for d in used if "512" in d or d == "X86_V4"]
        if blas is None:
            wrong.append("threadpoolctl missing: cannot tell OpenBLAS's kernels")
        else:
            wrong += [b for b in blas if any(a in b.lower() for a in AVX512_BLAS)]
        if wrong:
            print(f"FAIL --no-avx512: still in use: {wrong} (set NPY_DISABLE_CPU_FEATURES and OPENBLAS_CORETYPE=Haswell)")
            return 1
    problems = check_dir(script_dir)
    n = sum(len(value_cases(parse(p))) for _, p in case_files())
    ne = sum(len(error_cases(parse(p))) for _, p in case_files())
    for p in problems:
        print("FAIL", p)
    if problems:
        print(f"{len(problems)} problems: tests/lang/np_*.arr do not hold what this NumPy computes; "
              "if a case changed on purpose, run tests/numpy/gen.py and commit the result")
        return 1
    print(f"{n} NumPy cases agree with tests/lang/np_*.arr within their tolerances; "
          f"NumPy still raises on the {ne} cases of tests/lang/np_*.errors")
    return 0


# ---- self-test: --check must catch real changes ---------------------------


def self_test():
    """Copies the committed scripts, makes one real change at a time, and
    requires --check's comparison to fail naming the changed case; the
    unchanged copy and a last-digit change inside tolerance must pass."""

    def first_float_case():
        for base, path in case_files():
            script = os.path.join(OUT, f"np_{base}.arr")
            for name, _, ks in read_script(script):
                for k in ks:
                    if k.get("tol") is not None and k["values"] is not None and 0 not in k["shape"]:
                        v = next(x for x in flat(k["values"]) if isinstance(x, float) and math.isfinite(x) and x != 0)
                        return base, name, k, v
        raise SystemExit("self-test: no float case to perturb")

    base, name, k, v = first_float_case()
    script = f"np_{base}.arr"
    values_line = lambda text: next(l for l in text.splitlines() if l.startswith("assert(all(isclose") and f'"{k["label"]}: values"' in l)

    def mutate_value(text, factor):
        line = values_line(text)
        new = line.replace(repr(v), repr(v * factor), 1)
        assert new != line
        return text.replace(line, new, 1)

    def mutate_dtype(text):
        old = f'assert(dtype({k["expr"]}) == {k["dtype"]}, "{k["label"]}: dtype")'
        other = "float32" if k["dtype"] == "float64" else "float64"
        return text.replace(old, old.replace(f"== {k['dtype']}", f"== {other}"), 1)

    def mutate_shape(text):
        old = f'assert(shape({k["expr"]}) == {shape_lit(k["shape"])}, "{k["label"]}: shape")'
        new_shape = tuple(k["shape"]) + (1,)
        return text.replace(old, old.replace(shape_lit(k["shape"]), shape_lit(new_shape)), 1)

    def int_case():
        for b, _ in case_files():
            for n, _, ks in read_script(os.path.join(OUT, f"np_{b}.arr")):
                for kk in ks:
                    if kk.get("dtype") == "int64" and kk["values"] is not None and 0 not in kk["shape"]:
                        return b, n, kk
        raise SystemExit("self-test: no int64 case to change")

    ibase, iname, ik = int_case()

    def mutate_int(text):
        line = next(l for l in text.splitlines() if f'"{ik["label"]}: values"' in l)
        m = re.search(r"-?\d+(?=[\],)])", line[line.index("=="):])
        i = line.index("==") + m.start()
        new = line[:i] + str(int(m.group()) + 1) + line[i + len(m.group()):]
        return text.replace(line, new, 1)

    def tuple_case():
        for b, _ in case_files():
            for n, _, ks in read_script(os.path.join(OUT, f"np_{b}.arr")):
                if ks and "length" in ks[0]:
                    return b, n, ks[0]
        raise SystemExit("self-test: no tuple result to change")

    tbase, tname, tk = tuple_case()
    length_line = f'assert(len(out) == {tk["length"]}, "{tname}: length")'

    def mutate_length(text):
        return text.replace(length_line, length_line.replace(f"== {tk['length']}", f"== {tk['length'] + 1}"), 1)

    def drop_length(text):
        return text.replace(length_line + "\n", "", 1)

    def add_case(text):
        return text + "\n# a_case_not_in_the_txt\nout = 1\n"

    def drop_case(text):
        start = text.index(f"# {name}\n")
        end = text.find("\n# ", start + 1)
        return text[:start] + (text[end + 1:] if end >= 0 else "")

    # An `err:` case: its kind, the exception NumPy raises, removing and adding one.
    ebase = next((b for b, _ in case_files() if os.path.exists(os.path.join(OUT, f"np_{b}.errors"))), None)
    if ebase is None:
        raise SystemExit("self-test: no tests/lang/np_*.errors to change")
    ename, _, ekind, eraised = read_errors(os.path.join(OUT, f"np_{ebase}.errors"))[0]
    error_line = f"# error: {ekind} (NumPy: {eraised})"

    def mutate_kind(text):
        other = "Shape" if ekind != "Shape" else "Value"
        return text.replace(error_line, f"# error: {other} (NumPy: {eraised})", 1)

    def mutate_raised(text):
        other = "KeyError" if eraised != "KeyError" else "TypeError"
        return text.replace(error_line, f"# error: {ekind} (NumPy: {other})", 1)

    def drop_error_case(text):
        start = text.index(f"# {ename}\n{error_line}\n")
        end = text.find("\n\n", start)
        return text[:start] + (text[end + 2:] if end >= 0 else "")

    def add_error_case(text):
        return text + "\n# an_error_case_not_in_the_txt\n# error: Index (NumPy: IndexError)\nout = [1][5]\n"

    arr, errs = f"np_{base}.arr", f"np_{ebase}.errors"
    tests = [
        ("unchanged", arr, name, lambda t: t, False),
        ("a last-digit change inside tolerance", arr, name, lambda t: mutate_value(t, 1 + 4e-16), False),
        ("a value outside tolerance", arr, name, lambda t: mutate_value(t, 1 + 1e-6), True),
        ("another dtype", arr, name, mutate_dtype, True),
        ("another shape", arr, name, mutate_shape, True),
        ("a case removed", arr, name, drop_case, True),
        ("a case added", arr, "a_case_not_in_the_txt", add_case, True),
        ("an integer value changed by one", f"np_{ibase}.arr", iname, mutate_int, True),
        ("another length of a tuple result", f"np_{tbase}.arr", tname, mutate_length, True),
        ("a tuple result's length check removed", f"np_{tbase}.arr", tname, drop_length, True),
        ("another error kind", errs, ename, mutate_kind, True),
        ("another exception NumPy raises", errs, ename, mutate_raised, True),
        ("an error case removed", errs, ename, drop_error_case, True),
        ("an error case added", errs, "an_error_case_not_in_the_txt", add_error_case, True),
    ]
    failed = 0
    for what, target, case, mutate, must_fail in tests:
        with tempfile.TemporaryDirectory() as d:
            for f in glob.glob(os.path.join(OUT, "np_*.arr")) + glob.glob(os.path.join(OUT, "np_*.errors")):
                shutil.copy(f, d)
            path = os.path.join(d, target)
            text = open(path).read()
            changed = mutate(text)
            if must_fail and changed == text:
                raise SystemExit(f"self-test: the mutation '{what}' changed nothing in {target}")
            open(path, "w").write(changed)
            problems = check_dir(d)
        named = any(case in p for p in problems)
        ok = (bool(problems) and named) if must_fail else not problems
        print(f"{'ok  ' if ok else 'FAIL'} {what} in {target} case {case}: "
              f"{problems[0] if problems else 'no problem found'}")
        failed += not ok
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main(argv):
    if argv and argv[0] == "--check" and set(argv[1:]) <= {"--no-avx512"}:
        return run_check(OUT, "--no-avx512" in argv)
    if argv == ["--self-test"]:
        return self_test()
    if argv:
        print(__doc__)
        return 2
    generate(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
