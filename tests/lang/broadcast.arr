# Broadcasting follows NumPy's rules exactly (values from NumPy).
a = reshape(arange(4), 4, 1)
b = arange(3)
c = a * b
assert(shape(c) == (4, 3))
assert(all(c[3] == [0, 3, 6]))
assert(shape(zeros(2, 1, 3) + zeros(4, 1)) == (2, 4, 3))
assert(shape(zeros(3) + 1) == (3,))
assert(shape(zeros(0, 3) + zeros(3)) == (0, 3))
assert(shape(zeros(1, 0) + zeros(5, 1)) == (5, 0))
m = [[1, 2, 3], [4, 5, 6]]
assert(all(m - mean(m, axis=0) == [[-1.5, -1.5, -1.5], [1.5, 1.5, 1.5]]))
assert(all(m / sum(m, axis=1, keepdims=true) == [[1/6, 2/6, 3/6], [4/15, 5/15, 6/15]]))
assert(shape(broadcast_to([1, 2, 3], 2, 3)) == (2, 3))
