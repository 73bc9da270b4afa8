load("no_such_file.npy")
