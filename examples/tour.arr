# A short tour of arr. Run with: cargo run --release -- examples/tour.arr
A = [[1, 2], [3, 4]]
print("A @ A =")
print(A @ A)

x = linspace(0, 1, 5)
print("x =", x)
print("x[::2] * 10 =", x[::2] * 10)
print("column sums:", A.sum(axis=0))

# Broadcasting: a column minus a row gives a table.
print(reshape(arange(3), 3, 1) - arange(4))

# Functions, lambdas and gradients.
fn loss(w) = sum((w - 3) ** 2)
print("loss([1, 2]) =", loss([1.0, 2.0]))
print("grad =", grad(loss)([1.0, 2.0]))

# Masks and fancy indexing.
v = [3, -1, 4, -1, 5, -9]
v[v < 0] = 0
print("clipped:", v, "largest two:", sort(v)[-2:])
