x = 2
assert(x == 3, "x should be 3")
