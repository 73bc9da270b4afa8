int("three")
