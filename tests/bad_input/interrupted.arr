# The test sends SIGINT once "ready" is printed.
print("ready")
i = 0
while true { i += 1 }
