# Statements: if/else if/else, while, for, break/continue/return (§5)
fn classify(x) {
    if x < 0 {
        return "neg"
    } else if x == 0 {
        return "zero"
    } else {
        return "pos"
    }
}
assert(classify(-3) == "neg")
assert(classify(0) == "zero")
assert(classify(2) == "pos")

s = 0
for i in range(10) {
    if i % 2 == 0 { continue }
    if i > 7 { break }
    s += i
}
assert(s == 1 + 3 + 5 + 7)

n = 0
while true {
    n += 1
    if n >= 5 { break }
}
assert(n == 5)

# for over an array walks its first axis
rows = 0
acc = zeros(3)
for r in [[1, 2, 3], [4, 5, 6]] {
    rows += 1
    acc = acc + r
}
assert(rows == 2)
assert(all(acc == [5, 7, 9]))
# for over a 1-d array gives scalars
tot = 0
for v in [1.5, 2.5] { tot += v }
assert(tot == 4.0)
# for with unpacking over tuples
pairs = ((1, 2), (3, 4))
k = 0
for a, b in pairs { k += a * b }
assert(k == 14)
# if blocks share the enclosing scope
if true { inner = 42 }
assert(inner == 42)
# else on the next line
if false {
    q = 1
}
else {
    q = 2
}
assert(q == 2)
# for over a dict gives keys
ks = ""
for key in {"x": 1, "y": 2} { ks = ks + key }
assert(ks == "xy")
