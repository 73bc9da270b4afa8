weight = 1
print(wieght)
