# Functions: defaults, keyword arguments, one-line form, lambdas, closures,
# recursion, tuple unpacking (§5)
fn add(a, b=10) { return a + b }
assert(add(1) == 11)
assert(add(1, 2) == 3)
assert(add(b=5, a=1) == 6)
fn square(x) = x ** 2
assert(square(4) == 16)
inc = x -> x + 1
assert(inc(1) == 2)
mul = (a, b) -> a * b
assert(mul(3, 4) == 12)
fn make_adder(n) {
    return x -> x + n
}
add5 = make_adder(5)
assert(add5(1) == 6)
fn fib(n) {
    if n < 2 { return n }
    return fib(n - 1) + fib(n - 2)
}
assert(fib(15) == 610)
# nested named function that recurses
fn outer(n) {
    fn inner(k) {
        if k == 0 { return 0 }
        return k + inner(k - 1)
    }
    return inner(n)
}
assert(outer(10) == 55)
# functions read globals at call time
g = 1
fn readg() = g
g = 2
assert(readg() == 2)
# assignment inside a function makes a local
h = 1
fn seth() {
    h = 99
    return h
}
assert(seth() == 99)
assert(h == 1)
# tuple returns and unpacking
fn divmod2(a, b) { return a // b, a % b }
q, r = divmod2(17, 5)
assert(q == 3 and r == 2)
a = 1; b = 2
a, b = b, a
assert(a == 2 and b == 1)
# functions are values
fn apply(f, x) = f(x)
assert(apply(square, 3) == 9)
assert(apply(x -> x * 2, 3) == 6)
# a function without return gives none
fn nothing() { x = 1 }
assert(nothing() == none)
# builtins may be shadowed, as in Python
fn shadow() {
    sum = 5
    return sum
}
assert(shadow() == 5)
assert(sum([1, 2]) == 3)
# method sugar
v = [3, 1, 2]
assert(v.sum() == 6)
assert(v.max() == 3)
assert(reshape(arange(6), 2, 3).sum(axis=0).shape == (3,))
# user functions work as methods too
fn double(x) = x * 2
assert(all(v.double() == [6, 2, 4]))
