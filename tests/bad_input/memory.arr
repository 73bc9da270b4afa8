zeros(10**12)
