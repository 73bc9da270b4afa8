# NumPy 2 promotion (NEP 50): literals are weak scalars. Expected dtypes
# checked against NumPy 2.4.
f32 = astype([1, 2, 3], float32)
assert(dtype(f32 * 2.0) == float32)
assert(dtype(f32 * 2) == float32)
assert(dtype(f32 + f32) == float32)
assert(dtype(f32 / 2) == float32)
i = [1, 2, 3]
assert(dtype(i * 2) == int64)
assert(dtype(i * 2.5) == float64)
assert(dtype(i / 2) == float64)
assert(dtype(i // 2) == int64)
assert(dtype(i + f32) == float64)          # int64 + float32 -> float64
assert(dtype(f32 + astype(i, float64)) == float64)
b = [true, false]
assert(dtype(b + 1) == int64)
assert(dtype(b * 1.5) == float64)
assert(dtype(b & b) == bool)
assert(dtype(b + b) == bool)               # bool + bool is logical or
assert(all((b + b) == [true, false]))
assert(dtype(i > 1) == bool)
assert(dtype(sqrt(i)) == float64)
assert(dtype(sqrt(f32)) == float32)
assert(dtype(abs(i)) == int64)
assert(dtype(floor(i)) == int64)
assert(dtype(floor([1.5])) == float64)
assert(dtype(i ** 2) == int64)
assert(dtype(i ** 0.5) == float64)
# a strong float64 scalar (a reduction result) promotes float32 arrays
s = sum(astype([1, 2], float64))
assert(dtype(f32 * s) == float64)
# int/int true division
assert(all(arange(5) / 2 == [0.0, 0.5, 1.0, 1.5, 2.0]))
# floor division and modulo take the sign of the divisor (NumPy)
assert(all([-7, 7] // 2 == [-4, 3]))
assert(all([-7, 7] % 3 == [2, 1]))
assert(all([-7.5, 7.5] % 2 == [0.5, 1.5]))
assert(all([-7.5, 7.5] // 2 == [-4.0, 3.0]))
# float division by zero gives inf/nan like NumPy
r = [1.0, -1.0, 0.0] / 0
assert(r[0] == inf and r[1] == -inf and isnan(r[2]))
# integer overflow wraps like NumPy
big = astype([9223372036854775807], int64)
assert((big + 1)[0] == -9223372036854775807 - 1)
# casts
assert(all(astype([1.7, -1.7], int64) == [1, -1]))
assert(all(astype([0, 2], bool) == [false, true]))
assert(dtype(float32(3)) == float32)
