# A stray operator: the parser points at it.
x = 1 +* 2
