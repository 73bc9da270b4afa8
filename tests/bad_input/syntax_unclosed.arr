w = [1, 2, 3
print(w)
