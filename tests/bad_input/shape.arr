a = zeros(3, 4)
b = ones(5)
a + b
