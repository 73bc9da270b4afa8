# @ / matmul with NumPy's shapes (1-d, 2-d, batched)
A = [[1, 2], [3, 4]]
B = [[5, 6], [7, 8]]
assert(all(A @ B == [[19, 22], [43, 50]]))
v = [1, 1]
assert(all(A @ v == [3, 7]))
assert(all(v @ A == [4, 6]))
assert(v @ v == 2)
assert(shape(zeros(5, 2, 3) @ zeros(3, 4)) == (5, 2, 4))
assert(shape(zeros(5, 2, 3) @ zeros(5, 3, 4)) == (5, 2, 4))
assert(shape(zeros(2, 1, 2, 3) @ zeros(4, 3, 7)) == (2, 4, 2, 7))
assert(shape(zeros(5, 2, 3) @ zeros(3)) == (5, 2))
assert(shape(zeros(3) @ zeros(5, 3, 2)) == (5, 2))
assert(dtype(A @ B) == int64)
assert(dtype(astype(A, float32) @ astype(B, float32)) == float32)
assert(dtype(A @ astype(B, float64)) == float64)
C = A
C @= B
assert(all(C == [[19, 22], [43, 50]]))
x = reshape(arange(24.0), 2, 3, 4)
y = reshape(arange(8.0), 4, 2)
z = x @ y
assert(z[1, 2, 1] == 354.0)       # numpy: (np.arange(24.).reshape(2,3,4) @ np.arange(8.).reshape(4,2))[1,2,1]
assert(dot([1, 2, 3], [4, 5, 6]) == 32)
assert(all(outer([1, 2], [3, 4]) == [[3, 4], [6, 8]]))
assert(trace(eye(3)) == 3.0)
