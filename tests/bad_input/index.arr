a = arange(3)
a[5]
