# One-argument maths functions called as `f(x)` take a direct path to the
# kernel (no argument binding); `x.f()` goes through the general builtin call.
# Both must agree exactly, in values and dtype, for every dtype and for numbers.
xs = (astype([-2.5, -1.0, 0.0, 0.5, 3.0], float64), astype([-2.5, 0.0, 0.5], float32), [-3, 0, 2], [true, false], 0.5, -3, true)
pos = (astype([0.25, 0.5, 1.0, 4.0], float64), astype([0.25, 1.0], float32), [1, 4, 9], 2.0, 7)
unit = (astype([-0.5, 0.0, 0.9], float64), astype([0.5], float32), 0.25)
fn same(a, b) {
    assert(a.dtype == b.dtype)
    assert(all((a == b) | (isnan(a) & isnan(b))))
}
for x in xs {
    same(abs(x), x.abs()); same(exp(x), x.exp()); same(sin(x), x.sin())
    same(cos(x), x.cos()); same(tan(x), x.tan()); same(arctan(x), x.arctan())
    same(sinh(x), x.sinh()); same(cosh(x), x.cosh()); same(tanh(x), x.tanh())
    same(floor(x), x.floor()); same(ceil(x), x.ceil()); same(trunc(x), x.trunc())
    same(sign(x), x.sign()); same(isnan(x), x.isnan()); same(isinf(x), x.isinf())
    same(isfinite(x), x.isfinite()); same(expm1(x), x.expm1())
}
for x in pos {
    same(sqrt(x), x.sqrt()); same(log(x), x.log()); same(log2(x), x.log2())
    same(log10(x), x.log10()); same(log1p(x), x.log1p())
}
for x in unit {
    same(arcsin(x), x.arcsin()); same(arccos(x), x.arccos())
}
# Known values (NumPy): dtypes follow NumPy's rules on the direct path.
assert(exp([0, 1]).dtype == float64)
assert(exp(astype([1.0], float32)).dtype == float32)
assert(floor([-3, 2]).dtype == int64)
assert(abs(-3) == 3)
assert(sqrt(4) == 2.0)
g = exp
assert(g(0.0) == 1.0)
